"""Stored rows -> newsweave records v1. Every field SCHEMA.md lists is present (null or [] when
unknown); extra fields follow them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from ..store import Store

#: the fields SCHEMA.md requires, per kind, in its order
SCHEMA_FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("doc_id", "source", "outlet", "title", "byline", "published", "updated", "dateline", "text"),
    "entity": ("entity_id", "type", "name", "aliases", "kb_id", "doc_ids"),
    "quote": ("quote_id", "doc_id", "text", "speaker", "speaker_name"),
}


def document_record(row: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {"kind": "document"}
    rec.update({f: row.get(f) for f in SCHEMA_FIELDS["document"]})
    rec["text"] = rec["text"] or ""
    rec["url"] = row.get("url")
    return rec


def documents(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_documents():
        yield document_record(row)


def entities(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_entities():
        yield {"kind": "entity", **{f: row[f] for f in SCHEMA_FIELDS["entity"]}}


def quotes(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_quotes():
        quote_id = hashlib.sha1(f"{row['doc_id']}:{row['start']}".encode()).hexdigest()[:12]
        yield {"kind": "quote", "quote_id": quote_id, "doc_id": row["doc_id"], "text": row["text"],
               "speaker": row["entity_id"], "speaker_name": row["entity_name"] or row["speaker_text"],
               "speaker_as_written": row["speaker_text"], "start": row["start"], "end": row["end"]}


#: kind -> producer of its records, in export order
EXPORTERS: dict[str, Callable[[Store], Iterator[dict[str, Any]]]] = {
    "document": documents,
    "entity": entities,
    "quote": quotes,
}


def records(store: Store, kinds: list[str] | None = None) -> Iterator[dict[str, Any]]:
    for kind, produce in EXPORTERS.items():
        if kinds is None or kind in kinds:
            yield from produce(store)
