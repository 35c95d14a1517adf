"""Across documents: one event record per real-world event, with every source's evidence, and the
documents that report the same news grouped as a story.

Events of one document and of many are one event when they have the same type, the same actor
(entity, or the group as written), the same party and the same modality class (asserted, or the
same speculative / planned / denied claim), and dates that do not contradict (same year, or one
unknown). Within a document, an exit ("his exit from the BSP") that the same document reports as
an expulsion is that expulsion.

Reconciled fields: the best-supported value (most documents, then the more precise), every
reported value with the documents behind it, ``conflicts`` where documents disagree (followers,
date, place, the actor's name as written), and ``single_source`` when one outlet alone reports it.

Stories are clustered from the documents' words (:mod:`.stories`); an event belongs to the story
most of its documents are in. A story's title is a headline of its earliest members: never a title
that is only a date line ("MONDAY, MAY 23, 2005"), a byline or a label ending in a colon (then the
first line of a member's text, where a cleaner took the date line for the title), and a short
headline before a lead sentence that stands in for one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from ..records import EventRecord, StoryRecord
from ..vocab import MODALITIES
from .names import fold
from .stories import date_line, story_id

MODALITY_CLASS = {m: m for m in MODALITIES}


def _year(value: str | None) -> str | None:
    return value[:4] if value and value[:4].isdigit() else None


def _compatible(a: str | None, b: str | None) -> bool:
    """Dates that do not contradict: the same year, or one of them unknown ("XXXX-WXX-6" too)."""
    ya, yb = _year(a), _year(b)
    return ya is None or yb is None or ya == yb


def _party(row: dict[str, Any]) -> str | None:
    party = row["party_entity"] or (fold(row["party_text"]) if row["party_text"] else None)
    if row["type"] in ("appointed", "resigned_post"):
        party = party or fold(row["post"] or "") or None
    return party


def actor_key(row: dict[str, Any]) -> str | None:
    """The actor whose events a row's event may merge with: ``entity:<id>``, or ``group:<name>``
    for an actor no entity holds (as written, folded); None for a row without an actor. Events of
    different actors never merge, so merging can be redone one actor at a time."""
    if row["actor_entity"]:
        return f"entity:{row['actor_entity']}"
    return f"group:{fold(row['actor_text'])}" if row["actor_text"] else None


def _key(row: dict[str, Any]) -> tuple:
    actor = row["actor_entity"] or ("group", fold(row["actor_text"] or ""))
    return (row["type"], actor, MODALITY_CLASS.get(row["modality"], row["modality"]))


def _fits(row: dict[str, Any], bucket: list[dict[str, Any]]) -> bool:
    """Same party (or one unknown) and dates that do not contradict."""
    parties = {_party(x) for x in bucket} - {None}
    return (_party(row) is None or not parties or _party(row) in parties) and all(
        _compatible(row["date"], x["date"]) for x in bucket)


def _explained_exits(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a document's undated leave_party when the same document reports an expulsion from that
    party ("his exit from the BSP" told of a man expelled in 2017); a dated resignation is its own
    event, even on the day of an expulsion."""
    expelled = {(r["doc_id"], r["actor_entity"], r["party_entity"]) for r in rows if r["type"] == "expelled"}
    return [r for r in rows if not (r["type"] == "leave_party" and (r["doc_id"], r["actor_entity"], r["party_entity"]) in expelled
                                    and r["actor_entity"] and not r["date"])]


Inside = Callable[[str, str], bool]


def merge_events(rows: list[dict[str, Any]], copies: dict[str, str] | None = None,
                 inside: Inside | None = None) -> list[EventRecord]:
    """Merged events (without story_id) from ``Store.event_rows()``;
    ``copies`` maps a near-duplicate to its original (a copy is no independent confirmation);
    ``inside(a, b)``: place ``a`` lies in place ``b`` (a city in its state is no disagreement)."""
    copies = copies or {}
    rows = [r for r in _explained_exits(rows) if r["actor_entity"] or r["actor_text"]]
    groups: dict[tuple, list[list[dict[str, Any]]]] = defaultdict(list)
    # rows with a party first, so that a row that names none joins the bucket that does
    for r in sorted(rows, key=lambda r: _party(r) is None):
        buckets = groups[_key(r)]
        home = next((b for b in buckets if _fits(r, b)), None)
        if home is None:
            buckets.append([r])
        else:
            home.append(r)
    return [_merged(b, copies, inside or (lambda a, b: False)) for buckets in groups.values() for b in buckets]


