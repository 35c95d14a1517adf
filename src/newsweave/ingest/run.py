"""Run a batch: paths in, articles through the pipeline, documents stored, every problem
reported and recorded. One file is one transaction: a crash loses at most the file in hand, and a
re-run completes the batch (stored articles are recognised by their content hash and skipped)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from ..article import Article
from ..errors import InputError, StageError
from ..pipeline import Pipeline, build_pipeline
from ..store import Store
from .readers import read_input
from .sources import InputFile, iter_inputs

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(slots=True)
class Summary:
    files: int = 0
    added: list[str] = field(default_factory=list)  # doc_ids
    unchanged: int = 0  # already stored
    failed: list[InputError] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {
            "files": self.files, "added": len(self.added), "unchanged": self.unchanged,
            "failed": [{"source": e.source, "row": e.row, "reason": e.reason} for e in self.failed],
            "skipped": [{"source": e.source, "reason": e.reason} for e in self.skipped],
        }


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class Ingest:
    def __init__(self, store: Store, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 on_problem: Callable[[InputError], None] | None = None):
        self.store = store
        self.max_bytes = max_bytes
        self.on_problem = on_problem or (lambda err: None)
        self._conn: Connection | None = None
        self.pipeline: Pipeline = build_pipeline(self._repeated)
        self.summary = Summary()

    def _repeated(self, outlet: str, keys: list[str], doc_id: str) -> dict[str, int]:
        assert self._conn is not None
        return self.store.repeated_lines(self._conn, outlet, keys, doc_id)

    def plan(self, paths: list[str]) -> list[InputFile | InputError]:
        """The inputs below ``paths``, leaving out the database's own files."""
        own = self.store.own_files()
        return [i for i in iter_inputs(paths)
                if not (isinstance(i, InputFile) and own and i.source != "stdin" and i.path.resolve() in own)]

    def run(self, items: Iterable[InputFile | InputError], advance: Callable[[], None] = lambda: None) -> Summary:
        for item in items:
            with self.store.transaction() as conn:
                self._conn = conn
                if isinstance(item, InputError):
                    self._problem(item)
                else:
                    self.summary.files += 1
                    self._file(item)
                self._conn = None
            advance()
        return self.summary

    def _problem(self, err: InputError) -> None:
        assert self._conn is not None
        (self.summary.skipped if err.kind == "skipped" else self.summary.failed).append(err)
        self.store.record_problem(self._conn, err)
        self.on_problem(err)

    def _read(self, f: InputFile) -> bytes:
        limit = f"the limit is {human_size(self.max_bytes)}; raise it with --max-size"
        if f.source == "stdin":
            data = sys.stdin.buffer.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                raise InputError(f.source, f"too large (over {human_size(self.max_bytes)}; {limit})")
            return data
        try:
            size = f.path.stat().st_size
            if size > self.max_bytes:
                raise InputError(f.source, f"too large ({human_size(size)}; {limit})")
            return f.path.read_bytes()
        except OSError as exc:
            raise InputError(f.source, f"cannot read: {exc.strerror or exc}") from exc

    def _file(self, f: InputFile) -> None:
        try:
            for item in read_input(f, self._read(f)):
                if isinstance(item, InputError):
                    self._problem(item)
                else:
                    self._article(item)
        except InputError as err:
            self._problem(err)

    def _process(self, article: Article) -> Article | None:
        """The pipeline on one article; a failure is reported and recorded, never raised."""
        try:
            return self.pipeline(article)
        except InputError as err:
            self._problem(err)
        except StageError as err:
            self._problem(InputError(article.source, f"{err.stage}: {err.reason}"))
        return None

    def _article(self, article: Article) -> None:
        assert self._conn is not None
        if self.store.has_document(self._conn, article.doc_id):
            self.summary.unchanged += 1
            return
        done = self._process(article)
        if done is None:
            return
        if self.store.add_document(self._conn, done):
            self.summary.added.append(done.doc_id)
        else:
            self.summary.unchanged += 1

    def reprocess(self, advance: Callable[[], None] = lambda: None) -> int:
        """Re-run every stage on every stored document's raw content. A document whose re-run
        fails keeps what it had (the failure is reported). Returns how many were updated."""
        updated = 0
        rows = list(self.store.iter_documents(columns=("doc_id", "source", "fmt", "raw", "encoding")))
        for row in rows:
            with self.store.transaction() as conn:
                self._conn = conn
                article = Article(row["source"], row["fmt"], row["raw"], doc_id=row["doc_id"], encoding=row["encoding"])
                done = self._process(article)
                if done is not None:
                    self.store.update_document(conn, done)
                    updated += 1
                self._conn = None
            advance()
        return updated
