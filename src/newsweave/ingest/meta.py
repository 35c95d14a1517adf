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
from .clean import (
    DATE_IN_LINE,
    DateLine,
    byline_name,
    caseless,
    name_like,
    read_date_line,
    stated_title_is_time,
)
from .dates import localize, reads_as_time, to_iso, zone_of
from .urls import url_headline

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)(?:[a-z]*|[A-Z]*)\.?"
_PW = r"[A-Z][A-Za-z.'’-]*[A-Za-z]"
_ORD = r"(?:st|nd|rd|th)?"
_DATELINE = (
    rf"^#?(?P<place>{_PW}(?:[ -]{_PW}){{0,3}}(?:/{_PW}(?:[ -]{_PW}){{0,2}})?)"  # "Riverton", "Riverton/Lakeside", "#Riverton"
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
    elif (slug := url_headline(article.url)):
        article.title = slug
        article.warnings.append("no headline in the page; the words of its address stand in for it")
    host = page_host(article.url) if article.url else article.meta.get("hostname")
    by_host = table.by_host(host)
    if by_host:
        candidates.append((by_host.name, f"web host {host}"))
    elif host and (site := site_name(host, article, rules)):
        candidates.append((site, f"site name of the web host {host}"))
    masthead = next((ln.text.strip() for ln in lines if ln.reason == "masthead"), None)
    credits, places = _read_dates(article, lines, rules, title_line.index if title_line is not None else None)
    if masthead and outlet_form(masthead) in {outlet_form(c) for c in credits} | _self_mentions(article):
        candidates.append((masthead, "masthead, named again in the page"))
    elif not article.byline and credits and not table.lookup(credits[0]) and not credits[0].startswith("@"):
        article.byline = credits[0]  # (a handle, "@riverton_times", is the site's, not a writer)
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
        known = table.lookup(name) if not evidence.startswith("site name") else None
        article.outlet = known.name if known else name
        article.outlet_evidence = evidence
        # the same outlet under another name on the same page ("Samachar Wire Service" / "| SWS")
        also = [c for c, ev in candidates[1:] if ev == "headline suffix" and outlet_form(c) != outlet_form(name)]
        if also:
            article.meta["outlet_also_written"] = also
    zone = zone_of(_country(article, table, host))
    article.published, article.updated = localize(article.published, zone), localize(article.updated, zone)
    return article


def _country(article: Article, table: OutletTable, host: str | None) -> str | None:
    """The outlet's country: the outlet table's, else the web host's country-code domain."""
    known = table.lookup(article.outlet)
    if known and known.country:
        return known.country
    tld = host.rsplit(".", 1)[-1].lower() if host and "." in host else ""
    return {"uk": "GB"}.get(tld, tld.upper()) if len(tld) == 2 else None


#: the short words a site's name joins its words with ("itsinthe" -> "its in the")
_CONNECTORS = frozenset("the and of for on in its it is at to my our your by".split())
_INNER_URL = re.compile(r"https?://([^/?&#\s]+)", re.I)


def page_host(url: str) -> str | None:
    """The web host of the page a URL leads to: a tracking or redirect link names it in its query
    (``click?url=...&destinationurl=http://riverton-times.example/a``), the last one counting."""
    host = urlparse(url).hostname
    query = url.split("?", 1)[1] if "?" in url else ""
    inner = _INNER_URL.findall(query)
    return inner[-1].lower() if inner else host


_TWO_LEVEL = re.compile(r"\.(?:co|com|org|net|ac|gov|nic|ltd|plc|me|news)\.[a-z]{2}$")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9][\w’'.&-]*")


def site_label(host: str, rules: Furniture) -> str | None:
    """The part of a web host that names its site: ``www.riverton-star.co.uk`` -> ``riverton-star``;
    on a blog platform (``furniture.toml`` [words] site_platforms) the blog's own name."""
    host = host.lower().strip(".").split(":")[0]
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return None  # an IP address names no site
    parts = host.split(".")
    n = 3 if _TWO_LEVEL.search(host) else 2
    if len(parts) < n:
        return None
    domain = ".".join(parts[-n:])
    if domain in rules.word_list("site_platforms") and len(parts) > n:
        return parts[-n - 1]
    return parts[-n]


def site_name(host: str, article: Article, rules: Furniture) -> str | None:
    """The name of a site the outlet tables do not know, from its web host: as the page writes it
    when it names itself ("More from the Riverton Star" on riverton-star.co.uk, "the RivertonLive
    newsletter"), else the host's name split into words (``rivertonstar`` -> "Riverton Star",
    ``thevalleypost`` -> "The Valley Post", ``kalingatv`` -> "Kalinga TV"): words of the page and the
    words outlets' names are made of (``furniture.toml`` [words] site_words), a site suffix
    (site_suffixes: "online", "net") dropped."""
    label = site_label(host, rules)
    if not label or not re.search(r"[a-z]", label):
        return None
    suffixes = rules.word_list("site_suffixes")
    key = re.sub(r"[^a-z0-9]", "", label)
    keys = {key} | {key[: -len(x)] for x in suffixes if key.endswith(x) and len(key) > len(x) + 2}
    found = _self_named(article, keys)
    if found:
        return found
    words = _split_label(label, article, rules)
    if words and words[-1].lower() in suffixes and len(words) > 1:
        words = words[:-1]
    acronyms = rules.word_list("site_acronyms")
    out = []
    for i, w in enumerate(words):
        if w in acronyms:
            out.append(w.upper())
        elif i and w in ("and", "of", "the", "for", "on", "in"):
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out) or None


