"""What storing a processed article writes, as plain values: :func:`document_rows`.

The store writes these rows (:meth:`Store.add_rows`); ``newsweave batch`` writes them to Parquet
on workers that have no database, and ``newsweave load`` stores them later. Every value is
JSON-able except the MinHash signature (bytes), so a row travels as ``(payload JSON, signature)``.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from ..article import Article, line_key

#: document columns the pipeline derives (``reprocess`` rewrites these, never raw or doc_id)
DERIVED = ("url", "outlet", "outlet_evidence", "title", "byline", "published", "updated", "dateline",
           "text", "meta", "removed", "warnings", "language")


#: stored columns named other than their field (table -> field -> column)
COLUMN_NAMES = {"quotes": {"cluster": "speaker_cluster"}, "clusters": {"index": "cluster"}}


def stored(obj: Any, table: str) -> dict[str, Any]:
    """The fields of a dataclass the store keeps (all but those marked ``NOT_STORED``), under
    their column names; booleans as integers."""
    names = COLUMN_NAMES.get(table, {})
    out: dict[str, Any] = {}
    for f in fields(obj):
        if f.metadata.get("stored", True):
            value = getattr(obj, f.name)
            out[names.get(f.name, f.name)] = int(value) if isinstance(value, bool) else value
    return out


def document_rows(a: Article) -> dict[str, Any]:
    """Everything the store keeps of ``a``: ``document`` (its row), ``unread`` (why the English
    stages left it out, or None), ``lines`` (keys of its lines,
    for boilerplate counts), ``terms`` (for stories), ``signature`` and the child tables, each row
    built from its dataclass's fields (:func:`stored`)."""
    doc = {c: getattr(a, c) for c in ("doc_id", "source", "fmt", "encoding", "raw", *DERIVED)}
    doc["meta"] = a.meta or {}
    doc["removed"] = [r.as_dict() for r in a.removed]
    seen: set[int] = set()
    times = []
    for t in a.times:
        if t.start not in seen:
            seen.add(t.start)
            times.append(stored(t, "times"))
    return {
        "document": doc,
        "unread": a.unread,  # why the English stages left it out (a problem recorded when it is stored)
        "lines": sorted({k for k in (line_key(ln.content) for ln in a.lines) if k}) if a.outlet else [],
        "terms": dict(a.terms),
        "signature": a.signature,
        "mentions": [{"n": n, **stored(m, "mentions")} for n, m in enumerate(a.mentions)],
        "quotes": [{"n": n, **stored(q, "quotes")} for n, q in enumerate(a.quotes)],
        "times": times,
        "events": [{"n": n, **stored(e, "doc_events")} for n, e in enumerate(a.events)],
        "clusters": [stored(c, "clusters") | {"name": c.name, "forms": dict(c.forms)} for c in a.clusters],
    }


def to_payload(rows: dict[str, Any]) -> tuple[str, bytes | None]:
    """``rows`` as (JSON text, signature) for a Parquet row."""
    rest = {k: v for k, v in rows.items() if k != "signature"}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True), rows.get("signature")


def from_payload(payload: str, signature: bytes | None) -> dict[str, Any]:
    rows = json.loads(payload)
    rows["signature"] = signature
    return rows
