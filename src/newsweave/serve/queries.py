"""What the API and the pages read: the stored records, filtered and paged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select

from ..export.records import merge_pending, no_entity, quotes
from ..link.names import fold, name_words
from ..link.timeline import timeline
from ..records import EntityRecord, EventRecord, QuoteRecord, StoryRecord
from ..store import Store, in_parts
from ..store.search import Budget, clip, matching, search, terms
from ..store.stories import stories_of

#: the columns a list of documents shows
DOC_META = ("doc_id", "source", "outlet", "published", "title")


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


#: the columns of an entity record stored in ``entities`` (its doc_ids are its clusters')
ENTITY_COLUMNS = ("entity_id", "type", "name", "aliases", "kb_id", "doc_count")


def _entity_query(store: Store, etype: str | None) -> Any:
    """Entities' own columns (no documents), in the store's order: by type, most documented first."""
    t = store.entities
    q = select(*(t.c[c] for c in ENTITY_COLUMNS)).order_by(t.c.type, t.c.doc_count.desc(), t.c.name, t.c.entity_id)
    return q.where(t.c.type == etype) if etype is not None else q


def _entity_records(store: Store, conn: Connection, rows: list[Any]) -> list[EntityRecord]:
    """Entity records of these rows, their documents read for them alone (by index)."""
    c = store.clusters
    ids = [r.entity_id for r in rows]
    docs: dict[str, set[str]] = {i: set() for i in ids}
    for part in in_parts(ids):
        for eid, did in conn.execute(select(c.c.entity_id, c.c.doc_id).where(c.c.entity_id.in_(part))):
            docs[eid].add(did)
    return [EntityRecord(**{f: r._mapping[f] for f in ENTITY_COLUMNS if f != "doc_count"}, doc_ids=sorted(docs[r.entity_id]))
            for r in rows]


def entity_record(store: Store, ident: str, etype: str | None = None) -> EntityRecord:
    """The entity with this id, or the most documented one with this name (any of its names, any
    case, no diacritics), as :func:`~newsweave.export.records.named_entities` finds it; reads the
    entities' names, then the documents of that one entity."""
    wanted = fold(ident)
    with store.engine.connect() as conn:
        for r in conn.execute(_entity_query(store, etype or None)):
            if r.entity_id == ident or wanted in {fold(n) for n in [r.name, *r.aliases]}:
                return _entity_records(store, conn, [r])[0]
    raise no_entity(ident, etype)


