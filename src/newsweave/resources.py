"""Data files that drive newsweave (furniture patterns, outlets, time zones, stop words).

Each is shipped in ``newsweave/data`` and can be extended by a user file named on the command
line or in an environment variable; a user file adds to the shipped one, it does not replace it.
"""

from __future__ import annotations

import csv
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .packs import pack_settings, selected_packs

ENV_FURNITURE = "NEWSWEAVE_FURNITURE"
ENV_OUTLETS = "NEWSWEAVE_OUTLETS"


def _shipped(name: str) -> str:
    return resources.files("newsweave").joinpath("data", name).read_text(encoding="utf-8")


def _user_file(env: str) -> str | None:
    path = os.environ.get(env)
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{env}={path}: cannot read it ({exc.strerror}); fix the path or unset {env}") from exc


@dataclass(frozen=True, slots=True)
class LineRule:
    label: str
    reason: str
    pattern: re.Pattern[str]
    max_words: int | None = None
    ends_zone: bool = False
    zone: str = "list"  # the block a zone-starting line opens: "list" (links, menus) | "address" (an appeal to the reader)
    where: str = "anywhere"  # "body": only below the article's first prose paragraph


RULE_PLACES = ("anywhere", "body")
RULE_ZONES = ("list", "address")


@dataclass(frozen=True, slots=True)
class Furniture:
    lines: tuple[LineRule, ...]
    tails: tuple[LineRule, ...]
    prefixes: tuple[LineRule, ...]
    not_places: frozenset[str] = frozenset()  # capitalised words that open a paragraph but are no dateline
    inline: tuple[LineRule, ...] = ()  # debris inside a line (markup residue), cut wherever it matches
    words: tuple[tuple[str, frozenset[str]], ...] = ()  # named word lists (`[words]`), lower case

    def word_list(self, name: str) -> frozenset[str]:
        return next((ws for n, ws in self.words if n == name), frozenset())


def _rules(entries: list[dict], where: str, flags: int) -> list[LineRule]:
    out = []
    for n, e in enumerate(entries, 1):
        try:
            out.append(
                LineRule(
                    label=e.get("label", "furniture"),
                    reason=e["reason"],
                    pattern=re.compile(e["pattern"], flags),
                    max_words=e.get("max_words"),
                    ends_zone=bool(e.get("ends_zone", False)),
                    zone=e.get("zone", "list"),
                    where=e.get("where", "anywhere"),
                )
            )
            if out[-1].where not in RULE_PLACES:
                raise ConfigError(f"{where}: rule {n}: `where` is {out[-1].where!r}; use one of {RULE_PLACES}")
            if out[-1].zone not in RULE_ZONES:
                raise ConfigError(f"{where}: rule {n}: `zone` is {out[-1].zone!r}; use one of {RULE_ZONES}")
        except (KeyError, re.error) as exc:
            raise ConfigError(f"{where}: rule {n}: {exc!r}; each rule needs `reason` and a valid `pattern`") from exc
    return out


@lru_cache(maxsize=4)
def furniture(user_text: str | None = None) -> Furniture:
    """The line rules: shipped ones first, then the user's."""
    lines: list[LineRule] = []
    tails: list[LineRule] = []
    prefixes: list[LineRule] = []
    inline: list[LineRule] = []
    not_places: set[str] = set()
    words: dict[str, set[str]] = {}
    for where, text in (("furniture.toml", _shipped("furniture.toml")), (ENV_FURNITURE, user_text)):
        if not text:
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
        lines += _rules(data.get("line", []), where, re.IGNORECASE)
        tails += _rules(data.get("tail", []), where, 0)
        prefixes += _rules(data.get("prefix", []), where, re.IGNORECASE)
        inline += _rules(data.get("inline", []), where, 0)
        not_places |= {w.lower() for w in data.get("dateline", {}).get("not_places", [])}
        for name, listed in data.get("words", {}).items():
            if not isinstance(listed, list):
                raise ConfigError(f"{where}: [words] {name} must be a list of strings")
            words.setdefault(name, set()).update(str(w).lower() for w in listed)
    return Furniture(tuple(lines), tuple(tails), tuple(prefixes), frozenset(not_places), tuple(inline),
                     tuple((n, frozenset(ws)) for n, ws in sorted(words.items())))


def load_furniture() -> Furniture:
    return furniture(_user_file(ENV_FURNITURE))


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    hosts: tuple[str, ...]
    country: str | None = None  # ISO 3166-1 code of the outlet's country; None for international agencies