def _best(values: dict[Any, set[str]], copies: dict[str, str] | None = None) -> Any:
    """The value most independent documents give (a copy counts with its original); among equals
    the more precise (longer) one."""
    copies = copies or {}

    def support(v: Any) -> int:
        return len({copies.get(d, d) for d in values[v]})

    return max(values, key=lambda v: (support(v), len(str(v)), str(v))) if values else None


def _values(rows: list[dict[str, Any]], field: str) -> dict[Any, set[str]]:
    out: dict[Any, set[str]] = defaultdict(set)
    for r in rows:
        if r[field] is not None:
            out[r[field]].add(r["doc_id"])
    return out


def _conflict(field: str, values: dict[Any, set[str]], same=lambda a, b: a == b) -> dict[str, Any] | None:
    distinct: list[Any] = []
    for v in values:
        if not any(same(v, d) for d in distinct):
            distinct.append(v)
    if len(distinct) < 2:
        return None
    return {"field": field, "values": [{"value": v, "doc_ids": sorted(values[v])} for v in values]}


def _place(places: dict[str, set[str]], copies: dict[str, str], inside: Inside) -> str | None:
    """The best-supported place, or the most precise place inside it that a source gives."""
    best = _best(places, copies)
    finer = [v for v in places if v != best and inside(v, best)]
    return _best({v: places[v] for v in finer}, copies) if finer else best


def _merged(rows: list[dict[str, Any]], copies: dict[str, str], inside: Inside) -> EventRecord:
    first = rows[0]
    per_doc: dict[str, dict[str, Any]] = {}
    for r in rows:
        per_doc.setdefault(r["doc_id"], r)
    # a date the text tells ("on Wednesday") outweighs one read off the publication date of a report
    # told in the day's tense ("has joined"): that report may be a day late
    told = [r for r in rows if r["date"] is not None and r.get("date_text")]
    dates = _values(told or rows, "date")
    # a date is the more precise form of another ("2026-01-24" of "2026-01"): not a disagreement
    date_best = _best(dates)
    precise = {v: ids for v, ids in dates.items() if not any(o != v and o.startswith(v) for o in dates)}
    places = {k: v for k, v in _values(rows, "place_entity_name").items()} or _values(rows, "place_text")
    followers: dict[tuple[int, bool], set[str]] = defaultdict(set)
    for r in rows:
        if r["followers"] is not None:
            followers[(r["followers"], bool(r["approx"]))].add(r["doc_id"])
    by_value: dict[int, set[str]] = defaultdict(set)
    for (v, _), ids in followers.items():
        by_value[v] |= ids
    names: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["actor_text"] and len(r["actor_text"].split()) >= 2:
            names[r["actor_text"]].add(r["doc_id"])
    conflicts = [c for c in (
        _conflict("followers", by_value),
        _conflict("date", precise),
        _conflict("place", places, lambda a, b: a == b or inside(a, b) or inside(b, a)),
        _conflict("actor_name", names, lambda a, b: fold(a) == fold(b)),
    ) if c]
    independent = {copies.get(d, d) for d in per_doc}
    outlets = {per_doc[d]["outlet"] or d for d in per_doc if d in independent or copies.get(d) not in per_doc}
    party_rows = [r for r in rows if _party(r)]
    if party_rows:
        first = party_rows[0]
    ident = "|".join(map(str, _key(first))) + f"|{_party(first)}|{_year(date_best)}"
    return EventRecord(
        event_id=hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12],
        type=first["type"],
        actor=first["actor_entity"],
        actor_name=first["actor_entity_name"] or first["actor_text"],
        party=first["party_entity"],
        party_name=first["party_entity_name"] or first["party_text"] or first["post"],
        date=max(precise, key=lambda v: (len(precise[v]), len(v))) if precise else date_best,
        place=_place(places, copies, inside),
        followers=_best(by_value, copies),
        followers_reported=[{"value": v, "approx": a, "doc_ids": sorted(ids)} for (v, a), ids in sorted(followers.items())],
        modality=first["modality"],
        attribution=list(dict.fromkeys(a for r in rows for a in r["attribution"])),
        sources=[{"doc_id": d, "outlet": r["outlet"], "evidence": r["evidence"], "copy_of": copies.get(d)}
                 for d, r in per_doc.items()],
        conflicts=conflicts,
        single_source=len(outlets) == 1 or len(independent) == 1,
        independent_sources=len(independent),
        post=first["post"],
        doc_ids=sorted(per_doc),
    )