def _self_named(article: Article, keys: set[str]) -> str | None:
    """A run of capitalised words anywhere on the page (furniture included) whose letters are the
    host's name ("Riverton Star" for ``rivertonstar``)."""
    for ln in article.lines:
        tokens = _NAME_TOKEN.findall(ln.text)
        for i, t in enumerate(tokens):
            if not t[:1].isupper():
                continue
            run = ""
            for j in range(i, min(i + 6, len(tokens))):
                tok = tokens[j]
                if j > i and not (tok[:1].isupper() or tok.lower() in ("and", "&", "of", "the")):
                    break
                run += re.sub(r"[^a-z0-9]", "", tok.lower().replace("&", "and"))
                if run in keys and tok.lower() not in ("and", "&", "of", "the"):
                    name = " ".join(tokens[i : j + 1]).strip(".’'-")
                    return re.sub(r"^(?:the|The)\s+", "The ", name)
                if len(run) > max(len(k) for k in keys):
                    break
    return None


def _split_label(label: str, article: Article, rules: Furniture) -> list[str]:
    """A host's name in words: its hyphens, then the fewest words of the page, of outlets' names
    and function words, with at most one word that neither knows (three letters or more)."""
    vocab = {w.lower() for ln in article.lines for w in re.findall(r"[A-Za-z]+", ln.text)} - {re.sub(r"[^a-z]", "", label)}
    vocab |= rules.word_list("site_words") | rules.word_list("site_acronyms") | _CONNECTORS
    out: list[str] = []
    for piece in label.split("-"):
        letters = re.fullmatch(r"([a-z]+)(\d*)", piece)
        if not letters:
            out.append(piece)
            continue
        word, digits = letters.groups()
        best = _segment(word, vocab)
        if best is None:
            out.append(piece)
        else:
            best[-1] += digits
            out += best
    return out