@dataclass(frozen=True, slots=True)
class OutletTable:
    outlets: tuple[Outlet, ...]

    @property
    def by_form(self) -> dict[str, Outlet]:
        return _forms(self)

    def lookup(self, name: str | None) -> Outlet | None:
        """The outlet a written form stands for (case-insensitive, "The" optional)."""
        if not name:
            return None
        return self.by_form.get(outlet_form(name))

    def by_host(self, host: str | None) -> Outlet | None:
        if not host:
            return None
        host = host.lower().split(":")[0]
        best: tuple[int, Outlet] | None = None  # the longest listed host that the URL's host ends with
        for o in self.outlets:
            for h in o.hosts:
                if (host == h or host.endswith("." + h)) and (best is None or len(h) > best[0]):
                    best = (len(h), o)
        return best[1] if best else None


def outlet_form(name: str) -> str:
    """How outlet names are compared: lower case, single spaces, no leading "the"."""
    name = re.sub(r"\s+", " ", name.strip().lower())
    return re.sub(r"^the ", "", name)


@lru_cache(maxsize=4)
def _forms(table: OutletTable) -> dict[str, Outlet]:
    forms: dict[str, Outlet] = {}
    for o in table.outlets:
        for f in (o.name, *o.aliases):
            forms.setdefault(outlet_form(f), o)
    return forms


@lru_cache(maxsize=8)
def outlets(user_text: str | None = None, packs: tuple[tuple[str, str | None, str], ...] = ()) -> OutletTable:
    """The outlet table: ``data/outlets.tsv`` (agencies and outlets of many countries; a fourth
    column may give the country), each pack's ``outlets.tsv`` (of the pack's country), then the
    user's file. ``packs``: (where, country, text) of each pack in use."""
    rows: list[Outlet] = []
    sources = [("outlets.tsv", None, _shipped("outlets.tsv")), *packs, (ENV_OUTLETS, None, user_text)]
    for where, country, text in sources:
        if not text:
            continue
        body = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        for n, rec in enumerate(csv.reader(body, delimiter="\t"), 1):
            if n == 1 and rec and rec[0] == "name":
                continue
            if not rec or not rec[0].strip():
                raise ConfigError(f"{where}: row {n}: the first column (name) is empty")
            rec += [""] * (4 - len(rec))
            split = lambda s: tuple(x.strip() for x in s.split("|") if x.strip())  # noqa: E731
            rows.append(Outlet(rec[0].strip(), split(rec[1]), tuple(h.lower() for h in split(rec[2])),
                               rec[3].strip().upper() or country))
    return OutletTable(tuple(rows))


def load_outlets() -> OutletTable:
    """The outlet table of this run's settings (packs in use, the user's outlet file)."""
    packs = tuple((f"{p.where}/outlets.tsv", p.country, p.files["outlets.tsv"])
                  for p in selected_packs(*pack_settings()) if "outlets.tsv" in p.files)
    return outlets(_user_file(ENV_OUTLETS), packs)


@lru_cache(maxsize=1)
def timezones() -> tuple[str, dict[str, str]]:
    data = tomllib.loads(_shipped("timezones.toml"))
    return data["default"], {k.upper(): v for k, v in data["abbreviations"].items()}


@lru_cache(maxsize=1)
def country_zones() -> dict[str, str]:
    """ISO 3166-1 country code -> the IANA zone its outlets' unzoned times are read in."""
    data = tomllib.loads(_shipped("timezones.toml"))
    return {k.upper(): v for k, v in data.get("countries", {}).items()}


@lru_cache(maxsize=1)
def abbreviation_zones() -> dict[str, str]:
    """Zone abbreviations printed all year ("ET") -> the IANA zone they name."""
    data = tomllib.loads(_shipped("timezones.toml"))
    return {k.upper(): v for k, v in data.get("abbreviation_zones", {}).items()}


@dataclass(frozen=True, slots=True)
class DateWords:
    """The words of a line that only tells a date (``times.toml``), lower-cased."""

    months: dict[str, int]  # names and abbreviations
    weekdays: frozenset[str]  # names and abbreviations
    labels: frozenset[str]  # "posted", "updated", "am", ...


@lru_cache(maxsize=1)
def date_words() -> DateWords:
    data = tomllib.loads(_shipped("times.toml"))
    months = {k.lower(): v for k, v in (data["months"] | data["month_abbreviations"]).items()}
    days = [*data["weekdays"], *data["date_line"]["weekday_abbreviations"]]
    return DateWords(months, frozenset(d.lower() for d in days), frozenset(w.lower() for w in data["date_line"]["labels"]))


@lru_cache(maxsize=1)
def month_first_zones() -> frozenset[str]:
    """Zone abbreviations printed beside dates written month first ("04/02/07 9:00 PM PDT")."""
    data = tomllib.loads(_shipped("timezones.toml"))
    return frozenset(a.upper() for a in data.get("month_first", {}).get("abbreviations", []))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = []
    for line in _shipped("stopwords.txt").splitlines():
        if not line.startswith("#"):
            words += line.split()
    return frozenset(words)
