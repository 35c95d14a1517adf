"""Stories: documents that report the same real-world event, clustered incrementally.

Each document is a bag of content words (:mod:`newsweave.nlp.terms`: lemmas of nouns, proper nouns, verbs, adjectives and
numbers; words of named entities count double), weighted by TF-IDF over the stored corpus. A new
document is compared only with its candidates: documents that share its most telling words
(an inverted index) and were published within ``window_days`` of it (documents without a date are
compared with all). Pairs at or above ``min_sim`` are kept as neighbour edges.

A pair's similarity is the cosine of their words, less where they report different news however
alike their words: they lead with events by different actors, or with one actor's different
events more than ``season_days`` apart (``event_conflict``); further apart than that, neither
names the other's main people, organisations or places (``name_conflict``: the same kind of event
about other people, months later); or an undated text names a year two or more after the other
was published (``year_conflict``: the same kind of event another year). A document without a
publication date takes its date from a date line that names the month and the four-digit year
("Monday, May 23, 2005" as its title or first line), for the time window too.

Links are weighted by the neighbours their two documents share (Jarvis & Patrick, "Clustering
using a similarity measure based on shared near neighbors", 1973): two reports of one event have
the same nearest neighbours, two look-alike events (two patches for one browser, two coaches fired
by one team) each have their own, however similar the two documents are. Then similarity is
*locally scaled* (Zelnik-Manor & Perona, "Self-tuning spectral clustering", 2004): divided by the
geometric mean of each document's ``k``-th best link. In a crowded neighbourhood the bar rises; a
lone report is judged against its own sparse neighbourhood.

Incremental: a new batch never reclusters the corpus. Its block is the new documents plus every
member of a story they have an edge to; the block is clustered again in arrival order (a document
joins the story whose ``top`` best scaled links average at least ``threshold``, or starts one),
then each document may move, ``passes`` times, to the story it now links to best (or leave one it
no longer links to), so an early report of a second look-alike event does not stay with the first.
A story can grow, absorb a new report, or split when later reports show it was two events.
Everything else stays as it was. Work per document is bounded by the candidate limit and the size
of the stories it touches, not by the size of the corpus.

A story is named after its earliest member (by arrival), so its id stays stable as it grows.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from ..settings import on_change
from .names import fold, part_key


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Tuned on ECB+ dev over several arrival orders (see docs/benchmarks.md); every one can be
    set per run."""

    window_days: int | None = 730  # documents further apart (both dated) are never one story
    threshold: float = 0.4  # scaled similarity to join a story
    k: int = 5  # the neighbour whose similarity scales a document's
    floor: float = 0.25  # lowest scale: in a small corpus the cosine itself must reach floor*threshold
    min_sim: float = 0.18  # similarity kept as a neighbour edge: below it, never one story
    top: int = 3  # a story's best links averaged
    shared_k: int = 5  # a document's nearest neighbours compared with another's
    shared_power: float = 0.5  # a link is weighted by (share of nearest neighbours in common) ** this
    passes: int = 3  # rounds in which a document may move to the story it links to best
    event_conflict: float = 0.5  # similarity kept when two documents lead with different events
    season_days: int = 90  # closer (or undated): one actor's two lead events, or other people, may be one story
    main_names: int = 2  # the names a document is most about
    name_conflict: float = 0.5  # similarity kept, further apart, when neither names the other's main names
    year_conflict: float = 0.0  # similarity kept when an undated text names a year 2+ after the other's date
    merge: float = 0.8  # scaled similarity at which a report joins two stories into one
    query_terms: int = 15  # a document's most telling words looked up in the index
    postings: int = 400  # documents read per looked-up word (the most recent)
    candidates: int = 150  # documents compared exactly
    neighbours: int = 30  # edges kept per document


PRIOR_DOCS = 5  # pseudo-documents that use no word: in a tiny corpus a shared word still counts


EVENT = "event:"  # prefix of the terms that name a document's lead events


def event_terms(events: Iterable[Any], clusters: list[Any], text: str) -> dict[str, float]:
    """The asserted events a document leads with (its headline, or the first paragraph that tells
    any event), as terms ``event:<type>:<actor key>``. Two documents that lead with different
    events report different news, however alike their words."""
    def paragraph(ev: Any) -> int:
        return -1 if ev.sent_start < 0 else text.count("\n\n", 0, ev.sent_start)

    asserted = [ev for ev in events if ev.modality == "asserted"]
    if not asserted:
        return {}
    first = min(paragraph(ev) for ev in asserted if paragraph(ev) >= 0) if any(
        paragraph(ev) >= 0 for ev in asserted) else -1
    out: dict[str, float] = {}
    for ev in asserted:
        if paragraph(ev) not in (-1, first):
            continue
        if ev.actor_cluster is not None and ev.actor_cluster < len(clusters):
            parts = clusters[ev.actor_cluster].parts
            actor = part_key(parts[-1]) if parts else ""
        else:
            actor = fold(ev.actor_text or "")
        if actor:
            out[f"{EVENT}{ev.type}:{actor}"] = 1.0
    return out


