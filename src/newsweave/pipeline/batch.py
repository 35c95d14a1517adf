"""``newsweave batch``: the per-document work — read, clean, NLP, per-document extraction — as a
dataflow with no database, written to Parquet; ``newsweave load`` (:mod:`.load`) stores the result
and runs the cross-document stage.

Two engines run the same functions: ``local`` in this process, ``ray`` as a Ray Data pipeline
(files read by tasks, the pipeline with its spaCy model held by a pool of actors, one per worker,
loaded once). Two passes over the input:

1. every article through the cheap stages (extract, clean, metadata), to count how many articles
   of an outlet print each short line across the whole input (the ``boilerplate`` stage drops a
   line printed on ``MIN_OTHER_DOCS`` other pages; ``ingest`` counts the stored pages instead);
2. every article through the whole pipeline with those counts, into the rows the store keeps
   (:func:`newsweave.store.rows.document_rows`).

Each output row: ``seq`` (input order: the file's number << 32 | the row's), ``kind`` (``document``
or ``problem``), ``doc_id``, ``source``, ``payload`` (JSON) and ``signature`` (MinHash bytes).
``load`` stores them in ``seq`` order, so both engines give the same database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..article import Article
from ..chars import escape_surrogates
from ..errors import ConfigError, InputError
from ..ingest.boilerplate import MIN_OTHER_DOCS, judged_lines
from ..ingest.readers import read_input
from ..ingest.sources import InputFile, iter_inputs
from ..store.rows import document_rows, to_payload
from .runner import as_input_error, read_bytes
from .stages import build_pipeline

ROW_BITS = 32
SHARD_ROWS = 2000  # rows per Parquet file written by the local engine
MANIFEST = "newsweave-batch.json"
FORMAT = "newsweave batch rows v1"

#: every row between the stages: an input article (``kind`` article) or a problem
IN_COLUMNS = ("seq", "kind", "source", "fmt", "raw", "encoding", "payload")


def out_schema():
    import pyarrow as pa

    return pa.schema([("seq", pa.int64()), ("kind", pa.string()), ("doc_id", pa.string()), ("source", pa.string()),
                      ("payload", pa.string()), ("signature", pa.binary())])


# -- pure functions both engines run -------------------------------------------------------------
def problem_row(seq: int, err: InputError) -> dict[str, Any]:
    reason = escape_surrogates(err.reason)
    return {"seq": seq, "kind": "problem", "source": escape_surrogates(err.source), "fmt": None, "raw": None,
            "encoding": None, "payload": json.dumps({"row": err.row, "reason": reason, "kind": err.kind}, ensure_ascii=False)}


def out_problem(row: dict[str, Any]) -> dict[str, Any]:
    """A problem row as written."""
    return {"seq": row["seq"], "kind": "problem", "doc_id": None, "source": row["source"], "payload": row["payload"],
            "signature": None}


def problem_of(row: dict[str, Any]) -> InputError:
    p = json.loads(row["payload"])
    return InputError(row["source"], p["reason"], row=p["row"], kind=p["kind"])


def read_rows(item: dict[str, Any], max_bytes: int) -> list[dict[str, Any]]:
    """The article rows of one input file (problems as problem rows)."""
    f = InputFile(Path(item["path"]), item["source"])
    base = item["file"] << ROW_BITS
    out: list[dict[str, Any]] = []
    try:
        for a in read_input(f, read_bytes(f, max_bytes)):
            seq = base + len(out)
            if isinstance(a, InputError):
                out.append(problem_row(seq, a))
            else:
                out.append({"seq": seq, "kind": "article", "source": a.source, "fmt": a.fmt, "raw": a.raw,
                            "encoding": a.encoding, "payload": None})
    except InputError as err:
        out.append(problem_row(base + len(out), err))
    return out


def _articles(rows: list[dict[str, Any]]) -> list[Article]:
    return [Article(r["source"], r["fmt"], r["raw"], encoding=r["encoding"]) for r in rows if r["kind"] == "article"]


class LineKeys:
    """Pass 1: (outlet, line key, doc_id) of every judged line."""

    def __init__(self) -> None:
        self.pipeline = build_pipeline(None, nlp=False)

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
        out = []
        for a in self.pipeline.process(_articles(rows)):
            if isinstance(a, Article) and a.outlet:
                out += [{"outlet": a.outlet, "key": k, "doc_id": a.doc_id} for k in sorted({k for _, k in judged_lines(a)})]
        return out


def repeated_table(counts: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """(outlet, key, documents) -> the lines printed on enough pages to matter, keyed for :class:`Process`."""
    return {f"{o}\x00{k}": n for o, k, n in counts if n > MIN_OTHER_DOCS}


class Process:
    """Pass 2: article rows in, output rows out; the spaCy model loads once per instance."""

    def __init__(self, repeated: dict[str, int]):
        self.repeated = repeated
        self.pipeline = build_pipeline(self._lookup, nlp=True)

    def _lookup(self, outlet: str, keys: list[str], doc_id: str) -> dict[str, int]:
        found = {k: self.repeated.get(f"{outlet}\x00{k}", 0) - 1 for k in keys}
        return {k: n for k, n in found.items() if n > 0}

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        arts = [r for r in rows if r["kind"] == "article"]
        out = [out_problem(r) for r in rows if r["kind"] != "article"]
        for r, result in zip(arts, self.pipeline.process(_articles(arts))):
            if isinstance(result, Article):
                payload, sig = to_payload(document_rows(result))
                out.append({"seq": r["seq"], "kind": "document", "doc_id": result.doc_id, "source": result.source,
                            "payload": payload, "signature": sig})
            else:
                out.append(out_problem(problem_row(r["seq"], as_input_error(result))))
        return sorted(out, key=lambda row: row["seq"])


# -- the run -------------------------------------------------------------------------------------
@dataclass(slots=True)
class BatchSummary:
    engine: str
    output: str
    files: int = 0
    documents: int = 0
    problems: int = 0
    shards: int = 0
    workers: int = 1
    failed: list[InputError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "output": self.output, "files": self.files, "documents": self.documents,
                "problems": self.problems, "shards": self.shards, "workers": self.workers,
                "failed": [{"source": e.source, "row": e.row, "reason": e.reason} for e in self.failed]}


def plan(paths: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(input files to read, problem rows for paths that cannot be read), numbered in order."""
    items, problems = [], []
    for n, it in enumerate(iter_inputs(paths)):
        if isinstance(it, InputError):
            problems.append(problem_row(n << ROW_BITS, it))
        elif it.source == "stdin":
            problems.append(problem_row(n << ROW_BITS, InputError(
                "stdin", "batch reads files, not standard input; save it to a .jsonl file or use `newsweave ingest -`")))
        else:
            items.append({"file": n, "path": str(it.path), "source": it.source})
    return items, problems


