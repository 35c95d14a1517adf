"""The stage contract (pipeline/stages.py), enforced like spaCy's: a stage returns the Article it was
given and changes only what it declares; one article's failure, in a stage or in the database, is
recorded against its source while the rest of the batch is stored."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from newsweave.article import Article
from newsweave.errors import StageContractError, StageError
from newsweave.pipeline import runner as runner_mod
from newsweave.pipeline.runner import BATCH, Ingest
from newsweave.pipeline.stages import Pipeline, Stage, build_pipeline

from conftest import write


def _article(n: int = 0) -> Article:
    return Article(f"a{n}.txt", "text", f"Article number {n}.\n\nIt says something of its own, number {n}.")


def _through(stage: Stage) -> Pipeline:
    return Pipeline([*build_pipeline(nlp=False).stages, stage])


def test_stages_returning_none_fails_clearly():
    def forgets(a: Article) -> None:
        a.text = a.text.upper()

    with pytest.raises(StageContractError, match=r"stage 'forgets' returned NoneType .*must return the Article"):
        _through(Stage("forgets", forgets, needs=("text",), adds=("text",)))(_article())


def test_stages_returning_another_article_fails_clearly():
    with pytest.raises(StageContractError, match=r"'copies' returned another Article"):
        _through(Stage("copies", lambda a: replace(a), needs=("text",), adds=("text",)))(_article())


def test_stages_writing_an_undeclared_field_fails_clearly():
    def titles(a: Article) -> Article:
        a.title = "Something else"
        return a

    with pytest.raises(StageContractError, match=r"'titles' changed \['title'\] .*does not declare"):
        _through(Stage("titles", titles, needs=("text",), adds=("text",)))(_article())


def test_stages_batch_stage_returning_fewer_fails_clearly():
    with pytest.raises(StageContractError, match=r"batch stage 'drops' returned 1 items for 2 articles"):
        _through(Stage("drops", lambda arts: arts[:1], needs=("text",), adds=(), batch=True)).process(
            [_article(1), _article(2)])


def test_stages_declaring_no_field_of_article_fails_when_built():
    with pytest.raises(StageContractError, match=r"declares \['colour'\], which are no fields of Article"):
        Stage("paints", lambda a: a, needs=("text",), adds=("colour",))
    with pytest.raises(StageContractError, match=r"needs \['events'\], which no earlier stage adds"):
        Pipeline([Stage("early", lambda a: a, needs=("events",), adds=())])


def test_stages_error_handler_records_failure_with_traceback_and_is_replaceable(caplog):
    def breaks(a: Article) -> Article:
        raise KeyError("boom")

    stage = Stage("breaks", breaks, needs=("text",), adds=())
    with caplog.at_level(logging.ERROR, logger="newsweave.pipeline.stages"):
        [err] = _through(stage).process([_article()])
    assert isinstance(err, StageError) and err.stage == "breaks" and "internal error KeyError" in err.reason
    assert "Traceback" in err.trace and "in breaks" in err.trace
    assert any("a0.txt" in r.getMessage() and r.exc_info for r in caplog.records)

    seen = []
    mine = Pipeline(_through(stage).stages, on_error=lambda st, a, exc: seen.append((st.name, a.source)) or
                    StageError(st.name, a.source, "mine"))
    [err] = mine.process([_article()])
    assert seen == [("breaks", "a0.txt")] and err.reason == "mine"


def test_stages_failing_batch_stage_is_logged_and_run_per_article(caplog):
    def picky(arts: list[Article]) -> list[Article]:
        if any("number 3" in a.text for a in arts):
            raise ValueError("not number 3")
        return arts

    with caplog.at_level(logging.WARNING, logger="newsweave.pipeline.stages"):
        out = _through(Stage("picky", picky, needs=("text",), adds=(), batch=True)).process(
            [_article(n) for n in range(5)])
    assert [type(r).__name__ for r in out] == ["Article"] * 3 + ["StageError"] + ["Article"]
    assert any("failed on a batch of 5" in r.getMessage() for r in caplog.records)


def _folder(tmp_path, n: int):
    for i in range(n):
        write(tmp_path / "in" / f"doc{i:02}.txt", f"Report {i} of the day.\n\nThe council met on day {i} "
                                                  f"and agreed on item {i}, its members said.")
    return tmp_path / "in"


def test_stages_one_bad_article_of_32_stores_the_other_31(store, tmp_path):
    assert BATCH == 32
    ingest = Ingest(store, nlp=False)

    def breaks_one(a: Article) -> Article:
        if a.source.endswith("doc07.txt"):
            raise RuntimeError("a bug met doc07")
        return a

    ingest.pipeline = Pipeline([*ingest.pipeline.stages, Stage("breaks_one", breaks_one, needs=("text",), adds=())])
    summary = ingest.run(ingest.plan([str(_folder(tmp_path, 32))]))
    assert len(summary.added) == 31 and store.count_documents() == 31
    [problem] = store.problems_list()
    assert problem["source"].endswith("doc07.txt") and "breaks_one: internal error RuntimeError" in problem["reason"]
    assert "Traceback" in problem["detail"] and "a bug met doc07" in problem["detail"]


def test_stages_one_article_the_database_refuses_of_32_stores_the_other_31(store, tmp_path, monkeypatch):
    real = runner_mod.document_rows

    def spoilt(a: Article):
        rows = real(a)
        if a.source.endswith("doc11.txt"):
            rows["document"]["text"] = None  # NOT NULL: the database refuses this one
        return rows

    monkeypatch.setattr(runner_mod, "document_rows", spoilt)
    ingest = Ingest(store, nlp=False)
    summary = ingest.run(ingest.plan([str(_folder(tmp_path, 32))]))
    assert len(summary.added) == 31 and store.count_documents() == 31 and summary.unchanged == 0
    [problem] = store.problems_list()
    assert problem["source"].endswith("doc11.txt") and "the database refused it" in problem["reason"]
    assert "Traceback" in problem["detail"]
    monkeypatch.setattr(runner_mod, "document_rows", real)
    again = Ingest(store, nlp=False)
    again.run(again.plan([str(tmp_path / "in")]))  # fixed: the re-run stores it, and its problem goes
    assert store.count_documents() == 32 and store.problems_list() == []
