"""The ingest runner with parse workers: a batch's parse starts while the batch before it is
stored, and what is stored is what one process stores."""

from __future__ import annotations

import json
from io import StringIO

from newsweave.export.records import records
from newsweave.export.writers import write_jsonl
from newsweave.ingest.sources import iter_inputs
from newsweave.pipeline import runner
from newsweave.settings import Settings, activate
from newsweave.store import open_store

from conftest import EXAMPLES


def _ingest(url: str, processes: int) -> tuple[list[dict], runner.Summary]:
    activate(Settings.load({"nlp_processes": processes}))
    store = open_store(url)
    summary = runner.Ingest(store).run(list(iter_inputs([str(EXAMPLES), str(EXAMPLES)])))  # each file twice
    out = StringIO()
    write_jsonl(records(store), out)
    store.engine.dispose()
    return [json.loads(line) for line in out.getvalue().splitlines()], summary


def test_runner_parses_ahead_and_stores_what_one_process_stores(tmp_path, monkeypatch):
    from newsweave.nlp import stage

    monkeypatch.setattr(runner, "BATCH", 3)  # the sample's ten articles, twice: seven batches
    ahead: list[bool] = []
    prefetch = stage.prefetch
    monkeypatch.setattr(stage, "prefetch", lambda arts: ahead.append(prefetch(arts)) or ahead[-1])
    two, summary_two = _ingest(f"sqlite:///{tmp_path}/two.db", 2)
    assert any(ahead)
    one, summary_one = _ingest(f"sqlite:///{tmp_path}/one.db", 1)
    assert two == one and summary_two.as_dict() == summary_one.as_dict()
    assert summary_one.unchanged == 10 and len(summary_one.added) == 10
