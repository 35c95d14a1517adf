"""``newsweave batch``'s two engines over the functions of :mod:`.batch`: ``local`` in this process,
``ray`` (:mod:`.ray_engine`) as a Ray Data pipeline; both write the same Parquet rows."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .batch import (
    BatchSummary,
    LineKeys,
    Process,
    ShardWriter,
    finish,
    out_problem,
    plan,
    prepare_output,
    read_rows,
    repeated_table,
)
from .runner import BATCH

ENGINES = ("local", "ray")


def run_batch(paths: list[str], output: Path, *, engine: str = "local", address: str | None = None,
              workers: int | None = None, max_bytes: int, silent: bool = True,
              advance: Callable[[int], None] = lambda n: None) -> BatchSummary:
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "ray":
        from .ray_engine import require_ray

        require_ray()
    prepare_output(output)
    items, problems = plan(paths)
    summary = BatchSummary(engine, str(output), files=len(items))
    if engine == "local":
        _run_local(items, problems, output, max_bytes, advance)
    else:
        from .ray_engine import run_ray

        summary.workers = run_ray(items, problems, output, address=address, workers=workers or os.cpu_count() or 1,
                                  max_bytes=max_bytes, silent=silent)
    finish(output, summary)
    return summary


def _run_local(items: list[dict[str, Any]], problems: list[dict[str, Any]], output: Path, max_bytes: int,
               advance: Callable[[int], None]) -> None:
    keys = LineKeys()
    docs: dict[tuple[str, str], set[str]] = {}
    for item in items:
        for row in keys.rows(read_rows(item, max_bytes)):
            docs.setdefault((row["outlet"], row["key"]), set()).add(row["doc_id"])
    process = Process(repeated_table((o, k, len(d)) for (o, k), d in docs.items()))
    del docs
    with ShardWriter(output) as sink:
        sink.write([out_problem(p) for p in problems])
        for item in items:
            rows = read_rows(item, max_bytes)
            for start in range(0, len(rows), BATCH):
                sink.write(process.rows(rows[start:start + BATCH]))
            advance(1)


