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
Expressions without a year take one from the tense of their governing verb (past: the latest
on or before the anchor, same day included; future - "will", "is set to", "plans to", "is
organizing": the earliest on or after it; otherwise the nearest). Without an anchor, values
that need one are underspecified ("XXXX-XX-XX", "XXXX-WXX-6", "XXXX-01-24").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .timex_rules import (FUTURE, NEUTRAL, PAST, Anchor, Lexicon, add_months, at_precision, fmt_century,
                          fmt_day, fmt_decade, fmt_month, fmt_quarter, fmt_week, lexicon, parse_anchor,
                          pick_cyclic, pick_date, shift_date, value_date)

NAME_LABELS = frozenset({"PERSON", "ORG", "MEDIA", "PARTY", "PLACE", "WORK_OF_ART", "PRODUCT", "FAC", "LAW",
                         "NORP", "GPE", "LOC"})
REF_VALUES = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})
UNIT_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
ENTITY_TAIL = re.compile(r"^(?P<det>a|an|the|that|this)\s(?P<mid>(?:[\w-]+\s){0,3}?)(?P<unit>day|week|month|year)$", re.I)
ORDINAL_WORD = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\b", re.I)


@dataclass(slots=True)
class TimeExpr:
    start: int      # character offsets into doc.text
    end: int
    text: str       # the expression as written
    type: str       # TIMEX3 type: DATE, TIME, DURATION or SET
    value: str | None   # TIMEX3 value


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    kind: str
    g: dict[str, str]   # the pattern's named groups that matched (lower-cased where it helps)
    order: int


def find_times(doc: Doc, anchor: str | None) -> list[TimeExpr]:
    """Every time expression in doc, normalised against `anchor` (the publication date/time as ISO 8601:
    "2026-01-24" or "2026-01-25T01:57:51+05:30"; None when unknown -> relative values that need it become
    XXXX-style underspecified values)."""
    lex = lexicon()
    text = doc.text  # Doc.text joins every token: compute it once
    cands = _candidates(doc, text, lex)
    cands += _entity_candidates(doc, text, cands)
    cands.sort(key=lambda c: c.start)
    return _Resolver(doc, text, lex, parse_anchor(anchor)).resolve(cands)


# -- finding ---------------------------------------------------------------------------------
def _candidates(doc: Doc, text: str, lex: Lexicon) -> list[_Cand]:
    found: list[_Cand] = []
    for p in lex.patterns:
        for m in p.regex.finditer(text):
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
    for ent in doc.ents:
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

    def tok(self, words: set[str] | dict[str, int] | frozenset[str]) -> Token:
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
    if prev is not None and prev.lower_ in r["preps"]:
        return True
    if prev is not None and prev.lower_ in r["joiners"]:
        before = x.prev(2)
        return before is not None and bool(re.fullmatch(r"(?:19|20)\d\d", before.text))
    if nxt is not None and nxt.tag_ == "NNS" and nxt.is_lower and (prev is None or prev.lower_ not in r["determiners"]):
        return False  # "2000 people"
    if prev is not None and prev.lower_ in r["determiners"] and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ"):
        return True  # "the 1991 agreement"
    if _is_name_word(x, prev) and _is_name_word(x, nxt):
        return False  # "the Russell 2000 Index"
    if _is_name_word(x, nxt) or (prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper()):
        return True  # "2027 Assembly elections", "WWDC 2005"
    return t.ent_type_ == "DATE"


