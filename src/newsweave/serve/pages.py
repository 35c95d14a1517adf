"""Server-rendered pages (Jinja2): the story list, a story, a person's timeline, search, the lists of
people, entities and documents, an entity, a document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ..export.records import document_page
from ..export.report import story_report
from ..vocab import ENTITY_TYPES
from .api import MAX_OFFSET, searched
from .config import ApiError
from .queries import (
    document_texts,
    document_view,
    entity_list_page,
    entity_page,
    person_timeline,
    story_list,
    story_people,
)

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
PER_PAGE = 30
#: a list's page number: 1 up to a page beyond every corpus (an offset inside every database's integers)
Page = Query(1, ge=1, le=MAX_OFFSET // PER_PAGE)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: an ISO 8601 date (2026, 2026-12, 2026-12-02) or time (2026-12-02T14:05[:09[.5]][Z|+05:30])
ISO = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:[T ](\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?)?)?")


def readable(value: str | None) -> str:
    """An ISO date or time as people write it: "2 Dec 2026, 14:05" (the clock time as the source
    gives it, no zone conversion), "2 Dec 2026", "Dec 2026", "2026"; anything else as it is."""
    m = ISO.fullmatch((value or "").strip())
    if not m:
        return value or ""
    year, month, day, hour, minute = m.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return value or ""
    if day is None:
        return f"{MONTHS[int(month) - 1]} {year}"
    out = f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    return out if hour is None else f"{out}, {hour}:{minute}"


def when(value: str | None) -> Markup:
    """The Jinja filter ``when``: a readable date or time (:func:`readable`) in a ``<time>`` element
    that keeps the ISO value; a value that is not ISO 8601 as plain text, none as nothing."""
    if not value:
        return Markup("")
    if not ISO.fullmatch(value.strip()):
        return escape(value)
    return Markup('<time datetime="{}">{}</time>').format(value.strip(), readable(value))


templates.env.filters["when"] = when
#: an entity type as the pages name it
KINDS = {"PERSON": "person", "PARTY": "party", "ORG": "organisation", "PLACE": "place", "MEDIA": "outlet"}
templates.env.globals["KINDS"] = KINDS
#: what a list of one type counts (singular, plural); None: of every type
NOUNS = {"PERSON": ("person", "people"), "PARTY": ("party", "parties"), "ORG": ("organisation", "organisations"),
         "PLACE": ("place", "places"), "MEDIA": ("outlet", "outlets"), None: ("entity", "entities")}

#: how an event reads in a sentence: (verb, preposition before the party)
VERBS = {
    "join_party": ("joined", ""), "leave_party": ("left", ""), "expelled": ("was expelled from", ""),
    "suspended": ("was suspended from", ""), "appointed": ("was appointed", ""), "resigned_post": ("resigned as", ""),
    "rally": ("held a rally", ""), "inducted": ("was inducted into", ""),
}
MODALITY = {"speculative": "may have", "planned": "plans to", "denied": "denied that"}


def sentence(ev: dict[str, Any]) -> Markup:
    """A merged event as a plain sentence ("Naseemuddin Siddiqui left the Indian National Congress
    on 24 Jan 2026 in Lucknow, with 72 supporters"), escaped, its date a ``<time>`` element."""
    verb = VERBS.get(ev["type"], (ev["type"].replace("_", " "), ""))[0]
    if ev["type"] == "rally":
        party = ""
    else:
        party = ev.get("party_name") or ""
    if ev["modality"] == "speculative":
        verb = {"joined": "may join", "left": "may leave"}.get(verb, "may " + verb.split()[-1])
    elif ev["modality"] == "planned":
        verb = {"held a rally": "plans to hold a rally", "joined": "plans to join"}.get(verb, "plans: " + verb)
    elif ev["modality"] == "denied":
        verb = "denied having " + verb
    out = Markup("{} {}").format(ev["actor_name"] or "Someone", verb)
    if party:
        out += Markup(" {}").format(party)
    if ev.get("date"):
        out += Markup(" on {}" if len(ev["date"]) >= 10 else " in {}").format(when(ev["date"]))
    if ev.get("place"):
        out += Markup(" in {}").format(ev["place"])
    if ev.get("followers"):
        out += Markup(", with {} supporters").format(ev["followers"])
    return out


def _marked(text: str, phrases: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, highlighted) around every occurrence of ``phrases``."""
    spans = []
    for p in {p.strip() for p in phrases if p and p.strip()}:
        for m in re.finditer(re.escape(p), text):
            spans.append((m.start(), m.end()))
    spans.sort()
    out, at = [], 0
    for a, b in spans:
        if a < at:
            continue
        out += [(text[at:a], False), (text[a:b], True)]
        at = b
    out.append((text[at:], False))
    return [(t, m) for t, m in out if t]


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message}, status_code=status)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, outlet: str | None = None, entity: str | None = None,
          since: str | None = None, until: str | None = None, page: int = Page) -> HTMLResponse:
    total, rows = story_list(request.app.state.store, outlet=outlet, entity=entity, since=since, until=until,
                             limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return templates.TemplateResponse(request, "index.html", {
        "stories": rows, "total": total, "page": page,
        "pages": max(1, -(-total // PER_PAGE)), "filters": {"outlet": outlet, "entity": entity, "since": since, "until": until}})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> HTMLResponse:
    store = request.app.state.store
    rep = story_report(store, story_id)
    evidence: dict[str, list[str]] = {}
    for ev in rep["events"]:
        ev["sentence"] = sentence(ev)
        for e in ev["evidence"]:
            evidence.setdefault(e["doc_id"], []).append(e["text"])
    for sp in rep["quotes"]:
        for q in sp["quotes"]:
            for d in q["doc_ids"]:
                evidence.setdefault(d, []).append(q["text"])
    articles = []
    texts = document_texts(store, [d["doc_id"] for d in rep["documents"]])
    for d in rep["documents"]:
        row = texts[d["doc_id"]]
        articles.append(d | {"pieces": _marked(row["text"], evidence.get(d["doc_id"], [])), "byline": row["byline"]})
    people, speakers = story_people(store, [ev["actor"] for ev in rep["events"] if ev["actor"]],
                                    [sp["speaker"] for sp in rep["quotes"]])
    return templates.TemplateResponse(request, "story.html", {"story": rep, "articles": articles, "people": people,
                                                              "speakers": speakers})


def _year(value: str | None) -> float | None:
    if not value or not value[:4].isdigit():
        return None
    y: float = int(value[:4])
    if len(value) >= 7 and value[5:7].isdigit():
        y += (int(value[5:7]) - 1) / 12
    return float(y)


def _short(name: str, most: int = 34) -> str:
    return name if len(name) <= most else name[:most - 1].rstrip() + "…"


#: the two drawings of a timeline: labels left of the bars (a wide screen), or above them (a phone,
#: drawn at about the width it is shown at, so its text stays at its size)
@dataclass(frozen=True, slots=True)
class Layout:
    width: float  # of the drawing (SVG units: pixels when it is shown at this width)
    left: float  # where the year axis starts
    row: int  # height of a bar's row
    label_above: bool  # a party's name above its bar (else left of it)
    longest: int  # characters of a name before it is cut


WIDE = Layout(width=760.0, left=250.0, row=34, label_above=False, longest=34)
NARROW = Layout(width=360.0, left=8.0, row=46, label_above=True, longest=52)
CHAR = 6.6  # about how wide a character of the bars' 11 px text is


def _place_text(bar: dict[str, Any], width: float, left: float) -> None:
    """Where a bar's text goes: inside it when it fits, else after it, else before it."""
    need = len(bar["text"]) * CHAR + 10
    if bar["w"] >= need:
        bar["text_x"], bar["text_anchor"], bar["outside"] = bar["x"] + 6, "start", False
    elif bar["x"] + bar["w"] + 4 + need <= width:
        bar["text_x"], bar["text_anchor"], bar["outside"] = bar["x"] + bar["w"] + 4, "start", True
    elif bar["x"] - need >= left:
        bar["text_x"], bar["text_anchor"], bar["outside"] = bar["x"] - 4, "end", True
    else:
        bar["text_x"], bar["text_anchor"], bar["outside"] = max(left, width - need), "start", True


def timeline_picture(t: dict[str, Any], layout: Layout = WIDE) -> dict[str, Any]:
    """Bars on a year axis for the SVG: each period (an unknown start drawn from the axis start,
    faded) and each speculative or planned step (dashed, after the last period). ``layout``:
    :data:`WIDE` (the default) or :data:`NARROW`."""
    years = [y for p in t["periods"] for y in (_year(p["start"]), _year(p["end"])) if y is not None]
    years += [y for s in t["possible_steps"] if (y := _year(s["date"])) is not None]
    this_year = float(date.today().year) + 1
    lo = min(years) - 2 if years else this_year - 10
    hi = max([*years, this_year])
    width, left, row = layout.width, layout.left, layout.row
    top = 16 if layout.label_above else 0  # a label above its bar takes the row's top
    scale = (width - left - 20) / max(hi - lo, 1)
    step_w = min(90.0, width - left - 10)
    bars = []
    for i, p in enumerate(t["periods"]):
        start, end = _year(p["start"]), _year(p["end"])
        x0 = left + ((start if start is not None else lo) - lo) * scale
        x1 = left + ((end if end is not None else hi) - lo) * scale
        bars.append({"y": 10 + i * row + top, "x": x0, "w": max(x1 - x0, 6), "label": _short(p["party_name"], layout.longest),
                     "name": p["party_name"], "kind": "period",
                     "open_start": start is None, "open_end": end is None and not p["how_ended"],
                     "text": f"{readable(p['start']) or '?'} – "
                             f"{readable(p['end']) or ('now' if not p['how_ended'] else '?')}",
                     "anchor": f"ev-{p['events'][0]}" if p["events"] else ""})
    last = max([b["x"] + b["w"] for b in bars], default=left)
    for j, s in enumerate(t["possible_steps"]):
        y = _year(s["date"])
        x0 = left + (y - lo) * scale if y is not None else min(last, width - step_w)
        verb = {"join_party": "join", "leave_party": "leave"}.get(s["type"], s["type"].replace("_", " "))
        bars.append({"y": 10 + (len(t["periods"]) + j) * row + top, "x": min(x0, width - step_w - 10), "w": step_w,
                     "label": _short(s["party_name"] or "?", layout.longest), "name": s["party_name"] or "?",
                     "kind": s["modality"], "open_start": False, "open_end": True,
                     "text": f"{'may' if s['modality'] == 'speculative' else 'plans to'} {verb}", "anchor": f"ev-{s['event']}"})
    for b in bars:
        _place_text(b, width, left)
        b["label_x"], b["label_y"] = (left, b["y"] - 6) if layout.label_above else (left - 8, b["y"] + 17)
    ticks = []
    step = next((n for n in (1, 2, 5, 10, 20, 50) if n * scale >= 40), 100)
    for y in range(int(lo) + 1, int(hi) + 1):
        if y % step == 0:
            ticks.append({"x": left + (y - lo) * scale, "label": str(y)})
    height = 10 + max(len(bars), 1) * row + 24
    return {"bars": bars, "ticks": ticks, "width": width, "height": height, "left": left,
            "label_anchor": "start" if layout.label_above else "end"}


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person(request: Request, entity_id: str) -> HTMLResponse:
    t = person_timeline(request.app.state.store, entity_id)
    for ev in t["events"].values():
        ev["sentence"] = sentence(ev)
    return templates.TemplateResponse(request, "person.html", {"t": t, "pictures": [
        ("wide", timeline_picture(t, WIDE)), ("narrow", timeline_picture(t, NARROW))]})


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request, q: str = "", page: int = Page) -> HTMLResponse:
    res = await searched(request, q, PER_PAGE, (page - 1) * PER_PAGE) if q.strip() else None
    if res:
        names = {e["entity_id"]: e["name"] for e in res["entities"]}
        for r in res["items"]:
            r["pieces"] = [(piece, i % 2 == 1) for i, piece in enumerate(re.split(r"\[|\]", r["snippet"] or ""))]
            r["via_names"] = [names[e] for e in r["via"] if e in names]
    return templates.TemplateResponse(request, "search.html", {"q": q, "res": res, "page": page})


