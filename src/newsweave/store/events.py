"""Merged events kept in the database, current after every write.

One row per real-world event in ``events_merged`` (the record's fields; its lists as JSON), one per
source document in ``event_sources``, one per value reported where outlets disagree in
``event_conflicts``: what a user of sqlite3, Datasette or psql reads without running newsweave.

The cross-document step keeps them current incrementally. Events merge only within one actor (an
entity, or an unnamed group as written: :func:`newsweave.link.merge.actor_key`), so a write merges
again only the actors of the documents it touched: the documents stored, linked as copies, or
whose clusters changed entity (``events_pending`` holds them until the entities are resolved, in
the same transactions as those writes, so a killed run leaves them pending, never lost). The rows
an actor's merge reads are those of the documents already behind its stored events and of the
touched documents; nothing else can hold that actor's events, since a document whose entities
change is touched. A document that changes story only has its events' ``story_id`` updated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, or_, select, update

from ..link.merge import Inside, actor_key, merge_events, story_of, story_of_docs
from ..link.names import fold
from ..records import EventRecord
from .bulk import bulk_insert

log = logging.getLogger(__name__)

#: events_merged's columns holding the record's scalar fields, in the record's order
SCALARS = ("event_id", "story_id", "type", "actor", "actor_name", "party", "party_name", "date", "place",
           "followers", "modality", "single_source", "independent_sources", "post")
#: ... and its lists, as JSON
LISTS = ("followers_reported", "attribution", "sources", "conflicts", "doc_ids")
CHUNK = 500

#: Store.event_rows(conn, docs): each document's event rows with their entities
EventRows = Callable[[Connection, list[str] | None], list[dict[str, Any]]]


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _first_published(ev: EventRecord, published: Mapping[str, str | None]) -> str:
    return min((published.get(d) or "" for d in ev.doc_ids), default="")


def _rows(ev: EventRecord, key: str, first: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    outlets = {s["doc_id"]: s["outlet"] for s in ev.sources}
    event = {c: getattr(ev, c) for c in SCALARS} | {c: getattr(ev, c) for c in LISTS}
    event |= {"single_source": int(ev.single_source), "actor_key": key, "first_published": first}
    sources = [{"event_id": ev.event_id, "doc_id": s["doc_id"], "outlet": s["outlet"], "evidence": s["evidence"],
                "copy_of": s["copy_of"]} for s in ev.sources]
    conflicts = [{"event_id": ev.event_id, "field": c["field"], "value": str(v["value"]), "doc_ids": v["doc_ids"],
                  "outlets": sorted({outlets.get(d) or d for d in v["doc_ids"]})}
                 for c in ev.conflicts for v in c["values"]]
    return event, sources, conflicts


class MergedEvents:
    """The stored merged events of one store (``tables``: its reflected tables)."""

    def __init__(self, tables: Mapping[str, Table], event_rows: EventRows):
        self.events, self.sources = tables["events_merged"], tables["event_sources"]
        self.conflicts, self.pending = tables["event_conflicts"], tables["events_pending"]
        self.members, self.documents = tables["story_docs"], tables["documents"]
        self.copies_table = tables["near_duplicates"]
        self.event_rows = event_rows

    # -- what is to be merged again ----------------------------------------------------------------
    def mark(self, conn: Connection, docs: Iterable[str]) -> None:
        """Documents whose actors' events are to be merged again (by :meth:`refresh`)."""
        wanted = sorted(set(docs))
        have = {d for part in _chunks(wanted) for d in conn.scalars(
            select(self.pending.c.doc_id).where(self.pending.c.doc_id.in_(part)))}
        if fresh := [{"doc_id": d} for d in wanted if d not in have]:
            conn.execute(insert(self.pending), fresh)

    def any_pending(self, conn: Connection) -> bool:
        """Whether any document's actors are still to be merged again (one row read at most)."""
        return conn.scalar(select(self.pending.c.doc_id).limit(1)) is not None

    def pending_docs(self, conn: Connection) -> list[str]:
        return list(conn.scalars(select(self.pending.c.doc_id).order_by(self.pending.c.doc_id)))

    # -- merging -------------------------------------------------------------------------------
    def refresh(self, conn: Connection, inside: Inside, *, everything: bool = False) -> int:
        """Merge again the events of the pending documents' actors (``everything``: of every
        actor), in the transaction ``conn``; returns how many merged events were written."""
        if everything:
            for t in (self.conflicts, self.sources, self.events, self.pending):
                conn.execute(delete(t))
            rows = self.event_rows(conn, None)
            return self._write(conn, merge_events(rows, self._copies(conn, None), inside), rows)
        docs = self.pending_docs(conn)
        if not docs:
            return 0
        mine = self.event_rows(conn, docs)
        keys = {k for r in mine if (k := actor_key(r))}
        for part in _chunks(docs):  # the actors the documents' events were merged under before
            keys.update(conn.scalars(select(self.events.c.actor_key).distinct().join(
                self.sources, self.sources.c.event_id == self.events.c.event_id).where(self.sources.c.doc_id.in_(part))))
        ids, behind = self._stored(conn, sorted(keys))
        others = sorted(behind - set(docs))
        rows = [r for r in [*mine, *(self.event_rows(conn, others) if others else [])] if actor_key(r) in keys]
        self._forget(conn, ids)
        for part in _chunks(docs):
            conn.execute(delete(self.pending).where(self.pending.c.doc_id.in_(part)))
        merged = merge_events(rows, self._copies(conn, sorted({r["doc_id"] for r in rows})), inside)
        written = self._write(conn, merged, rows)
        log.info("merged events: %d actors of %d documents merged again (%d rows): %d events", len(keys), len(docs),
                 len(rows), written)
        return written

    def restory(self, conn: Connection, docs: Iterable[str]) -> int:
        """The story of the events of documents that changed story; returns how many changed."""
        docs = sorted(set(docs))
        if not docs:
            return 0
        e, s = self.events, self.sources
        found: dict[str, tuple[list[str], str | None]] = {}
        for part in _chunks(docs):  # (no DISTINCT: PostgreSQL's json has no equality)
            for r in conn.execute(select(e.c.event_id, e.c.doc_ids, e.c.story_id)
                                  .join(s, s.c.event_id == e.c.event_id).where(s.c.doc_id.in_(part))):
                found[r.event_id] = (r.doc_ids, r.story_id)
        stories = self._stories(conn, sorted({d for ids, _ in found.values() for d in ids}))
        changed = 0
        for event_id, (doc_ids, was) in found.items():
            sid = story_of_docs(doc_ids, stories)
            if sid != was:
                conn.execute(update(e).where(e.c.event_id == event_id).values(story_id=sid))
                changed += 1
        return changed

    def _stored(self, conn: Connection, keys: list[str]) -> tuple[list[str], set[str]]:
        """The stored events of the actors ``keys`` and the documents behind them."""
        e = self.events
        ids: list[str] = []
        docs: set[str] = set()
        for part in _chunks(keys):
            for event_id, doc_ids in conn.execute(select(e.c.event_id, e.c.doc_ids).where(e.c.actor_key.in_(part))):
                ids.append(event_id)
                docs.update(doc_ids)
        return ids, docs

    def _forget(self, conn: Connection, ids: list[str]) -> None:
        for part in _chunks(ids):
            for t in (self.conflicts, self.sources, self.events):
                conn.execute(delete(t).where(t.c.event_id.in_(part)))

    def _copies(self, conn: Connection, docs: list[str] | None) -> dict[str, str]:
        t = self.copies_table
        q = select(t.c.doc_id, t.c.copy_of)
        if docs is None:
            return dict(conn.execute(q).all())
        return {a: b for part in _chunks(docs) for a, b in conn.execute(q.where(t.c.doc_id.in_(part)))}

    def _stories(self, conn: Connection, docs: list[str]) -> dict[str, str]:
        m = self.members
        return {d: s for part in _chunks(docs) for d, s in conn.execute(
            select(m.c.doc_id, m.c.story_id).where(m.c.doc_id.in_(part)))}

    def _write(self, conn: Connection, merged: list[EventRecord], rows: list[dict[str, Any]]) -> int:
        published = {r["doc_id"]: r["published"] for r in rows}
        stories = self._stories(conn, sorted(published))
        by_id: dict[str, EventRecord] = {}
        for ev in merged:
            ev.story_id = story_of(ev, stories)
            n = 1
            base = ev.event_id
            while ev.event_id in by_id:  # two buckets of one actor with one id: the second is told apart
                n += 1
                ev.event_id = f"{base}-{n}"
            by_id[ev.event_id] = ev
        events, sources, conflicts = [], [], []
        for ev in by_id.values():
            key = _key_of(ev)
            a, b, c = _rows(ev, key, _first_published(ev, published))
            events.append(a)
            sources += b
            conflicts += c
        bulk_insert(conn, self.events, events)
        bulk_insert(conn, self.sources, sources)
        bulk_insert(conn, self.conflicts, conflicts)
        return len(events)

    # -- reading -------------------------------------------------------------------------------
    def records(self, conn: Connection, *, etype: str | None = None, actor: str | None = None,
                story: str | None = None, entity: str | None = None, limit: int | None = None,
                offset: int = 0) -> list[EventRecord]:
        """The merged events (every one, or those of this type, ``etype``, ``actor`` entity, ``story``, and
        with ``entity`` as actor or party), first reported first; ``limit``/``offset``: one page
        of them, read in SQL."""
        q = self._select().where(*self._where(etype, actor, story, entity))
        if limit is not None or offset:
            q = q.limit(limit).offset(offset)
        return [_record(r) for r in conn.execute(q)]

    def count(self, conn: Connection, *, etype: str | None = None, actor: str | None = None,
              story: str | None = None, entity: str | None = None) -> int:
        """How many merged events :meth:`records` gives with these filters."""
        e = self.events
        return conn.scalar(select(func.count()).select_from(e).where(*self._where(etype, actor, story, entity))) or 0

    def of_documents(self, conn: Connection, docs: Iterable[str]) -> list[EventRecord]:
        """The merged events any of ``docs`` is a source of, first reported first (by index: the
        events' sources, then those events)."""
        wanted = sorted(set(docs))
        s = self.sources
        ids = sorted({i for part in _chunks(wanted) for i in conn.scalars(
            select(s.c.event_id).where(s.c.doc_id.in_(part)))})
        e = self.events
        rows = [r for part in _chunks(ids) for r in conn.execute(self._select().where(e.c.event_id.in_(part)))]
        if len(ids) > CHUNK:  # read in parts: put in the order one statement gives
            rows.sort(key=lambda r: (r.first_published, r.event_id))
        return [_record(r) for r in rows]

    def _select(self) -> Any:
        e = self.events
        return (select(*(e.c[c] for c in (*SCALARS, *LISTS)), e.c.first_published)
                .order_by(e.c.first_published, e.c.event_id))

    def _where(self, etype: str | None, actor: str | None, story: str | None, entity: str | None) -> list[Any]:
        e = self.events
        where = []
        if etype is not None:
            where.append(e.c.type == etype)
        if actor is not None:
            where.append(e.c.actor == actor)
        if story is not None:
            where.append(e.c.story_id == story)
        if entity is not None:
            where.append(or_(e.c.actor == entity, e.c.party == entity))
        return where


def _record(row: Any) -> EventRecord:
    values = {c: row._mapping[c] for c in (*SCALARS, *LISTS)}
    values["single_source"] = bool(values["single_source"])
    return EventRecord(**values)


def _key_of(ev: EventRecord) -> str:
    """The actor an event was merged under (:func:`actor_key` of each of its rows)."""
    return f"entity:{ev.actor}" if ev.actor else f"group:{fold(ev.actor_name or '')}"
