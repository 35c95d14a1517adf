"""The model's worker processes (``nlp_processes`` above one): a run's workers, started once,
parse batches ahead and hand back what one process finds; a worker's failure is raised, not lost."""

from __future__ import annotations

import os
import signal

import pytest

from newsweave.nlp import model
from newsweave.settings import Settings, activate

TEXTS = [f"Suneeta Pathak of the Lok Vikas Party met Arvind Rao in Kesarganj on day {n}. "
         "She said the party would decide next week." for n in range(9)]


def _read(docs) -> list[list[tuple]]:
    return [[(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_kb_id_) for t in doc] for doc in docs]


def test_model_run_workers_parse_ahead_what_one_process_parses():
    activate(Settings.load({"nlp_processes": 2}))
    one = _read(model.pipe(TEXTS, n_process=1))
    with model.parse_workers():
        assert model.prefetch(TEXTS[:5]) and model.prefetch(TEXTS[5:])
        pool = model.run_workers()
        first = _read(model.pipe(TEXTS[:5]))
        later = _read(model.pipe(TEXTS[5:]))
        assert pool is not None and not pool.ahead and model.prefetch(TEXTS) and model.run_workers() is pool
        assert model.prefetch(TEXTS[:2])
        again = _read(model.pipe(TEXTS[:2]))  # the same workers, for the whole run; the batch before, not taken, forgotten
        assert not pool.ahead and pool._live == set()
    assert first + later == one and again == one[:2]
    assert model._RUN is None and all(p.exitcode is not None for p in pool._procs)  # stopped with the run


def test_model_prefetch_outside_a_run_or_in_one_process_starts_nothing():
    activate(Settings.load({"nlp_processes": 2}))
    assert not model.prefetch(TEXTS)
    activate(Settings.load({"nlp_processes": 1}))
    with model.parse_workers():
        assert not model.prefetch(TEXTS) and model.run_workers() is None


class _Broken:
    vocab = None

    def pipe(self, texts, batch_size):
        raise ValueError("no parse today")


def test_model_a_worker_that_fails_is_raised_as_parse_failed(monkeypatch):
    monkeypatch.setattr(model, "load_nlp", lambda: _Broken())  # the workers fork with it
    with model.ParseWorkers(1) as pool:
        with pytest.raises(model.ParseFailed, match="ValueError: no parse today"):
            list(pool.results(pool.submit(["A text."])))


def test_model_a_worker_that_dies_is_raised_as_parse_failed_with_what_to_do():
    with model.ParseWorkers(1) as pool:
        ticket = pool.submit(TEXTS * 8)  # more than it parses before the kill
        os.kill(pool._procs[0].pid, signal.SIGKILL)
        with pytest.raises(model.ParseFailed, match="NEWSWEAVE_NLP_PROCESSES=1"):
            list(pool.results(ticket))
        with pytest.raises(model.ParseFailed):
            pool.submit(TEXTS)


def test_model_a_run_whose_worker_died_parses_in_this_process_from_then_on(caplog):
    activate(Settings.load({"nlp_processes": 2}))
    one = _read(model.pipe(TEXTS, n_process=1))
    with model.parse_workers():
        assert model.prefetch(TEXTS)
        pool = model.run_workers()
        for proc in pool._procs:
            os.kill(proc.pid, signal.SIGKILL)
        with pytest.raises(model.ParseFailed):
            list(model.pipe(TEXTS * 8))
        assert not model.prefetch(TEXTS) and _read(model.pipe(TEXTS)) == one
    assert "parsing in this process for the rest of the run" in caplog.text