def _segment(word: str, vocab: set[str]) -> list[str] | None:
    n = len(word)
    # best[i] = (cost, unknown pieces, pieces) for word[:i]
    best: list[tuple[float, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, 0, [])
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        cost, unknown, pieces = here
        for j in range(i + 1, n + 1):
            piece = word[i:j]
            known = piece in vocab and (len(piece) > 1 or piece in ("a",))
            if not known and (len(piece) < 4 or unknown):
                continue
            c = cost + (1.0 if known else 1.0 + 0.6 * len(piece))  # an unknown piece costs by its length
            cand = (c, unknown + (not known), pieces + [piece])
            there = best[j]
            if there is None or c < there[0]:
                best[j] = cand
    last = best[n]
    if last is None or (last[1] and len(last[2]) == 1):
        return None if last is None else [word]
    return last[2]


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
        article.byline = byline_name(line.text, None, table) if line else None
    if not article.byline:  # a lower-cased credit line in the page head ("pti"): the table knows it
        line = next((ln for ln in lines if ln.reason == "navigation text in the page head" and caseless(ln.text)
                     and len(ln.text.split()) <= 2 and table.lookup(ln.text)), None)
        article.byline = line.text.strip() if line else None
    if not article.byline and (credit := _end_credit(lines, table)):
        article.byline = credit  # "(IANS)" under the last paragraph
    if article.byline:
        article.byline = _title_case(article.byline.strip(), keep_acronym=True)
        if table.lookup(article.byline):
            candidates.append((article.byline, "wire credit in the byline"))


_END_CREDIT = re.compile(r"^\s*(?:[(\[]\s*(?P<a>[A-Za-z][\w&.-]{1,15})\s*[)\]]|[-–—]+\s*(?P<b>[A-Za-z][\w&.-]{1,15}))"
                         r"(?:\s+[a-z]{2,4}(?:\s*/\s*[a-z]{2,4})+)?\s*$")  # "--IANS and/in/bg": the desk's initials after it


def _end_credit(lines: list[Line], table: OutletTable) -> str | None:
    """A wire agency credited on a line of its own after the last paragraph ("(IANS)", "-- PTI")."""
    prose = [ln.index for ln in lines if ln.prose and not ln.dropped]
    if not prose:
        return None
    for ln in lines:
        if ln.index > prose[-1] and (m := _END_CREDIT.match(ln.text)):
            name = m["a"] or m["b"]
            if table.lookup(name):
                return name
    return None


def _read_dates(article: Article, lines: list[Line], rules: Furniture,
                title_at: int | None = None) -> tuple[list[str], list[str]]:
    """Publication and update times from the date lines; returns the names credited on them
    ("Metro Political Desk | Mar 14, 2026, 8:40 PM IST") and the places they name
    ("Published - March 14, 2026 03:57 pm IST - Riverton")."""
    credits: list[str] = []
    places: list[str] = []
    stated = article.published
    label_date = printed = None  # the scraper's date label; the first date line the page prints
    for ln in lines:
        if ln.label != "dateinfo":
            continue
        # a scraper's label, a crawl date, or the site's date widget above the headline ("today")
        label = ln.reason in (LABEL_REASON, "crawl date") or bool(_SCRAPER_LABEL.match(ln.text)) \
            or (title_at is not None and ln.index < title_at)
        if label:
            label_date = label_date or (read_date_line(ln.text, rules) or DateLine()).published \
                or to_iso(re.sub(r"^\D*", "", ln.text), naive=True)
        dl = read_date_line(ln.text, rules)
        if dl is not None:
            credits += dl.credits
            places += dl.places
            if dl.updated:
                article.updated = article.updated or dl.updated
            if dl.published:
                article.published = article.published or dl.published
                if not label:
                    printed = printed or dl.published
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
        value = to_iso(text, naive=True)
        if value is None:
            article.warnings.append(f"could not read the date line {ln.text!r}")
            continue
        if re.search(r"updated|modified", ln.text, re.I):
            article.updated = article.updated or value
        else:
            article.published = article.published or value
            if not label:
                printed = printed or value
    if not stated and label_date and printed and article.published == label_date and _days(printed, label_date) > CRAWL_LAG_DAYS:
        # the scraper dated the page when it fetched it; the page's own date line is older
        article.warnings.append(f"the date label {label_date} is {_days(printed, label_date)} days after the page's "
                                f"printed date {printed}; the printed date stands")
        article.published = printed
    in_url = url_date(article.url)
    if in_url and not stated and not printed and label_date and article.published == label_date \
            and _days(in_url, label_date) > CRAWL_LAG_DAYS:
        article.warnings.append(f"the date label {label_date} is {_days(in_url, label_date)} days after the date in "
                                f"the page's address {in_url}; the address's date stands")
        article.published = in_url
    if not article.published and article.updated:
        article.published = article.updated
        article.warnings.append("no publication time stated; the last-updated time stands in for it")
    if not article.published and in_url:
        article.published = in_url
        article.warnings.append(f"no publication date printed; the date in the page's address ({in_url}) stands in")
    return credits, places




_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<s>[/_-])(?P<m>\d{1,2}|[A-Za-z]{3,4})(?P=s)(?P<d>\d{1,2})(?![\d])"  # /2024/Mar/02/, -2023-10-08-
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)/")  # /20240302/


def url_date(url: str | None) -> str | None:
    """The day a news page's address names (``/2024/Mar/02/slug``, ``slug-2023-10-08-896857``,
    ``/20240302/``); None when it names none or no real day."""
    from datetime import date

    if not url:
        return None
    path = urlparse(url).path
    for m in _URL_DATE.finditer(path):
        y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
        month = int(mo) if mo.isdigit() else _MONTHS.get(mo[:3].lower())
        try:
            return date(int(y), month or 0, int(d)).isoformat()
        except (TypeError, ValueError):
            continue
    return None


#: the reason the cleaner gives a scraper's date label ("date 2026-01-24" before the first line)
LABEL_REASON = "date label glued to the first line"
#: a scraper's date label on a line of its own ("date 2026-01-24")
_SCRAPER_LABEL = re.compile(r"^\s*date\s*[:\-]?\s*\d{4}-\d{2}-\d{2}\s*$", re.I)
#: how many days a scraper's date label may follow the page's printed date and still be its day
CRAWL_LAG_DAYS = 2


