"""Settings: read once from a config file, the environment and flags, in that order; the data
loader adds the user's files to the shipped ones; nothing travels through os.environ."""

from __future__ import annotations

import os

import pytest

from newsweave.article import Article
from newsweave.errors import ConfigError
from newsweave.pipeline.stages import build_pipeline
from newsweave.resources import data_sources, data_toml
from newsweave.settings import Settings, current, use


def _config(tmp_path, text: str):
    path = tmp_path / "newsweave.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_flags_over_environment_over_config_file(tmp_path):
    path = _config(tmp_path, 'db = "sqlite:///from-config.db"\npacks = "uk"\nnlp_processes = 2\nkb = "my-kb"\n'
                             '[data]\ntriggers = "more-triggers.toml"\n[stories]\nthreshold = 0.45\n')
    env = {"NEWSWEAVE_KB_PACKS": "india", "NEWSWEAVE_FURNITURE": "/x/furniture.toml"}
    s = Settings.load({"db": "sqlite:///from-flag.db", "kb": None}, env=env, config=path)
    assert s.db == "sqlite:///from-flag.db" and s.packs == "india" and s.nlp_processes == 2
    assert s.kb == str(tmp_path / "my-kb")  # a config file's paths are relative to the file
    assert s.overlays("triggers.toml") == (str(tmp_path / "more-triggers.toml"),)
    assert s.overlays("furniture.toml") == ("/x/furniture.toml",)
    assert s.story_params() == {"threshold": 0.45} and s.config == str(path)


def test_settings_config_file_mistakes_name_the_file_and_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"newsweave.toml: unknown setting 'database'"):
        Settings.load(env={}, config=_config(tmp_path, 'database = "x"\n'))
    with pytest.raises(ConfigError, match=r"\[data\] trigger: no data file of that name"):
        Settings.load(env={}, config=_config(tmp_path, '[data]\ntrigger = "x.toml"\n'))
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(env={}, config=_config(tmp_path, 'db = \n'))
    with pytest.raises(ConfigError, match='nlp_processes .* or "auto"'):
        Settings.load(env={"NEWSWEAVE_NLP_PROCESSES": "many"})


def test_settings_nlp_processes_auto_by_default_or_a_number():
    assert Settings.load(env={}).nlp_processes is None
    assert Settings.load(env={"NEWSWEAVE_NLP_PROCESSES": "Auto"}).nlp_processes is None
    assert Settings.load({"nlp_processes": "3"}, env={"NEWSWEAVE_NLP_PROCESSES": "auto"}).nlp_processes == 3


def test_settings_data_loader_adds_the_users_file_to_the_shipped_one(tmp_path):
    extra = tmp_path / "triggers.toml"
    extra.write_text('[join_party]\nverbs = ["hop"]\n', encoding="utf-8")
    shipped = data_toml("triggers.toml")
    with use(Settings(data=(("triggers.toml", str(extra)),))):
        merged = data_toml("triggers.toml")
        assert [w for w, _ in data_sources("triggers.toml")] == ["newsweave/data/triggers.toml", str(extra)]
    assert merged["join_party"]["verbs"] == [*shipped["join_party"]["verbs"], "hop"]
    assert merged["join_party"]["prepositions"] == shipped["join_party"]["prepositions"]  # the rest kept
    assert data_toml("triggers.toml") == shipped  # the run's settings again: the shipped file alone


def test_settings_a_users_trigger_verb_gives_events(tmp_path):
    text = "Ravi Kant hopped to the Lok Vikas Party in Patna on Monday, leaving the Jan Morcha after ten years."
    extra = tmp_path / "triggers.toml"
    extra.write_text('[join_party]\nverbs = ["hop"]\n', encoding="utf-8")

    def joins() -> list[str]:
        a = build_pipeline()(Article("hop.txt", "text", text))
        return [e.party_text or "" for e in a.events if e.type == "join_party"]

    assert not joins()
    with use(Settings(data=(("triggers.toml", str(extra)),))):
        assert any("Lok Vikas Party" in p for p in joins())
    assert not joins()


def test_settings_unreadable_users_file_is_a_clear_error(tmp_path):
    with use(Settings(data=(("speech.toml", str(tmp_path / "missing.toml")),))), \
            pytest.raises(ConfigError, match=r"missing.toml \(added to speech.toml\): cannot read it"):
        data_toml("speech.toml")


def test_cli_settings_flags_are_the_runs_not_the_environments(cli, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "parties.tsv").write_text("# Source: a test\nid\tname\tabbreviations\tforms\tstate_units\twikidata\n"
                                    "party:lvp\tLok Vikas Party\tLVP\t\t\t\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("The state unit chief of the Lok Vikas Party resigned on Friday.", encoding="utf-8")
    res = cli("--kb", str(kb), "--packs", "india", "ingest", str(tmp_path / "a.txt"), "--silent")
    assert res.exit_code == 0, res.output
    assert "NEWSWEAVE_KB" not in os.environ and "NEWSWEAVE_KB_PACKS" not in os.environ
    assert current().kb == str(kb) and current().packs == "india"


def test_cli_settings_config_file_names_the_database(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newsweave.cli import app

    (tmp_path / "a.txt").write_text("The state unit chief resigned from the party on Friday, citing "
                                    "differences with the leadership.", encoding="utf-8")
    path = _config(tmp_path, f'db = "sqlite:///{tmp_path / "configured.db"}"\n')
    res = CliRunner().invoke(app, ["--config", str(path), "ingest", str(tmp_path / "a.txt"), "--silent"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "configured.db").exists()
    res = CliRunner().invoke(app, ["--config", str(tmp_path / "nope.toml"), "docs"])
    assert res.exit_code == 2 and "cannot read the config file" in res.output
