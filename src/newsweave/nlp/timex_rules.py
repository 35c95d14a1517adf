"""The rules behind :mod:`newsweave.nlp.times`: the lexicons and candidate patterns of
``data/times.toml``, calendar arithmetic, and the normalisers that turn a pattern's match into a
TIMEX3 type and value.

Nothing here touches spaCy: what a normaliser needs from the document (the tense around the
expression, the day last mentioned) it asks through :class:`Context`. Values follow TIMEX3
(TimeML 1.2.1, ISO-TimeML): calendar dates at the precision written ("2026", "2026-01",
"2026-01-24", "2026-W04", "2026-Q1", "2026-SU", "FY2026"), times "2026-01-24T15:00" or with a part
of day "2026-01-24TEV", durations "P8Y", "PT3H", "PXY", sets "P1W", "XXXX-WXX-1". Modifiers
("early", "late", "the end of") leave the value alone (TIMEX3 keeps them in `mod`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import regex

from ..errors import ConfigError
from ..resources import data_toml, per_settings, timezones

PAST, NEUTRAL, FUTURE = -1, 0, 1


@dataclass(frozen=True, slots=True)
class Unit:
    """A duration unit: "decade" is code Y with factor 10; hours, minutes, seconds go after T."""

    name: str
    code: str
    factor: int = 1
    time: bool = False
    unspecified: str | None = None

    def duration(self, n: float | None) -> str:
        """The TIMEX3 duration of ``n`` units; ``None`` is an unspecified number ("PXY")."""
        t = "T" if self.time else ""
        if n is None:
            return self.unspecified or f"P{t}X{self.code}"
        amount = n * self.factor
        return f"P{t}{int(amount) if float(amount).is_integer() else f'{amount:g}'}{self.code}"


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str
    regex: re.Pattern[str]
    needs: str | None
    order: int


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything times.toml says, in the shapes the finder and the normalisers use."""

    settings: dict[str, Any]
    numbers: dict[str, float]
    tens: dict[str, int]
    quantifiers: frozenset[str]
    ordinals: dict[str, int]
    hedges_outside: tuple[str, ...]
    units: dict[str, Unit]
    no_article: frozenset[str]
    months: dict[str, int]
    ambiguous_months: frozenset[str]
    not_before_month: frozenset[str]
    named_day_words: frozenset[str]
    weekdays: dict[str, int]
    pods: dict[str, str]
    seasons: dict[str, str]
    season_months: dict[str, int]
    decade_words: dict[str, int]
    holidays: dict[str, tuple[int, int]]
    clock_words: dict[str, str]
    utc_zones: frozenset[str]
    zone_offsets: dict[str, str]
    references: dict[str, str]
    ref_adjectives: frozenset[str]
    not_after_current: frozenset[str]
    not_before_recent: frozenset[str]
    generic_after_today: frozenset[str]
    not_now: tuple[str, ...]
    duration_words: dict[str, str]
    set_words: dict[str, str]
    relative_bare: dict[str, int]
    relative_the: dict[str, str]
    relative_the_day: dict[str, str]
    tense: dict[str, frozenset[str]]
    year_rules: dict[str, frozenset[str]]
    context: dict[str, frozenset[str]]
    deictic: dict[str, int]
    time_words: frozenset[str]
    patterns: tuple[Pattern, ...]
    partial: tuple[Any, ...]  # the patterns compiled by ``regex``, for partial matching (times._places)

    def number(self, text: str | None) -> float | None:
        """The value of a number as written ("33", "1,000", "twenty-five", "a", "half a"), or
        None for an unspecified quantity ("several")."""
        if not text:
            return None
        t = " ".join(text.lower().replace("-", " ").split())
        if t in self.quantifiers:
            return None
        if re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
            return float(t.replace(",", ""))
        if t.endswith(" and a half"):
            whole = self.number(t[:-len(" and a half")])
            return None if whole is None else whole + 0.5
        if t in self.numbers:
            return self.numbers[t]
        parts = t.split()
        if parts and parts[0] in self.tens:
            return self.tens[parts[0]] + (self.numbers.get(parts[1], 0) if len(parts) > 1 else 0)
        return None

    def unit(self, form: str) -> Unit:
        return self.units[form.lower()]

    def month(self, name: str) -> int:
        """"March", "MARCH", "Sept." -> 3, 3, 9."""
        return self.months[name.rstrip(".").capitalize()]

    def weekday(self, name: str) -> int:
        """"Monday", "MONDAY", "Mondays" -> 1."""
        name = name.capitalize()
        return self.weekdays[name if name in self.weekdays else name[:-1]]


