"""Stage ``clean``: a line-level classifier that drops page furniture and embed debris and keeps
every body sentence, subheads and the quoted words of embedded posts.

Each logical line is judged on, in this order:

1. known furniture patterns (``data/furniture.toml``): breadcrumbs, bylines, date lines,
   share/follow prompts, copyright, self-promotion, paywall prompts, cross-links;
2. position: lines after an end-of-article heading ("Most Popular", "Related stories") are
   dropped until article prose resumes; short lines before the first prose line (navigation)
   or after the last (tags, menus) are dropped; the headline is found in the head;
3. link and punctuation density (a line that is mostly URLs or symbols is not prose);
4. embed debris glued to a content line (``pic.twitter.com/…``, ``— NAME (@handle) DATE``)
   is cut and the rest of the line kept;
5. repetition: a line repeated within the article is kept once. (Repetition across an
   outlet's articles is judged later, once the outlet is known: :mod:`.boilerplate`.)

"Prose" means at least 8 words, a sentence-final mark and a share of English function words
(``data/stopwords.txt``) of at least 0.15. Every removal is recorded with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..article import Article, Line, Removal
from ..errors import InputError
from ..resources import Furniture, stopwords
from .dates import to_iso

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
_URL = re.compile(r"(https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+)")
_PUNCT = re.compile(r"[^\w\s]|_")  # what is neither alphanumeric nor space
_NAME_WORD = re.compile(r"^([A-Z][\w.’'-]*|[A-Z]\.|and|&|de|da|van|von|al|bin|ul)$")
_BYLINE_LABEL = re.compile(r"^\s*(by|written by|reported by|author|authors|posted by|edited by)\s*[:\-]?\s*", re.I)
TERMINAL = (".", "!", "?", "”", '"', "’", "'", "…", ")")


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
    return Features(n, stop_ratio, link_chars / visible, punct / visible, text.rstrip().endswith(TERMINAL))


def byline_name(text: str) -> str | None:
    """The name(s) in a byline line, or None when the line is a sentence that starts with "By"."""
    rest = _BYLINE_LABEL.sub("", text, count=1)
    rest = re.split(r"\s[|•·]\s|\s[–—-]\s|,\s*(?:updated|published|posted)\b", rest, maxsplit=1, flags=re.I)[0]
    rest = rest.strip(" ,;:|")
    words = rest.replace(",", " , ").split()
    names = [w for w in words if w != ","]
    if not names or len(names) > 9:
        return None
    if not all(_NAME_WORD.match(w) for w in names):
        return None
    return rest


def _match_line(rules: Furniture, ln: Line, f: Features):
    for rule in rules.lines:
        if rule.max_words is not None and f.words > rule.max_words:
            continue
        if rule.pattern.search(ln.text):
            if rule.label == "byline" and not byline_name(ln.text):
                continue
            if rule.label == "dateinfo" and to_iso(ln.text) is None:
                continue
            return rule
    return None


def _cut_prefixes(article: Article, rules: Furniture) -> None:
    out: list[Line] = []
    for ln in article.lines:
        if ln.index < 2:
            for rule in rules.prefixes:
                m = rule.pattern.match(ln.text)
                if m and m.end() < len(ln.text):
                    out.append(Line(m.group(0).strip(), ln.index, rule.label, rule.reason))
                    ln.text = ln.text[m.end():]
                    break
        out.append(ln)
    article.lines = out


def _cut_tails(ln: Line, rules: Furniture, removed: list[Removal]) -> None:
    changed = True
    while changed:
        changed = False
        for rule in rules.tails:
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


def clean(article: Article, rules: Furniture) -> Article:
    _cut_prefixes(article, rules)
    tail_removals: list[Removal] = []
    zone: str | None = None
    for ln in article.lines:
        if ln.label != "body":
            continue
        f = features(ln.text)
        rule = _match_line(rules, ln, f)
        if rule:
            ln.label, ln.reason = rule.label, rule.reason
            if rule.ends_zone:
                zone = ln.text
            continue
        if zone is not None:
            if f.prose and f.words >= 15:
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
        _cut_tails(ln, rules, tail_removals)
        if ln.label == "body":
            ln.prose = (f if ln.content == ln.text else features(ln.content)).prose
    _by_position(article)
    _dedupe(article)
    article.removed = [Removal(ln.text, ln.reason or ln.label, ln.index) for ln in article.lines if ln.dropped]
    article.removed += tail_removals
    article.removed.sort(key=lambda r: r.line if r.line is not None else -1)
    if not any(not ln.dropped for ln in article.lines):
        raise InputError(article.source, "no article text left after removing page furniture")
    return article


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_IN_LINE = re.compile(rf"\b(\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})", re.I)
_CONNECTORS = {"of", "the", "and", "&", "for", "de", "la"}


def name_like(text: str, max_words: int = 6) -> bool:
    """A short run of capitalised words ("North India Chronicle", "SWS")."""
    words = text.split()
    return 0 < len(words) <= max_words and words[0][:1].isupper() and all(
        w[:1].isupper() or w.lower() in _CONNECTORS for w in words) and not text.rstrip().endswith(TERMINAL)


def _by_position(article: Article) -> None:
    body = [ln for ln in article.lines if ln.label == "body"]
    prose = [ln.index for ln in body if ln.prose]
    if not prose:
        return
    first, last = prose[0], prose[-1]
    _head(article, [ln for ln in body if ln.index < first])
    for ln in body:
        if ln.index <= first or ln.label != "body":
            continue
        words = len(_WORD.findall(ln.content))
        if ln.index > last:
            if not ln.prose and words <= 6:
                ln.label, ln.reason = "furniture", "short line after the article's end"
        elif not ln.prose and words <= 14 and not ln.content.rstrip().endswith("."):
            ln.label = "subhead"


def _head(article: Article, head: list[Line]) -> None:
    """The lines above the first prose paragraph: masthead, headline, credit and date lines,
    navigation."""
    known_title = _norm(article.title) if article.title else None
    page_top = min((ln.index for ln in article.lines), default=0)
    rest: list[Line] = []
    for ln in head:
        text = ln.content
        words = len(_WORD.findall(text))
        if known_title and (_norm(text) == known_title or known_title in _norm(text)):
            ln.label, ln.reason = "title", "headline repeated in the body"
        elif words <= 16 and not ln.prose and (dm := DATE_IN_LINE.search(text)) and to_iso(text[dm.start():]):
            ln.label, ln.reason = "dateinfo", "publication date line"
        elif re.fullmatch(r"[A-Z][A-Z&]{1,6}", text.strip()):
            ln.label, ln.reason = "byline", "wire credit"
        else:
            rest.append(ln)
    longer = [ln for ln in rest if len(_WORD.findall(ln.content)) >= 3 and not ln.content.rstrip().endswith(".")]
    if longer and longer[0].index == page_top and name_like(longer[0].content, 5) and len(longer) > 1:
        longer[0].label, longer[0].reason = "furniture", "masthead"
        longer = longer[1:]
    if known_title is None and longer:
        title = max(longer, key=lambda ln: len(_WORD.findall(ln.content)))
        title.label, title.reason = "title", "headline"
    for ln in rest:
        if ln.label == "body" and len(_WORD.findall(ln.content)) <= 3:
            ln.label, ln.reason = "furniture", "navigation text in the page head"


def _dedupe(article: Article) -> None:
    seen: set[str] = set()
    for ln in article.lines:
        if ln.dropped:
            continue
        key = _norm(ln.content)
        if key in seen and len(key) > 3:
            ln.label, ln.reason = "furniture", "repeated line"
        seen.add(key)