def event_conflict(a: Mapping[str, float], b: Mapping[str, float], by_actor: bool = False) -> bool:
    """Both lead with events, and no event leads both (``by_actor``: no actor leads both)."""
    ea = {t for t in a if t.startswith(EVENT)}
    if not ea:
        return False
    eb = {t for t in b if t.startswith(EVENT)}
    if by_actor:
        ea, eb = {t.rsplit(":", 1)[-1] for t in ea}, {t.rsplit(":", 1)[-1] for t in eb}
    return bool(eb and not ea & eb)


NAME = "name:"  # prefix of the people, organisations, places and parties a document names
DATE = "date:"  # prefix of an undated document's date, read off its date line
SINCE = "since:"  # prefix of the latest year an undated document's text writes out
CHANNELS = (NAME, DATE, SINCE)  # terms that are not words: compared apart, never in the word vector
NAME_TYPES = frozenset({"PERSON", "ORG", "PLACE", "PARTY"})


def entity_terms(clusters: Iterable[Any]) -> dict[str, float]:
    """The people, organisations, places and parties a document names, as ``name:<key>`` weighted
    by mentions. The key is that of the name's last word, so "Coach Ravi Kant", "Ravi Kant" and
    "Kant" agree, across documents too."""
    out: dict[str, float] = defaultdict(float)
    for c in clusters:
        parts = c.name.split() if c.type in NAME_TYPES else []
        key = part_key(parts[-1]) if parts else ""
        n = sum(c.forms.values())
        if len(key) >= 2 and n > 0:
            out[f"{NAME}{key}"] += n
    return dict(out)


_WORD = re.compile(r"[^\W\d_]+")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_FIGURES = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/.-])")


@lru_cache(maxsize=1)
def _date_words() -> tuple[dict[str, int], frozenset[str]]:
    """Months (names and abbreviations) -> number, and every other word a date line may hold."""
    from ..resources import date_words, timezones

    words = date_words()
    return words.months, words.weekdays | words.labels | frozenset(a.lower() for a in timezones()[1])


on_change(_date_words.cache_clear)  # follows times.toml and timezones.toml


def date_line(line: str | None) -> bool:
    """A line that only tells a date or time ("MONDAY, MAY 23, 2005", "Posted 11/27/2005 7:21 AM",
    "10 June 2013 Last updated at 14:00 GMT", "8:24am:"): a digit, and no word that is not a
    month, a weekday, a clock or zone word or a label such as "updated"."""
    if not line or len(line) > 100 or not any(ch.isdigit() for ch in line):
        return False
    months, others = _date_words()
    return all(w in months or w in others for w in _WORD.findall(line.lower()))


def line_date(line: str | None) -> str | None:
    """The date a date line names with its month and four-digit year, as ISO 8601 ("27 NOVEMBER,
    2005" -> "2005-11-27", "Posted 11/27/2005" -> "2005-11-27"); None for other lines and where
    the order of day and month is not known ("04/09/2012", "11/28/05")."""
    if line is None or not date_line(line):
        return None
    low, months = line.lower(), _date_words()[0]
    for m in _FIGURES.finditer(low):
        a, b, year = (int(x) for x in m.groups())
        if (a > 12) != (b > 12):
            day, month = (a, b) if a > 12 else (b, a)
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    for pattern, order in ((_MONTH_DAY_YEAR, (1, 2, 3)), (_DAY_MONTH_YEAR, (2, 1, 3))):
        for m in pattern.finditer(low):
            month_name, day_s, year_s = (m.group(i) for i in order)
            if month_name in months:
                try:
                    return date(int(year_s), months[month_name], int(day_s)).isoformat()
                except ValueError:
                    continue
    return None


