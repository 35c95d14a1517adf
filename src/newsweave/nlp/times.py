"""Time expressions: every TIMEX3 expression in a parsed document, normalised against the
publication date (the anchor).

Finding. The patterns of ``data/times.toml`` run over the text (weekdays, months, dates, years,
"eight years ago", "the last eight years", "now", "recently", clock times, ...); each match must
pass a context check that uses the parse and the entities (a bare "2027" needs a date context,
"May" must not be the modal, "Sunday Guardian" is a newspaper, "the 61-year-old" is an age).
Overlaps go to the longer match. The model's DATE/TIME entities add what the patterns miss only
when they end in a time unit ("an unusually turbulent day").

Extents follow TempEval-3 as MEANTIME annotates it: prepositions are outside ("on [Saturday]"),
"the", hedges and "ago" inside ("[the last eight years]", "[nearly a year]", "[eight years ago]").

Values follow TIMEX3: DATE "2026-01-24", "2026-W04", "2026-Q1", "2026-SU", "PRESENT_REF"; TIME
"2026-01-24T15:00", "2026-01-24TEV"; DURATION "P8Y", "PT3H", "PXY"; SET "P1W", "XXXX-WXX-1".
Modifiers ("early", "late", "the end of") do not change the value (TIMEX3 keeps them in `mod`).
Expressions without a year take one from the tense of their governing verb ("quit" tagged as a
present is the past written alike, data/times.toml ``same_past``; past: the latest
on or before the anchor, same day included; future - "will", "is set to", "plans to", "is
organizing": the earliest on or after it; otherwise the nearest). Without an anchor, values
that need one are underspecified ("XXXX-XX-XX", "XXXX-WXX-6", "XXXX-01-24").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from ..article import TimeExpr
from .text import doc_ents, doc_text
from .timex_rules import FUTURE, NEUTRAL, PAST, Anchor, Lexicon, lexicon, parse_anchor, value_date
from .timex_values import DEPENDENT, NORMALISERS

NAME_LABELS = frozenset({"PERSON", "ORG", "MEDIA", "PARTY", "PLACE", "WORK_OF_ART", "PRODUCT", "FAC", "LAW",
                         "NORP", "GPE", "LOC"})
UNIT_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
ENTITY_TAIL = re.compile(r"^(?P<det>a|an|the|that|this)\s(?P<mid>(?:[\w-]+\s){0,3}?)(?P<unit>day|week|month|year)$", re.I)


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    kind: str
    g: dict[str, str]   # the pattern's named groups that matched, plus notes from the context checks
    order: int


def find_times(doc: Doc, anchor: str | None) -> list[TimeExpr]:
    """Every time expression in doc, normalised against `anchor` (the publication date/time as ISO 8601:
    "2026-01-24" or "2026-01-25T01:57:51+05:30"; None when unknown -> relative values that need it become
    XXXX-style underspecified values)."""
    lex = lexicon()
    text = doc_text(doc)
    cands = _candidates(doc, text, lex)
    cands += _entity_candidates(doc, text, cands)
    cands.sort(key=lambda c: c.start)
    return _Resolver(doc, text, lex, parse_anchor(anchor)).resolve(cands)


# -- finding ---------------------------------------------------------------------------------
def _candidates(doc: Doc, text: str, lex: Lexicon) -> list[_Cand]:
    found: list[_Cand] = []
    for p, positions in zip(lex.patterns, _places(text, lex)):
        for m in _finditer(p.regex, text, positions):
            start, end = _trim(text, m.start(), m.end(), lex)
            if (m.groupdict().get("ampm") or "").lower() in ("am.", "pm."):
                end -= 1  # "at 3 pm." ends a sentence; "3 p.m." keeps its dots
            if end <= start:
                continue
            c = _Cand(start, end, p.kind, {k: v for k, v in m.groupdict().items() if v}, p.order)
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or (p.needs and not CHECKS[p.needs](_Ctx(doc, span, c, lex))):
                continue
            found.append(c)
    found.sort(key=lambda c: (-(c.end - c.start), c.order, c.start))
    taken: list[_Cand] = []
    for c in found:
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return taken


_START = re.compile(r"(?<!\w)\S")  # where a candidate may start: every pattern begins with (?<!\w)
_FIRST: dict[str, tuple[int, ...]] = {}  # three characters -> the patterns that may start with them
PREFIX = 3


def _places(text: str, lex: Lexicon) -> list[list[int]]:
    """For each pattern, the places in ``text`` where it may match: a match starting at ``i``
    begins with ``text[i:i + 3]``, so the patterns that no string beginning so can match
    (``regex``'s partial matching tells, once per three characters) are not tried there. Trying
    each pattern at its places finds what scanning the whole text with it finds, at a quarter of
    the cost: the engine's work at every character, for every pattern, is what this saves."""
    places: list[list[int]] = [[] for _ in lex.patterns]
    for m in _START.finditer(text):
        pos = m.start()
        key = text[pos:pos + PREFIX]
        hit = _FIRST.get(key)
        if hit is None:
            if len(_FIRST) > 200_000:
                _FIRST.clear()
            hit = _FIRST[key] = tuple(i for i, rx in enumerate(lex.partial) if rx.match(key, partial=True))
        for i in hit:
            places[i].append(pos)
    return places


def _finditer(regex: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """What ``regex.finditer(text)`` yields when it can only match at ``positions``."""
    after = 0
    for pos in positions:
        if pos >= after and (m := regex.match(text, pos)):
            after = m.end()
            yield m


def _trim(text: str, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """Leave out the hedges TempEval-3 keeps outside ("more than [a week]") and spaces."""
    low = text[start:end].lower()
    for h in lex.hedges_outside:
        if low.startswith(h + " "):
            start += len(h) + 1
            break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _entity_candidates(doc: Doc, text: str, taken: list[_Cand]) -> list[_Cand]:
    """The model's DATE/TIME entities (or their part before a found expression) that no pattern
    found and that end in a time unit: "an unusually turbulent day" (a duration), "a second
    straight day" (the day last mentioned)."""
    out = []
    for ent in doc_ents(doc):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        start, end = ent.start_char, ent.end_char
        for c in sorted(taken, key=lambda c: c.start):
            if c.start < end and start < c.end:
                end = c.start if c.start > start else start
        part = text[start:end].rstrip()
        m = ENTITY_TAIL.match(part)
        if m and not re.search(r"\d|old\b", part):
            out.append(_Cand(start, start + len(part), "entity", {k: v or "" for k, v in m.groupdict().items()}, 999))
    return out


class _Ctx:
    """A candidate with its tokens, for the context checks."""

    __slots__ = ("doc", "span", "c", "lex")

    def __init__(self, doc: Doc, span: Span, c: _Cand, lex: Lexicon):
        self.doc, self.span, self.c, self.lex = doc, span, c, lex

    def prev(self, k: int = 1, before: int | None = None) -> Token | None:
        """The k-th word before the candidate (or before token index `before`), within its line."""
        i = (self.span.start if before is None else before) - 1
        while i >= 0:
            t = self.doc[i]
            if t.is_space:
                if "\n" in t.text:
                    return None
            else:
                k -= 1
                if k == 0:
                    return t
            i -= 1
        return None

    def next(self, after: int | None = None) -> Token | None:
        i = self.span.end if after is None else after + 1
        while i < len(self.doc):
            t = self.doc[i]
            if not t.is_space:
                return t
            if "\n" in t.text:
                return None
            i += 1
        return None

    def tok(self, words: Iterable[str]) -> Token:
        """The candidate's first token that is one of `words` (case-insensitive), else its last."""
        low = {w.lower() for w in words}
        return next((t for t in self.span if t.lower_ in low), self.span[-1])

    def title_case(self) -> bool:
        """Is the line a headline in title case ("Apple Unveils New IPod On Monday")?"""
        words = [t for t in self.span.sent if t.is_alpha and len(t) > 3]
        return len(words) >= 3 and sum(t.text[0].isupper() for t in words) / len(words) > 0.7

    def capital_inside(self, t: Token) -> bool:
        """A capitalised word inside a sentence (not its first word) of a sentence-case line."""
        p = self.prev(before=t.i)
        return t.text[:1].isupper() and p is not None and p.text not in ('"', "“", "'", "‘", ":", "(") \
            and not self.title_case()


def _is_name_word(x: _Ctx, t: Token | None) -> bool:
    """A capitalised word inside a sentence that is no time word: part of a name."""
    return t is not None and t.is_alpha and x.capital_inside(t) and t.lower_ not in x.lex.time_words


def _ck_year(x: _Ctx) -> bool:
    g, r = x.c.g, x.lex.year_rules
    if "edge" in g or "mod" in g:
        return True
    t, prev, nxt = x.span[-1], x.prev(), x.next()
    if "yy" in g:
        return prev is not None and (prev.lower_ in r["preps"] | r["determiners"] or prev.text in x.lex.months)
    if not x.lex.settings["bare_year_min"] <= int(g["year"]) <= x.lex.settings["bare_year_max"]:
        return False
    if t.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "ORDINAL"):
        return False
    counted = nxt is not None and nxt.tag_ == "NNS" and nxt.is_lower
    if counted and int(g["year"]) % 50 == 0 and not (prev is not None and prev.lower_ in r["determiners"]):
        return False  # "a crowd of 2000 people": a round count, not a year
    if prev is not None and prev.lower_ in r["preps"]:
        return True
    if prev is not None and prev.lower_ in r["joiners"]:
        before = x.prev(2)
        return before is not None and bool(re.fullmatch(r"(?:19|20)\d\d", before.text))
    if counted and (prev is None or prev.lower_ not in r["determiners"]):
        return False  # "employs 1850 workers"
    if prev is not None and prev.lower_ in r["determiners"] and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ"):
        return True  # "the 1991 agreement"
    if _is_name_word(x, prev) and _is_name_word(x, nxt):
        return False  # "the Russell 2000 Index"
    if _is_name_word(x, nxt) or (prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper()):
        return True  # "2027 Assembly elections", "WWDC 2005"
    return t.ent_type_ == "DATE"


def _ck_month(x: _Ctx) -> bool:
    g = x.c.g
    t = next((t for t in x.span if t.text.rstrip(".").capitalize() in x.lex.months), x.span[0])
    if t.tag_ == "MD" or t.pos_ in ("VERB", "AUX") or t.ent_type_ in NAME_LABELS:
        return False
    if any(k in g for k in ("day", "day2", "year", "yrel", "rel", "edge", "mod")):
        return True
    if t.text.capitalize() not in x.lex.ambiguous_months:
        return True
    prev, nxt = x.prev(), x.next()
    if prev is not None and prev.lower_ in x.lex.year_rules["preps"] | {"last", "next", "this"}:
        return True  # "in March", "since May"
    return t.ent_type_ == "DATE" and not (nxt is not None and nxt.lower_ in x.lex.not_before_month)


def _ck_weekday(x: _Ctx) -> bool:
    t = x.tok(x.lex.weekdays.keys() | {w + "s" for w in x.lex.weekdays})
    if t.ent_type_ in NAME_LABELS:
        return False
    if _is_name_word(x, x.next()):
        return False  # "Sunday Guardian", "Sunday Times"
    prev = x.prev(before=t.i)
    if prev is not None and prev.text in x.lex.named_day_words and prev.i == t.i - 1:
        x.c.g["named"] = prev.text  # "Black Monday", "Super Tuesday": a named day
    return True


def _ck_deictic(x: _Ctx) -> bool:
    t = x.tok({"today", "tomorrow", "yesterday", "tonight"})
    if t.ent_type_ in NAME_LABELS or x.capital_inside(t):
        return False  # "USA Today", "the Today show"
    prev = x.prev()
    if t.text[:1].isupper() and prev is not None and prev.text[:1].isupper() and prev.pos_ == "PROPN":
        return False
    poss = x.next(t.i)
    noun = x.next(poss.i) if poss is not None and poss.text in ("'s", "’s") else None
    if t.lower_ == "today" and noun is not None and (noun.pos_ == "PROPN" or noun.lower_ in x.lex.generic_after_today):
        x.c.g["generic"] = "1"  # "today's GM": the present, not the day
    return True


def _ck_anaphor(x: _Ctx) -> bool:
    if "ord" in x.c.g:
        return True  # "a fourth straight week"
    unit = x.span[-1]
    if x.capital_inside(unit):
        return False  # "Car of the Year"
    prev = x.prev()
    return not (prev is not None and prev.lower_ == "to" and x.c.g.get("det", "").lower() == "the"
                and x.c.g["unit"].lower() == "day")  # "five years to the day"


def _ck_duration(x: _Ctx) -> bool:
    g, prev, nxt = x.c.g, x.prev(), x.next()
    unit = g["unit"].lower()
    if prev is not None and prev.lower_ in x.lex.context["age"]:
        return False
    after = x.next(nxt.i) if nxt is not None else None
    if unit.startswith("quarter") and nxt is not None and nxt.lower_ == "of" and after is not None \
            and after.pos_ in ("DET", "PRON", "NUM"):
        return False  # "three quarters of the dealers"
    num = g["num"].lower()
    return not (num in ("a", "an") and x.lex.unit(unit).name in x.lex.no_article)


def _ck_bare_unit(x: _Ctx) -> bool:
    if "rel" in x.c.g:
        return True
    prev, nxt = x.prev(), x.next()
    if prev is not None and prev.lower_ in x.lex.context["unit_skip"]:
        prev = x.prev(2)
    if x.capital_inside(x.span[0]) or (nxt is not None and nxt.pos_ == "NOUN"):
        return False  # "after hours trading"
    if nxt is not None and nxt.lower_ in x.lex.context["unit_after"]:
        return True
    return prev is not None and (prev.pos_ in ("ADP", "VERB", "AUX") or prev.lower_ in x.lex.context["unit_preps"])


def _ck_set_word(x: _Ctx) -> bool:
    t = x.span[0]
    return not (x.capital_inside(t) or t.ent_type_ in NAME_LABELS or t.pos_ in ("NOUN", "PROPN"))


def _ck_reference(x: _Ctx) -> bool:
    w = " ".join(x.c.g["word"].lower().split())
    t, prev, nxt = x.span[0], x.prev(), x.next()
    if t.ent_type_ in NAME_LABELS or x.capital_inside(t):
        return False
    if w in x.lex.ref_adjectives:
        if prev is not None and prev.lower_ in x.lex.not_before_recent:
            return False  # "their most recent model": the latest, not a time
        return (t.pos_ == "ADJ" and nxt is not None and nxt.pos_ in ("NOUN", "ADJ", "PROPN")
                and nxt.lower_ not in x.lex.not_after_current)
    if w == "now":
        return not (prev is not None and f"{prev.lower_} now" in x.lex.not_now)
    if w.split()[-1] in ("past", "present", "future"):
        return nxt is None or nxt.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM")
    if w in ("soon", "very soon"):
        return not (nxt is not None and nxt.lower_ in x.lex.context["not_after_soon"]
                    or prev is not None and prev.lower_ == "as")
    return True


def _ck_clock(x: _Ctx) -> bool:
    g = x.c.g
    if any(k in g for k in ("ampm", "zone", "zone2", "word", "weekday", "deictic", "h3")):
        return True
    prev = x.prev()
    return any(t.ent_type_ == "TIME" for t in x.span) or (prev is not None and prev.lower_ in x.lex.context["clock_preps"])


def _ck_partofday(x: _Ctx) -> bool:
    t = x.tok(x.lex.pods.keys())
    if x.capital_inside(t) or t.ent_type_ in NAME_LABELS:
        return False
    if "mod" in x.c.g or x.c.g.get("det", "the").lower() != "the":
        return True  # "late in the evening", "that morning"
    prev = x.prev()
    return prev is not None and prev.lower_ in x.lex.context["pod_preps"]


def _ck_season(x: _Ctx) -> bool:
    g = x.c.g
    t = x.tok(x.lex.seasons.keys())
    if t.pos_ == "VERB" or t.ent_type_ in NAME_LABELS:
        return False
    if x.capital_inside(t) and (_is_name_word(x, x.next()) or _is_name_word(x, x.prev(before=t.i))):
        return False  # "Arab Spring", "Summer Olympics"
    if t.lower_ != "fall" or any(k in g for k in ("rel", "year", "mod")):
        return True
    p1, p2, nxt = x.prev(), x.prev(2), x.next()
    return (p1 is not None and p1.lower_ == "the" and p2 is not None and p2.lower_ in x.lex.context["fall_preps"]
            and not (nxt is not None and nxt.lower_ in ("of", "in")))


def _ck_decade(x: _Ctx) -> bool:
    g = x.c.g
    if "cent" in g or "apos" in g or "nineteen" in g:
        return True
    p1, p2 = x.prev(), x.prev(2)
    if any(p is not None and (p.tag_ == "PRP$" or p.lower_ in x.lex.context["age"]) for p in (p1, p2)):
        return False  # "in her 40s"
    return x.span[0].lower_ == "the" or (p1 is not None and (p1.pos_ == "ADP" or p1.lower_ in x.lex.context["decade_joiners"]))


CHECKS = {"year": _ck_year, "month": _ck_month, "weekday": _ck_weekday, "deictic": _ck_deictic,
          "anaphor": _ck_anaphor, "duration": _ck_duration, "bare_unit": _ck_bare_unit,
          "set_word": _ck_set_word, "reference": _ck_reference, "clock": _ck_clock,
          "partofday": _ck_partofday, "season": _ck_season, "decade": _ck_decade}


# -- tense -----------------------------------------------------------------------------------
def _governing_verb(tok: Token) -> tuple[Token | None, bool]:
    """The verb an expression hangs from (up the head chain, past participles used as
    adjectives: "markets closed until Friday"), and whether a noun lies on the way."""
    noun = False
    for _ in range(12):
        if tok.pos_ in ("VERB", "AUX") and not _adjectival(tok):
            return tok, noun
        noun = noun or tok.pos_ == "NOUN"
        if tok.head is tok:
            return None, noun
        tok = tok.head
    return None, noun


def _adjectival(v: Token) -> bool:
    """A participle used as an adjective; a finite verb (VBD, VBZ) never is, whatever the parse."""
    if v.tag_ not in ("VBN", "VBG", "JJ"):
        return False
    if v.dep_ in ("amod", "oprd", "acomp"):
        return True
    return v.tag_ == "VBN" and v.dep_ in ("ccomp", "xcomp") and not any(c.dep_ in ("aux", "auxpass") for c in v.children)


def _sentence_direction(sent: Span, lex: Lexicon) -> int:
    """When no verb governs the expression (a fragment, a misparse): a future modal anywhere in
    the sentence, else a past-tense verb, else nothing."""
    if any(t.tag_ == "MD" and t.lower_ in lex.tense["future_modals"] for t in sent):
        return FUTURE
    return PAST if any(t.tag_ == "VBD" for t in sent) else NEUTRAL


def _verb_direction(v: Token | None, lex: Lexicon, depth: int = 0) -> int:
    """PAST, FUTURE or NEUTRAL from the verb's tense, aspect, modals and the verb governing an
    infinitive ("is set to begin", "plans to", "is going to")."""
    if v is None or depth > 3:
        return NEUTRAL
    tense = lex.tense
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in aux}
    if words & tense["future_modals"]:
        return FUTURE
    if "to" in words:
        head = v.head
        if head.i != v.i and (head.lemma_.lower() in tense["future_verbs"] or head.lower_ in tense["future_verbs"]):
            return FUTURE
        return NEUTRAL
    if v.lemma_.lower() in tense["future_lemmas"]:
        return NEUTRAL  # "a hearing has been scheduled": the date may lie ahead whatever the tense
    if v.tag_ == "VBG":
        if words & {"is", "are", "am", "'s", "'re", "be"}:
            return FUTURE  # "is organizing a rally on Sunday"
        if words & {"was", "were"}:
            return PAST
        if not aux:
            return NEUTRAL  # a participle clause has no tense of its own ("resulting in ...")
    if v.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return PAST
    if v.tag_ == "VBP" and not aux and v.lower_ in tense["same_past"]:
        return PAST  # "MLAs quit the party on Sunday": the tagger's present of a past written alike
    if v.tag_ == "VBN":
        if any(a.lemma_ == "have" for a in aux) or not aux:
            return PAST
        return NEUTRAL
    if v.dep_ == "conj" and not aux and v.head.i != v.i:
        return _verb_direction(_governing_verb(v.head)[0], lex, depth + 1)
    return NEUTRAL


# -- normalising -----------------------------------------------------------------------------
class _Resolver:
    """Normalises the candidates of one document: the ones that stand alone first, then the ones
    that lean on a day or month named nearby ("the same day", "at 16:00 UTC")."""

    def __init__(self, doc: Doc, text: str, lex: Lexicon, anchor: Anchor | None):
        self.doc, self.text, self.lex, self.anchor = doc, text, lex, anchor
        self.window = int(lex.settings["reference_window_days"])
        self.done: dict[int, TimeExpr] = {}

    def resolve(self, cands: list[_Cand]) -> list[TimeExpr]:
        for dependent in (False, True):
            for c in cands:
                if (c.kind in DEPENDENT) != dependent:
                    continue
                out = NORMALISERS[c.kind](c.g, _Context(self, c))
                if out is not None:
                    self.done[c.start] = TimeExpr(c.start, c.end, self.text[c.start:c.end], *out)
        return [t for _, t in sorted(self.done.items())]


class _Context:
    """timex_rules.Context for one candidate: the tense around it and the dates named before."""

    __slots__ = ("r", "c", "lex", "anchor", "text")

    def __init__(self, r: _Resolver, c: _Cand):
        self.r, self.c, self.lex, self.anchor = r, c, r.lex, r.anchor
        self.text = r.text[c.start:c.end]

    def _span(self) -> Span:
        span = self.r.doc.char_span(self.c.start, self.c.end, alignment_mode="expand")
        assert span is not None  # a candidate is non-empty text of the document: "expand" covers it
        return span

    def _word_before(self) -> Token | None:
        span = self._span()
        return next((t for t in reversed(self.r.doc[max(0, span.start - 3):span.start]) if not t.is_space), None)

    def direction(self) -> int:
        span, prev, tense = self._span(), self._word_before(), self.lex.tense
        if prev is not None and prev.lower_ in tense["past_preps"]:
            return PAST  # "since March"
        verb, noun = _governing_verb(span.root)
        if verb is None:
            d = _sentence_direction(span.sent, self.lex)
        elif noun and verb.lemma_.lower() in tense["future_verbs"]:
            return NEUTRAL  # "announced the closure of ten plants during the fourth quarter"
        else:
            d = _verb_direction(verb, self.lex)
        if d == NEUTRAL and prev is not None and prev.lower_ in tense["future_preps"]:
            return FUTURE  # "until Friday"
        return d

    def ref_day(self) -> date | None:
        """A day named in the same sentence (the nearest one before, else the first after), else
        the last one named before, if it lies near the anchor; else the anchor's day."""
        if self.anchor is None:
            return None
        sent, start = self._span().sent, self.c.start
        same_before = same_after = earlier = None
        for s, te in sorted(self.r.done.items()):
            vd = value_date(te.value)
            if s == start or te.type not in ("DATE", "TIME") or vd is None or vd[1] != "day":
                continue
            if abs((vd[0] - self.anchor.day).days) > self.r.window:
                continue
            inside = sent.start_char <= s < sent.end_char
            if s < start:
                same_before, earlier = (vd[0], earlier) if inside else (same_before, vd[0])
            elif inside and same_after is None:
                same_after = vd[0]
        return same_before or same_after or earlier or self.anchor.day

    def ref_value(self, unit: str) -> tuple[date, str] | None:
        need = UNIT_ORDER.get(unit, 4)
        for s in sorted((s for s in self.r.done if s < self.c.start), reverse=True):
            vd = value_date(self.r.done[s].value)
            if vd is not None and UNIT_ORDER.get(vd[1], 4) <= need:
                return vd
        return None

    def after_quantity(self) -> bool:
        """A number, an amount or a counted noun just before: "15 aircraft a year", "$2 billion a year"."""
        prev = self._word_before()
        if prev is None:
            return False
        if prev.like_num or prev.text in ("%", "times", "once", "twice") or \
                prev.ent_type_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
            return True
        return prev.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in prev.children)
