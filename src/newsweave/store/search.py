"""Full-text search over documents: SQLite's FTS5 (the ``docs_fts`` table, kept up to date as
documents are stored) or PostgreSQL's text search (an index on title and text).

A query's cost is bounded whatever it holds: at most :data:`MAX_QUERY` characters of it are read
(cut at a word), its words are searched once each (case-folded) and at most :data:`MAX_TERMS` of
them, and every statement runs under a :class:`Budget` (a deadline and a flag a client's
disconnect sets): on SQLite a progress handler stops the statement, on PostgreSQL the
``statement_timeout`` of the transaction does."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import OperationalError

from ..errors import NewsweaveError

SNIPPET_WORDS = 24
#: characters of a query read (the rest ignored; cut at the last whole word)
MAX_QUERY = 1000
#: distinct words of a query searched (the first ones; the rest ignored)
MAX_TERMS = 32
#: SQLite virtual-machine steps between two looks at the budget (about a millisecond or less)
PROGRESS_STEPS = 1000


class SearchAborted(NewsweaveError):
    """A search stopped before its end: over its time (``cancelled`` False) or its client gone."""

    def __init__(self, message: str, *, cancelled: bool = False):
        super().__init__(message)
        self.cancelled = cancelled


@dataclass(slots=True)
class Budget:
    """What a search may spend: ``seconds`` from its creation (None: no limit), and ``cancel``, an
    event another thread sets to stop it (the client went away)."""

    seconds: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.deadline = None if self.seconds is None else time.monotonic() + self.seconds

    def spent(self) -> bool:
        return self.cancel.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline)

    def check(self) -> None:
        """Raise :class:`SearchAborted` when the client is gone or the time is up."""
        if self.cancel.is_set():
            raise SearchAborted("the search was cancelled: its client went away", cancelled=True)
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise SearchAborted(f"the search took over {self.seconds:g} s and was stopped; "
                                "search for fewer or rarer words")

    def remaining_ms(self) -> int | None:
        if self.deadline is None:
            return None
        return max(1, int((self.deadline - time.monotonic()) * 1000))


def clip(q: str) -> str:
    """The part of ``q`` that is read: its first :data:`MAX_QUERY` characters, cut at a word."""
    if len(q) <= MAX_QUERY:
        return q
    head = q[:MAX_QUERY]
    if q[MAX_QUERY].isalnum() or q[MAX_QUERY] == "_":  # the cut falls inside a word: drop that word
        head = re.sub(r"\w+$", "", head)
    return head


def terms(q: str) -> list[str]:
    """The words searched for ``q``: each word of :func:`clip` (q) once (case-folded: "Patna" and
    "PATNA" are one), in their order, at most :data:`MAX_TERMS`."""
    seen: dict[str, str] = {}
    for w in re.findall(r"\w+", clip(q)):
        seen.setdefault(w.casefold(), w)
        if len(seen) == MAX_TERMS:
            break
    return list(seen.values())


@contextmanager
def bounded(conn: Connection, budget: Budget | None) -> Iterator[None]:
    """Statements run on ``conn`` inside are stopped when ``budget`` is spent: :class:`SearchAborted`."""
    if budget is None:
        yield
        return
    budget.check()
    if conn.dialect.name == "sqlite":
        raw: Any = conn.connection.driver_connection
        raw.set_progress_handler(budget.spent, PROGRESS_STEPS)
        try:
            yield
        except OperationalError as exc:
            if "interrupted" not in str(exc.orig):
                raise
            budget.check()
            raise SearchAborted("the search was stopped") from exc  # spent() was true a moment ago
        finally:
            raw.set_progress_handler(None, PROGRESS_STEPS)
        return
    ms = budget.remaining_ms()
    if ms is not None:  # this transaction's statements only (set_config(..., true): SET LOCAL)
        conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(ms)})
    try:
        yield
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "57014":  # query_canceled
            raise
        budget.check()
        raise SearchAborted("the search was stopped") from exc


def index_document(conn: Connection, doc_id: str, title: str | None, body: str, new: bool = True) -> None:
    """Index a stored document for search (``new``: it was just added, nothing to replace). On
    SQLite the index row shares the document's rowid, so replacing it is a key lookup."""
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL indexes the documents table itself
    rowid = conn.execute(text("SELECT rowid FROM documents WHERE doc_id = :d"), {"d": doc_id}).scalar()
    if not new:
        conn.execute(text("DELETE FROM docs_fts WHERE rowid = :r"), {"r": rowid})
    conn.execute(text("INSERT INTO docs_fts (rowid, doc_id, title, text) VALUES (:r, :d, :t, :x)"),
                 {"r": rowid, "d": doc_id, "t": title or "", "x": body})


def _fts_query(q: str) -> str:
    """The :func:`terms` of the query, each quoted (FTS5 syntax in user input is taken literally)."""
    return " ".join(f'"{w}"' for w in terms(q))


def search(conn: Connection, q: str, limit: int, offset: int,
           budget: Budget | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(how many documents match, one page of them: doc_id, title, snippet), best first: the
    documents that have every one of the query's :func:`terms`."""
    words = terms(q)
    if not words:
        return 0, []
    with bounded(conn, budget):
        if conn.dialect.name == "sqlite":
            match = _fts_query(q)
            total = conn.execute(text("SELECT count(*) FROM docs_fts WHERE docs_fts MATCH :q"),
                                 {"q": match}).scalar() or 0
            rows = conn.execute(text(
                "SELECT doc_id, title, snippet(docs_fts, 2, '[', ']', ' … ', :n) AS snippet FROM docs_fts "
                "WHERE docs_fts MATCH :q ORDER BY rank LIMIT :lim OFFSET :off"),
                {"q": match, "n": SNIPPET_WORDS, "lim": limit, "off": offset}).mappings().all()
            return total, [dict(r) for r in rows]
        plain = " ".join(words)
        doc = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
        query = "plainto_tsquery('english', :q)"
        total = conn.execute(text(f"SELECT count(*) FROM documents WHERE {doc} @@ {query}"), {"q": plain}).scalar() or 0
        rows = conn.execute(text(
            f"SELECT doc_id, title, ts_headline('english', text, {query}, "
            "'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS snippet "
            f"FROM documents WHERE {doc} @@ {query} ORDER BY ts_rank({doc}, {query}) DESC LIMIT :lim OFFSET :off"),
            {"q": plain, "lim": limit, "off": offset}).mappings().all()
        return total, [dict(r) for r in rows]


def matching(conn: Connection, q: str, doc_ids: list[str], budget: Budget | None = None) -> set[str]:
    """Which of the documents ``doc_ids`` :func:`search` finds for ``q``."""
    ids = sorted(set(doc_ids))
    words = terms(q)
    if not ids or not words:
        return set()
    if conn.dialect.name == "sqlite":
        stmt = text("SELECT doc_id FROM docs_fts WHERE docs_fts MATCH :q AND doc_id IN :ids")
        params = {"q": _fts_query(q)}
    else:
        stmt = text("SELECT doc_id FROM documents WHERE doc_id IN :ids AND "
                    "to_tsvector('english', coalesce(title, '') || ' ' || text) @@ plainto_tsquery('english', :q)")
        params = {"q": " ".join(words)}
    stmt = stmt.bindparams(bindparam("ids", expanding=True))
    with bounded(conn, budget):
        return {d for i in range(0, len(ids), 500) for d in conn.scalars(stmt, params | {"ids": ids[i:i + 500]})}
