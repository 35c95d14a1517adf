"""newsweave from Python: process() a list of articles into typed records, open() a stored corpus,
records as pandas DataFrames with their kind's columns."""

from __future__ import annotations

import pytest

import newsweave
from newsweave.records import DocumentRecord, EventRecord

ARTICLES = [
    {"id": "a", "title": "Ravi Kant joins Jan Morcha", "outlet": "Daily Lamp", "published": "2026-03-16",
     "text": "Ravi Kant, a former minister, joined the Jan Morcha in Patna on Monday along with 40 supporters. "
             "Kant left the Lok Vikas Party last week."},
    "Ravi Kant joined the Jan Morcha in Patna on Monday, with about 40 of his supporters, days after he quit "
    "the Lok Vikas Party.",
]


def test_corpus_process_gives_typed_records_without_a_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = newsweave.process(ARTICLES)
    assert len(records.documents) == 2 and all(isinstance(d, DocumentRecord) for d in records.documents)
    joins = [e for e in records.events if e.type == "join_party"]
    assert joins and all(isinstance(e, EventRecord) for e in joins)
    assert any(e.actor_name == "Ravi Kant" for e in joins)
    assert {r.kind for r in records} >= {"document", "entity", "event", "story"}
    assert list(tmp_path.iterdir()) == []  # nothing kept


def test_corpus_process_reports_a_row_without_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = newsweave.process([{"title": "no body"}, ARTICLES[1]])
    assert len(records.documents) == 1 and len(records.problems) == 1


def test_corpus_open_events_to_pandas_has_the_event_columns(tmp_path):
    pandas = pytest.importorskip("pandas")
    with newsweave.open(tmp_path / "news.db") as corpus:
        assert corpus.ingest(ARTICLES) == []
        frame = corpus.events().to_pandas()
        docs = corpus.documents().to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) >= 1
    assert list(frame.columns) == list(EventRecord.columns())
    assert list(docs.columns) == list(DocumentRecord.columns()) and len(docs) == 2
    with newsweave.open(str(tmp_path / "news.db")) as again:  # the stored corpus, read back
        assert len(again.documents()) == 2


def test_corpus_import_newsweave_loads_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, newsweave\n"
            "print(sorted(m for m in ('spacy', 'sqlalchemy', 'fastapi', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_corpus_docs_python_md_examples_run(tmp_path, monkeypatch):
    """The worked examples of docs/python.md, as a notebook user would paste them."""
    import re
    from pathlib import Path

    pytest.importorskip("pandas")
    text = (Path(__file__).resolve().parent.parent / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks[:2]:  # articles in hand; a stored corpus (the third needs your own config file)
        exec(compile(block, "docs/python.md", "exec"), namespace)
    assert namespace["records"].events and len(namespace["records"].stories[0].doc_ids) == 2
    assert "actor_name" in namespace["events"].columns