def _days(earlier: str, later: str) -> int:
    from datetime import date

    try:
        return (date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return 0


def _read_dateline(article: Article, rules: Furniture, table: OutletTable, candidates: list) -> None:
    """The dateline opens the body's first paragraph: the first prose line after the headline,
    byline and date lines (else the first prose line)."""
    kept = [ln for ln in article.lines if not ln.dropped and ln.prose]
    head = [ln.index for ln in article.lines if ln.label in ("title", "byline", "dateinfo", "breadcrumb")]
    after = [ln for ln in kept if head and ln.index > max(head)]
    if kept and _dateline_alone(article, kept[0], rules, table, candidates):
        return
    tried: list[Line] = []
    for line in after[:1] + kept[:1]:
        if all(line is not t for t in tried):
            tried.append(line)
            if _take_dateline(article, line, rules, table, candidates):
                return
    # under a standfirst: the first paragraph a short one and the dateline opening the second
    # ("Two MPs joined the party." / "Riverton: Ahead of the polls, ...")
    lead = (after or kept)[:2]
    if len(lead) == 2 and len(lead[0].content.split()) <= STANDFIRST_MAX_WORDS:
        m = DATELINE.match(lead[1].content)
        if m and m["sep"] == ":" and len(m["place"].split()) <= 2 and not _speaker(m["place"], lead[1].content[m.end():]):
            _take_dateline(article, lead[1], rules, table, candidates)


_TITLE_WORDS = frozenset("president prime minister mr mrs ms dr sir lord lady dame chief senator sen rep governor gov "
                         "secretary speaker leader mp mla mep mayor judge general gen".split())


def _speaker(name: str, rest: str) -> bool:
    """"President Obama: We will ...": a speaker's name and words, no dateline."""
    if {w.lower().strip(".") for w in name.split()} & _TITLE_WORDS:
        return True
    return bool(re.match(r"\s*[“\"‘']", rest) or re.search(r"\b(I|I'm|I’m|we|We|my|My|our|Our)\b", " ".join(rest.split()[:6])))


#: the longest first paragraph (in words) read as a standfirst above the dateline's paragraph
STANDFIRST_MAX_WORDS = 35


def _dateline_alone(article: Article, first: Line, rules: Furniture, table: OutletTable, candidates: list) -> bool:
    """A dateline printed on a line of its own above the first paragraph ("Riverton:" / "In a
    setback to ...")."""
    at = next((i for i, ln in enumerate(article.lines) if ln is first), 0)
    if at == 0:
        return False
    line = article.lines[at - 1]
    if not (line.label == "body" or line.reason == "navigation text in the page head"):
        return False
    text = line.text.strip()
    if not re.search(r"[:—–-]$|\)$", text) or len(text.split()) > 8:
        return False
    rest = "x" if caseless(text) else "X"  # a stand-in for the paragraph the dateline opens
    probe = Line(f"{text} {rest}", line.index)
    saved = (article.dateline, article.byline, len(candidates), len(article.removed))
    if not _take_dateline(article, probe, rules, table, candidates) or probe.kept != rest:
        article.dateline, article.byline = saved[:2]
        del candidates[saved[2]:]
        del article.removed[saved[3]:]
        return False
    line.label, line.reason = "dateinfo", "dateline"
    article.removed = [r for r in article.removed[: saved[3]] if not (r.line == line.index and r.text == line.text)]
    article.removed.append(Removal(text, "dateline", line.index))
    return True


def _take_dateline(article: Article, line: Line, rules: Furniture, table: OutletTable, candidates: list) -> bool:
    """A dateline opens the paragraph: a place (with its state, country or region), maybe a date
    and an agency credit, then a separator -- or, after a date or a credit, none
    ("Riverton, Aug 24 In a ...", "Riverton, Jul 13 (PTI) The ...")."""
    lower = caseless(line.content)
    m = (DATELINE_CASELESS if lower else DATELINE).match(line.content)
    if not m:
        return False
    place, sep, agency = m["place"], m["sep"], m["agency"]
    after_slash = place.rsplit("/", 1)[-1]
    if "/" in place and not agency and ((_ACRONYM.match(after_slash) and not lower) or table.lookup(after_slash)):
        place, agency = place.rsplit("/", 1)  # "Riverton/IBNS:": the place and the agency
    if agency is None and m["state"] and not (m["country"] or m["region"] or m["date"]) \
            and (table.lookup(m["state"]) or _ACRONYM.match(m["state"])):
        agency = m["state"]  # "LUCKNOW (Reuters) -": the bracket names the agency, not a state
    first_word = re.split(r"[ -]", place)[0].lower()
    if first_word in rules.not_places:
        return False
    if sep == ":" and not (m["date"] or agency) and _speaker(place, line.content[m.end():]):
        return False  # "President Obama: We will ...", "Verma: I will stay"
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
    refs: Counter[str] = Counter()
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
