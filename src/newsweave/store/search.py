"""Full-text search over documents: SQLite's FTS5 (the ``docs_fts`` table, kept up to date as
documents are stored) or PostgreSQL's text search (an index on title and text).

A query's cost is bounded whatever it holds: at most :data:`MAX_QUERY` characters of it are read
(cut at a word), its words are searched once each (case-folded) and at most :data:`MAX_TERMS` of
them, and every statement runs under a :class:`Budget` (a deadline and a flag a client's
disconnect sets): on SQLite a progress handler stops the statement, on PostgreSQL the
``statement_timeout`` of the transaction does."""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import OperationalError

from ..errors import NewsweaveError
from ..link.names import fold
from .bulk import in_parts

SNIPPET_WORDS = 24
#: a word as FTS5's unicode61 tokenizer cuts them (letters and digits)
TOKEN = re.compile(r"[^\W_]+")
#: characters of a query read (the rest ignored; cut at the last whole word)
MAX_QUERY = 1000
#: distinct words of a query searched (the first ones; the rest ignored)
MAX_TERMS = 32
#: characters of a text PostgreSQL ranks a hit by (its title and its start: the lead paragraphs)
RANKED = 5000
#: SQLite virtual-machine steps between two looks at the budget (about a millisecond or less)
PROGRESS_STEPS = 1000


class SearchAborted(NewsweaveError):
    """A search stopped before its end: over its time (``cancelled`` False) or its client gone."""

    def __init__(self, message: str, *, cancelled: bool = False):
        super().__init__(message)
        self.cancelled = cancelled


@dataclass(slots=True)
class Budget:
    """What a search may spend: ``seconds`` from its creation or from :meth:`start` (None: no
    limit), and ``cancel``, an event another thread sets to stop it (the client went away)."""

    seconds: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = field(init=False, default=None)
    _on_stop: list[Callable[[], Any]] = field(init=False, default_factory=list)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.start()

    def start(self) -> None:
        """The clock starts now (a search that waited for a thread has all its time left)."""
        self.deadline = None if self.seconds is None else time.monotonic() + self.seconds

    def stop(self) -> None:
        """Cancel the search (from any thread): the flag set, and the statement running on
        PostgreSQL cancelled by the server (SQLite's progress handler sees the flag itself)."""
        with self._lock:
            if self.cancel.is_set():
                return
            self.cancel.set()
            hooks = list(self._on_stop)
        for hook in hooks:
            hook()

    @contextmanager
    def on_stop(self, hook: Callable[[], Any]) -> Iterator[None]:
        """``hook`` called by :meth:`stop` while inside."""
        with self._lock:
            self._on_stop.append(hook)
        try:
            yield
        finally:
            with self._lock:
                self._on_stop.remove(hook)

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
    """Statements run on ``conn`` inside are stopped when ``budget`` is spent: :class:`SearchAborted`.
    SQLite: a progress handler looks at the budget every :data:`PROGRESS_STEPS` steps. PostgreSQL:
    the transaction's ``statement_timeout`` is the time left, and :meth:`Budget.stop` cancels the
    running statement (a cancel request to the server)."""
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
    driver: Any = conn.connection.driver_connection
    cancel = getattr(driver, "cancel_safe", None) or getattr(driver, "cancel", None)
    try:
        with budget.on_stop(cancel) if cancel is not None else nullcontext():
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
                "SELECT doc_id, title, text FROM docs_fts WHERE docs_fts MATCH :q ORDER BY rank LIMIT :lim OFFSET :off"),
                {"q": match, "lim": limit, "off": offset}).all()
        else:
            doc = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
            query = "plainto_tsquery('english', :q)"
            plain = " ".join(words)
            total = conn.execute(text(f"SELECT count(*) FROM documents WHERE {doc} @@ {query}"),
                                 {"q": plain}).scalar() or 0
            # ranked by the title and the first RANKED characters: ts_rank's time grows with the
            # words times their positions (2.4 s for 32 words over five 60 KB texts)
            lead = f"to_tsvector('english', coalesce(title, '') || ' ' || left(text, {RANKED}))"
            rows = conn.execute(text(
                f"SELECT doc_id, title, text FROM documents WHERE {doc} @@ {query} "
                f"ORDER BY ts_rank({lead}, {query}) DESC, doc_id LIMIT :lim OFFSET :off"),
                {"q": plain, "lim": limit, "off": offset}).all()
    out = []
    for r in rows:  # snippets made here (FTS5's snippet() takes hits x words steps: 17 s for 32 common words in 300 KB)
        if budget is not None:
            budget.check()
        out.append({"doc_id": r.doc_id, "title": r.title, "snippet": snippet(r.text, words)})
    return total, out


def _hits(body: str, wanted: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each word of ``body`` in ``wanted`` (folded words)."""
    if body.isascii():  # one regular expression over the lower-cased text (same offsets): C speed
        pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True)))
                             + r")(?![^\W_])")
        return [(m.start(), m.end(), m.group()) for m in pattern.finditer(body.lower())]
    out = []
    for m in TOKEN.finditer(body):
        key = fold(m.group())
        if key in wanted:
            out.append((m.start(), m.end(), key))
    return out


def snippet(body: str, words: list[str], size: int = SNIPPET_WORDS) -> str:
    """About ``size`` words (``7 * size`` characters) of ``body`` around the place that holds the most of ``words`` (found as
    FTS5 finds them: any case, no diacritics), each found word marked "[...]", " … " where the
    text goes on: FTS5's snippet(), in time linear in the text and its hits (snippet() takes hits
    times words: 17 s for 32 common words over five 60 KB texts)."""
    wanted = {fold(w) for w in words}
    hits = _hits(body, wanted) if wanted else []
    width = size * 7  # characters: about `size` words of news text
    start = 0
    if hits:  # the span of at most `width` characters with the most distinct words, then the most hits
        count: dict[str, int] = {}
        lo, best, span = 0, (-1, -1), (0, 0)
        for hi, (_, end, key) in enumerate(hits):
            count[key] = count.get(key, 0) + 1
            while hits[lo][0] < end - width:
                gone = hits[lo][2]
                count[gone] -= 1
                if not count[gone]:
                    del count[gone]
                lo += 1
            if (len(count), hi - lo + 1) > best:
                best, span = (len(count), hi - lo + 1), (hits[lo][0], end)
        start = max(0, min(span[0] - (width - (span[1] - span[0])) // 2, len(body) - width))
    tokens = list(TOKEN.finditer(body, start, start + width))
    if tokens and tokens[0].start() == start > 0 and TOKEN.match(body, start - 1):
        tokens.pop(0)  # a word cut by the window's start
    if tokens and tokens[-1].end() == start + width and TOKEN.match(body, start + width):
        tokens.pop()  # a word cut by the window's end
    if not tokens:
        return ""
    first, last = tokens[0].start(), tokens[-1].end()
    out, at = [], first
    for a, b, _ in hits[bisect.bisect_left(hits, (first, -1, "")):]:
        if b > last:
            break
        out += [body[at:a], "[", body[a:b], "]"]
        at = b
    out.append(body[at:last])
    more_after = TOKEN.search(body, last) is not None
    return (" … " if TOKEN.search(body, 0, first) else "") + "".join(out) + (" … " if more_after else "")


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
        return {d for part in in_parts(ids) for d in conn.scalars(stmt, params | {"ids": part})}
