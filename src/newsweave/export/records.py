"""Stored rows -> newsweave records v1. Every field SCHEMA.md lists is present (null or [] when
unknown); extra fields follow them."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ..link.kb import current_kb
from ..link.merge import stories
from ..records import (
    SCHEMA_FIELDS,
    DocumentRecord,
    EntityRecord,
    EventRecord,
    QuoteRecord,
    Record,
    StoryRecord,
    TimeRecord,
)
from ..store import Store

log = logging.getLogger(__name__)

__all__ = ["SCHEMA_FIELDS", "document_page", "documents", "entities", "merge_pending", "named_entities", "no_entity", "quotes", "records",
           "stories_and_events", "story_records", "event_records", "time_records"]


def document_record(row: dict[str, Any], copy_of: str | None = None) -> DocumentRecord:
    values: dict[str, Any] = {f: row.get(f) for f in DOCUMENT_COLUMNS}
    values["text"] = values["text"] or ""
    return DocumentRecord(**values, copy_of=copy_of)


#: the stored columns a document record is made of (no raw content)
DOCUMENT_COLUMNS = ("doc_id", "source", "outlet", "title", "byline", "published", "updated", "dateline", "text", "url",
                    "language")


def document_page(store: Store, *, outlet: str | None = None, limit: int = 50, offset: int = 0
                  ) -> tuple[int, list[DocumentRecord]]:
    """(how many, one page of) document records, read a page at a time."""
    total, rows = store.document_page(DOCUMENT_COLUMNS, outlet=outlet, limit=limit, offset=offset)
    return total, [document_record(r, r["copy_of"]) for r in rows]


def documents(store: Store) -> Iterator[DocumentRecord]:
    copies = store.copies()
    for row in store.iter_documents():
        yield document_record(row, copies.get(row["doc_id"]))


def _entity(row: dict[str, Any]) -> EntityRecord:
    return EntityRecord(**{f: row[f] for f in SCHEMA_FIELDS["entity"]})


def entities(store: Store) -> Iterator[EntityRecord]:
    for row in store.iter_entities():
        yield _entity(row)


def named_entities(store: Store, name: str, etype: str | None = None) -> list[EntityRecord]:
    """Entity records called ``name`` (any of their names, any case, no diacritics) or with that
    entity_id, most documented first; NotFoundError when there is none."""
    from ..link.names import fold

    wanted = fold(name)
    hits = [r for r in store.iter_entities(etype)
            if r["entity_id"] == name or wanted in {fold(n) for n in [r["name"], *r["aliases"]]}]
    if not hits:
        raise no_entity(name, etype)
    return [_entity(r) for r in hits]


def no_entity(name: str, etype: str | None = None) -> Exception:
    """The error when no entity (of type ``etype``) has this name or id."""
    from ..errors import NotFoundError

    what = "person" if etype == "PERSON" else "entity"
    return NotFoundError(f"no {what} named {name!r}; `newsweave entities{' --type ' + etype if etype else ''}` lists them")


def quotes(store: Store, docs: list[str] | None = None) -> Iterator[QuoteRecord]:
    """Quote records (``docs``: of those documents only)."""
    for row in store.iter_quotes(docs):
        quote_id = hashlib.sha1(f"{row['doc_id']}:{row['start']}".encode()).hexdigest()[:12]
        yield QuoteRecord(quote_id=quote_id, doc_id=row["doc_id"], text=row["text"], speaker=row["entity_id"],
                          speaker_name=row["entity_name"] or row["speaker_text"],
                          speaker_as_written=row["speaker_text"], start=row["start"], end=row["end"])


Merged = tuple[list[StoryRecord], list[EventRecord]]


def merge_pending(store: Store) -> None:
    """Merge the events a killed run left unmerged, if any (so what is read is current)."""
    with store.engine.connect() as conn:
        pending = store.merged.any_pending(conn)
    if pending and store.read_only:  # (events are merged by the next write)
        log.warning("the database is read-only: the events of documents a killed run left unmerged are as last merged")
    elif pending:
        with store.transaction() as conn:
            store.merged.refresh(conn, current_kb().inside)


def stories_and_events(store: Store) -> Merged:
    """Every story and merged event, as stored (events a killed run left unmerged are merged first)."""
    merge_pending(store)
    docs = list(store.iter_documents(columns=("doc_id", "source", "title", "byline", "outlet", "published")))
    index = store.story_index()
    story_list = stories(docs, index.story_map(), index.lead_lines)
    with store.engine.connect() as conn:
        return story_list, store.merged.records(conn)


def story_records(store: Store, merged: Merged | None = None) -> Iterator[StoryRecord]:
    yield from (merged or stories_and_events(store))[0]


def event_records(store: Store, merged: Merged | None = None) -> Iterator[EventRecord]:
    yield from (merged or stories_and_events(store))[1]


def time_records(store: Store) -> Iterator[TimeRecord]:
    for row in store.iter_times():
        yield TimeRecord(**{f: row[f] for f in SCHEMA_FIELDS["time"]})


#: kind -> producer of its records, in export order (each takes the store; the story and event
#: producers also take the merge they share)
EXPORTERS: dict[str, Callable[..., Iterator[Record]]] = {
    "document": documents,
    "story": story_records,
    "entity": entities,
    "event": event_records,
    "time": time_records,
    "quote": quotes,
}


def records(store: Store, kinds: list[str] | None = None) -> Iterator[Record]:
    """Every record of the kinds asked for; stories and events come from one merge."""
    merged = stories_and_events(store) if kinds is None or {"story", "event"} & set(kinds) else None
    for kind, produce in EXPORTERS.items():
        if kinds is None or kind in kinds:
            yield from (produce(store, merged) if kind in ("story", "event") else produce(store))
