"""Stage ``clean``: a line-level classifier that drops page furniture and embed debris and keeps
every body sentence, subheads and the quoted words of embedded posts.

Each logical line is judged on, in this order:

1. markup residue inside the line (a leaked ``title="X">X`` attribute, stray tags) is cut;
2. known furniture patterns (``data/furniture.toml``): breadcrumbs, bylines, date lines,
   share/follow prompts, copyright, self-promotion, paywall prompts, cross-links; a rule marked
   ``where = "body"`` applies only below the first prose paragraph (so the headline is safe);
3. date lines read as a whole: a line made only of date, time, credit and place pieces
   (``Published: 30th October 2021 08:20 PM | Last Updated: ... | A+A-``,
   ``Desk NameUpdated: Sunday, ...``, ``Published - October 03, 2024 03:57 pm IST - Chandigarh``);
4. position: lines after an end-of-article heading ("Most Popular", "Related stories") are
   dropped until article prose resumes; short lines before the first prose line (navigation)
   or after the last (tags, menus) are dropped; the headline is found in the head;
5. link and punctuation density (a line that is mostly URLs or symbols is not prose);
6. debris glued to a content line is cut and the rest of the line kept: embed tails
   (``pic.twitter.com/…``, ``— NAME (@handle) DATE``), wire desk codes, syndication
   disclaimers, and a headline in title case glued after the paragraph's last sentence;
7. photo captions: a photo credit (``(File photo | PTI)``, ``| Photo Credit: X``,
   ``(Name/HT)``) goes with the caption it ends -- the whole line when the line is one
   sentence, else the last sentence before the credit; the same caption printed elsewhere
   without its credit goes too;
8. short lines between paragraphs: a subhead introduces what follows it (shares content words
   with the next paragraph) and stays; a headline that shares next to nothing with it is a
   cross-link to another article and goes;
9. repetition: a line repeated within the article is kept once. (Repetition across an
   outlet's articles is judged later, once the outlet is known: :mod:`.boilerplate`.)

"Prose" means at least 8 words, a sentence-final mark and a share of English function words
(``data/stopwords.txt``) of at least 0.15. Every removal is recorded with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..article import Article, Line, Removal
from ..errors import InputError
from ..resources import Furniture, LineRule, load_furniture, stopwords, timezones
from ..vocab import SENTENCE_END
from .dates import DATE_LABEL, TIME_ONLY, calendar_words_only, reads_as_time, to_iso
from .extract import caseless

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
_URL = re.compile(r"(https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+)")
_PUNCT = re.compile(r"[^\w\s]|_")  # what is neither alphanumeric nor space
_NAME_WORD = re.compile(r"^([A-Z][\w.’'-]*|[A-Z]\.|and|&|de|da|van|von|al|bin|ul)$")
_BYLINE_LABEL = re.compile(r"^\s*(by|written by|reported by|report by|reporting by|story by|words by|text by|words|author|authors|"
                           r"posted by|edited by|curated by|compiled by)\s*[:\-]?\s*", re.I)
#: a writer's social-media handle after the name ("Asha Verma @ashaverma")
_HANDLE = re.compile(r"\s*\(?@\w{2,30}\)?\s*$")
_QUOTATION = re.compile(r"[\"“”«»]|(?<!\w)[‘’']|[‘’'](?!\w)")


def quoted(text: str) -> bool:
    """A quotation mark in the text (an apostrophe inside a word, "Haryana’s", is none)."""
    return bool(_QUOTATION.search(text))

#: subhead test: the share of a short line's content words found in the next paragraph
INTRODUCES_SHARE = 0.25
#: the longest line (in words) judged as a subhead or a cross-link between paragraphs
SUBHEAD_MAX_WORDS = 14
CROSSLINK_MAX_WORDS = 20
#: the longest headline (in words) preferred over the lines below it
HEADLINE_MAX_WORDS = 25


@dataclass(frozen=True, slots=True)
class Features:
    words: int
    stop_ratio: float
    link_ratio: float
    punct_ratio: float
    terminal: bool

    @property
    def prose(self) -> bool:
        return self.words >= 8 and self.terminal and self.stop_ratio >= 0.15


def features(text: str) -> Features:
    words = _WORD.findall(text)
    n = len(words)
    stops = stopwords()
    stop_ratio = sum(1 for w in words if w.lower() in stops) / n if n else 0.0
    link_chars = sum(len(m) for m in _URL.findall(text))
    visible = len(text.replace(" ", "")) or 1
    punct = len(_PUNCT.findall(text))
    return Features(n, stop_ratio, link_chars / visible, punct / visible, text.rstrip().endswith(SENTENCE_END))


def byline_name(text: str, rules: Furniture | None = None, outlets=None) -> str | None:
    """The name(s) in a byline line, or None when the line is a sentence that starts with "By".
    A role after a comma or a dash ("Asha Verma, Political Correspondent", "Asha Verma - Political
    Reporter"), the outlet the outlet table knows and the place after it ("By Asha Verma,
    Riverton Times, Riverton"), a one-word place after the names ("By Asha Verma and Tom Roe,
    Riverton"), a place after "in" and a social-media handle are no part of the name. A desk
    credit that is all the line names stays ("By HT Correspondent, Hindustan Times, New Delhi")."""
    rest = _HANDLE.sub("", _BYLINE_LABEL.sub("", text, count=1))
    pieces = re.split(r"\s[|•·]\s|\s[–—-]\s|,\s*(?:updated|published|posted)\b", rest, flags=re.I)
    roles = (rules or load_furniture()).word_list("byline_roles")
    is_role = lambda p: bool({w.lower() for w in p.split()} & roles)  # noqa: E731
    rest = pieces[0]  # "Asha Verma - Political Reporter", "Asha Verma | Riverton | Updated ..."
    all_parts = [p for p in re.split(r"\s*,\s*", rest.strip(" ,")) if p]
    if outlets is not None:  # the outlet and what follows it (its place) are no name
        at = next((i for i, p in enumerate(all_parts) if i > 0 and outlets.lookup(p)), None)
        if at is not None:
            all_parts = all_parts[:at]
    parts = [p for p in all_parts if not is_role(p)]
    if all_parts and is_role(all_parts[0]) and any(w.lower() not in roles for w in all_parts[0].split()):
        parts = all_parts[:1]  # a desk credit first: "HT Correspondent, Hindustan Times, New Delhi"
    if len(parts) >= 2 and len(parts[-1].split()) == 1 and all(len(p.split()) >= 2 for p in parts[:-1]):
        parts = parts[:-1]  # "Asha Verma and Tom Roe, Riverton": the place
    if parts and len(parts) < len(re.split(r"\s*,\s*", rest.strip(" ,"))):
        rest = ", ".join(parts)
    rest = re.sub(r"\s+in\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,2}\s*$", "", rest)
    rest = rest.strip(" ,;:|")
    words = rest.replace(",", " , ").split()
    names = [w for w in words if w != ","]
    if not names or len(names) > 9:
        return None
    if caseless(rest):
        return rest if len(names) <= 5 and all(w.isalpha() or w == "&" for w in names) else None
    if not all(_NAME_WORD.match(w) for w in names):
        return None
    return rest


# -- sentences ---------------------------------------------------------------------------------

_SENT_BREAK = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_SENT_BREAK_CASELESS = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(\[]?[a-z0-9])")


def sentence_spans(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence: a break is a final mark and a space before a capital
    or a digit (in a text without capitals, before any letter), except after an abbreviation
    ("Mr.", "Gen.") or an initial ("J. P. Nadda")."""
    spans, start = [], 0
    for m in (_SENT_BREAK_CASELESS if caseless(text) else _SENT_BREAK).finditer(text):
        before = re.search(r"([\w.]+)[.!?…]?$", text[start:m.start() + 1])
        token = before.group(1).rstrip(".").lower() if before else ""
        if text[m.start()] == "." and (len(token) == 1 or token in abbreviations or re.fullmatch(r"(\w\.)+\w", token)):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


# -- date lines --------------------------------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_IN_LINE = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.I)
# a date label glued to the credit before it ("FPJ News ServiceUpdated: Sunday, ..."), or a second
# labelled time with no separator ("Posted: 04/9/2012 8:33 am Updated: 04/9/2012 8:33 am")
_GLUED_LABEL = re.compile(r"(?<=[a-z])(?=(?:Last\s+)?(?:Updated|Published|Posted|Modified)\b)"
                          r"|(?i:(?<=[a-z])(?<!last)(?=(?:last\s*)?(?:updated|published|posted)\s*:))"
                          r"|(?i:(?<=\w)(?<!last)(?<!first)(?<!originally)\s+"
                          r"(?=(?:(?:last|first|originally)\s+)?(?:updated|published|posted|modified|edited)\s*(?:on|at)?\s*:))"
                          r"|(?i:(?<=\d)\s+(?=(?:last\s+)?(?:updated|modified)\b))"  # "22 July 2013 Last updated at 17:50 GMT"
                          r"|(?i:\s*/\s*(?=(?:last\s+)?(?:updated|modified|published|posted)\b))")  # "... 12:46 PM/UPDATED AT ..."
# a place set off by a comma before a date label at the start of the line
_PLACE_LABEL = re.compile(r"^\s*(?P<place>[^,|:]{2,40}?),\s*(?=(?i:(?:last\s+)?(?:updated|published|posted)\s*(?:on|at)?\s*:))")
# the time and zone of a dated piece, taken off to give the date alone
_DATE_PART = re.compile(r"[,\s]*(?:at\s+)?\d{1,2}[:.]\d{2}.*$|^\s*(?:last\s+|first\s+)?(?:updated|published|posted)\s*(?:on|at)?\s*:?\s*", re.I)
_SEGMENT_SEP = re.compile(r"\s*[|•·]\s*|\s+[–—-]+\s+")
_UPDATED = re.compile(r"\b(updated|modified|edited)\b", re.I)


@dataclass(slots=True)
class DateLine:
    """What a date line says: its times, the names credited on it, the place it names."""

    published: str | None = None
    updated: str | None = None
    credits: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def _segment_date(seg: str) -> tuple[str | None, str | None]:
    """``(ISO time, place)`` of one piece of a date line ("WASHINGTON, DC, April 28, 2009")."""
    if TIME_ONLY.match(seg):
        return None, None  # a clock time alone has no day (the parser would make "10:32" a date)
    m = DATE_IN_LINE.search(seg)
    prefix = seg[: m.start()].strip() if m else ""
    # before the date: a weekday, a label ("Updated", "Story Created:", "FOR IMMEDIATE RELEASE")
    # or a place ("WASHINGTON, DC,"); other words make a sentence or a headline that names a date
    # ("Polls on 5 May 2026")
    rest = " ".join(w for w in prefix.split() if not calendar_words_only(w))
    if rest and not (len(rest.split()) <= 3 and (DATE_LABEL.match(rest) or rest.endswith((":", ","))
                                                or (rest.isupper() and not caseless(seg)))):
        return None, None
    value = to_iso(seg, naive=True) or (to_iso(seg[m.start():], naive=True) if m else None)
    place = None
    if value and prefix.endswith(","):
        head = prefix.split(",")[0].strip()
        if head and ":" not in head and name_like(head, 4) and not calendar_words_only(head) \
                and not DATE_LABEL.match(head):
            place = head
    return value, place


_TOKEN = re.compile(r"[A-Za-z]+\.?|\d+(?:st|nd|rd|th)?|[^\sA-Za-z\d]")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_MONTH_WORD = re.compile(rf"^{_MONTH}$", re.I)
_DATE_WORDS = frozenset("updated published posted modified edited created story release released first last "
                        "originally on at date dated time am pm a.m p.m hrs hr".split())


def date_only(text: str) -> bool:
    """Made of nothing but a date's parts -- numbers, weekday and month names, clock times, zone
    abbreviations, date labels, punctuation -- with a month name or a numeric date among them
    ("Mar. 8 5:46 PM EST", "Edited on Mon Dec-19-05 03:49 PM", "12/23/12 06:03 PM ET")."""
    tokens = _TOKEN.findall(text)
    if not tokens or not (_NUMERIC_DATE.search(text) or any(_MONTH_WORD.match(t) for t in tokens)):
        return False
    _, zones = timezones()
    lower = caseless(text)
    for t in tokens:
        w = t.rstrip(".")
        if not w or not w[0].isalpha() or calendar_words_only(w) or w.lower() in _DATE_WORDS:
            continue
        if (w.isupper() and 2 <= len(w) <= 4 and not lower) or w.upper() in zones:
            continue  # a zone: "EST", "ET"
        return False
    return True


def _widget(seg: str, rules: Furniture) -> bool:
    """A piece of page chrome inside a date line ("A+A-", "Share")."""
    return len(seg.split()) <= 4 and any(
        r.label == "furniture" and r.pattern.search(seg) for r in rules.lines)


def read_date_line(text: str, rules: Furniture) -> DateLine | None:
    """A line made only of dates, times, credits, places and page widgets, separated by ``|``,
    ``•`` or a spaced dash; None when any piece is something else or no piece is a date.
    A name before the first date is a credit; after it, a place unless it reads as a desk or
    agency (``[words] credit_words``)."""
    text = _GLUED_LABEL.sub(" | ", text)
    out = DateLine()
    if (m := _PLACE_LABEL.match(text)) and name_like(m["place"], 4):  # "New Delhi, UPDATED: ..."
        out.places.append(m["place"])
        text = text[m.end("place") + 1:]
    label, last_date, found, labelled = "", None, False, False
    credit_words = rules.word_list("credit_words")
    for seg in _SEGMENT_SEP.split(text):
        seg = seg.strip(" ,;")
        if not seg:
            continue
        lab = DATE_LABEL.match(seg)
        if lab and lab.end() == len(seg) and lab.group(0).strip():
            label = seg  # "Published" before "- October 03, 2024 ..."
            continue
        piece = f"{label} {seg}".strip()
        value, place = _segment_date(piece)
        refines = False
        if value is None and last_date and TIME_ONLY.match(seg):  # "12 March 2024 • 2:15pm"
            value = to_iso(f"{last_date} {re.sub(r'^[^0-9]*', '', seg)}", naive=True)
            refines = not _UPDATED.search(piece)
        if value:
            found = True
            last_date = last_date or _DATE_PART.sub("", piece)
            wire = re.match(r"^\s*([A-Za-z]{2,6})\s+(?=\d)", seg)
            if wire and (wire.group(1).isupper() or _known_outlet(wire.group(1))) and not calendar_words_only(wire.group(1)):
                out.credits.append(wire.group(1))  # "PTI 17 December 2020": the wire and its date
            if _UPDATED.search(piece):
                out.updated = out.updated or value
            elif refines and out.published and "T" not in out.published:
                out.published = value
            else:
                out.published = out.published or value
            if place:
                out.places.append(place)
            label = ""
            continue
        if TIME_ONLY.match(seg):
            found = found or bool(DATE_LABEL.match(piece))  # "Last updated at 22:46 GMT": chrome, no day
            continue
        if _widget(seg, rules):
            continue
        if date_only(piece):  # a date the parser cannot read ("12/23/12 06:03 PM ET EST"): still chrome
            found = True
            label = ""
            continue
        name = byline_name(seg, rules) if _BYLINE_LABEL.match(seg) else seg
        if not name or not name_like(name, 6) or calendar_words_only(name):
            return None
        words = {w.lower() for w in name.split()}
        if _BYLINE_LABEL.match(seg) or (not found and not labelled and not words & credit_words) or words & credit_words:
            out.credits.append(name)
            labelled = labelled or bool(_BYLINE_LABEL.match(seg))
        else:  # after the date, or after a "By" credit ("By Desk | Riverton | Published: ...")
            out.places.append(name)
    return out if found else None


def _known_outlet(name: str) -> bool:
    from ..resources import load_outlets

    return load_outlets().lookup(name) is not None


def stated_title_is_time(title: str | None, rules: Furniture) -> bool:
    """A dump's "title" that is a date line or a time ("Sunday, March 17, 2013 | 5:00 PM",
    "8:24am:"): no headline."""
    if not title:
        return False
    return bool(read_date_line(title, rules) or reads_as_time(title.strip(" :|-")))


def _might_be_date_line(text: str) -> bool:
    return bool(re.search(r"\d", text)) and bool(DATE_IN_LINE.search(text) or DATE_LABEL.match(text)
                                                 or _GLUED_LABEL.search(text) or date_only(text))


# -- rules ---------------------------------------------------------------------------------------

def _match_line(rules: Furniture, ln: Line, f: Features, below: bool):
    for rule in rules.lines:
        if rule.max_words is not None and f.words > rule.max_words:
            continue
        if rule.where == "body" and not below:
            continue
        if rule.pattern.search(ln.text):
            if rule.label == "byline" and (not byline_name(ln.text, rules)
                                           or (_might_be_date_line(ln.text) and read_date_line(ln.text, rules))):
                continue  # no name; or a date line that credits its writer ("By X | Riverton | Published: ...")
            if rule.label == "dateinfo" and read_date_line(ln.text, rules) is None \
                    and not (rule.reason == "crawl date" and to_iso(re.sub(r"^\D*", "", ln.text))):
                continue
            return rule
    return None


def _cut_prefixes(article: Article, rules: Furniture) -> None:
    """Debris glued to the start of the first lines, one piece after another ("date 2026-03-04
    (Eds: adding quotes) Riverton, Mar 4 (PTI) ...")."""
    out: list[Line] = []
    for ln in article.lines:
        if ln.index < 2:
            cut = True
            while cut:
                cut = False
                for rule in rules.prefixes:
                    m = rule.pattern.match(ln.text)
                    if m and m.end() < len(ln.text):
                        out.append(Line(m.group(0).strip(), ln.index, rule.label, rule.reason))
                        ln.text = ln.text[m.end():]
                        cut = True
                        break
        out.append(ln)
    article.lines = out


def _cut_inline(ln: Line, rules: Furniture, removed: list[Removal]) -> None:
    """Markup residue inside a line: cut, the words on either side kept apart by a space."""
    for rule in rules.inline:
        while (m := rule.pattern.search(ln.text)) and m.end() > m.start():
            removed.append(Removal(m.group(0), rule.reason, ln.index))
            left, right = ln.text[: m.start()], ln.text[m.end():]
            glue = " " if left[-1:].isalnum() and right[:1].isalnum() else ""
            ln.text = f"{left}{glue}{right}"


def _tail_rules(rules: Furniture, label: str | None, below: bool) -> list[LineRule]:
    return [r for r in rules.tails if (r.label == "caption") == (label == "caption") and (below or r.where != "body")]


def _cut_tails(ln: Line, rules: Furniture, removed: list[Removal], below: bool) -> None:
    changed = True
    while changed:
        changed = False
        for rule in _tail_rules(rules, None, below):
            text = ln.content
            m = rule.pattern.search(text)
            if m and m.start() > 0:
                keep = text[: m.start()].rstrip()
                if len(_WORD.findall(keep)) < 3:
                    ln.label, ln.reason = "furniture", rule.reason
                    return
                removed.append(Removal(text[m.start():].strip(), rule.reason, ln.index))
                ln.kept = keep
                changed = True
                break


def headline_case(sentence: str, stops: frozenset[str]) -> bool:
    """A sentence written as a headline: every content word capitalised ("Stones Hurled at
    Rally in Riverton, 12 Injured") and a headline's shape -- a "Place:" kicker or a capitalised
    function word ("Stones Hurled At ...") -- so that a list of names is not taken for one."""
    if quoted(sentence):
        return False
    words = re.findall(r"[A-Za-z][\w’'-]*", sentence)
    if len(words) < 6:
        return False
    content = [w for w in words[1:] if w.lower() not in stops]
    if len(content) < 4 or not all(w[0].isupper() for w in content):
        return False
    kicker = re.match(r"^\s*[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}\s*:\s+[A-Z]", sentence)
    capital_function_word = any(w[0].isupper() and w.lower() in stops for w in words[1:])
    return bool(kicker or capital_function_word)


def _cut_glued_headline(ln: Line, rules: Furniture, removed: list[Removal]) -> None:
    """A cross-link headline glued after a paragraph's last sentence."""
    text = ln.content
    spans = sentence_spans(text, rules.word_list("abbreviations"))
    if len(spans) < 2:
        return
    start, end = spans[-1]
    last = text[start:end].strip()
    if headline_case(last, stopwords()) and features(text[:start]).prose:
        removed.append(Removal(last, "cross-link: a headline glued to the paragraph", ln.index))
        ln.kept = text[:start].rstrip()


def clean(article: Article, rules: Furniture) -> Article:
    _cut_prefixes(article, rules)
    title = article.title if not stated_title_is_time(article.title, rules) else None
    cuts: list[Removal] = []
    for ln in article.lines:
        if ln.label == "body":
            _cut_inline(ln, rules, cuts)
    first = _first_prose(article, rules)
    zone: str | None = None
    zone_kind = "list"
    for ln in article.lines:
        if ln.label != "body":
            continue
        f = features(ln.text)
        below = ln.index > first
        rule = _match_line(rules, ln, f, below)
        if rule and not (zone is not None and rule.where == "body" and zone_kind == "list"):
            ln.label, ln.reason = rule.label, rule.reason
            if rule.ends_zone:
                zone, zone_kind = ln.text, rule.zone
            continue
        if not f.prose and f.words <= 40 and _might_be_date_line(ln.text) and read_date_line(ln.text, rules):
            ln.label, ln.reason = "dateinfo", "publication date line"
            continue
        if zone is not None:
            if zone_kind == "address":
                if addresses_reader(ln.text):
                    ln.label, ln.reason = "furniture", f"in the appeal after {zone[:40]!r}"
                    continue
                zone = None
            elif f.prose and f.words >= 15:
                zone = None
            else:
                ln.label, ln.reason = "furniture", f"in the block after {zone[:40]!r}"
                continue
        if f.link_ratio > 0.5:
            ln.label, ln.reason = "furniture", "mostly links"
            continue
        if f.punct_ratio > 0.5 and f.words < 4:
            ln.label, ln.reason = "furniture", "mostly symbols"
            continue
        _cut_tails(ln, rules, cuts, below)
        if ln.label == "body":
            _cut_glued_headline(ln, rules, cuts)
            ln.prose = (f if ln.content == ln.text else features(ln.content)).prose
    _captions(article, title, rules, cuts)
    _by_position(article, title, rules)
    _dedupe(article)
    article.removed = [Removal(ln.text, ln.reason or ln.label, ln.index) for ln in article.lines if ln.dropped]
    article.removed += cuts
    article.removed.sort(key=lambda r: r.line if r.line is not None else -1)
    if not any(not ln.dropped for ln in article.lines):
        raise InputError(article.source, "no article text left after removing page furniture")
    return article


_READER = re.compile(r"\b(you|your|yours|yourself|you’re|you're|you’ll|you'll|us|our|we|we’re|we're)\b", re.I)
_REPORTED = re.compile(r"\b(said|says|told|added|according|stated|announced)\b", re.I)
#: the longest line an appeal to the reader runs on in
APPEAL_MAX_WORDS = 80


def addresses_reader(text: str) -> bool:
    """A line of an outlet's appeal: it speaks to the reader ("you", "your") or for the outlet
    ("we", "our", "us"), reports nobody's words and is not long ("And do share with your
    friends", "You can help. Donate today.")."""
    return bool(_READER.search(text)) and not _REPORTED.search(text) and len(_WORD.findall(text)) <= APPEAL_MAX_WORDS


def _first_prose(article: Article, rules: Furniture) -> int:
    """The index of the first line that reads as prose and no line rule claims: rules marked
    ``where = "body"`` apply only below it."""
    for ln in article.lines:
        if ln.label == "body":
            f = features(ln.text)
            if f.prose and _match_line(rules, ln, f, below=False) is None:
                return ln.index
    return max((ln.index for ln in article.lines), default=0)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


# -- photo captions ------------------------------------------------------------------------------

def _captions(article: Article, title: str | None, rules: Furniture, removed: list[Removal]) -> None:
    """A photo credit takes its caption with it; a caption printed again without its credit goes
    too. The headline line is never a caption."""
    title = _norm(title) if title else None
    first = next((ln.index for ln in article.lines if ln.label == "body" and ln.prose), None)
    captions: dict[str, int] = {}  # caption -> the line it was cut from
    abbreviations = rules.word_list("abbreviations")
    for ln in article.lines:
        if ln.label != "body" or (title and _norm(ln.content) == title):
            continue
        below = first is not None and ln.index > first
        for rule in _tail_rules(rules, "caption", below):
            text = ln.content
            m = rule.pattern.search(text)
            if not m:
                continue
            before = text[: m.start()].rstrip(" |–—-:,")
            caption = _caption_of(before, abbreviations)
            if caption is None:  # the line is the caption (or only the credit)
                captions[_norm(before)] = ln.index
                ln.label, ln.reason = "furniture", rule.reason
                break
            cut = len(before) - len(caption)
            captions[_norm(caption)] = ln.index
            removed.append(Removal(text[cut:].strip(), rule.reason, ln.index))
            ln.kept = text[:cut].rstrip()
            ln.prose = features(ln.kept).prose
            break
    captions.pop("", None)
    for ln in article.lines:
        if ln.label == "body" and captions.get(_norm(ln.content), ln.index) != ln.index:
            ln.label, ln.reason = "furniture", "photo caption (printed again without its credit)"
    # the picture's alt text on the line above its caption ("Jane Roe" / "Jane Roe, who ... Picture: PA")
    by_index = {ln.index: ln for ln in article.lines}
    for caption, at in captions.items():
        above = by_index.get(at - 1)
        if above is not None and above.label == "body" and not above.prose and 0 < len(_WORD.findall(above.content)) <= 8 \
                and caption.startswith(_norm(above.content)) and _norm(above.content) != caption:
            above.label, above.reason = "furniture", "photo caption (the picture's alt text)"


def _caption_of(before: str, abbreviations: frozenset[str]) -> str | None:
    """The caption at the end of ``before`` (what a photo credit ends), or None when all of
    ``before`` is the caption: one sentence, or a paragraph printed twice (the standfirst and the
    same words as the photo's caption)."""
    spans = sentence_spans(before, abbreviations)
    if len(spans) <= 1:
        return None
    half = len(spans) // 2
    if len(spans) % 2 == 0 and _norm(before[spans[0][0]:spans[half - 1][1]]) == _norm(before[spans[half][0]:]):
        return before[spans[half][0]:]
    last = before[spans[-1][0]:]
    if quoted(last):
        return ""  # a quoted sentence is the article's: only the credit goes
    return last


# -- position --------------------------------------------------------------------------------------

_SUFFIX = re.compile(r"(?:’s|'s|ings?|ed|es|s|al|ion|ions)$")


def _stems(text: str, stops: frozenset[str]) -> set[str]:
    out = set()
    for w in re.findall(r"[\w’'-]+", text.lower()):
        if w in stops or len(w) < 3 or w.isdigit():
            continue
        out.add(_SUFFIX.sub("", w) if len(w) > 5 else w.removesuffix("’s").removesuffix("'s"))
    return out


def _same_stem(a: str, b: str) -> bool:
    """"rumours"/"rumour", "denies"/"denied", "elections"/"electoral"; or one word inside the
    other ("bypoll"/"poll")."""
    return a[:5] == b[:5] or (len(b) >= 4 and b in a) or (len(a) >= 4 and a in b)


def introduces(line: str, paragraph: str) -> bool:
    """A subhead introduces the paragraph after it: a quarter or more of its content words (by
    a crude stem) appear there. A related-article headline between paragraphs does not."""
    stops = stopwords()
    own = _stems(line, stops)
    if not own:
        return True
    theirs = _stems(paragraph, stops)
    # a stem shared outright, or one inside the other ("bypoll" and "polling")
    shared = sum(1 for w in own if any(_same_stem(w, t) for t in theirs))
    return shared >= 1 and shared / len(own) >= INTRODUCES_SHARE


_CONNECTORS = {"of", "the", "and", "&", "for", "de", "la"}


def name_like(text: str, max_words: int = 6) -> bool:
    """A short run of capitalised words ("North India Chronicle", "SWS"); in a text without
    capitals, a short run of words without a sentence's end."""
    words = text.split()
    if caseless(text):
        return 0 < len(words) <= max_words and not text.rstrip().endswith(SENTENCE_END)
    return 0 < len(words) <= max_words and words[0][:1].isupper() and all(
        w[:1].isupper() or w.lower() in _CONNECTORS for w in words) and not text.rstrip().endswith(SENTENCE_END)


def title_cased(text: str) -> bool:
    """Every content word capitalised, four or more of them ("Labour MP Quits Party Over Row")."""
    if caseless(text):
        return False
    stops = stopwords()
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    content = [w for w in words if w.lower() not in stops]
    return len(content) >= 4 and all(w[0].isupper() for w in content)


def headline_shape(text: str) -> bool:
    """A line that could be another article's headline: four words or more, a name in it (a
    capitalised word after the first), few function words, no quotation, no sentence inside and
    nothing after its last word. A teaser subhead ("Heart disease") or a line that introduces a
    quotation ("He said:") is not."""
    words = _WORD.findall(text)
    lower = caseless(text)
    if len(words) < 4 or quoted(text) or not (text[:1].isupper() or lower):
        return False
    if not text.rstrip()[-1:].isalnum() or re.search(r"[.;!?]\s", text):
        return False
    return (lower or any(w[:1].isupper() for w in words[1:])) and features(text).stop_ratio < 0.25


def _by_position(article: Article, title: str | None, rules: Furniture) -> None:
    body = [ln for ln in article.lines if ln.label == "body"]
    prose = [ln.index for ln in body if ln.prose]
    if not prose:
        return
    first, last = prose[0], prose[-1]
    _head(article, title, [ln for ln in body if ln.index < first], rules)
    _link_lists(body, first)
    for i, ln in enumerate(body):
        if ln.index <= first or ln.label != "body":
            continue
        words = len(_WORD.findall(ln.content))
        if ln.index > last:
            if not ln.prose and words <= 6:
                ln.label, ln.reason = "furniture", "short line after the article's end"
        elif not ln.prose and words <= CROSSLINK_MAX_WORDS and not ln.content.rstrip().endswith("."):
            # a cross-link sits between two prose paragraphs (a list item does not)
            prev = next((n for n in reversed(body[:i]) if not n.dropped), None)
            nxt = next((n for n in body[i + 1:] if not n.dropped), None)
            between = prev is not None and prev.prose and nxt is not None and nxt.prose
            if between and nxt is not None and headline_shape(ln.content) and not introduces(ln.content, nxt.content):
                ln.label, ln.reason = "furniture", "cross-link: a headline that does not introduce what follows"
            elif between and _LINK_BULLET.match(ln.content):
                ln.label, ln.reason = "furniture", "cross-link: a lone bulleted headline between paragraphs"
            elif words <= SUBHEAD_MAX_WORDS:
                ln.label = "subhead"


_BULLET = re.compile(r"^\s*(?:[-–•*·▪►»]|\d{1,2}[.)])\s+")
_LINK_BULLET = re.compile(r"^\s*[•▪►»]\s+\S")  # "• The moment X crossed the floor"; a dash or a number opens list items
_KICKER = re.compile(r"^[A-Z][A-Z’' &-]{2,24}:\s+\S")
_KICKER_CASELESS = re.compile(r"^[a-z][a-z’' &-]{2,24}:\s+\S")


def link_line(text: str) -> bool:
    """A line that reads as a link to another article: a headline's shape, or a capitalised
    kicker and a few words ("POLLS: 'Intense battle' for every vote"), a list bullet allowed."""
    text = _BULLET.sub("", text)
    kicker = _KICKER_CASELESS if caseless(text) else _KICKER
    if kicker.match(text) and len(_WORD.findall(text)) <= 15 and not text.rstrip().endswith("."):
        return True
    return headline_shape(text)


def _link_lists(body: list[Line], first: int) -> None:
    """Two or more link lines in a row below the first paragraph -- a list of related headlines
    inside the article or under it -- go; one alone is judged as a subhead or a cross-link."""
    run: list[Line] = []
    for ln in [*body, None]:
        if ln is not None and ln.index > first and ln.label == "body" and not ln.prose \
                and len(_WORD.findall(ln.content)) <= CROSSLINK_MAX_WORDS and link_line(ln.content):
            run.append(ln)
            continue
        if len(run) >= 2:
            for r in run:
                r.label, r.reason = "furniture", "list of links to other articles"
        run = []


def _head(article: Article, title: str | None, head: list[Line], rules: Furniture) -> None:
    """The lines above the first prose paragraph: masthead, headline, credit and date lines,
    navigation. ``title`` is the headline the input states (a stated "title" that is a date line
    is none)."""
    known_title = _norm(title) if title else None
    page_top = min((ln.index for ln in article.lines), default=0)
    rest: list[Line] = []
    roles = rules.word_list("byline_roles")
    prev: Line | None = None
    for ln in head:
        text = ln.content
        words = len(_WORD.findall(text))
        if known_title and (_norm(text) == known_title or known_title in _norm(text)):
            ln.label, ln.reason = "title", "headline repeated in the body"
        elif words <= 16 and not ln.prose and (dm := DATE_IN_LINE.search(text)) and to_iso(text[dm.start():]):
            ln.label, ln.reason = "dateinfo", "publication date line"
        elif re.fullmatch(r"[A-Z][A-Z&]{1,6}", text.strip()):
            ln.label, ln.reason = "byline", "wire credit"
        elif prev is not None and prev in rest and role_only(text, roles) \
                and name_like(prev.content, 4) and 2 <= len(prev.content.split()) <= 4 and not known_title_of(prev, known_title):
            # "Asha Verma" above "Political Correspondent": the name is the byline, the role no name
            prev.label, prev.reason = "byline", "byline (the writer's role on the next line)"
            rest.remove(prev)
            ln.label, ln.reason = "furniture", "the writer's role"
        elif ln.index != page_top and name_like(text, 5) and {w.lower() for w in text.split()} & rules.word_list("desk_words"):
            ln.label, ln.reason = "byline", "desk credit"
        elif unlabelled_byline(text, rules) and (ln.index != page_top or _role_words(text, rules)):
            ln.label, ln.reason = "byline", "byline (a name and the writer's role, outlet or handle)"
        else:
            rest.append(ln)
        prev = ln
    longer = [ln for ln in rest if len(_WORD.findall(ln.content)) >= 3 and not ln.content.rstrip().endswith((".", ":"))]
    if longer and longer[0].index == page_top and name_like(longer[0].content, 5) and len(longer) > 1:
        longer[0].label, longer[0].reason = "furniture", "masthead"
        longer = longer[1:]
    if known_title is None and longer:
        # the headline comes first; a longer line under it is the standfirst
        fits = [ln for ln in longer if 4 <= len(_WORD.findall(ln.content)) <= HEADLINE_MAX_WORDS
                and len([w for w in _WORD.findall(ln.content) if w.isalpha() and not calendar_words_only(w)]) >= 3]
        # a headline written in title case beats a sentence-case line above it (a photo's alt
        # text, a slogan: "Free from fear or favour")
        # (right under it, no date line or byline between: a caption further down is no headline)
        between = lambda a, b: any(a.index < ln.index < b.index and ln.label in ("dateinfo", "byline")  # noqa: E731
                                   for ln in article.lines)
        cased = [ln for ln in fits if title_cased(ln.content) and len(_WORD.findall(ln.content)) >= 6]
        if fits and cased and not title_cased(fits[0].content) and not between(fits[0], cased[0]):
            fits = cased
        # a line printed twice in a row that the page's address does not spell is a photo's alt text
        # and caption, no headline
        from .urls import url_headline

        slug = _stems(url_headline(article.url) or "", stopwords())
        doubled = {_norm(a.content) for a, b in zip(head, head[1:]) if _norm(a.content) == _norm(b.content)
                   and slug and len(_stems(a.content, stopwords()) & slug) < 0.5 * len(slug)}
        fits = [ln for ln in fits if _norm(ln.content) not in doubled]
        longer = [ln for ln in longer if _norm(ln.content) not in doubled]
        for ln in rest:
            if _norm(ln.content) in doubled:
                ln.label, ln.reason = "furniture", "photo caption (alt text and caption, the same words)"
    if known_title is None and longer:
        headline = fits[0] if fits else max(longer, key=lambda ln: len(_WORD.findall(ln.content)))
        headline.label, headline.reason = "title", "headline"
        for ln in rest:  # the headline again, a breadcrumb glued to it ("HomeRivertonHeadline ...")
            if ln is not headline and ln.label == "body" and _norm(headline.content) in _norm(ln.content):
                ln.label, ln.reason = "title", "headline repeated in the body"
        for ln in rest:
            if ln.index < headline.index and ln.label == "body":  # a slogan, a photo's alt text above the headline
                ln.label, ln.reason = "furniture", "page head above the headline"
    for ln in rest:
        if ln.label == "body" and len(_WORD.findall(ln.content)) <= 3:
            ln.label, ln.reason = "furniture", "navigation text in the page head"


#: words that qualify a writer's role ("Chief Political Correspondent", "Senior Reporter")
_ROLE_QUALIFIERS = frozenset("political senior special principal associate deputy assistant chief "
                             "diplomatic legal economics".split())


def role_only(text: str, roles: frozenset[str]) -> bool:
    """A writer's role and nothing else ("Political Correspondent", "Chief Reporter")."""
    words = [w.lower() for w in text.split()]
    return name_like(text, 4) and any(w in roles for w in words) and all(w in roles | _ROLE_QUALIFIERS for w in words)


def known_title_of(ln: Line, known_title: str | None) -> bool:
    return bool(known_title) and _norm(ln.content) == known_title


def role_phrase(text: str, roles: frozenset[str]) -> bool:
    """A writer's role in words of its own ("local democracy reporter"): a few words ending in a role."""
    words = text.lower().split()
    return 1 <= len(words) <= 4 and words[-1] in roles and not text.rstrip().endswith(SENTENCE_END)


def _role_words(text: str, rules: Furniture) -> bool:
    pieces = [p.strip() for p in re.split(r"\s*,\s*|\s[–—|-]\s", text) if p.strip()]
    roles = rules.word_list("byline_roles")
    return len(pieces) >= 2 and all(role_only(p, roles) or role_phrase(p, roles) for p in pieces[1:])


def unlabelled_byline(text: str, rules: Furniture) -> bool:
    """A head line that names its writer without "By": the name and the writer's role ("Asha
    Verma, Political Editor", "Asha Verma - Political Reporter"), the outlet the table knows and a
    place ("Asha Verma, Riverton Times, Riverton"), or the writer's handle ("Asha Verma
    @ashaverma")."""
    from ..resources import load_outlets

    roles = rules.word_list("byline_roles")
    if _HANDLE.search(text) and "@" in text:
        name = _HANDLE.sub("", text).strip()
        return 2 <= len(name.split()) <= 4 and name_like(name, 4)
    pieces = [p.strip() for p in re.split(r"\s*,\s*|\s[–—|-]\s", text) if p.strip()]
    if len(pieces) < 2 or not (name_like(pieces[0], 4) and 2 <= len(pieces[0].split()) <= 4):
        return False
    if {w.lower() for w in pieces[0].split()} & roles:
        return False
    if all(role_only(p, roles) or role_phrase(p, roles) for p in pieces[1:]):
        return True
    table = load_outlets()
    return bool(table.lookup(pieces[1])) and all(name_like(p, 4) for p in pieces[2:])


def _dedupe(article: Article) -> None:
    """A line printed twice is kept once; a short line printed twice in a row (a picture's alt
    text and its caption, "Jane Roe" / "Jane Roe") is neither."""
    seen: set[str] = {_norm(ln.content) for ln in article.lines if ln.label == "title"}  # the headline printed again
    last: Line | None = None
    for ln in article.lines:
        if ln.dropped:
            continue
        key = _norm(ln.content)
        if key in seen and len(key) > 3:
            ln.label, ln.reason = "furniture", "repeated line"
            if last is not None and _norm(last.content) == key and not ln.prose and len(key.split()) <= 8 \
                    and last.label == "body":
                last.label, last.reason = "furniture", "photo caption (alt text and caption, the same words)"
        seen.add(key)
        last = ln