def entity_list_page(store: Store, etype: str | None = None, q: str | None = None, *, limit: int,
                     offset: int = 0) -> dict[str, Any]:
    """One page of entity records (of type ``etype``; ``q``: part of a name or alias, any case),
    in the store's order, as :func:`page` gives it; only the page's entities' documents are read."""
    low = (q or "").lower()
    with store.engine.connect() as conn:
        if low:
            rows = [r for r in conn.execute(_entity_query(store, etype))
                    if low in r.name.lower() or any(low in a.lower() for a in r.aliases)]
            total, rows = len(rows), rows[offset:offset + limit]
        else:
            t = store.entities
            where = [t.c.type == etype] if etype is not None else []
            total = conn.scalar(select(func.count()).select_from(t).where(*where)) or 0
            rows = list(conn.execute(_entity_query(store, etype).limit(limit).offset(offset)))
        items = _entity_records(store, conn, rows)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def merged_events(store: Store, *, etype: str | None = None, actor: str | None = None, story: str | None = None,
                  entity: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[int, list[EventRecord]]:
    """(how many, a page of) merged events with these filters (see :meth:`MergedEvents.records`),
    read a page at a time."""
    merge_pending(store)
    with store.engine.connect() as conn:
        total = store.merged.count(conn, etype=etype, actor=actor, story=story, entity=entity)
        return total, store.merged.records(conn, etype=etype, actor=actor, story=story, entity=entity,
                                           limit=limit, offset=offset)


def person_timeline(store: Store, ident: str) -> dict[str, Any]:
    ent = entity_record(store, ident, "PERSON")
    evs = merged_events(store, actor=ent.entity_id)[1]  # a timeline reads the person's own events only
    by_id = {e.event_id: e.as_dict() for e in evs}
    t = timeline(ent.entity_id, evs)
    return {"entity_id": ent.entity_id, "name": ent.name, "aliases": ent.aliases, **t,
            "events": {eid: by_id[eid] for eid in [*(e for p in t["periods"] for e in p["events"]),
                                                   *(s["event"] for s in t["possible_steps"])]}}


def _words(text: str) -> list[str]:
    return name_words(text)


def entities_called(store: Store, q: str, budget: Budget | None = None) -> list[EntityRecord]:
    """The entities ``q`` names: one of its names or spellings (any case, no diacritics), or for a
    person, whole words of one (a surname, a first and a last name). Only :func:`clip` (q) is read,
    and a name is compared only when it has as many words as the query or more: linear in the
    query's words."""
    words = _words(clip(q))
    if not words:
        return []
    n = len(words)
    part_ok = sum(map(len, words)) >= 3  # "a", "mr": no part of a name found by them
    hits = []
    with store.engine.connect() as conn:  # the entities with every word of q (by index), then their names
        ids = store.entities_with_words(conn, list(dict.fromkeys(words)))
        t = store.entities
        rows = [r for part in in_parts(ids) for r in conn.execute(_entity_query(store, None).where(t.c.entity_id.in_(part)))]
        if len(ids) > 500:  # read in parts: in the order one statement gives
            rows.sort(key=lambda r: (r.type, -r.doc_count, r.name, r.entity_id))
        for k, e in enumerate(rows):
            if budget is not None and k % 256 == 0:
                budget.check()
            for name in dict.fromkeys([e.name, *e.aliases]):
                have = _words(name)
                if len(have) < n:
                    continue
                if have == words or (e.type == "PERSON" and part_ok
                                     and any(have[i:i + n] == words for i in range(len(have) - n + 1))):
                    hits.append(e)
                    break
        return _entity_records(store, conn, hits)


def search_documents(store: Store, q: str, limit: int, offset: int, budget: Budget | None = None) -> dict[str, Any]:
    """Full-text hits for ``q`` (best first), then the other documents that mention an entity ``q``
    names (:func:`entities_called`; newest first). Each hit has its outlet, publication time,
    story and the entities it was found by (``via``). ``terms``: the words searched (each once, at
    most :data:`~newsweave.store.search.MAX_TERMS`, from the first
    :data:`~newsweave.store.search.MAX_QUERY` characters). ``budget`` bounds the time it takes
    (:class:`~newsweave.store.search.SearchAborted` when it is spent)."""
    named = entities_called(store, q, budget)
    by_entity: dict[str, list[str]] = {}
    for e in named:
        for doc_id in e.doc_ids:
            by_entity.setdefault(doc_id, []).append(e.entity_id)
    with store.engine.connect() as conn:
        found, rows = search(conn, q, limit, offset, budget)
        also = set(by_entity) - matching(conn, q, list(by_entity), budget)
    if budget is not None:
        budget.check()
    extra = newest_first(document_meta(store, also).values())
    start = max(0, offset - found)
    for d in extra[start:start + limit - len(rows)]:
        rows.append({"doc_id": d["doc_id"], "title": d["title"], "snippet": None})
    meta = document_meta(store, [r["doc_id"] for r in rows])
    with store.engine.connect() as conn:
        story_of = stories_of(conn, store.tables["story_docs"], [r["doc_id"] for r in rows])
    for r in rows:
        m = meta.get(r["doc_id"], {})
        r |= {"outlet": m.get("outlet"), "published": m.get("published"), "story_id": story_of.get(r["doc_id"]),
              "via": by_entity.get(r["doc_id"], [])}
    _mention_snippets(store, [r for r in rows if r["snippet"] is None])
    return {"items": rows, "total": found + len(also), "limit": limit, "offset": offset, "q": q, "terms": terms(q),
            "entities": [{"entity_id": e.entity_id, "name": e.name, "type": e.type} for e in named]}


def _mention_snippets(store: Store, rows: list[dict[str, Any]]) -> None:
    """A hit found by an entity alone: its first mention's sentence as the snippet, the mention
    marked as :func:`search` marks a match ("[...]")."""
    wanted = {r["doc_id"]: r for r in rows}
    for entity_id in dict.fromkeys(e for r in rows for e in r["via"]):
        for m in store.entity_mentions(entity_id):
            r = wanted.get(m["doc_id"])
            if r is not None and r["snippet"] is None:
                i, j = m["in_sentence"], m["in_sentence"] + len(m["text"])
                r["snippet"] = m["sentence"][:i] + "[" + m["sentence"][i:j] + "]" + m["sentence"][j:]


def _document_columns(store: Store, ids: Iterable[str], columns: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """doc_id -> these columns (doc_id among them), for these documents (one statement per 500)."""
    d = store.documents
    cols = [d.c[c] for c in dict.fromkeys(("doc_id", *columns))]
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for part in in_parts(sorted(set(ids))):
            out.update((r.doc_id, dict(r._mapping)) for r in conn.execute(select(*cols).where(d.c.doc_id.in_(part))))
    return out


def document_meta(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """doc_id -> its :data:`DOC_META` columns, for these documents (no text read)."""
    return _document_columns(store, ids, DOC_META)


def document_texts(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """doc_id -> its ``doc_id``, ``text`` and ``byline``, for these documents."""
    return _document_columns(store, ids, ("text", "byline"))


def newest_first(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents by publication, the latest first (those with no date last)."""
    return sorted(docs, key=lambda r: (r["published"] is not None, r["published"] or "", r["doc_id"]), reverse=True)


def entity_events(store: Store, entity_id: str) -> list[EventRecord]:
    """The merged events this entity is the actor or the party of, in date order (undated last)."""
    evs = merged_events(store, entity=entity_id)[1]
    return sorted(evs, key=lambda e: (e.date is None, e.date or "", e.event_id))


def entity_page(store: Store, ident: str) -> dict[str, Any]:
    """An entity (by id or name), the documents that mention it (newest first, each with its
    first mention's sentence) and its events."""
    ent = entity_record(store, ident)
    first: dict[str, dict[str, Any]] = {}
    count: dict[str, int] = {}
    for m in store.entity_mentions(ent.entity_id):
        first.setdefault(m["doc_id"], m)
        count[m["doc_id"]] = count.get(m["doc_id"], 0) + 1
    docs = newest_first(document_meta(store, ent.doc_ids).values())
    for d in docs:
        d["mention"], d["mentions"] = first.get(d["doc_id"]), count.get(d["doc_id"], 0)
    return {"entity": ent, "documents": docs, "events": [e.as_dict() for e in entity_events(store, ent.entity_id)]}


def document_view(store: Store, ident: str) -> dict[str, Any]:
    """A document (by id, a unique prefix or its source) with its entities (one per entity, most
    mentioned first; names found in no entity apart), its events, its quotes and its story."""
    row = store.get_document(ident)
    doc_id = row["doc_id"]
    with store.engine.connect() as conn:
        clusters = store.doc_clusters(conn, docs=[doc_id])
        names = store.entity_names(conn, [c["entity_id"] for c in clusters if c["entity_id"]])
    found: dict[str, dict[str, Any]] = {}
    for c in clusters:
        key = c["entity_id"] or f"{c['type']}:{c['name']}"
        e = found.setdefault(key, {"entity_id": c["entity_id"], "type": c["type"], "forms": [], "mentions": 0,
                                   "name": names.get(c["entity_id"] or "", c["name"]), "kb_id": c["kb_id"]})
        forms: dict[str, int] = c["forms"] or {}  # written form -> how many mentions
        e["mentions"] += sum(forms.values())
        e["forms"] += [f for f in forms if f not in e["forms"]]
    ents = sorted(found.values(), key=lambda e: (e["entity_id"] is None, -e["mentions"], e["name"]))
    merge_pending(store)
    with store.engine.connect() as conn:
        evs = [e.as_dict() for e in store.merged.of_documents(conn, [doc_id])]
        story_id = stories_of(conn, store.tables["story_docs"], [doc_id]).get(doc_id)
    qs: list[QuoteRecord] = list(quotes(store, [doc_id]))
    return {"document": row, "entities": ents, "events": evs, "quotes": [q.as_dict() for q in qs],
            "story_id": story_id}


def story_people(store: Store, actors: list[str], speakers: list[str]) -> tuple[set[str], dict[str, str]]:
    """(which of ``actors`` are people, the person each of the ``speakers`` names is: the most
    documented one of that name), read for these ids and names alone."""
    t = store.entities
    q = select(t.c.entity_id, t.c.name).where(t.c.type == "PERSON").order_by(t.c.doc_count.desc(), t.c.name, t.c.entity_id)
    ids, names = sorted(set(actors)), sorted(set(speakers))
    people: set[str] = set()
    called: dict[str, str] = {}
    with store.engine.connect() as conn:
        for part in in_parts(ids):
            people.update(conn.scalars(select(t.c.entity_id).where(t.c.type == "PERSON", t.c.entity_id.in_(part))))
        for part in in_parts(names):
            for eid, name in conn.execute(q.where(t.c.name.in_(part))):
                called.setdefault(name, eid)
    return people, called