def _alt(words: list[str] | set[str] | dict[str, Any], case: bool = False) -> str:
    """A regex alternation of phrases that tries the longest first; a space matches one
    whitespace character. Built as a trie (``jan(?:uary)?``): Python's engine tries the branches
    of an alternation one by one at every position, and a trie rules most out at the first letter.
    Two phrases can both match at one place only when one extends the other, and the trie tries
    the longer first, so it matches what the longest-first list of phrases matches."""
    items = {str(w) if case else str(w).lower() for w in words}
    body = _trie_regex(_trie(items))
    return f"(?-i:{body})" if case else f"(?:{body})"


def _trie(items: set[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for w in items:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return root


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [(r"\s" if ch == " " else re.escape(ch)) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    grouped = "(?:" + "|".join(branches) + ")"
    if "" in node:  # a phrase ends here: the longer ones are optional, and greedy, so tried first
        return grouped + "?"
    return branches[0] if len(branches) == 1 else grouped


def _caps(names: list[str]) -> list[str]:
    """Names as written in running text ("Monday") and in all-capital headlines ("MONDAY")."""
    return names + [n.upper() for n in names]


def _placeholders(data: dict[str, Any], zones: list[str]) -> dict[str, str]:
    """The {PLACEHOLDERS} a pattern in times.toml may use, as regular expressions."""
    months = list(data["months"])
    abbrs = list(data["month_abbreviations"])
    ones = [w for w, v in data["numbers"].items() if 1 <= v <= 9 and " " not in w and w not in ("a", "an", "single")]
    words = [w for w in data["numbers"]]
    tens = list(data["tens"])
    word_num = rf"(?:{_alt(tens)}(?:[-\s]{_alt(ones)})?|{_alt(words)})(?:\sand\sa\shalf)?"
    digits = r"(?<![\w.,$£€#])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    unit_forms = [f for u in data["units"].values() for f in u["forms"]]
    rel = set(data["relative"]["bare"]) | set(data["relative"]["the"])
    return {
        "MONTH_ANY": _alt(_caps(months + abbrs), case=True),
        "MONTH": _alt(_caps(months), case=True),
        "WEEKDAYS": _alt(_caps([w + "s" for w in data["weekdays"]]), case=True),
        "WEEKDAY": _alt(_caps(list(data["weekdays"])), case=True),
        "DECADE_WORD": _alt(data["decade_words"]),
        "DAY": r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)",
        "YEAR4": r"(?<!\d)[12]\d{3}(?!\d)",
        "YEAR": r"(?<!\d)(?:1[89]|20)\d\d(?!\d)",
        "NUM": rf"(?:{digits}|(?<![\w'-]){word_num}(?![\w]))",
        "QUANT": rf"(?<![\w'-]){_alt(data['quantifiers']['words'])}(?![\w])",
        "HEDGE": rf"(?<![\w'-]){_alt(data['hedges']['words'])}",
        "UNIT": _alt(unit_forms),
        "BETWEEN": _alt(data["units_rules"]["between"]),
        "POD": _alt(data["parts_of_day"]),
        "SEASON": _alt(data["seasons"]),
        "REL": _alt(rel),
        "ORDINAL": _alt([w for w in data["ordinals"] if w.isalpha()]),
        "EDGE": r"(?:the\s)?(?:very\s)?(?:end|beginning|start|middle|rest|remainder|close|bulk|turn)\sof\s",
        "MOD": r"(?:early|late|mid|middle)(?:\s|-)",
        "ZONE": _alt(zones, case=True),
        "EVERY": _alt(data["set_rules"]["every"]),
        "REFERENCE": _alt(data["references"]),
        "DURATION_WORD": _alt(data["duration_words"]),
        "SET_WORD": _alt(data["set_words"]),
        "HOLIDAY": _alt(data["holidays"]),
    }


def _compile(template: str, ph: dict[str, str], where: str) -> re.Pattern[str]:
    body = template.replace(r"\s", r"[^\S\n]")  # a candidate never crosses a line break

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in ph:
            raise ConfigError(f"{where}: unknown placeholder {{{m.group(1)}}}")
        return ph[m.group(1)]

    body = "(?<!\\w)(?:" + re.sub(r"\{([A-Z][A-Z0-9_]*)\}", sub, body) + ")"  # candidates start a word
    try:
        return re.compile(body, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid pattern: {exc}") from exc


def _units(data: dict[str, Any]) -> dict[str, Unit]:
    out = {}
    for name, u in data["units"].items():
        unit = Unit(name, u["code"], int(u.get("factor", 1)), bool(u.get("time", False)), u.get("unspecified"))
        for form in u["forms"]:
            out[form.lower()] = unit
    return out


@per_settings
def lexicon() -> Lexicon:
    """times.toml (and the user's additions), loaded and compiled once per process and settings."""
    try:
        return _lexicon(data_toml("times.toml"))
    except KeyError as exc:
        raise ConfigError(f"times.toml: the table or key {exc} is missing") from exc


def _lexicon(data: dict[str, Any]) -> Lexicon:
    _, offsets = timezones()
    utc = [z.upper() for z in data["zones"]["utc"]]
    zones = sorted(set(utc) | {z for z in offsets if len(z) >= 3})
    ph = _placeholders(data, zones)
    patterns = tuple(
        Pattern(p["kind"], _compile(p["re"], ph, f"times.toml: pattern {i + 1}"), p.get("needs"), i)
        for i, p in enumerate(data["pattern"]))
    months = {**data["months"], **data["month_abbreviations"]}
    tense = {k: frozenset(v) for k, v in data["tense"].items()}
    year_rules = {k: frozenset(v) for k, v in data["year_rules"].items()}
    time_words = frozenset(w.lower() for w in (*data["months"], *data["weekdays"], *data["parts_of_day"],
                                               *data["seasons"], "today", "tomorrow", "yesterday", "tonight"))
    return Lexicon(
        settings=data["settings"],
        numbers={" ".join(k.split()): float(v) for k, v in data["numbers"].items()},
        tens=dict(data["tens"]),
        quantifiers=frozenset(data["quantifiers"]["words"]),
        ordinals=dict(data["ordinals"]),
        hedges_outside=tuple(sorted(data["hedges"]["outside"], key=len, reverse=True)),
        units=_units(data),
        no_article=frozenset(data["units_rules"]["no_article"]),
        months=months,
        ambiguous_months=frozenset(data["month_rules"]["ambiguous"]),
        not_before_month=frozenset(data["month_rules"]["not_before"]),
        named_day_words=frozenset(data["weekday_rules"]["named_day_words"]),
        weekdays=dict(data["weekdays"]),
        pods=dict(data["parts_of_day"]),
        seasons=dict(data["seasons"]),
        season_months=dict(data["season_months"]),
        decade_words=dict(data["decade_words"]),
        holidays={k.lower(): (int(v[:2]), int(v[3:])) for k, v in data["holidays"].items()},
        clock_words=dict(data["clock_words"]),
        utc_zones=frozenset(utc),
        zone_offsets={k.upper(): v for k, v in offsets.items()},
        references={" ".join(k.lower().split()): v for k, v in data["references"].items()},
        ref_adjectives=frozenset(data["reference_rules"]["adjectives"]),
        not_after_current=frozenset(data["reference_rules"]["not_after_current"]),
        not_before_recent=frozenset(data["reference_rules"]["not_before_recent"]),
        generic_after_today=frozenset(data["reference_rules"]["generic_after_today"]),
        not_now=tuple(data["reference_rules"]["not_now"]),
        duration_words={k.lower(): v for k, v in data["duration_words"].items()},
        set_words={k.lower(): v for k, v in data["set_words"].items()},
        relative_bare=dict(data["relative"]["bare"]),
        relative_the=dict(data["relative"]["the"]),
        relative_the_day=dict(data["relative"]["the_day"]),
        tense=tense,
        year_rules=year_rules,
        context={k: frozenset(v) for k, v in data["context"].items()},
        deictic={" ".join(k.split()): int(v) for k, v in data["deictic"].items()},
        time_words=time_words,
        patterns=patterns,
        partial=tuple(regex.compile(p.regex.pattern, regex.IGNORECASE) for p in patterns),
    )


# -- the anchor ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Anchor:
    """The publication date (as printed: its own day, not converted to UTC) and the clock time
    when the anchor has one."""

    day: date
    hour: int | None = None
    minute: int | None = None


ANCHOR_RE = re.compile(r"^\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?")


def parse_anchor(anchor: str | None) -> Anchor | None:
    """"2026-01-24" or "2026-01-25T01:57:51+05:30" -> Anchor; None or unreadable -> None."""
    m = ANCHOR_RE.match(anchor or "")
    if not m:
        return None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return Anchor(day, int(m[4]) if m[4] else None, int(m[5]) if m[5] else None)


# -- choosing among repeating dates by tense -------------------------------------------------
def pick_cyclic(current: int, target: int, period: int, direction: int) -> int:
    """The integer ≡ target (mod period) on or before ``current`` (PAST), on or after it
    (FUTURE), or the nearer of the two (NEUTRAL; a tie goes to the past). Months are counted
    as year*12+month-1, quarters as year*4+q-1, days as ordinals."""
    back = (current - target) % period
    fwd = (target - current) % period
    if direction == PAST or (direction == NEUTRAL and back <= fwd):
        return current - back
    return current + fwd


def pick_date(anchor: date, month: int, day: int, direction: int) -> date | None:
    """The date month/day in the year that the direction picks around the anchor."""
    options = []
    for y in range(anchor.year - 4, anchor.year + 5):  # four years either side: February 29 too
        try:
            options.append(date(y, month, day))
        except ValueError:
            continue
    if not options:
        return None
    past = [d for d in options if d <= anchor]
    future = [d for d in options if d >= anchor]
    if direction == PAST and past:
        return past[-1]
    if direction == FUTURE and future:
        return future[0]
    return min(options, key=lambda d: (abs((d - anchor).days), d > anchor))


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1


def shift_date(d: date, n: float, unit: str) -> date:
    """d moved by n units (day, week, month, quarter, year, ...); months keep the day where
    the month has it."""
    if unit in ("day", "night"):
        return d + timedelta(days=round(n))
    if unit in ("week", "fortnight"):
        return d + timedelta(weeks=n * (2 if unit == "fortnight" else 1))
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
    y, m = add_months(d.year, d.month, round(n * months))
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


# -- values ----------------------------------------------------------------------------------
def fmt_day(d: date) -> str:
    return d.isoformat()


def fmt_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def fmt_month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def fmt_quarter(y: int, q: int) -> str:
    return f"{y:04d}-Q{q}"


def fmt_decade(year: int, style: str) -> str:
    return style_decade(f"{year // 10:03d}", style)


def style_decade(digits: str, style: str) -> str:
    """The decade as times.toml's `decade_format` writes it: "{d}X" -> "201X", "{d}" -> "201"."""
    return style.format(d=digits)


def fmt_century(year: int) -> str:
    return f"{year // 100:02d}"


def at_precision(d: date | None, unit: str, decade_style: str) -> str:
    """The value of the ``unit`` containing d: day -> 2026-01-24, week -> 2026-W04, ...; an
    unknown d gives the underspecified form (XXXX-XX-XX, XXXX-WXX, ...)."""
    if d is None:
        if unit == "decade":
            return style_decade("XXX", decade_style)
        return {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
                "quarter": "XXXX-QX", "year": "XXXX", "century": "XX"}.get(unit, "XXXX-XX-XX")
    if unit in ("day", "night", "hour", "minute", "second"):
        return fmt_day(d)
    if unit in ("week", "fortnight"):
        return fmt_week(d)
    if unit == "weekend":
        return fmt_week(d) + "-WE"
    if unit == "month":
        return fmt_month(d.year, d.month)
    if unit == "quarter":
        return fmt_quarter(d.year, (d.month - 1) // 3 + 1)
    if unit == "decade":
        return fmt_decade(d.year, decade_style)
    if unit == "century":
        return fmt_century(d.year)
    return f"{d.year:04d}"


VALUE_RE = re.compile(r"^(\d{4})(?:-(?:(\d\d)(?:-(\d\d))?|Q(\d)|W(\d\d)))?")


def value_date(value: str | None) -> tuple[date, str] | None:
    """A calendar value back as (a date inside it, its precision): "2026-01" -> (2026-01-01, month)."""
    m = VALUE_RE.match(value or "")
    if not m:
        return None
    y = int(m[1])
    try:
        if m[3]:
            return date(y, int(m[2]), int(m[3])), "day"
        if m[2]:
            return date(y, int(m[2]), 1), "month"
        if m[4]:
            return date(y, 3 * int(m[4]) - 2, 1), "quarter"
        if m[5]:
            return date.fromisocalendar(y, int(m[5]), 1), "week"
    except ValueError:
        return None
    return date(y, 1, 1), "year"


# -- normalisers: a match's groups -> (TIMEX3 type, value) -----------------------------------
Result = tuple[str, str] | None
