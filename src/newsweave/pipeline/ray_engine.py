"""The ``ray`` engine of ``newsweave batch``: the functions of :mod:`.batch` as a Ray Data pipeline.

Input files are read by tasks (one file per task); the pipeline runs in a pool of actors, one per
worker, each loading the spaCy model once; rows are written with ``write_parquet``. Without an
address Ray starts on this machine (no setup); with one (``ray://head:10001`` or ``auto``) it runs
on that cluster, whose nodes must have newsweave installed (README, "Scale out").
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..ingest.boilerplate import MIN_OTHER_DOCS
from ..settings import Settings, activate, current
from .batch import (
    IN_COLUMNS,
    LineKeys,
    Process,
    out_problem,
    out_schema,
    read_rows,
    repeated_table,
)
from .runner import BATCH


def in_schema():
    import pyarrow as pa

    return pa.schema([("seq", pa.int64()), ("kind", pa.string()), ("source", pa.string()), ("fmt", pa.string()),
                      ("raw", pa.large_string()), ("encoding", pa.string()), ("payload", pa.string())])


def _read(batch: Any, max_bytes: int, settings: Settings) -> Any:
    import pyarrow as pa

    activate(settings)  # a task runs in a worker process: the run's settings come with it
    rows = [r for item in batch.to_pylist() for r in read_rows(item, max_bytes)]
    return pa.Table.from_pylist([{k: r[k] for k in IN_COLUMNS} for r in rows], schema=in_schema())


class _Keys:
    def __init__(self, settings: Settings) -> None:
        activate(settings)
        self.keys = LineKeys()

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        schema = pa.schema([("outlet", pa.string()), ("key", pa.string()), ("doc_id", pa.string())])
        return pa.Table.from_pylist(self.keys.rows(batch.to_pylist()), schema=schema)


class _Process:
    def __init__(self, repeated: dict[str, int], settings: Settings):
        activate(settings)
        self.process = Process(repeated)  # the spaCy model: once per actor

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist(self.process.rows(batch.to_pylist()), schema=out_schema())


def require_ray() -> None:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray Data: pip install 'newsweave[ray]' (or use --engine local)") from exc


def _start(address: str | None, workers: int) -> None:
    import ray

    if ray.is_initialized():
        return
    kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:  # one CPU more than workers: the actors hold one each and the read tasks need one
            ray.init(num_cpus=workers + 1, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot start Ray{f' at {address}' if address else ''}: {exc}") from exc


def run_ray(items: list[dict[str, Any]], problems: list[dict[str, Any]], output: Path, *, address: str | None,
            workers: int, max_bytes: int, silent: bool) -> int:
    """Run both passes on Ray; returns the number of pipeline actors."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import ray
    import ray.data

    _start(address, workers)
    if address:
        workers = max(1, int(ray.cluster_resources().get("CPU", workers)) - 1)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = not silent
    if silent:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    ctx.execution_options.preserve_order = True
    if problems:
        pq.write_table(pa.Table.from_pylist([out_problem(p) for p in problems], schema=out_schema()),
                       output / "plan-problems.parquet")
    if not items:
        return workers
    from ray.data.aggregate import Count
    from ray.data.expressions import col

    pool = ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=2)
    files = ray.data.from_items(items, override_num_blocks=len(items))
    # passed to every task and actor (the workers' environment is not the driver's); Ray spreads the
    # work over the cores, so a worker's spaCy forks no processes of its own unless told to
    settings = current()
    if settings.nlp_processes is None:
        settings = replace(settings, nlp_processes=1)
    # ray types a batch function as taking the batch alone; _read's max_bytes comes by fn_kwargs
    articles = (files.map_batches(_read, fn_kwargs={"max_bytes": max_bytes, "settings": settings},  # type: ignore[arg-type]
                                  batch_size=1, batch_format="pyarrow")
                .repartition(target_num_rows_per_block=BATCH))  # small blocks: every actor gets work
    keys = articles.map_batches(_Keys, fn_constructor_kwargs={"settings": settings}, batch_size=BATCH,
                                batch_format="pyarrow", compute=pool)
    per_doc = keys.groupby(["outlet", "key", "doc_id"], num_partitions=workers).count()
    per_line = (per_doc.groupby(["outlet", "key"], num_partitions=workers).aggregate(Count(alias_name="docs"))
                .filter(expr=col("docs") > MIN_OTHER_DOCS))
    counts = [(r["outlet"], r["key"], r["docs"]) for r in per_line.take_all()]
    processed = articles.map_batches(_Process, fn_constructor_kwargs={"repeated": repeated_table(counts),
                                                                      "settings": settings},
                                     batch_size=BATCH, batch_format="pyarrow", compute=pool)
    processed.write_parquet(str(output))
    return workers
