"""Stage ``metadata``: title, outlet, byline, publication and update times, dateline place.

What a format states outright (a dump's fields, a page's meta tags) wins; the gaps are filled from
the lines the cleaner labelled (headline, byline, date lines) and from the text itself.

Outlet evidence, strongest first: the dump's field or the page's site name; the headline's
suffix ("... | IANS"); the URL's host in the outlet table; a wire credit in the byline or
dateline ("By PTI", "LUCKNOW (Reuters) -"); the subject of the page's self-promotion ("X is
India's fastest growing ..."); the article's references to itself ("speaking to X (XYZ)" with
"XYZ" used again, or a known outlet); the copyright holder when the outlet table knows it.
A name the outlet table knows is written in the table's form.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

from ..article import Article, Line, Removal
from ..resources import Furniture, OutletTable, outlet_form
from .clean import DATE_IN_LINE, byline_name, caseless, name_like, read_date_line, stated_title_is_time
from .dates import reads_as_time, to_iso

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PW = r"[A-Z][A-Za-z.'’-]*[A-Za-z]"
_ORD = r"(?:st|nd|rd|th)?"
_DATELINE = (
    rf"^(?P<place>{_PW}(?:[ -]{_PW}){{0,3}})"
    rf"(?:\s*\((?P<state>{_PW}(?: {_PW}){{0,2}})\))?"  # "Mumbai (Maharashtra)"
    rf"(?:\s*\[(?P<country>{_PW}(?: {_PW}){{0,2}})\])?"  # "[India]"
    rf"(?:\s*(?P<comma>,)\s*(?P<region>{_PW}(?: {_PW}){{0,2}}))?"
    rf"(?:\s*(?P<comma2>,)?\s*(?P<date>{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s*\d{{4}})?|\d{{1,2}}{_ORD}\s+{_MONTH}(?:,?\s*\d{{4}})?))?"
    rf"\s*(?:\((?P<agency>[A-Za-z][\w .&-]{{1,30}})\))?"
    # a separator; or none after a date or an agency credit ("Agartala, Aug 24 In a jolt ...")
    rf"(?:\s*(?P<sep>:|—|–|--?)\s+(?=\S)|\s+(?=[“\"‘'(]?[A-Z]))"
)
DATELINE = re.compile(_DATELINE)
#: the same for a lower-cased dump
DATELINE_CASELESS = re.compile(_DATELINE, re.I)
_SUFFIX = re.compile(r"^(?P<title>.*\S)\s+(?P<sep>\||–|—|-|::|»)\s+(?P<suffix>[^|–—»]{2,60})$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&.-]{1,7}$")
_SELF_REF = re.compile(
    r"\b(?i:told|speaking to|speaking with|said to|in an interview (?:to|with)|according to)\s+"
    r"(?P<name>(?:The\s+)?[A-Z][\w.&’'-]*(?:\s+(?:of\s+)?[A-Z][\w.&’'-]*){0,4})"
    r"(?:\s*\((?P<abbr>[A-Z]{2,6})\))?"
)
_PROMO_SUBJECT = re.compile(r"^\s*(?P<name>.{2,60}?)\s+(?:is|are)\s+", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©|copyright)?\s*(?:\d{4}(?:\s*-\s*\d{4})?)?\s*,?\s*(?P<holder>[^.,|©]{2,60}?)"
    r"\s*(?:\d{4})?\s*(?:[.,|]|all rights|$)", re.I)
_DISCLAIMER = re.compile(r"\b(?:edited|published|produced) by (?P<name>.{2,60}?) (?:staff|desk|team)\b", re.I)
_LABEL_WORDS = re.compile(r"^(last\s+)?(updated|published|posted|first published|modified|date|dated|on|at)\b", re.I)
_COMPANY = re.compile(r"\b(ltd|limited|pvt|private|inc|llc|llp|corp|corporation|group|plc)\b\.?", re.I)


def _title_case(s: str, keep_acronym: bool = False) -> str:
    """Names printed in capitals ("SHIKHA SALARIA", "NEW DELHI") in their usual case; with
    ``keep_acronym`` a lone short word ("PTI", "IANS") stays."""
    if s.upper() != s or (keep_acronym and len(s.split()) == 1 and len(s) <= 5):
        return s
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in s.split())


def split_title(title: str, table: OutletTable) -> tuple[str, str | None]:
    """``"Headline | IANS"`` -> ``("Headline", "IANS")``; a dash-separated suffix counts only
    when the outlet table knows it or it is an acronym."""
    m = _SUFFIX.match(title.strip())
    if not m:
        return title.strip(), None
    suffix = m["suffix"].strip()
    if reads_as_time(suffix):  # "Sunday, March 17, 2013 | 5:00 PM" names no outlet
        return title.strip(), None
    known = table.lookup(suffix)
    if m["sep"] in ("|", "::", "»") and len(suffix.split()) <= 6 or known or _ACRONYM.match(suffix):
        head = m["title"]
        head = re.split(r"\s\|\s", head)[0]  # "Headline | Section | Outlet"
        return head.strip(), suffix
    return title.strip(), None


def metadata(article: Article, table: OutletTable, rules: Furniture) -> Article:
    candidates: list[tuple[str, str]] = []  # (name, evidence), strongest first
    if article.outlet:
        candidates.append((article.outlet, article.outlet_evidence or "stated"))
    lines = article.lines
    title_line = next((ln for ln in lines if ln.label == "title"), None)
    if stated_title_is_time(article.title, rules):  # a dump's "title" that is a date line
        article.warnings.append(f"the stated title {article.title!r} is a date or a time, not a headline")
        article.title = None
    if not article.title and title_line is not None:
        article.title = title_line.text
    if article.title:
        article.title, suffix = split_title(article.title, table)
        if suffix:
            candidates.append((suffix, "headline suffix"))
    host = urlparse(article.url).hostname if article.url else article.meta.get("hostname")
    by_host = table.by_host(host)
    if by_host:
        candidates.append((by_host.name, f"web host {host}"))
    masthead = next((ln.text.strip() for ln in lines if ln.reason == "masthead"), None)
    credits, places = _read_dates(article, lines, rules)
    if masthead and outlet_form(masthead) in {outlet_form(c) for c in credits} | _self_mentions(article):
        candidates.append((masthead, "masthead, named again in the page"))
    elif not article.byline and credits and not table.lookup(credits[0]):
        article.byline = credits[0]
    elif credits and table.lookup(credits[0]):
        candidates.append((credits[0], "credit on the date line"))
        article.byline = article.byline or credits[0]
    _read_byline(article, lines, table, candidates)
    _read_dateline(article, rules, table, candidates)
    if not article.dateline and places:
        article.dateline = _title_case(places[0])
    candidates += _self_evidence(article, table, masthead)
    if masthead:
        candidates.append((masthead, "masthead"))
    if article.byline and reads_as_time(article.byline):
        article.warnings.append(f"the byline {article.byline!r} is a date or a time; dropped")
        article.byline = None
    candidates = [(c, ev) for c, ev in candidates if not reads_as_time(c)]
    if candidates:
        name, evidence = candidates[0]
        known = table.lookup(name)
        article.outlet = known.name if known else name
        article.outlet_evidence = evidence
        # the same outlet under another name on the same page ("Samachar Wire Service" / "| SWS")
        also = [c for c, ev in candidates[1:] if ev == "headline suffix" and outlet_form(c) != outlet_form(name)]
        if also:
            article.meta["outlet_also_written"] = also
    return article


def _self_mentions(article: Article) -> set[str]:
    """Names the page gives itself: in a syndication disclaimer, or as whom sources spoke to."""
    found = set()
    for ln in article.lines:
        m = _DISCLAIMER.search(ln.text)
        if m:
            found.add(outlet_form(m["name"]))
    body = " ".join(ln.content for ln in article.lines if not ln.dropped)
    found |= {outlet_form(m["name"]) for m in _SELF_REF.finditer(body)}
    return found


def _read_byline(article: Article, lines: list[Line], table: OutletTable, candidates: list) -> None:
    if not article.byline:
        line = next((ln for ln in lines if ln.label == "byline"), None)
        article.byline = byline_name(line.text) if line else None
    if not article.byline:  # a lower-cased credit line in the page head ("pti"): the table knows it
        line = next((ln for ln in lines if ln.reason == "navigation text in the page head" and caseless(ln.text)
                     and len(ln.text.split()) <= 2 and table.lookup(ln.text)), None)
        article.byline = line.text.strip() if line else None
    if article.byline:
        article.byline = _title_case(article.byline.strip(), keep_acronym=True)
        if table.lookup(article.byline):
            candidates.append((article.byline, "wire credit in the byline"))


def _read_dates(article: Article, lines: list[Line], rules: Furniture) -> tuple[list[str], list[str]]:
    """Publication and update times from the date lines; returns the names credited on them
    ("Metro Political Desk | Mar 14, 2026, 8:40 PM IST") and the places they name
    ("Published - March 14, 2026 03:57 pm IST - Riverton")."""
    credits: list[str] = []
    places: list[str] = []
    for ln in lines:
        if ln.label != "dateinfo":
            continue
        dl = read_date_line(ln.text, rules)
        if dl is not None:
            credits += dl.credits
            places += dl.places
            if dl.updated:
                article.updated = article.updated or dl.updated
            if dl.published:
                article.published = article.published or dl.published
            continue
        text = ln.text
        m = DATE_IN_LINE.search(text)
        if m and m.start() > 0:
            raw = text[: m.start()]
            credit = raw.strip(" |,-–—•·:")
            # a credit is set apart from the date ("Desk | Mar 14"); "Saturday, Mar 14" and
            # "Story Created: Mar 14" are parts of the date line
            if credit and re.search(r"[|•·–—]\s*$|\s-\s*$", raw) and name_like(credit) \
                    and not _LABEL_WORDS.match(credit) and not reads_as_time(credit):
                credits.append(credit)
            text = text[m.start():]
        value = to_iso(text)
        if value is None:
            article.warnings.append(f"could not read the date line {ln.text!r}")
            continue
        if re.search(r"updated|modified", ln.text, re.I):
            article.updated = article.updated or value
        else:
            article.published = article.published or value
    if not article.published and article.updated:
        article.published = article.updated
        article.warnings.append("no publication time stated; the last-updated time stands in for it")
    return credits, places


def _read_dateline(article: Article, rules: Furniture, table: OutletTable, candidates: list) -> None:
    """The dateline opens the body's first paragraph: the first prose line after the headline,
    byline and date lines (else the first prose line)."""
    kept = [ln for ln in article.lines if not ln.dropped and ln.prose]
    head = [ln.index for ln in article.lines if ln.label in ("title", "byline", "dateinfo", "breadcrumb")]
    after = [ln for ln in kept if head and ln.index > max(head)]
    tried: list[Line] = []
    for line in after[:1] + kept[:1]:
        if all(line is not t for t in tried):
            tried.append(line)
            if _take_dateline(article, line, rules, table, candidates):
                return


def _take_dateline(article: Article, line: Line, rules: Furniture, table: OutletTable, candidates: list) -> bool:
    """A dateline opens the paragraph: a place (with its state, country or region), maybe a date
    and an agency credit, then a separator -- or, after a date or a credit, none
    ("Riverton, Aug 24 In a ...", "Riverton, Jul 13 (PTI) The ...")."""
    lower = caseless(line.content)
    m = (DATELINE_CASELESS if lower else DATELINE).match(line.content)
    if not m:
        return False
    place, sep, agency = m["place"], m["sep"], m["agency"]
    if agency is None and m["state"] and not (m["country"] or m["region"] or m["date"]) \
            and (table.lookup(m["state"]) or _ACRONYM.match(m["state"])):
        agency = m["state"]  # "LUCKNOW (Reuters) -": the bracket names the agency, not a state
    first_word = re.split(r"[ -]", place)[0].lower()
    if first_word in rules.not_places:
        return False
    if sep is None:
        if not (agency or (m["date"] and (m["comma"] or m["comma2"]))):
            return False
    elif sep != ":" and not ((place.isupper() and not lower) or m["date"] or agency):
        return False
    elif lower and not (m["date"] or agency) and len(place.split()) > 2:
        return False  # without capitals, only a short place opens a paragraph with a colon
    if not article.dateline:
        article.dateline = _title_case(place)
    line.kept = line.content[m.end():]
    article.removed.append(Removal(m.group(0).strip(), "dateline", line.index))
    if agency:
        agency = agency.strip()
        candidates.append((agency, "wire credit in the dateline"))
        if not article.byline and table.lookup(agency):
            article.byline = _title_case(agency, keep_acronym=True)
    return True


def _self_evidence(article: Article, table: OutletTable, masthead: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for ln in article.lines:
        if ln.reason == "self-promotion":
            m = _PROMO_SUBJECT.match(ln.text)
            if m and len(m["name"].split()) <= 6:
                found.append((m["name"].strip(), "the page's self-promotion"))
    body = " ".join(ln.content for ln in article.lines if not ln.dropped)
    refs = Counter()
    for m in _SELF_REF.finditer(body):
        name, abbr = m["name"].strip(), m["abbr"]
        if abbr and re.search(rf"\b(?:told|to|with)\s+{re.escape(abbr)}\b", body[m.end():]):
            refs[name] += 2
        elif table.lookup(name) or (masthead and outlet_form(name) == outlet_form(masthead)):
            refs[name] += 1
    found += [(name, "the article's references to itself") for name, _ in refs.most_common()]
    for ln in article.lines:
        if ln.reason == "copyright line":
            m = _COPYRIGHT.search(ln.text)
            if m and table.lookup(m["holder"].strip()) and not _COMPANY.search(m["holder"]):
                found.append((m["holder"].strip(), "copyright line"))
    return found