def _ck_month(x: _Ctx) -> bool:
    g = x.c.g
    t = next((t for t in x.span if t.text.rstrip(".") in x.lex.months), x.span[0])
    if t.tag_ == "MD" or t.pos_ in ("VERB", "AUX") or t.ent_type_ in NAME_LABELS:
        return False
    if any(k in g for k in ("day", "day2", "year", "yrel", "rel", "edge", "mod")):
        return True
    if t.text not in x.lex.ambiguous_months:
        return True
    prev = x.prev()
    return t.ent_type_ == "DATE" or (prev is not None and prev.lower_ in x.lex.year_rules["preps"] | {"last", "next", "this"})


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
    if prev is not None and prev.lower_ in ("aged", "age"):
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
    if prev is not None and prev.lower_ in ("just", "only", "mere"):
        prev = x.prev(2)
    if x.capital_inside(x.span[0]) or (nxt is not None and nxt.pos_ == "NOUN"):
        return False  # "after hours trading"
    if nxt is not None and nxt.lower_ in ("later", "earlier", "ago", "before", "after", "long", "ahead"):
        return True
    return prev is not None and (prev.pos_ in ("ADP", "VERB", "AUX") or prev.lower_ in ("for", "in", "over", "within"))


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
        return not (nxt is not None and nxt.lower_ in ("after", "afterwards", "afterward", "thereafter", "as")
                    or prev is not None and prev.lower_ == "as")
    return True


def _ck_clock(x: _Ctx) -> bool:
    g = x.c.g
    if any(k in g for k in ("ampm", "zone", "zone2", "word", "weekday", "deictic", "h3")):
        return True
    prev = x.prev()
    return any(t.ent_type_ == "TIME" for t in x.span) or (prev is not None and prev.lower_ in (
        "at", "by", "around", "about", "from", "until", "till", "before", "after", "since", "approximately"))


def _ck_partofday(x: _Ctx) -> bool:
    t = x.tok(x.lex.pods.keys())
    if x.capital_inside(t) or t.ent_type_ in NAME_LABELS:
        return False
    if "mod" in x.c.g:
        return True
    prev = x.prev()
    return prev is not None and prev.lower_ in ("in", "during", "on", "at", "by", "through", "throughout", "overnight")


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
    return (p1 is not None and p1.lower_ == "the" and p2 is not None and p2.lower_ in ("in", "during", "by", "until")
            and not (nxt is not None and nxt.lower_ in ("of", "in")))


def _ck_decade(x: _Ctx) -> bool:
    g = x.c.g
    if "cent" in g or "apos" in g:
        return True
    p1, p2 = x.prev(), x.prev(2)
    if any(p is not None and (p.tag_ == "PRP$" or p.lower_ in ("aged", "age")) for p in (p1, p2)):
        return False  # "in her 40s"
    return x.span[0].lower_ == "the" or (p1 is not None and (p1.pos_ == "ADP" or p1.lower_ in ("and", "or", "to")))


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
    if v.dep_ in ("amod", "oprd", "acomp"):
        return True
    return v.tag_ == "VBN" and v.dep_ in ("ccomp", "xcomp") and not any(c.dep_ in ("aux", "auxpass") for c in v.children)


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
        if head is not v and (head.lemma_.lower() in tense["future_verbs"] or head.lower_ in tense["future_verbs"]):
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
    if v.tag_ == "VBN":
        if any(a.lemma_ == "have" for a in aux) or not aux:
            return PAST
        return NEUTRAL
    if v.dep_ == "conj" and not aux and v.head is not v:
        return _verb_direction(_governing_verb(v.head)[0], lex, depth + 1)
    return NEUTRAL


# -- normalising -----------------------------------------------------------------------------
DEPENDENT = frozenset({"clock", "partofday", "anaphor", "same", "relative", "ago", "entity"})


