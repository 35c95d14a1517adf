"""``newsweave load DIR``: store what ``newsweave batch`` wrote, then run the cross-document stage.

Rows are stored in input order (``seq``, merged across the shards), ``BATCH`` documents a
transaction as ``ingest`` stores them, and each batch joins the stories incrementally; then
near-duplicates are linked and entities resolved across the database. Loading the same folder
again changes nothing: stored documents are recognised by their content hash.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from ..store import Store
from ..store.rows import from_payload
from .batch import FORMAT, MANIFEST, iter_shard, problem_of, shard_files
from .runner import BATCH, Ingest, Summary


def check_folder(folder: Path) -> list[Path]:
    """The shards of a batch output folder, or a ConfigError that says what is wrong."""
    manifest = folder / MANIFEST
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder; give the --output folder of `newsweave batch`")
    if not manifest.is_file():
        raise ConfigError(f"{folder}: no {MANIFEST} in it, so it is not the output of `newsweave batch` "
                          "(or that run did not finish; run it again into a new folder)")
    try:
        fmt = json.loads(manifest.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{manifest}: unreadable ({exc})") from exc
    if fmt != FORMAT:
        raise ConfigError(f"{manifest}: format {fmt!r}, but this newsweave reads {FORMAT!r}; run batch again with it")
    return shard_files(folder)


def rows_in_order(files: list[Path]) -> Iterator[dict[str, Any]]:
    return heapq.merge(*(iter_shard(f) for f in files), key=lambda r: r["seq"])


def load(store: Store, folder: Path, *, on_problem: Callable[[InputError], None] | None = None,
         advance: Callable[[int], None] = lambda n: None) -> Summary:
    files = check_folder(folder)
    runner = Ingest(store, on_problem=on_problem)
    summary = runner.summary
    summary.files = len(files)
    buffer: list[dict[str, Any]] = []

    def flush() -> None:
        with store.transaction() as conn:
            added, refused = runner.store_rows(conn, buffer)
        summary.added += added
        summary.unchanged += len(buffer) - len(added) - refused
        advance(len(buffer))
        buffer.clear()

    for row in rows_in_order(files):
        if row["kind"] == "problem":
            runner.problem_now(problem_of(row))
            advance(1)
            continue
        buffer.append(from_payload(row["payload"], row["signature"]))
        if len(buffer) >= BATCH:
            flush()
    if buffer:
        flush()
    runner.record_warnings()
    runner.resolve_entities(runner.unresolved())
    summary.entities = runner.entity_count()
    return summary


def count_rows(files: list[Path]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
