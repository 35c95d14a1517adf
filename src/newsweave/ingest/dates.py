"""Publication and update times as ISO 8601: a date alone when no time is printed, else a full
timestamp with its UTC offset (a printed zone; else the zone of the outlet's country, summer time
included, else the default zone of ``data/timezones.toml``).

The ingest stages read page times ``naive`` (a time printed without a zone keeps no offset) and
:func:`localize` gives them their zone once the outlet, and so its country, is known."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from ..resources import abbreviation_zones, country_zones, month_first_zones, timezones
from ..settings import on_change

_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b", re.I)
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})\s*$")
_ABBR = re.compile(r"\(?\b([A-Z]{1,5})\b\)?\s*$")
#: the label a page prints before a time ("Last Updated:", "Published on", "Story Created:")
DATE_LABEL = re.compile(r"^\s*(last\s+|originally\s+|first\s+)?(updated|published|posted|first published|modified|date|dated|"
                        r"(?:story\s+)?created)\s*(on|at)?\s*[:\-|]?\s*", re.I)
_LABEL = DATE_LABEL
#: a weekday or month name alone ("Thursday", "Wed.", "SEPT"): part of a date, never a name
CALENDAR_WORD = re.compile(r"^(mon|tues?|wed(nes)?|thu(rs?)?|fri|sat(ur)?|sun)(day)?\.?$|"
                           r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)
#: a clock time alone, with its label and zone ("Updated 9:28 AM EDT", "5:00 PM", "01:19 hrs")
TIME_ONLY = re.compile(r"^\s*(?:(?:last\s+)?(?:updated|published|posted|modified)\s*(?:on|at)?\s*:?\s*)?"
                       r"(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|hrs?)?\s*(?:\(?[A-Z]{2,5}\)?)?\s*$", re.I)
_INNER_ABBR = re.compile(r"(?<=\d)\s*(?:[ap]\.?m\.?)?\s*\(?\b([A-Z]{2,5})\b\)?", re.I)
# what a printed date has: a month's name, or day, month and year in figures
_DATE_SHAPE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{1,4}[/.-]\s?\d{1,2}[/.-]\s?\d{1,4}\b"
                         r"|\b\d{8}(?:T?\d{4,6})?\b", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def calendar_words_only(text: str) -> bool:
    """True when a name is made of weekday or month names, numbers and times only ("Thursday",
    "End of Watch: Friday" is not: it has other words) -- a date, not a person or an outlet."""
    words = re.findall(r"[\w.]+", text)
    return bool(words) and all(CALENDAR_WORD.match(w) or re.fullmatch(r"[\d.:]+(?:[ap]\.?m\.?)?|[ap]\.?m\.?|hrs?", w, re.I)
                               for w in words)


def reads_as_time(text: str | None) -> bool:
    """A printed date or time ("Thursday", "5:00 PM", "Sep 14, 2013"): never a byline or an outlet."""
    if not text:
        return False
    return bool(calendar_words_only(text) or TIME_ONLY.match(text) or to_iso(text))


_NUMERIC = re.compile(r"\b(\d{1,2})[/.-]\s?(\d{1,2})[/.-]\s?(\d{2}|\d{4})\b")


def _numeric_date(s: str, month_first: bool = False) -> str:
    """A date in figures written out as ISO: day first (``month_first``: month first) unless the
    numbers allow only the other order ("11/28/05" is November 28, 2005), a two-figure year in
    this century or the last."""
    m = _NUMERIC.search(s)
    if not m:
        return s
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    if month_first:
        day, month = (a, b) if a > 12 >= b else (b, a)
    else:
        day, month = (b, a) if b > 12 >= a else (a, b)
    if len(m[3]) == 2:
        y += 2000 if y < 70 else 1900
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return s
    return f"{s[: m.start()]}{y:04d}-{month:02d}-{day:02d}{s[m.end():]}"


def _tz(sign: str, hours: str, minutes: str) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def _offset(spec: str):
    """A zone from ``data/timezones.toml``: a fixed offset ("+05:30") or an IANA name whose summer
    time applies ("America/New_York" for "ET")."""
    m = re.match(r"([+-])(\d{2}):?(\d{2})$", spec)
    if m:
        return _tz(*m.groups())
    return ZoneInfo(spec)


@lru_cache(maxsize=4096)
def to_iso(text: str | None, naive: bool = False) -> str | None:
    """``"January 25, 2026 01:57:51 IST"`` -> ``"2026-01-25T01:57:51+05:30"``;
    ``"2026-01-24"`` -> ``"2026-01-24"``; None when no date can be read. A time printed without a
    zone gets the default offset, or with ``naive`` none (:func:`localize` gives it one later)."""
    if not text:
        return None
    s = _LABEL.sub("", text.strip()).strip(" .,|")
    if not s or not re.search(r"\d", s):
        return None
    if not (_ISO.match(s) or _DATE_SHAPE.search(s)):
        return None  # "2026", "10:32 PM": no day and month to read (the parser would invent them)
    default, abbrs = timezones()
    if _ISO.match(s):
        try:
            dt = datetime.fromisoformat(s.replace(" ", "T"))
        except ValueError:
            return None
        if len(s) == 10:
            return dt.date().isoformat()
        if dt.tzinfo is None and not naive:
            dt = dt.replace(tzinfo=_offset(default))
        return dt.isoformat(timespec="seconds")
    tz, zone = None, ""
    m = _OFFSET.search(s)
    if m:
        tz = _tz(*m.groups())
        s = s[: m.start()].strip()
    else:
        a = _ABBR.search(s)
        if a and a.group(1).upper() in abbrs:
            zone = a.group(1).upper()
            tz = _offset(abbreviation_zones().get(zone) or abbrs[zone])
            s = s[: a.start()].strip()
        else:  # a zone printed after the time, inside the line ("02:31 GMT, 12 March 2013")
            inner = next((z for z in _INNER_ABBR.finditer(s) if z.group(1) in abbrs), None)
            if inner:
                zone = inner.group(1)
                tz = _offset(abbreviation_zones().get(zone) or abbrs[zone])
                s = f"{s[: inner.start(1)]} {s[inner.end(1):]}".strip()
    has_time = bool(_TIME.search(_NUMERIC.sub(" ", s)))  # "24.08.15" is a date, not the time 24:08
    s = _numeric_date(s, zone in month_first_zones())
    dt = dateparser.parse(
        s,
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                  "RETURN_AS_TIMEZONE_AWARE": False,
                  # printed dates only: "2 days ago" read against this machine's clock means nothing here
                  "PARSERS": ["timestamp", "custom-formats", "absolute-time", "no-spaces-time"]},
    )
    if dt is None:
        return None
    if not has_time:
        return dt.date().isoformat()
    if tz is None and naive:
        return dt.isoformat(timespec="seconds")
    return dt.replace(tzinfo=tz or _offset(default)).isoformat(timespec="seconds")


on_change(to_iso.cache_clear)  # follows the time-zone tables


def zone_of(country: str | None) -> str | None:
    """The IANA zone a country's unzoned page times are read in (``data/timezones.toml``)."""
    return country_zones().get(country.upper()) if country else None


def localize(value: str | None, zone: str | None = None) -> str | None:
    """An ISO time without an offset ("2019-09-03T23:55:00") in ``zone`` -- an IANA name, whose
    summer time applies on that day ("Europe/London" -> +01:00 in September), or an offset --
    else in the default zone. A date alone, or a time with its offset, is returned as it is."""
    if not value or "T" not in value:
        return value
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    if dt.tzinfo is not None:
        return value
    try:
        tz = _offset(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    return dt.replace(tzinfo=tz or _offset(timezones()[0])).isoformat(timespec="seconds")
