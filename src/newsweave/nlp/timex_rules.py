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
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Protocol

from ..errors import ConfigError
from ..resources import timezones

PAST, NEUTRAL, FUTURE = -1, 0, 1
PLACEHOLDERS = ("MONTH_ANY", "MONTH", "WEEKDAYS", "WEEKDAY", "DAY", "YEAR4", "YEAR", "NUM", "QUANT", "HEDGE",
                "UNIT", "BETWEEN", "POD", "SEASON", "REL", "ORDINAL", "EDGE", "MOD", "ZONE", "EVERY",
                "REFERENCE", "DURATION_WORD", "SET_WORD", "HOLIDAY")


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
    named_day_words: frozenset[str]
    weekdays: dict[str, int]
    pods: dict[str, str]
    seasons: dict[str, str]
    season_months: dict[str, int]
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
    time_words: frozenset[str]
    patterns: tuple[Pattern, ...]

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


def _alt(words: list[str] | set[str] | dict[str, Any], case: bool = False) -> str:
    """A regex alternation of phrases, longest first; spaces match one whitespace run."""
    items = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w).replace(r"\ ", r"\s") for w in items)
    return f"(?-i:{body})" if case else f"(?:{body})"


def _placeholders(data: dict[str, Any], zones: list[str]) -> dict[str, str]:
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
        "MONTH_ANY": _alt(months + abbrs, case=True),
        "MONTH": _alt(months, case=True),
        "WEEKDAYS": _alt([w + "s" for w in data["weekdays"]], case=True),
        "WEEKDAY": _alt(data["weekdays"], case=True),
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


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """times.toml, loaded and compiled once per process."""
    text = resources.files("newsweave").joinpath("data", "times.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"times.toml: not valid TOML: {exc}") from exc
    _, offsets = timezones()
    utc = [z.upper() for z in data["zones"]["utc"]]
    zones = sorted(set(utc) | {z for z in offsets if len(z) >= 3})
    ph = _placeholders(data, zones)
    patterns = tuple(
        Pattern(p["kind"], _compile(p["re"], ph, f"times.toml: pattern {i + 1}"), p.get("needs"), i)
        for i, p in enumerate(data["pattern"]))
    months = {k: v for k, v in {**data["months"], **data["month_abbreviations"]}.items()}
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
        named_day_words=frozenset(data["weekday_rules"]["named_day_words"]),
        weekdays=dict(data["weekdays"]),
        pods=dict(data["parts_of_day"]),
        seasons=dict(data["seasons"]),
        season_months=dict(data["season_months"]),
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
        time_words=time_words,
        patterns=patterns,
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
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
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


class Context(Protocol):
    """What a normaliser may ask about the expression in hand."""

    lex: Lexicon
    anchor: Anchor | None
    text: str   # the expression as written

    def direction(self) -> int:
        """PAST, FUTURE or NEUTRAL: the tense around the expression."""

    def ref_day(self) -> date | None:
        """The day a clock time or "the same day" belongs to (None without an anchor)."""

    def ref_value(self, unit: str) -> tuple[date, str] | None:
        """A date inside the last calendar value named before the expression that is at least as
        precise as `unit` ("year" accepts any), with that value's precision."""

    def after_quantity(self) -> bool:
        """Does a number or an amount stand just before ("15 a year", "$28 an hour")?"""


def _style(cx: Context) -> str:
    return cx.lex.settings["decade_format"]


def _ref_date(cx: Context, unit: str) -> date | None:
    ref = cx.ref_value(unit)
    return ref[0] if ref else (cx.anchor.day if cx.anchor else None)


@lru_cache(maxsize=2)
def _dateparser(order: str):
    """dateparser for absolute dates only (relative expressions are the rules' business)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": order, "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"]})


def v_absolute(g: dict[str, str], cx: Context) -> Result:
    """A date with its year, in any format dateparser reads ("Jan. 24, 2026", "24/01/2026")."""
    text = re.sub(r"^[A-Za-z]+day,?\s+", "", cx.text)
    if g.get("sep") == "." and len(g.get("c", "")) != 4:
        return None  # "10.5.10" is a version number
    parsed = _dateparser(cx.lex.settings["numeric_date_order"]).get_date_data(text)
    if parsed is None or parsed.date_obj is None:
        return None
    d = parsed.date_obj
    if re.search(r"\d[T ]\d\d:\d\d", text):
        return "TIME", f"{d.date().isoformat()}T{d.hour:02d}:{d.minute:02d}"
    return "DATE", {"year": f"{d.year:04d}", "month": fmt_month(d.year, d.month)}.get(parsed.period, fmt_day(d.date()))


def v_monthday(g: dict[str, str], cx: Context) -> Result:
    """"January 24", "24 Jan": the year the tense picks around the anchor."""
    month = cx.lex.months[(g.get("month") or g["month2"]).rstrip(".")]
    day = int(re.match(r"\d+", g.get("day") or g["day2"])[0])
    if cx.anchor is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}"
    d = pick_date(cx.anchor.day, month, day, cx.direction())
    return ("DATE", fmt_day(d)) if d else None


def _year_of(g: dict[str, str], cx: Context, key: str = "yrel") -> int | None:
    """The year written ("2025") or named ("last year"); None without one."""
    if "year" in g:
        return int(g["year"])
    if key in g and cx.anchor:
        return cx.anchor.day.year + cx.lex.relative_bare[g[key].lower()]
    return None


def v_month(g: dict[str, str], cx: Context) -> Result:
    month = cx.lex.months[(g.get("month") or g["monthb"]).rstrip(".")]
    year = _year_of(g, cx)
    if year is not None:
        return "DATE", fmt_month(year, month)
    if cx.anchor is None:
        return "DATE", f"XXXX-{month:02d}"
    cur = cx.anchor.day.year * 12 + cx.anchor.day.month - 1
    rel = g.get("rel", "").lower()
    if rel in ("last", "past"):  # "last September": the latest one before this month
        k = pick_cyclic(cur - 1, month - 1, 12, PAST)
    elif rel in ("next", "coming"):
        k = pick_cyclic(cur + 1, month - 1, 12, FUTURE)
    elif rel == "this":
        k = cx.anchor.day.year * 12 + month - 1
    else:
        k = pick_cyclic(cur, month - 1, 12, cx.direction())
    return "DATE", fmt_month(k // 12, k % 12 + 1)


def v_partof(g: dict[str, str], cx: Context) -> Result:
    """"the last week of March" -> its ISO week; "the first day of May" -> that day."""
    _, value = v_month(g, cx)
    if value.startswith("X"):
        return "DATE", value
    y, m = int(value[:4]), int(value[5:7])
    first, last = date(y, m, 1), date(*add_months(y, m, 1), 1) - timedelta(days=1)
    end, unit = g["ord"].lower() in ("last", "final"), g["unit"].lower()
    if unit == "day":
        return "DATE", fmt_day(last if end else first)
    d = last - timedelta(days=3) if end else first + timedelta(days=3)
    return "DATE", fmt_week(d) + ("-WE" if unit == "weekend" else "")


def v_year(g: dict[str, str], cx: Context) -> Result:
    if "yy" in g:  # "'82": the century that keeps it at most ten years ahead of the anchor
        yy, base = int(g["yy"]), cx.anchor.day.year if cx.anchor else 2000
        return "DATE", str(2000 + yy if 2000 + yy <= base + 10 else 1900 + yy)
    return "DATE", g["year"]


def v_fiscal(g: dict[str, str], cx: Context) -> Result:
    """"fiscal 2009" -> FY2009; "the financial year" -> the one the anchor lies in, named by the
    year it ends in (times.toml: fiscal_year_end_month)."""
    if "year" in g or "yy" in g:
        return "DATE", "FY" + (g["year"] if "year" in g else f"20{g['yy']}")
    if cx.anchor is None:
        return "DATE", "FYXXXX"
    year = cx.anchor.day.year + (cx.anchor.day.month > int(cx.lex.settings["fiscal_year_end_month"]))
    return "DATE", f"FY{year + cx.lex.relative_bare.get(g.get('rel', 'this').lower(), 0)}"


def v_decade(g: dict[str, str], cx: Context) -> Result:
    if "cent" in g:
        return "DATE", fmt_decade(int(g["cent"]) * 100 + int(g["dec"]) * 10, _style(cx))
    dec, now = int(g["dec2"]) * 10, cx.anchor.day.year if cx.anchor else 1999
    year = 2000 + dec if 2000 + dec <= now else 1900 + dec  # "the 70s": the latest one begun
    return "DATE", fmt_decade(year, _style(cx))


def v_century(g: dict[str, str], cx: Context) -> Result:
    n = cx.lex.ordinals[g["ord"].lower()] if "ord" in g else int(g["num"])
    return "DATE", f"{n - 1:02d}"


def v_quarter(g: dict[str, str], cx: Context) -> Result:
    q = int(g["qnum"]) if "qnum" in g else cx.lex.ordinals[g["ord"].lower()]
    year = _year_of(g, cx) or _year_of(g, cx, "yrel0")
    if year is None and "yref" in g and cx.anchor:
        year = _ref_date(cx, "year").year
    if year is not None:
        return "DATE", fmt_quarter(year, q)
    if cx.anchor is None:
        return "DATE", f"XXXX-Q{q}"
    k = pick_cyclic(cx.anchor.day.year * 4 + (cx.anchor.day.month - 1) // 3, q - 1, 4, cx.direction())
    return "DATE", fmt_quarter(k // 4, k % 4 + 1)


def v_half(g: dict[str, str], cx: Context) -> Result:
    year = _year_of(g, cx) or (cx.anchor.day.year if cx.anchor else None)
    h = 1 if g["ord"].lower() in ("first", "1st") else 2
    return "DATE", f"{year:04d}-H{h}" if year else f"XXXX-H{h}"


def weekday_date(g: dict[str, str], wd: int, cx: Context) -> date | None:
    """The day a weekday names: "last"/"next" skip the anchor's own day, "this" stays in its
    week, "Monday last week" goes to that week, a bare weekday follows the tense."""
    a = cx.anchor
    if a is None:
        return None
    rel = g.get("rel", "").lower()
    cur, target = a.day.toordinal(), wd % 7  # ordinal k falls on ISO weekday (k - 1) % 7 + 1
    if "wrel" in g:
        week = a.day + timedelta(weeks=cx.lex.relative_bare[g["wrel"].lower()])
        return week - timedelta(days=week.weekday()) + timedelta(days=wd - 1)
    if rel == "this":
        return a.day - timedelta(days=a.day.weekday()) + timedelta(days=wd - 1)
    if rel in ("last", "past"):
        return date.fromordinal(pick_cyclic(cur - 1, target, 7, PAST))
    if rel in ("next", "coming"):
        return date.fromordinal(pick_cyclic(cur + 1, target, 7, FUTURE))
    return date.fromordinal(pick_cyclic(cur, target, 7, cx.direction()))


def v_weekday(g: dict[str, str], cx: Context) -> Result:
    if "named" in g:
        return "DATE", "XXXX-XX-XX"  # "Black Monday": a day with a name, not this week's Monday
    wd = cx.lex.weekdays[g["weekday"].capitalize()]
    d = weekday_date(g, wd, cx)
    value = fmt_day(d) if d else f"XXXX-WXX-{wd}"
    if "pod" in g:
        return "TIME", f"{value}T{cx.lex.pods[g['pod'].lower()]}"
    return "DATE", value


def v_set(g: dict[str, str], cx: Context) -> Result:
    lex = cx.lex
    if "weekday" in g or "weekdays" in g:
        return "SET", f"XXXX-WXX-{lex.weekdays[(g.get('weekday') or g['weekdays'][:-1]).capitalize()]}"
    if "word" in g:
        return "SET", lex.set_words[g["word"].lower()]
    if "pod" in g:
        return "SET", f"XXXX-XX-XXT{lex.pods[g['pod'].lower()]}"
    return "SET", lex.unit(g["unit"]).duration(lex.number(g.get("num")) or 1)


def v_deictic(g: dict[str, str], cx: Context) -> Result:
    if "generic" in g:
        return "DATE", "PRESENT_REF"  # "today's GM"
    word = " ".join(g["word"].lower().split())
    pod = g.get("pod", "").lower() or ("night" if word == "tonight" else "")
    offset = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "last": -1, "tomorrow": 1,
              "the day before yesterday": -2, "the day after tomorrow": 2}[word]
    value = fmt_day(cx.anchor.day + timedelta(days=offset)) if cx.anchor else "XXXX-XX-XX"
    return ("TIME", f"{value}T{cx.lex.pods[pod]}") if pod else ("DATE", value)


def v_relative(g: dict[str, str], cx: Context) -> Result:
    """"last year", "this week", "the past year" (P1Y), "the previous day", "the year before";
    times.toml [relative] says how each word reads."""
    unit, rel = g["unit"].lower(), g["rel"].lower()
    if rel in ("before", "earlier", "after", "later"):
        rule = f"ref:{-1 if rel in ('before', 'earlier') else 1}"
    elif "the" in g:
        rule = (cx.lex.relative_the_day if unit == "day" else cx.lex.relative_the).get(rel, "shift:0")
    else:
        rule = f"{'ref' if unit == 'day' else 'shift'}:{cx.lex.relative_bare.get(rel, 0)}"
    if rule == "duration":
        return "DURATION", cx.lex.unit(unit).duration(1)
    how, n = rule.split(":")
    base = _ref_date(cx, unit) if how == "ref" else (cx.anchor.day if cx.anchor else None)
    if base is None:
        return "DATE", at_precision(None, unit, _style(cx))
    return "DATE", at_precision(shift_date(base, int(n), unit), unit, _style(cx))


def v_weekend(g: dict[str, str], cx: Context) -> Result:
    if cx.anchor is None:
        return "DATE", "XXXX-WXX-WE"
    rel, d = g.get("rel", "the").lower(), cx.anchor.day
    if rel in ("last", "past") or (rel == "the" and d.weekday() < 5 and cx.direction() == PAST):
        d -= timedelta(weeks=1)  # on a weekday, the weekend gone by is last week's
    elif rel == "next":
        d += timedelta(weeks=1)
    return "DATE", fmt_week(d) + "-WE"


def v_anaphor(g: dict[str, str], cx: Context) -> Result:
    """"the day", "that year", "a fourth straight week": the unit last mentioned."""
    unit = (g.get("unit") or g["unit2"]).lower()
    base = cx.ref_day() if unit == "day" else _ref_date(cx, unit)
    return "DATE", at_precision(base, unit, _style(cx))


def v_same(g: dict[str, str], cx: Context) -> Result:
    """"the same month a year ago", "the same period last year": the last date named, a year back."""
    unit = g["unit"].lower()
    if unit in ("period", "time"):
        ref = cx.ref_value("year")
        unit = ref[1] if ref else "year"
    base = _ref_date(cx, unit)
    if base is None:
        return "DATE", at_precision(None, unit, _style(cx))
    shifted = base.replace(year=int(g["year"]), day=min(base.day, 28)) if "year" in g else shift_date(base, -1, "year")
    return "DATE", at_precision(shifted, unit, _style(cx))


def v_ago(g: dict[str, str], cx: Context) -> Result:
    """"eight years ago" -> 2018 (the unit's precision), "three days ago" -> a day, "a week ago"
    -> that day; "two days later" counts from the day last mentioned."""
    unit, n = cx.lex.unit(g["unit"]), cx.lex.number(g["num"])
    sign = -1 if g.get("dir", g.get("rdir", "")).lower() in ("ago", "earlier", "before") else 1
    if n is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"  # "several years ago"
    n += 0.5 if "half" in g else 0
    a = cx.anchor
    base = (a.day if a else None) if "dir" in g else cx.ref_day()
    if unit.time:
        if a is None or base is None:
            return "DATE", "XXXX-XX-XX"
        if a.hour is None or "dir" not in g:
            return "DATE", fmt_day(base)
        minutes = {"hour": 60, "minute": 1, "second": 1 / 60}[unit.name] * n * sign
        t = datetime.combine(base, datetime.min.time()).replace(hour=a.hour, minute=a.minute or 0)
        t += timedelta(minutes=minutes)
        return "TIME", f"{t.date().isoformat()}T{t.hour:02d}:{t.minute:02d}"
    name = {"fortnight": "week", "night": "day"}.get(unit.name, unit.name)
    precision = "day" if name == "week" else name
    if base is None:
        return "DATE", at_precision(None, precision, _style(cx))
    if not float(n).is_integer() and name in ("year", "decade", "century"):  # "a year and a half ago"
        n, name, precision = n * {"year": 12, "decade": 120, "century": 1200}[name], "month", "month"
    n *= 2 if unit.name == "fortnight" else 1
    return "DATE", at_precision(shift_date(base, sign * n, name), precision, _style(cx))


def v_duration(g: dict[str, str], cx: Context) -> Result:
    if "word" in g:
        return "DURATION", cx.lex.duration_words[g["word"].lower()]
    if "bare" in g:
        return "DURATION", cx.lex.unit(g["bare"]).duration(None)
    unit, num = cx.lex.unit(g["unit"]), g["num"].lower()
    n = cx.lex.number(num)
    if n is not None and "half" in g:
        n += 0.5
    if num in ("a", "an") and not ({"hedge", "the"} & g.keys()) and cx.after_quantity():
        return "SET", unit.duration(1)  # "15 a year", "$28 an hour"
    return "DURATION", unit.duration(n)


def v_reference(g: dict[str, str], cx: Context) -> Result:
    return "DATE", cx.lex.references[" ".join(g["word"].lower().split())]


def _zone(g: dict[str, str], lex: Lexicon) -> str:
    """"UTC"/"GMT" -> Z, "IST" -> +05:30 (timezones.toml), "GMT +8" -> +08:00."""
    zone, off = g.get("zone") or g.get("zone2"), g.get("off") or g.get("off2")
    if off:
        m = re.match(r"([+-])\s?(\d{1,2}):?(\d\d)?", off)
        return f"{m[1]}{int(m[2]):02d}:{m[3] or '00'}" if m else ""
    if not zone:
        return ""
    return "Z" if zone.upper() in lex.utc_zones else lex.zone_offsets.get(zone.upper(), "")


def v_clock(g: dict[str, str], cx: Context) -> Result:
    """"3 pm", "16:08 UTC", "0800 GMT", "noon": on the day named with it, else the day in
    question (Context.ref_day)."""
    if "word" in g:
        hh, mm = (int(x) for x in cx.lex.clock_words[g["word"].lower()].split(":"))
    else:
        hh = int(g.get("h") or g.get("h2") or g["h3"])
        mm = int(g.get("m") or g.get("m2") or g.get("m3") or 0)
        ampm = g.get("ampm", "").lower().replace(".", "").replace(" ", "")
        if ampm == "pm" and hh < 12:
            hh += 12
        elif ampm == "am" and hh == 12:
            hh = 0
    if "weekday" in g:
        day = weekday_date(g, cx.lex.weekdays[g["weekday"].capitalize()], cx)
    elif "deictic" in g and cx.anchor:
        day = cx.anchor.day + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g["deictic"].lower(), 0))
    else:
        day = cx.ref_day()
    return "TIME", f"{fmt_day(day) if day else 'XXXX-XX-XX'}T{hh:02d}:{mm:02d}{_zone(g, cx.lex)}"


def v_partofday(g: dict[str, str], cx: Context) -> Result:
    day = cx.ref_day()
    return "TIME", f"{fmt_day(day) if day else 'XXXX-XX-XX'}T{cx.lex.pods[g['pod'].lower()]}"


def v_season(g: dict[str, str], cx: Context) -> Result:
    code = cx.lex.seasons[g["season"].lower()]
    if "year" in g:
        return "DATE", f"{g['year']}-{code}"
    if cx.anchor is None:
        return "DATE", f"XXXX-{code}"
    cur = cx.anchor.day.year * 12 + cx.anchor.day.month - 1
    rep, rel = cx.lex.season_months[code] - 1, g.get("rel", "").lower()
    if rel in ("last", "past"):
        k = pick_cyclic(cur - 3, rep, 12, PAST)
    elif rel in ("next", "coming"):
        k = pick_cyclic(cur + 3, rep, 12, FUTURE)
    else:
        k = pick_cyclic(cur, rep, 12, NEUTRAL if rel == "this" else cx.direction())
    return "DATE", f"{k // 12:04d}-{code}"


def v_holiday(g: dict[str, str], cx: Context) -> Result:
    m, d = cx.lex.holidays[" ".join(g["name"].lower().replace("’", "'").split())]
    if "year" in g:
        return "DATE", f"{g['year']}-{m:02d}-{d:02d}"
    if cx.anchor is None:
        return "DATE", f"XXXX-{m:02d}-{d:02d}"
    day = pick_date(cx.anchor.day, m, d, cx.direction())
    return ("DATE", fmt_day(day)) if day else None


ORDINAL_WORD = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\b",
                          re.I)


def v_entity(g: dict[str, str], cx: Context) -> Result:
    """The model's "an unusually turbulent day" (P1D) or "a second consecutive day" (that day)."""
    unit = g["unit"].lower()
    if g["det"].lower() in ("a", "an") and not ORDINAL_WORD.search(g.get("mid") or ""):
        return "DURATION", cx.lex.unit(unit).duration(1)
    return v_anaphor({"unit": unit}, cx)


NORMALISERS: dict[str, Callable[[dict[str, str], Context], Result]] = {
    "absolute": v_absolute, "numeric": v_absolute, "monthday": v_monthday, "month": v_month,
    "partof": v_partof, "year": v_year, "fiscal": v_fiscal, "decade": v_decade, "century": v_century,
    "quarter": v_quarter, "half": v_half, "weekday": v_weekday, "set": v_set, "deictic": v_deictic,
    "relative": v_relative, "weekend": v_weekend, "anaphor": v_anaphor, "same": v_same, "ago": v_ago,
    "duration": v_duration, "reference": v_reference, "clock": v_clock, "partofday": v_partofday,
    "season": v_season, "holiday": v_holiday, "entity": v_entity}
# kinds that lean on dates named elsewhere in the text: normalised after all the others
DEPENDENT = frozenset({"clock", "partofday", "anaphor", "same", "relative", "ago", "entity"})