class _Resolver:
    """Turns candidates into TimeExprs: the ones that stand alone first, then the ones that
    lean on a day or month mentioned nearby ("the same day", "at 16:00 UTC")."""

    def __init__(self, doc: Doc, text: str, lex: Lexicon, anchor: Anchor | None):
        self.doc, self.text, self.lex, self.a = doc, text, lex, anchor
        self.dstyle = lex.settings["decade_format"]
        self.window = int(lex.settings["reference_window_days"])
        self.done: dict[int, tuple[_Cand, TimeExpr]] = {}

    def resolve(self, cands: list[_Cand]) -> list[TimeExpr]:
        for stage in (False, True):
            for c in cands:
                if (c.kind in DEPENDENT) != stage:
                    continue
                out = getattr(self, f"_h_{c.kind}")(c)
                if out is not None:
                    kind, value = out
                    self.done[c.start] = (c, TimeExpr(c.start, c.end, self.text[c.start:c.end], kind, value))
        return [t for _, (_, t) in sorted(self.done.items())]

    # -- context
    def _span(self, c: _Cand) -> Span:
        return self.doc.char_span(c.start, c.end, alignment_mode="expand")

    def _direction(self, c: _Cand) -> int:
        span = self._span(c)
        prev = next((t for t in reversed(self.doc[max(0, span.start - 3):span.start]) if not t.is_space), None)
        if prev is not None and prev.lower_ in self.lex.tense["past_preps"]:
            return PAST
        verb, noun = _governing_verb(span.root)
        if noun and verb is not None and verb.lemma_.lower() in self.lex.tense["future_verbs"]:
            return NEUTRAL  # "announced the closure of ten plants during the fourth quarter"
        d = _verb_direction(verb, self.lex)
        if d == NEUTRAL and prev is not None and prev.lower_ in self.lex.tense["future_preps"]:
            return FUTURE
        return d

    def _ref_day(self, c: _Cand) -> date | None:
        """The day a clock time, part of day or "the same day" belongs to: a day named in the same
        sentence, else the last one named before it near the anchor, else the anchor's."""
        if self.a is None:
            return None
        sent = self._span(c).sent
        same_before = same_after = earlier = None
        for s, (_, te) in sorted(self.done.items()):
            vd = value_date(te.value)
            if s == c.start or te.type not in ("DATE", "TIME") or vd is None or vd[1] != "day":
                continue
            if abs((vd[0] - self.a.day).days) > self.window:
                continue
            inside = sent.start_char <= s < sent.end_char
            if s < c.start:
                same_before, earlier = (vd[0], earlier) if inside else (same_before, vd[0])
            elif inside and same_after is None:
                same_after = vd[0]
        return same_before or same_after or earlier or self.a.day

    def _ref_value(self, c: _Cand, unit: str, with_precision: bool = False):
        """A date inside the last calendar value before c that is at least as precise as `unit`
        (with its precision when asked)."""
        need = UNIT_ORDER.get(unit, 4)
        for s in sorted((s for s in self.done if s < c.start), reverse=True):
            vd = value_date(self.done[s][1].value)
            if vd is not None and UNIT_ORDER.get(vd[1], 4) <= need:
                return vd if with_precision else vd[0]
        return None if with_precision else (self.a.day if self.a else None)

    # -- handlers: each returns (type, value) or None to drop the candidate
    def _h_absolute(self, c: _Cand) -> tuple[str, str] | None:
        text = re.sub(r"^[A-Za-z]+day,?\s+", "", self.text[c.start:c.end])
        parsed = _dateparser(self.lex.settings["numeric_date_order"]).get_date_data(text)
        if parsed is None or parsed.date_obj is None:
            return None
        d = parsed.date_obj
        if re.search(r"\d[T ]\d\d:\d\d", text):
            return "TIME", f"{d.date().isoformat()}T{d.hour:02d}:{d.minute:02d}"
        return "DATE", {"year": f"{d.year:04d}", "month": fmt_month(d.year, d.month)}.get(parsed.period, fmt_day(d.date()))

    def _h_numeric(self, c: _Cand) -> tuple[str, str] | None:
        g = c.g
        if g["sep"] == "." and len(g["c"]) != 4:
            return None  # "10.5.10" is a version number
        return self._h_absolute(c)

    def _h_monthday(self, c: _Cand) -> tuple[str, str] | None:
        month = self.lex.months[(c.g.get("month") or c.g["month2"]).rstrip(".")]
        day = int(re.match(r"\d+", c.g.get("day") or c.g["day2"])[0])
        if self.a is None:
            return "DATE", f"XXXX-{month:02d}-{day:02d}"
        d = pick_date(self.a.day, month, day, self._direction(c))
        return ("DATE", fmt_day(d)) if d else None

    def _year_of(self, g: dict[str, str], key: str = "yrel") -> int | None:
        """The year a "this/last/next year" or a written year names; None without one."""
        if "year" in g:
            return int(g["year"])
        if key in g and self.a:
            return self.a.day.year + self.lex.relative_bare[g[key].lower()]
        return None

    def _h_month(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        month = self.lex.months[(g.get("month") or g["monthb"]).rstrip(".")]
        year = self._year_of(g)
        if year is not None:
            return "DATE", fmt_month(year, month)
        if self.a is None:
            return "DATE", f"XXXX-{month:02d}"
        cur = self.a.day.year * 12 + self.a.day.month - 1
        rel = g.get("rel", "").lower()
        if rel in ("last", "past"):
            k = pick_cyclic(cur - 1, month - 1, 12, PAST)
        elif rel in ("next", "coming"):
            k = pick_cyclic(cur + 1, month - 1, 12, FUTURE)
        elif rel == "this":
            k = self.a.day.year * 12 + month - 1
        else:
            k = pick_cyclic(cur, month - 1, 12, self._direction(c))
        return "DATE", fmt_month(k // 12, k % 12 + 1)

    def _h_partof(self, c: _Cand) -> tuple[str, str] | None:
        _, value = self._h_month(c)
        if value.startswith("X"):
            return "DATE", value
        y, m = int(value[:4]), int(value[5:7])
        first, last = date(y, m, 1), date(*add_months(y, m, 1), 1) - timedelta(days=1)
        end = c.g["ord"].lower() in ("last", "final")
        unit = c.g["unit"].lower()
        if unit == "day":
            return "DATE", fmt_day(last if end else first)
        d = last - timedelta(days=3) if end else first + timedelta(days=3)
        return "DATE", fmt_week(d) + ("-WE" if unit == "weekend" else "")

    def _h_year(self, c: _Cand) -> tuple[str, str]:
        if "yy" in c.g:
            yy = int(c.g["yy"])
            base = self.a.day.year if self.a else 2000
            year = 2000 + yy if 2000 + yy <= base + 10 else 1900 + yy
            return "DATE", str(year)
        return "DATE", c.g["year"]

    def _h_fiscal(self, c: _Cand) -> tuple[str, str]:
        """"fiscal 2009" -> FY2009; "the financial year" -> the one the anchor lies in, named by the
        year it ends in."""
        if "year" in c.g or "yy" in c.g:
            return "DATE", "FY" + (c.g["year"] if "year" in c.g else f"20{c.g['yy']}")
        if self.a is None:
            return "DATE", "FYXXXX"
        end = int(self.lex.settings["fiscal_year_end_month"])
        year = self.a.day.year + (self.a.day.month > end)
        return "DATE", f"FY{year + self.lex.relative_bare.get(c.g.get('rel', 'this').lower(), 0)}"

    def _h_decade(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        if "cent" in g:
            return "DATE", fmt_decade(int(g["cent"]) * 100 + int(g["dec"]) * 10, self.dstyle)
        dec = int(g["dec2"]) * 10
        now = self.a.day.year if self.a else 1999
        year = max(y for y in (1900 + dec, 2000 + dec) if y <= now) if 1900 + dec <= now else 1900 + dec
        return "DATE", fmt_decade(year, self.dstyle)

    def _h_century(self, c: _Cand) -> tuple[str, str]:
        n = self.lex.ordinals[c.g["ord"].lower()] if "ord" in c.g else int(c.g["num"])
        return "DATE", f"{n - 1:02d}"

    def _h_quarter(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        q = int(g["qnum"]) if "qnum" in g else self.lex.ordinals[g["ord"].lower()]
        year = self._year_of(g) or self._year_of(g, "yrel0")
        if year is None and "yref" in g:
            year = self._ref_value(c, "year").year if self.a else None
        if year is not None:
            return "DATE", fmt_quarter(year, q)
        if self.a is None:
            return "DATE", f"XXXX-Q{q}"
        cur = self.a.day.year * 4 + (self.a.day.month - 1) // 3
        k = pick_cyclic(cur, q - 1, 4, self._direction(c))
        return "DATE", fmt_quarter(k // 4, k % 4 + 1)

    def _h_half(self, c: _Cand) -> tuple[str, str]:
        year = self._year_of(c.g) or (self.a.day.year if self.a else None)
        h = 1 if c.g["ord"].lower() in ("first", "1st") else 2
        return "DATE", f"{year:04d}-H{h}" if year else f"XXXX-H{h}"

    def _weekday_date(self, c: _Cand, wd: int) -> date | None:
        g, a = c.g, self.a
        if a is None:
            return None
        rel = g.get("rel", "").lower()
        cur, target = a.day.toordinal(), wd % 7  # ordinal k falls on ISO weekday (k - 1) % 7 + 1
        if "wrel" in g:
            week = a.day + timedelta(weeks=self.lex.relative_bare[g["wrel"].lower()])
            return week - timedelta(days=week.weekday()) + timedelta(days=wd - 1)
        if rel == "this":
            return a.day - timedelta(days=a.day.weekday()) + timedelta(days=wd - 1)
        if rel in ("last", "past"):
            k = pick_cyclic(cur - 1, target, 7, PAST)
        elif rel in ("next", "coming"):
            k = pick_cyclic(cur + 1, target, 7, FUTURE)
        else:
            k = pick_cyclic(cur, target, 7, self._direction(c))
        return date.fromordinal(k)

    def _h_weekday(self, c: _Cand) -> tuple[str, str]:
        if "named" in c.g:
            return "DATE", "XXXX-XX-XX"  # "Black Monday": a day with a name, not this week's Monday
        wd = self.lex.weekdays[c.g["weekday"].capitalize()]
        d = self._weekday_date(c, wd)
        value = fmt_day(d) if d else f"XXXX-WXX-{wd}"
        if "pod" in c.g:
            return "TIME", f"{value}T{self.lex.pods[c.g['pod'].lower()]}"
        return "DATE", value

    def _h_set(self, c: _Cand) -> tuple[str, str] | None:
        g = c.g
        if "weekday" in g or "weekdays" in g:
            return "SET", f"XXXX-WXX-{self.lex.weekdays[(g.get('weekday') or g['weekdays'][:-1]).capitalize()]}"
        if "word" in g:
            return "SET", self.lex.set_words[g["word"].lower()]
        if "pod" in g:
            return "SET", f"XXXX-XX-XXT{self.lex.pods[g['pod'].lower()]}"
        n = self.lex.number(g.get("num")) if "num" in g else 1
        return "SET", self.lex.unit(g["unit"]).duration(n or 1)

    def _h_deictic(self, c: _Cand) -> tuple[str, str]:
        if "generic" in c.g:
            return "DATE", "PRESENT_REF"
        word = " ".join(c.g["word"].lower().split())
        pod = c.g.get("pod", "").lower() or ("night" if word == "tonight" else "")
        offset = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last": -1, "tomorrow": 1,
                  "the day before yesterday": -2, "the day after tomorrow": 2}[word]
        value = fmt_day(self.a.day + timedelta(days=offset)) if self.a else "XXXX-XX-XX"
        return ("TIME", f"{value}T{self.lex.pods[pod]}") if pod else ("DATE", value)

    def _h_relative(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        unit, rel = g["unit"].lower(), g["rel"].lower()
        if rel in ("before", "earlier", "after", "later"):  # "the year before"
            rule = f"ref:{-1 if rel in ('before', 'earlier') else 1}"
        elif "the" in g:
            rule = (self.lex.relative_the_day if unit == "day" else self.lex.relative_the).get(rel, "shift:0")
        else:
            rule = f"{'ref' if unit == 'day' else 'shift'}:{self.lex.relative_bare.get(rel, 0)}"
        if rule == "duration":
            return "DURATION", self.lex.unit(unit).duration(1)
        how, n = rule.split(":")
        base = self._ref_value(c, unit) if how == "ref" else (self.a.day if self.a else None)
        if base is None:
            return "DATE", at_precision(None, unit, self.dstyle)
        return "DATE", at_precision(shift_date(base, int(n), unit), unit, self.dstyle)

    def _h_weekend(self, c: _Cand) -> tuple[str, str]:
        if self.a is None:
            return "DATE", "XXXX-WXX-WE"
        rel, d = c.g.get("rel", "the").lower(), self.a.day
        weekend = d.weekday() >= 5
        if rel in ("last", "past") or (rel == "the" and not weekend and self._direction(c) == PAST):
            d -= timedelta(weeks=1)
        elif rel in ("next",):
            d += timedelta(weeks=1)
        return "DATE", fmt_week(d) + "-WE"

    def _h_anaphor(self, c: _Cand) -> tuple[str, str]:
        unit = (c.g.get("unit") or c.g["unit2"]).lower()
        base = self._ref_day(c) if unit == "day" else self._ref_value(c, unit)
        return "DATE", at_precision(base, unit, self.dstyle)

    def _h_same(self, c: _Cand) -> tuple[str, str]:
        unit = c.g["unit"].lower()
        if unit not in UNIT_ORDER:  # "the same period": whatever the last date named was
            last = self._ref_value(c, "year", with_precision=True)
            unit = last[1] if isinstance(last, tuple) else "year"
        base = self._ref_value(c, unit)
        if base is None:
            return "DATE", at_precision(None, unit, self.dstyle)
        if "year" in c.g:
            shifted = base.replace(year=int(c.g["year"]), day=min(base.day, 28))
        else:
            shifted = shift_date(base, -1, "year")
        return "DATE", at_precision(shifted, unit, self.dstyle)

    def _h_ago(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        unit = self.lex.unit(g["unit"])
        n = self.lex.number(g["num"])
        sign = -1 if g.get("dir", g.get("rdir", "")).lower() in ("ago", "earlier", "before") else 1
        if n is None:
            return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
        n += 0.5 if "half" in g else 0
        base = (self.a.day if self.a else None) if "dir" in g else self._ref_day(c)
        name = {"fortnight": "week", "night": "day"}.get(unit.name, unit.name)
        precision = "day" if name == "week" else name  # "a week ago": that day
        if unit.time:
            if self.a is None or base is None:
                return "DATE", "XXXX-XX-XX"
            if self.a.hour is not None and "dir" in g:
                from datetime import datetime
                minutes = {"hour": 60, "minute": 1, "second": 1 / 60}[unit.name] * n * sign
                t = datetime.combine(base, datetime.min.time()).replace(hour=self.a.hour, minute=self.a.minute or 0)
                t += timedelta(minutes=minutes)
                return "TIME", f"{t.date().isoformat()}T{t.hour:02d}:{t.minute:02d}"
            return "DATE", fmt_day(base)
        if base is None:
            return "DATE", at_precision(None, precision, self.dstyle)
        if not float(n).is_integer() and name in ("year", "decade", "century"):
            n, name, precision = n * {"year": 12, "decade": 120, "century": 1200}[name], "month", "month"
        n *= 2 if unit.name == "fortnight" else 1
        return "DATE", at_precision(shift_date(base, sign * n, name), precision, self.dstyle)

    def _h_duration(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        if "word" in g:
            return "DURATION", self.lex.duration_words[g["word"].lower()]
        if "bare" in g:
            return "DURATION", self.lex.unit(g["bare"]).duration(None)
        unit = self.lex.unit(g["unit"])
        num = g["num"].lower()
        n = self.lex.number(num)
        if n is not None and "half" in g:
            n += 0.5
        if num in ("a", "an") and not ({"hedge", "the"} & g.keys()) and self._after_quantity(c):
            return "SET", unit.duration(1)  # "15 a year", "$2 billion a year"
        return "DURATION", unit.duration(n)

    def _after_quantity(self, c: _Cand) -> bool:
        span = self._span(c)
        prev = next((t for t in reversed(self.doc[max(0, span.start - 3):span.start]) if not t.is_space), None)
        return prev is not None and (prev.like_num or prev.text in ("%", "times", "once", "twice")
                                     or prev.ent_type_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY"))

    def _h_reference(self, c: _Cand) -> tuple[str, str]:
        return "DATE", self.lex.references[" ".join(c.g["word"].lower().split())]

    def _h_clock(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        if "word" in g:
            hh, mm = (int(x) for x in self.lex.clock_words[g["word"].lower()].split(":"))
        else:
            hh = int(g.get("h") or g.get("h2") or g["h3"])
            mm = int(g.get("m") or g.get("m2") or g.get("m3") or 0)
            ampm = g.get("ampm", "").lower().replace(".", "").replace(" ", "")
            if ampm == "pm" and hh < 12:
                hh += 12
            elif ampm == "am" and hh == 12:
                hh = 0
        if "weekday" in g:
            day = self._weekday_date(c, self.lex.weekdays[g["weekday"].capitalize()])
        elif "deictic" in g and self.a:
            day = self.a.day + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g["deictic"].lower(), 0))
        else:
            day = self._ref_day(c)
        return "TIME", f"{fmt_day(day) if day else 'XXXX-XX-XX'}T{hh:02d}:{mm:02d}{self._zone(g)}"

    def _zone(self, g: dict[str, str]) -> str:
        zone, off = g.get("zone") or g.get("zone2"), g.get("off") or g.get("off2")
        if off:
            m = re.match(r"([+-])\s?(\d{1,2}):?(\d\d)?", off)
            return f"{m[1]}{int(m[2]):02d}:{m[3] or '00'}" if m else ""
        if not zone:
            return ""
        return "Z" if zone.upper() in self.lex.utc_zones else self.lex.zone_offsets.get(zone.upper(), "")

    def _h_partofday(self, c: _Cand) -> tuple[str, str]:
        day = self._ref_day(c)
        return "TIME", f"{fmt_day(day) if day else 'XXXX-XX-XX'}T{self.lex.pods[c.g['pod'].lower()]}"

    def _h_season(self, c: _Cand) -> tuple[str, str]:
        g = c.g
        code = self.lex.seasons[g["season"].lower()]
        if "year" in g:
            return "DATE", f"{g['year']}-{code}"
        if self.a is None:
            return "DATE", f"XXXX-{code}"
        cur = self.a.day.year * 12 + self.a.day.month - 1
        rep = self.lex.season_months[code] - 1
        rel = g.get("rel", "").lower()
        if rel in ("last", "past"):
            k = pick_cyclic(cur - 3, rep, 12, PAST)
        elif rel in ("next", "coming"):
            k = pick_cyclic(cur + 3, rep, 12, FUTURE)
        else:
            k = pick_cyclic(cur, rep, 12, NEUTRAL if rel == "this" else self._direction(c))
        return "DATE", f"{k // 12:04d}-{code}"

    def _h_holiday(self, c: _Cand) -> tuple[str, str] | None:
        m, d = self.lex.holidays[" ".join(c.g["name"].lower().replace("’", "'").split())]
        if "year" in c.g:
            return "DATE", f"{c.g['year']}-{m:02d}-{d:02d}"
        if self.a is None:
            return "DATE", f"XXXX-{m:02d}-{d:02d}"
        day = pick_date(self.a.day, m, d, self._direction(c))
        return ("DATE", fmt_day(day)) if day else None

    def _h_entity(self, c: _Cand) -> tuple[str, str]:
        unit = c.g["unit"].lower()
        if c.g["det"].lower() in ("a", "an") and not ORDINAL_WORD.search(c.g.get("mid") or ""):
            return "DURATION", self.lex.unit(unit).duration(1)
        return self._h_anaphor(_Cand(c.start, c.end, "anaphor", {"unit": unit}, c.order))


@lru_cache(maxsize=2)
def _dateparser(order: str):
    """dateparser for absolute dates only (no relative parsing: the rules above do that)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": order, "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"]})
