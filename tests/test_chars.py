"""Text cleaned once at the door (newsweave.chars): zero-width and bidi controls out, joiners kept
where a script needs them, lone surrogates replaced, NFC; a source's undecodable bytes escaped."""

from __future__ import annotations

import json
import os
import unicodedata

import pytest

from newsweave.article import Article
from newsweave.chars import BIDI_CONTROLS, ZERO_WIDTH, escape_surrogates, normalise_text


@pytest.mark.parametrize("written", [
    "Ramesh\u200b Kumar", "Ramesh \u200bKumar", "Ram\u2060esh Kumar", "\ufeffRamesh Kumar", "Ra\u00admesh Kumar",
    "\u202eRamesh Kumar\u202c", "\u2067Ramesh\u2069 Kumar", "Ramesh\u200e Kumar\u200f", "Ramesh\u200d Kumar",
    "Ram\u200cesh Kumar",
])
def test_chars_invisible_characters_out_of_names(written):
    assert normalise_text(written) == "Ramesh Kumar"


def test_chars_every_zero_width_and_bidi_control_removed():
    text = "a" + "a".join(ZERO_WIDTH + BIDI_CONTROLS) + "a"
    assert normalise_text(text) == "a" * (len(ZERO_WIDTH + BIDI_CONTROLS) + 1)


@pytest.mark.parametrize("word", [
    "क्\u200dष",  # Devanagari: a half form (ZWJ after the virama)
    "क्\u200cष",  # ... and the explicit virama (ZWNJ)
    "র\u200d্য",  # Bengali ya-phala
    "می\u200cخواهم",  # Persian: ZWNJ between the parts of one word
    "👨\u200d👩\u200d👧",  # an emoji sequence
])
def test_chars_joiners_kept_in_scripts_that_use_them(word):
    assert normalise_text(word) == unicodedata.normalize("NFC", word)
    assert normalise_text(f"Ramesh\u200d Kumar {word}") == f"Ramesh Kumar {unicodedata.normalize('NFC', word)}"


def test_chars_nfc_and_lone_surrogates():
    assert normalise_text("Jose\u0301 said") == "José said"
    assert normalise_text("bad \ud800 byte") == "bad \ufffd byte"
    assert normalise_text("plain ASCII stays") == "plain ASCII stays"


def test_chars_source_undecodable_bytes_escaped():
    name = os.fsdecode(b"dir/bad\xff\xfe.txt")
    assert escape_surrogates(name) == "dir/bad\\xff\\xfe.txt"
    assert escape_surrogates("row#\ud800") == "row#\\ud800"
    assert escape_surrogates("plain/ünïcode.txt") == "plain/ünïcode.txt"


def test_chars_article_door_cleans_raw_and_source():
    a = Article(os.fsdecode(b"bad\xff.txt"), "text", "PATNA: Ramesh\u200b Kumar resigned. \ud800")
    assert a.source == "bad\\xff.txt" and a.raw == "PATNA: Ramesh Kumar resigned. \ufffd"
    b = Article("x.txt", "text", "PATNA: Ramesh Kumar resigned. \ufffd")
    assert a.doc_id == b.doc_id  # one content, one id
    row = Article("d.jsonl#1", "record", json.dumps({"text": "Ramesh\u202e Kumar"}, ensure_ascii=False))
    assert json.loads(row.raw)["text"] == "Ramesh Kumar"
