"""One story for a reader: what happened, where the outlets agree, where they differ, what only one
of them reports, and who said what. Built from the same records the export writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..errors import NotFoundError
from ..records import EventRecord, QuoteRecord, StoryRecord
from ..store import Store
from .records import merge_pending, quotes

#: event fields a reader compares across outlets
FACTS = ("date", "place", "followers", "party_name")


def find_story(stories: list[StoryRecord], ident: str) -> StoryRecord:
    """The story with this id, or the one story whose id starts with it."""
    hits = [s for s in stories if s.story_id == ident] or [s for s in stories if s.story_id.startswith(ident)]
    if len(hits) != 1:
        reason = "no story has" if not hits else f"{len(hits)} stories have"
        raise NotFoundError(f"{reason} the id {ident!r}; `newsweave stories` lists them")
    return hits[0]


def _within(ev: EventRecord, members: set[str], copies: dict[str, str]) -> EventRecord:
    """The event as this story's documents tell it (others may tell it as background)."""
    sources = [s for s in ev.sources if s["doc_id"] in members]
    reported = [dict(f, doc_ids=[d for d in f["doc_ids"] if d in members]) for f in ev.followers_reported]
    reported = [f for f in reported if f["doc_ids"]]
    support: dict[Any, int] = defaultdict(int)
    for f in reported:
        support[f["value"]] += len(f["doc_ids"])
    conflicts = []
    for c in ev.conflicts:
        values = [dict(v, doc_ids=[d for d in v["doc_ids"] if d in members]) for v in c["values"]]
        values = [v for v in values if v["doc_ids"]]
        if len(values) > 1:
            conflicts.append(dict(c, values=values))
    return replace(ev, sources=sources, followers_reported=reported, conflicts=conflicts,
                   followers=max(support, key=lambda v: (support[v], v)) if support else None,
                   independent_sources=len({copies.get(s["doc_id"]) or s["doc_id"] for s in sources}))


def _facts(ev: EventRecord, outlet_of: dict[str, str]) -> tuple[list[dict], list[dict], list[dict]]:
    """(agreed, differing, single-outlet) facts of one event."""
    sources = [s["doc_id"] for s in ev.sources]
    conflicted = {c["field"] for c in ev.conflicts}
    followers: dict[Any, list[str]] = defaultdict(list)
    for fr in ev.followers_reported:
        followers[fr["value"]] += fr["doc_ids"]
    agreed: list[dict] = []
    differ: list[dict] = []
    single: list[dict] = []
    for c in ev.conflicts:
        differ.append({"field": c["field"], "values": [
            {"value": v["value"], "outlets": sorted({outlet_of.get(d, d) for d in v["doc_ids"]}), "doc_ids": v["doc_ids"]}
            for v in c["values"]]})
    for field in FACTS:
        value = getattr(ev, field)
        if value is None or field in conflicted:
            continue
        docs = followers.get(value) if field == "followers" else sources
        outlets = sorted({outlet_of.get(d, d) for d in docs or sources})
        fact = {"field": field, "value": value, "outlets": outlets}
        (agreed if len(outlets) > 1 else single).append(fact)
    return agreed, differ, single


def _background(ev: EventRecord, first_published: str | None) -> bool:
    """An event dated well before the story's first report is background, not the news."""
    if not ev.date or not first_published:
        return False
    return ev.date[:7] < first_published[:7] and ev.date[:4] <= first_published[:4]


StoryRows = tuple[StoryRecord, list[dict[str, Any]], list[EventRecord], list[QuoteRecord]]


def story_rows(store: Store, ident: str) -> StoryRows:
    """What one story's report is made of, read by index: its stored record, its documents (each
    with ``copy_of``), the merged events its documents are sources of (first reported first) and
    its documents' quotes. Nothing of the other stories is read."""
    from ..store.stories import stories_called, story_documents

    merge_pending(store)
    with store.engine.connect() as conn:
        story = find_story([StoryRecord(**r) for r in stories_called(conn, store.tables, ident)], ident)
        docs = story_documents(conn, store.tables, story.doc_ids)
        events = store.merged.of_documents(conn, story.doc_ids)
    return story, docs, events, list(quotes(store, story.doc_ids))


def story_report(store: Store, ident: str) -> dict[str, Any]:
    story, docs_, events, story_quotes = story_rows(store, ident)
    members = set(story.doc_ids)
    copies = {d["doc_id"]: d["copy_of"] for d in docs_ if d["copy_of"]}
    docs = sorted(docs_, key=lambda d: (d["published"] or "", d["doc_id"]))
    outlet_of = {d["doc_id"]: d["outlet"] or d["source"] for d in docs}
    first_published = next((d["published"] for d in docs if d["published"]), None)
    happened: list[dict[str, Any]] = []
    for ev in events:
        ev = _within(ev, members, copies)
        if not ev.sources:
            continue
        agreed, differ, single = _facts(ev, outlet_of)
        happened.append({
            "event_id": ev.event_id, "type": ev.type, "actor": ev.actor, "actor_name": ev.actor_name,
            "party_name": ev.party_name, "date": ev.date, "place": ev.place, "followers": ev.followers,
            "modality": ev.modality, "attribution": ev.attribution,
            "background": _background(ev, first_published),
            "outlets": sorted({outlet_of[s["doc_id"]] for s in ev.sources}),
            "independent_sources": ev.independent_sources,
            "agree": agreed, "differ": differ, "only_one_outlet": single,
            "evidence": [{"outlet": outlet_of[s["doc_id"]], "doc_id": s["doc_id"], "text": s["evidence"],
                          "copy_of": s["copy_of"]} for s in ev.sources],
        })
    happened.sort(key=lambda e: (e["background"], e["modality"] != "asserted", -len(e["outlets"]), e["date"] or ""))
    said: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for q in story_quotes:
        if q.doc_id in members:
            entry = said[q.speaker_name or "(unattributed)"].setdefault(q.text, {"text": q.text, "outlets": [], "doc_ids": []})
            entry["outlets"].append(outlet_of[q.doc_id])
            entry["doc_ids"].append(q.doc_id)
    return {
        "story_id": story.story_id, "title": story.title, "outlets": story.outlets,
        "documents": [{"doc_id": d["doc_id"], "outlet": d["outlet"], "published": d["published"], "title": d["title"],
                       "copy_of": d["copy_of"]} for d in docs],
        "events": happened,
        "only_one_outlet": [e["event_id"] for e in happened if len(e["outlets"]) == 1],
        "quotes": [{"speaker": name, "quotes": sorted(qs.values(), key=lambda q: -len(q["outlets"]))}
                   for name, qs in sorted(said.items(), key=lambda kv: (-sum(len(q["outlets"]) for q in kv[1].values()), kv[0]))],
    }