HEADLINE_WORDS = 20  # a longer title is a lead sentence standing in for a headline
_BYLINE = re.compile(r"^(?:by|from)\s+\S", re.I)


def headline(title: str | None, byline: str | None = None) -> bool:
    """A title that can head a story: not a date line, not the byline ("By Asha Rao"), not a label
    that introduces something (ending in a colon)."""
    if not title or not title.strip() or date_line(title) or title.rstrip().endswith(":"):
        return False
    if byline and fold(title.strip()) == fold(byline.strip()):
        return False
    return not (_BYLINE.match(title.strip()) and len(title.split()) <= 8)


def _short(titles: list[str]) -> str | None:
    return next((t for t in titles if len(t.split()) <= HEADLINE_WORDS), None)


Lead = Callable[[list[str]], dict[str, str]]


def story_title(members: list[dict[str, Any]], lead: Lead | None = None) -> str:
    """A story's title, from its members in order: the first headline among their titles; else
    (their titles are date lines or bylines) the first headline among the first lines of their
    texts (``lead``: doc_ids -> first line); else the first longer title (a lead sentence standing
    in for a headline); else the first member's source."""
    titles = [d["title"].strip() for d in members if headline(d["title"], d.get("byline"))]
    found = _short(titles)
    if found is None and lead is not None:
        lines = lead([d["doc_id"] for d in members])
        found = _short([lines[d["doc_id"]].strip() for d in members if headline(lines.get(d["doc_id"]), d.get("byline"))])
    return found or (titles or [members[0]["source"]])[0]


def stories(docs: list[dict[str, Any]], story_by_doc: dict[str, str], lead: Lead | None = None) -> list[StoryRecord]:
    """Story records from the stored story of each document (``story_by_doc``, from
    :mod:`newsweave.link.stories`); a document without one is a story of its own. ``lead`` gives
    the first line of documents' texts, for a story none of whose titles is a headline."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        groups[story_by_doc.get(d["doc_id"]) or story_id(d["doc_id"])].append(d)
    out = []
    for sid, members in groups.items():
        members.sort(key=lambda d: (d["published"] or "9999", d["doc_id"]))
        out.append(StoryRecord(
            story_id=sid,
            title=story_title(members, lead),
            doc_ids=[d["doc_id"] for d in members],
            outlets=list(dict.fromkeys(d["outlet"] for d in members if d["outlet"])),
            published=next((d["published"] for d in members if d["published"]), None),
        ))
    return sorted(out, key=lambda s: (-len(s.doc_ids), s.story_id))


def story_of(ev: EventRecord, story_by_doc: dict[str, str]) -> str | None:
    return story_of_docs(ev.doc_ids, story_by_doc)


def story_of_docs(doc_ids: list[str], story_by_doc: dict[str, str]) -> str | None:
    """The story most of an event's documents are in."""
    votes = Counter(story_by_doc[d] for d in doc_ids if d in story_by_doc)
    return votes.most_common(1)[0][0] if votes else None