def date_terms(published: str | None, title: str | None, text: str, times: Iterable[Any]) -> dict[str, float]:
    """What dates a document without a publication date: the date its date line names (the title,
    or the first line of the text), as ``date:<ISO date>``, and the latest year its text writes out
    ("in 2009", "March 3, 2009"), as ``since:<year>``: what it reports happened no earlier than the
    year before (a text may name next year's event)."""
    if published:
        return {}
    out: dict[str, float] = {}
    first = text.lstrip().split("\n", 1)[0] if text else ""
    found = line_date(title) or line_date(first)
    if found:
        out[f"{DATE}{found}"] = 1.0
    years = [int(t.value[:4]) for t in times if t.type in ("DATE", "TIME") and t.value and t.value[:4].isdigit()
             and re.search(rf"(?<!\d){t.value[:4]}(?!\d)", t.text)]
    if years:
        out[f"{SINCE}{max(years)}"] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class Terms:
    """A document's terms in the form the comparison reads them, all that does not depend on the
    rest of the corpus worked out once: each word with its sublinear term frequency ``1 + log
    tf``, the names with their mentions, the date line's date and ``since``."""

    words: tuple[tuple[str, float], ...]
    names: tuple[tuple[str, float], ...]
    date: str | None
    since: int | None

    def keys(self) -> Iterable[str]:
        """The terms whose document frequencies the weights need."""
        return [t for t, _ in self.words] + [t for t, _ in self.names]

    def as_json(self) -> dict[str, Any]:
        """The stored form: parallel lists (read back at C speed by :meth:`from_json`)."""
        return {"words": [t for t, _ in self.words], "tf": [s for _, s in self.words],
                "names": [t for t, _ in self.names], "mentions": [x for _, x in self.names],
                "date": self.date, "since": self.since}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Terms:
        return cls(tuple(zip(d["words"], d["tf"])), tuple(zip(d["names"], d["mentions"])), d["date"], d["since"])


def prepare(tf: Mapping[str, float]) -> Terms:
    log = math.log
    words: list[tuple[str, float]] = []
    names: list[tuple[str, float]] = []
    day: str | None = None
    since: int | None = None
    for t, x in tf.items():  # one pass: a candidate's terms are prepared on every cold read
        if not t.startswith(CHANNELS):
            if x > 0:
                words.append((t, 1 + log(x)))
        elif t.startswith(NAME):
            names.append((t, x))
        elif t.startswith(DATE):
            day = day or t[len(DATE):]
        else:
            year = int(t[len(SINCE):])
            since = year if since is None else max(since, year)
    return Terms(tuple(words), tuple(names), day, since)


class Idf:
    """``log(df + 0.5)`` of each term, worked out once per term for one state of the counts."""

    __slots__ = ("df", "logs", "top")

    def __init__(self, df: Mapping[str, int], n: int, logs: dict[str, float] | None = None):
        """``logs``: the logs already worked out for these counts (kept by the caller between
        states of the corpus, each dropped when its count changes)."""
        self.df, self.top = df, math.log(n + PRIOR_DOCS + 1)
        self.logs = logs if logs is not None else {}

    def fill(self, terms: Iterable[str]) -> dict[str, float]:
        """The logs of ``terms`` worked out (those not yet); returns them all."""
        logs, df, log = self.logs, self.df, math.log
        for t in terms:
            if t not in logs:
                logs[t] = log(df.get(t, 1) + 0.5)
        return logs


def vector(tf: Mapping[str, float], df: Mapping[str, int], n: int) -> dict[str, float]:
    """Unit-length TF-IDF vector (sublinear tf); words with no weight left are dropped."""
    return _vector(prepare(tf), Idf(df, n))


def _vector(terms: Terms, idf: Idf) -> dict[str, float]:
    logs, top = idf.fill(t for t, _ in terms.words), idf.top
    v = {t: s * (top - logs[t]) for t, s in terms.words}
    v = {t: w for t, w in v.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}


@dataclass(frozen=True, slots=True)
class Profile:
    """What a document is compared on: its words (unit TF-IDF vector), the names it gives and the
    ``main_names`` it is most about, its date (publication, else its date line) and, undated,
    ``since``."""

    words: dict[str, float]
    names: frozenset[str]
    main: frozenset[str]
    date: str | None
    since: int | None


def profile(terms: Terms, idf: Idf, published: str | None, p: StoryParams) -> Profile:
    """A document's profile from its terms (:func:`prepare`) and the corpus's counts (an
    :class:`Idf`, shared by the profiles of one state of the corpus)."""
    logs, top = idf.fill(t for t, _ in terms.names), idf.top
    names = {t: x * (top - logs[t]) for t, x in terms.names}
    main = sorted(names, key=lambda t: (-names[t], t))[:p.main_names]  # most mentioned, rarest first
    return Profile(_vector(terms, idf), frozenset(names), frozenset(main), published or terms.date, terms.since)


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def similarity(a: Profile, b: Profile, p: StoryParams) -> float:
    """The cosine of two documents' words, less where they lead with different events, are months
    apart and name none of each other's main names, or one is undated and writes out a year two or
    more after the other's."""
    sim = cosine(a.words, b.words)
    if sim <= 0:
        return 0.0
    # one person's rally and the same person's switch of party, told the same season, are one
    # story; the same person's other event months apart is another, and two people's are two
    if event_conflict(a.words, b.words, by_actor=within_window(a.date, b.date, p.season_days)):
        sim *= p.event_conflict
    # months apart, a report is of the same story only if it is about the same people
    if (a.main and b.main and not within_window(a.date, b.date, p.season_days)
            and not (a.main & b.names or b.main & a.names)):
        sim *= p.name_conflict
    if any(x.since is not None and (y := _year(y_.date)) is not None and x.since - 1 > y
           for x, y_ in ((a, b), (b, a))):
        sim *= p.year_conflict
    return sim