def prepare_output(output: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ConfigError(f"--output {output}: it exists and is not an empty folder; name a new folder "
                          "(batch never mixes its rows with other files)")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--output {output}: cannot create it ({exc.strerror})") from exc


class ShardWriter:
    """Output rows into ``part-NNNNN.parquet`` files of ``SHARD_ROWS`` rows each."""

    def __init__(self, folder: Path):
        self.folder, self.n = folder, 0
        self.buffer: list[dict[str, Any]] = []

    def __enter__(self) -> ShardWriter:
        return self

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.buffer += rows
        if len(self.buffer) >= SHARD_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.buffer:
            table = pa.Table.from_pylist(self.buffer, schema=out_schema())
            pq.write_table(table, self.folder / f"part-{self.n:05d}.parquet")
            self.n, self.buffer = self.n + 1, []

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()


def shard_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.parquet") if p.is_file())


def finish(output: Path, summary: BatchSummary) -> None:
    import pyarrow.parquet as pq

    files = shard_files(output)
    summary.shards = len(files)
    for f in files:  # the kinds, and the problems' rows only (not every document's payload)
        summary.documents += pq.read_table(f, columns=["kind"]).column("kind").to_pylist().count("document")
        for row in pq.read_table(f, columns=["source", "payload"], filters=[("kind", "=", "problem")]).to_pylist():
            summary.problems += 1
            err = problem_of(row)
            if err.kind == "failed":
                summary.failed.append(err)
    manifest = {"format": FORMAT, "engine": summary.engine, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "files_read": summary.files, "documents": summary.documents, "problems": summary.problems,
                "shards": [str(f.relative_to(output)) for f in files]}
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def iter_shard(path: Path) -> Iterator[dict[str, Any]]:
    """One shard's rows in ``seq`` order."""
    import pyarrow.parquet as pq

    rows = pq.read_table(path).to_pylist()
    rows.sort(key=lambda r: r["seq"])
    yield from rows
