"""Full-text search over documents: SQLite's FTS5 (the ``docs_fts`` table, kept up to date as
documents are stored) or PostgreSQL's text search (an index on title and text)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, bindparam, text

SNIPPET_WORDS = 24


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
    """Every word of the query, quoted (FTS5 syntax in user input is taken literally)."""
    words = re.findall(r"\w+", q)
    return " ".join(f'"{w}"' for w in words)


def search(conn: Connection, q: str, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many documents match, one page of them: doc_id, title, snippet), best first."""
    if conn.dialect.name == "sqlite":
        match = _fts_query(q)
        if not match:
            return 0, []
        total = conn.execute(text("SELECT count(*) FROM docs_fts WHERE docs_fts MATCH :q"), {"q": match}).scalar() or 0
        rows = conn.execute(text(
            "SELECT doc_id, title, snippet(docs_fts, 2, '[', ']', ' … ', :n) AS snippet FROM docs_fts "
            "WHERE docs_fts MATCH :q ORDER BY rank LIMIT :lim OFFSET :off"),
            {"q": match, "n": SNIPPET_WORDS, "lim": limit, "off": offset}).mappings().all()
        return total, [dict(r) for r in rows]
    doc = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
    query = "plainto_tsquery('english', :q)"
    total = conn.execute(text(f"SELECT count(*) FROM documents WHERE {doc} @@ {query}"), {"q": q}).scalar() or 0
    rows = conn.execute(text(
        f"SELECT doc_id, title, ts_headline('english', text, {query}, "
        "'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS snippet "
        f"FROM documents WHERE {doc} @@ {query} ORDER BY ts_rank({doc}, {query}) DESC LIMIT :lim OFFSET :off"),
        {"q": q, "lim": limit, "off": offset}).mappings().all()
    return total, [dict(r) for r in rows]


def matching(conn: Connection, q: str, doc_ids: list[str]) -> set[str]:
    """Which of the documents ``doc_ids`` :func:`search` finds for ``q``."""
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    if conn.dialect.name == "sqlite":
        match = _fts_query(q)
        if not match:
            return set()
        stmt = text("SELECT doc_id FROM docs_fts WHERE docs_fts MATCH :q AND doc_id IN :ids")
        params = {"q": match}
    else:
        stmt = text("SELECT doc_id FROM documents WHERE doc_id IN :ids AND "
                    "to_tsvector('english', coalesce(title, '') || ' ' || text) @@ plainto_tsquery('english', :q)")
        params = {"q": q}
    stmt = stmt.bindparams(bindparam("ids", expanding=True))
    return {d for i in range(0, len(ids), 500) for d in conn.scalars(stmt, params | {"ids": ids[i:i + 500]})}
