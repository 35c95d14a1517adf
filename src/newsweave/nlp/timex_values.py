"""TIMEX3 values: the normalisers that turn a time pattern's match into a type and a value, for
:mod:`newsweave.nlp.times`. The lexicons, patterns and calendar arithmetic they use are in
:mod:`.timex_rules`. Nothing here touches spaCy: what a normaliser needs from the document (the
tense around the expression, the day last mentioned) it asks through :class:`Context`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from .timex_rules import (
    FUTURE,
    NEUTRAL,
    PAST,
    Anchor,
    Lexicon,
    Result,
    add_months,
    at_precision,
    fmt_day,
    fmt_decade,
    fmt_month,
    fmt_quarter,
    fmt_week,
    pick_cyclic,
    pick_date,
    shift_date,
)


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


def _leading_int(day: str) -> int:
    """The number a day group starts with ("24th" -> 24): DAY in the rules always begins with digits."""
    m = re.match(r"\d+", day)
    assert m is not None, day
    return int(m[0])


def v_monthday(g: dict[str, str], cx: Context) -> Result:
    """"January 24", "24 Jan": the year the tense picks around the anchor."""
    month = cx.lex.month(g.get("month") or g["month2"])
    day = _leading_int(g.get("day") or g["day2"])
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


def v_month(g: dict[str, str], cx: Context) -> tuple[str, str]:
    month = cx.lex.month(g.get("month") or g["monthb"])
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
    if "nineteen" in g:
        return "DATE", fmt_decade(1900 + cx.lex.decade_words[g["decword"].lower()] * 10, _style(cx))
    digit = int(g["dec2"]) if "dec2" in g else cx.lex.decade_words[g["decword"].lower()]
    dec, now = digit * 10, cx.anchor.day.year if cx.anchor else 1999
    year = 2000 + dec if 2000 + dec <= now else 1900 + dec  # "the 70s": the latest one begun
    return "DATE", fmt_decade(year, _style(cx))


def v_century(g: dict[str, str], cx: Context) -> Result:
    n = cx.lex.ordinals[g["ord"].lower()] if "ord" in g else int(g["num"])
    return "DATE", f"{n - 1:02d}"


def v_quarter(g: dict[str, str], cx: Context) -> Result:
    q = int(g["qnum"]) if "qnum" in g else cx.lex.ordinals[g["ord"].lower()]
    year = _year_of(g, cx) or _year_of(g, cx, "yrel0")
    if year is None and "yref" in g and cx.anchor:
        ref = _ref_date(cx, "year")
        assert ref is not None  # with an anchor, _ref_date falls back to the anchor's day
        year = ref.year
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
    wd = cx.lex.weekday(g["weekday"])
    d = weekday_date(g, wd, cx)
    value = fmt_day(d) if d else f"XXXX-WXX-{wd}"
    if "pod" in g:
        return "TIME", f"{value}T{cx.lex.pods[g['pod'].lower()]}"
    return "DATE", value


def v_set(g: dict[str, str], cx: Context) -> Result:
    lex = cx.lex
    if "weekday" in g or "weekdays" in g:
        return "SET", f"XXXX-WXX-{lex.weekday(g.get('weekday') or g['weekdays'])}"
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
    offset = cx.lex.deictic[word]
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
    if "cmonth" in g:  # "8 p.m. Saturday, Jan. 15"
        month, mday = cx.lex.month(g["cmonth"]), _leading_int(g["cday"])
        day: date | None
        if "cyear" in g:
            try:
                day = date(int(g["cyear"]), month, mday)
            except ValueError:
                return None
        else:
            day = pick_date(cx.anchor.day, month, mday, cx.direction()) if cx.anchor else None
    elif "weekday" in g:
        day = weekday_date(g, cx.lex.weekday(g["weekday"]), cx)
    elif "deictic" in g and cx.anchor:
        day = cx.anchor.day + timedelta(days=cx.lex.deictic[g["deictic"].lower()])
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
    elif rel == "this":  # the nearest one, a tie going ahead ("this summer", said in January)
        k = pick_cyclic(cur + 1, rep, 12, NEUTRAL)
    else:
        k = pick_cyclic(cur, rep, 12, cx.direction())
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