def shared(edges: Mapping[str, Mapping[str, float]], docs: Iterable[str], p: StoryParams) -> dict[str, dict[str, float]]:
    """The links of ``docs`` weighted by the nearest neighbours their two ends share: each end with
    its ``shared_k`` best-linked documents, the overlap over the smaller of the two sets, to the
    power ``shared_power``. ``edges`` holds the links of ``docs`` and of every document they link
    to; a link to a document whose links are not there is dropped."""
    near: dict[str, set[str]] = {}

    def nearest(d: str) -> set[str]:
        if d not in near:
            es = edges.get(d, {})
            near[d] = {d, *sorted(es, key=lambda o: (-es[o], o))[:p.shared_k]}
        return near[d]

    out: dict[str, dict[str, float]] = {}
    for d in docs:
        mine = nearest(d)
        out[d] = {o: s * (len(mine & nearest(o)) / min(len(mine), len(nearest(o)))) ** p.shared_power
                  for o, s in edges.get(d, {}).items() if o in edges}
    return out


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def within_window(a: str | None, b: str | None, days: int | None) -> bool:
    """Both dated and further apart than ``days``: False. Undated documents cluster with all."""
    if days is None or not a or not b:
        return True
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) <= days
    except ValueError:
        return True


def scale(sims: Iterable[float], p: StoryParams) -> float:
    """A document's local scale: its ``k``-th best neighbour similarity (fewer neighbours: the
    weakest it has), never below ``floor``."""
    best = sorted(sims, reverse=True)[:p.k]
    return max(best[-1] if best else p.floor, p.floor)


def _score(links: list[float], p: StoryParams) -> float:
    """A document's link to a story: its ``top`` best scaled links to the members, averaged."""
    top = sorted(links, reverse=True)[:p.top]
    return sum(top) / len(top) if top else 0.0


def cluster_block(order: list[str], edges: Mapping[str, Mapping[str, float]], sigma: Mapping[str, float],
                  p: StoryParams) -> dict[str, str]:
    """Documents (in arrival order) -> the first member of their story. Each document joins the
    story whose ``top`` best scaled links average highest, if that reaches ``threshold``; other
    stories it links to at ``merge`` or more join that story too (the new report shows they are
    one). Then, ``passes`` times over the block in arrival order, a document moves to the story its
    links now favour (one that formed after it arrived), or starts its own when its story no longer
    holds it at ``threshold``."""
    rank = {d: i for i, d in enumerate(order)}
    story: dict[str, int] = {}
    members: dict[int, list[str]] = {}

    def links(doc: str) -> dict[int, list[float]]:
        per: dict[int, list[float]] = defaultdict(list)
        for other, sim in edges.get(doc, {}).items():
            if other in story and other != doc:
                per[story[other]].append(sim / math.sqrt(sigma[doc] * sigma[other]))
        return per

    for doc in order:
        scores = {sid: _score(sc, p) for sid, sc in links(doc).items()}
        best = max(scores, key=lambda sid: (scores[sid], -sid), default=None)
        if best is None or scores[best] < p.threshold:
            story[doc] = rank[doc]
            members[rank[doc]] = [doc]
            continue
        joined = [best, *(sid for sid, sc in scores.items() if sid != best and sc >= p.merge)]
        root = min(joined)
        for sid in joined:
            if sid != root:
                for m in members.pop(sid):
                    story[m] = root
                    members[root].append(m)
        story[doc] = root
        members[root].append(doc)
    fresh = len(order)
    for _ in range(p.passes):
        moved = False
        for doc in order:
            here = story[doc]
            scores = {sid: _score(sc, p) for sid, sc in links(doc).items()}
            best = max(scores, key=lambda sid: (scores[sid], -sid), default=None)
            if best is not None and best != here and scores[best] >= p.threshold and scores[best] > scores.get(here, 0.0):
                target = best
            elif scores.get(here, 0.0) < p.threshold and len(members[here]) > 1:
                target, fresh = fresh, fresh + 1
                members[target] = []
            else:
                continue
            members[here].remove(doc)
            if not members[here]:
                del members[here]
            members[target].append(doc)
            story[doc] = target
            moved = True
        if not moved:
            break
    first = {sid: min(ms, key=rank.__getitem__) for sid, ms in members.items()}
    return {doc: first[story[doc]] for doc in order}


def story_id(first_doc: str) -> str:
    return hashlib.sha1(f"story:{first_doc}".encode()).hexdigest()[:12]
