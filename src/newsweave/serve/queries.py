"""What the API and the pages read: the stored records, filtered and paged."""

from __future__ import annotations

from typing import Any

from ..export.records import event_records, named_entities
from ..link.timeline import timeline
from ..records import EntityRecord, StoryRecord
from ..store import Store
from ..store.search import search


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"items": items[offset:offset + limit], "total": len(items), "limit": limit, "offset": offset}


def story_list(store: Store, *, since: str | None = None, until: str | None = None, entity: str | None = None,
               outlet: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[int, list[StoryRecord]]:
    """(how many, a page of) stories, newest first, read from the stored story records a page at
    a time."""
    entity_id = entity_record(store, entity).entity_id if entity else None
    total, rows = store.story_page(since=since, until=until, outlet=outlet, entity_id=entity_id,
                                   limit=limit, offset=offset)
    return total, [StoryRecord(**r) for r in rows]


def entity_record(store: Store, ident: str, etype: str | None = None) -> EntityRecord:
    """The entity with this id, or the most documented one with this name."""
    return named_entities(store, ident, etype)[0]


def person_timeline(store: Store, ident: str) -> dict[str, Any]:
    ent = entity_record(store, ident, "PERSON")
    evs = list(event_records(store))
    by_id = {e.event_id: e.as_dict() for e in evs}
    t = timeline(ent.entity_id, evs)
    return {"entity_id": ent.entity_id, "name": ent.name, "aliases": ent.aliases, **t,
            "events": {eid: by_id[eid] for eid in [*(e for p in t["periods"] for e in p["events"]),
                                                   *(s["event"] for s in t["possible_steps"])]}}


def search_documents(store: Store, q: str, limit: int, offset: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        total, rows = search(conn, q, limit, offset)
    story_of = store.story_index().story_map()
    for r in rows:
        r["story_id"] = story_of.get(r["doc_id"])
    return {"items": rows, "total": total, "limit": limit, "offset": offset, "q": q}
