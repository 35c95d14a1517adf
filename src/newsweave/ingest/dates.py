"""Publication and update times as ISO 8601: a date alone when no time is printed, else a full
timestamp with its UTC offset (a printed zone, else the default zone of ``data/timezones.toml``)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import dateparser

from ..resources import timezones

_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b", re.I)
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})\s*$")
_ABBR = re.compile(r"\(?\b([A-Z]{1,5})\b\)?\s*$")
_LABEL = re.compile(r"^\s*(last\s+)?(updated|published|posted|first published|modified|date|dated)\s*(on|at)?\s*[:\-|]?\s*", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _tz(sign: str, hours: str, minutes: str) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def _offset(spec: str) -> timezone:
    m = re.match(r"([+-])(\d{2}):?(\d{2})", spec)
    assert m, spec
    return _tz(*m.groups())


@lru_cache(maxsize=4096)
def to_iso(text: str | None) -> str | None:
    """``"January 25, 2026 01:57:51 IST"`` -> ``"2026-01-25T01:57:51+05:30"``;
    ``"2026-01-24"`` -> ``"2026-01-24"``; None when no date can be read."""
    if not text:
        return None
    s = _LABEL.sub("", text.strip()).strip(" .,|")
    if not s or not re.search(r"\d", s):
        return None
    default, abbrs = timezones()
    if _ISO.match(s):
        try:
            dt = datetime.fromisoformat(s.replace(" ", "T"))
        except ValueError:
            return None
        if len(s) == 10:
            return dt.date().isoformat()
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=_offset(default))
        return dt.isoformat(timespec="seconds")
    tz = None
    m = _OFFSET.search(s)
    if m:
        tz = _tz(*m.groups())
        s = s[: m.start()].strip()
    else:
        a = _ABBR.search(s)
        if a and a.group(1).upper() in abbrs:
            tz = _offset(abbrs[a.group(1).upper()])
            s = s[: a.start()].strip()
    has_time = bool(_TIME.search(s))
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
    return dt.replace(tzinfo=tz or _offset(default)).isoformat(timespec="seconds")
