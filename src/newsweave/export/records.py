"""Stored rows -> newsweave records v1. Every field SCHEMA.md lists is present (null or [] when
unknown); extra fields follow them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from ..link.kb import kb_from_env
from ..link.merge import merge_events, stories, story_of
from ..store import Store

#: the fields SCHEMA.md requires, per kind, in its order
SCHEMA_FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("doc_id", "source", "outlet", "title", "byline", "published", "updated", "dateline", "text"),
    "entity": ("entity_id", "type", "name", "aliases", "kb_id", "doc_ids"),
    "quote": ("quote_id", "doc_id", "text", "speaker", "speaker_name"),
    "story": ("story_id", "title", "doc_ids", "outlets"),
    "time": ("doc_id", "start", "end", "text", "type", "value"),
    "event": ("event_id", "story_id", "type", "actor", "actor_name", "party", "party_name", "date", "place",
              "followers", "followers_reported", "modality", "attribution", "sources", "conflicts"),
}


def document_record(row: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {"kind": "document"}
    rec.update({f: row.get(f) for f in SCHEMA_FIELDS["document"]})
    rec["text"] = rec["text"] or ""
    rec["url"] = row.get("url")
    return rec


#: the stored columns a document record is made of (no raw content)
DOCUMENT_COLUMNS = ("doc_id", "source", "outlet", "title", "byline", "published", "updated", "dateline", "text", "url")


def document_page(store: Store, *, outlet: str | None = None, limit: int = 50, offset: int = 0
                  ) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) document records, read a page at a time."""
    total, rows = store.document_page(DOCUMENT_COLUMNS, outlet=outlet, limit=limit, offset=offset)
    return total, [document_record(r) | {"copy_of": r["copy_of"]} for r in rows]


def documents(store: Store) -> Iterator[dict[str, Any]]:
    copies = store.copies()
    for row in store.iter_documents():
        rec = document_record(row)
        rec["copy_of"] = copies.get(row["doc_id"])  # a syndicated copy or light rewrite of that document
        yield rec


def entities(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_entities():
        yield {"kind": "entity", **{f: row[f] for f in SCHEMA_FIELDS["entity"]}}


def named_entities(store: Store, name: str, etype: str | None = None) -> list[dict[str, Any]]:
    """Entity records called ``name`` (any of their names, any case, no diacritics) or with that
    entity_id, most documented first; NotFoundError when there is none."""
    from ..errors import NotFoundError
    from ..link.names import fold

    wanted = fold(name)
    hits = [r for r in store.iter_entities(etype)
            if r["entity_id"] == name or wanted in {fold(n) for n in [r["name"], *r["aliases"]]}]
    if not hits:
        what = "person" if etype == "PERSON" else "entity"
        raise NotFoundError(f"no {what} named {name!r}; `newsweave entities{' --type ' + etype if etype else ''}` lists them")
    return [{"kind": "entity", **{f: r[f] for f in SCHEMA_FIELDS["entity"]}} for r in hits]


def quotes(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_quotes():
        quote_id = hashlib.sha1(f"{row['doc_id']}:{row['start']}".encode()).hexdigest()[:12]
        yield {"kind": "quote", "quote_id": quote_id, "doc_id": row["doc_id"], "text": row["text"],
               "speaker": row["entity_id"], "speaker_name": row["entity_name"] or row["speaker_text"],
               "speaker_as_written": row["speaker_text"], "start": row["start"], "end": row["end"]}


def stories_and_events(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    merged = merge_events(store.event_rows(), store.copies(), kb_from_env().inside)
    docs = list(store.iter_documents(columns=("doc_id", "source", "title", "byline", "outlet", "published")))
    index = store.story_index()
    story_list = stories(docs, index.story_map(), index.lead_lines)
    by_doc = {d: s["story_id"] for s in story_list for d in s["doc_ids"]}
    events = []
    for ev in merged:
        rec = {"kind": "event", "event_id": ev["event_id"], "story_id": story_of(ev, by_doc)}
        rec.update({f: ev[f] for f in SCHEMA_FIELDS["event"] if f not in rec})
        rec["single_source"] = ev["single_source"]
        rec["independent_sources"] = ev["independent_sources"]
        if ev["post"]:
            rec["post"] = ev["post"]
        events.append(rec)
    return [{"kind": "story", **s} for s in story_list], events


def story_records(store: Store, merged: tuple[list, list] | None = None) -> Iterator[dict[str, Any]]:
    yield from (merged or stories_and_events(store))[0]


def event_records(store: Store, merged: tuple[list, list] | None = None) -> Iterator[dict[str, Any]]:
    yield from (merged or stories_and_events(store))[1]


def time_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_times():
        yield {"kind": "time", **{f: row[f] for f in SCHEMA_FIELDS["time"]}}


#: kind -> producer of its records, in export order (each takes the store; the story and event
#: producers also take the merge they share)
EXPORTERS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "document": documents,
    "story": story_records,
    "entity": entities,
    "event": event_records,
    "time": time_records,
    "quote": quotes,
}


def records(store: Store, kinds: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every record of the kinds asked for; stories and events come from one merge."""
    merged = stories_and_events(store) if kinds is None or {"story", "event"} & set(kinds) else None
    for kind, produce in EXPORTERS.items():
        if kinds is None or kind in kinds:
            yield from (produce(store, merged) if kind in ("story", "event") else produce(store))