def _pages(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def _kind(kind: str | None) -> str | None:
    if not kind:
        return None
    if kind.upper() not in ENTITY_TYPES:
        raise ApiError(400, f"no kind {kind!r}; the kinds are {', '.join(ENTITY_TYPES)}")
    return kind.upper()


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, page: int = Page) -> HTMLResponse:
    rows = entity_list_page(request.app.state.store, "PERSON", limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return templates.TemplateResponse(request, "entities.html", {
        "heading": "People", "kind": "PERSON", "noun": NOUNS["PERSON"], "fixed": True, "res": rows, "page": page, "pages": _pages(rows["total"])})


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, kind: str | None = None, page: int = Page) -> HTMLResponse:
    etype = _kind(kind)
    rows = entity_list_page(request.app.state.store, etype, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    heading = f"Entities: {KINDS[etype]}" if etype else "Entities"
    return templates.TemplateResponse(request, "entities.html", {
        "heading": heading, "kind": etype, "noun": NOUNS[etype], "fixed": False, "res": rows, "page": page, "pages": _pages(rows["total"]),
        "kinds": ENTITY_TYPES})


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str) -> HTMLResponse:
    view = entity_page(request.app.state.store, entity_id)
    for ev in view["events"]:
        ev["sentence"] = sentence(ev)
    for d in view["documents"]:
        m = d["mention"]
        d["pieces"] = _around(m["sentence"], m["in_sentence"], len(m["text"])) if m else []
    return templates.TemplateResponse(request, "entity.html", view)


def _around(text: str, at: int, size: int) -> list[tuple[str, bool]]:
    """``text`` as (piece, highlighted), the ``size`` characters from ``at`` highlighted."""
    if not 0 <= at <= len(text):
        return [(text, False)]
    return [(t, m) for t, m in ((text[:at], False), (text[at:at + size], True), (text[at + size:], False)) if t]


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, outlet: str | None = None, page: int = Page) -> HTMLResponse:
    total, rows = document_page(request.app.state.store, outlet=outlet or None, limit=PER_PAGE,
                                offset=(page - 1) * PER_PAGE)
    return templates.TemplateResponse(request, "documents.html", {
        "docs": rows, "total": total, "page": page, "pages": _pages(total), "outlet": outlet or ""})


@router.get("/document/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> HTMLResponse:
    view = document_view(request.app.state.store, doc_id)
    for ev in view["events"]:
        ev["sentence"] = sentence(ev)
    view["pieces"] = _marked(view["document"]["text"], [q["text"] for q in view["quotes"]])
    return templates.TemplateResponse(request, "document.html", view)
