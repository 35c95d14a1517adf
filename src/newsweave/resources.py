"""Data files that drive newsweave (furniture patterns, outlets, time zones, stop words, trigger
words, ...), read by one loader.

Each is shipped in ``newsweave/data`` and can be extended by the user's files, named in the settings
(:mod:`newsweave.settings`: ``[data]`` in the config file, or ``$NEWSWEAVE_<NAME>``); a user file
adds to the shipped one, it does not replace it. :func:`data_sources` gives each file's texts in
order (shipped first), :func:`data_toml` a TOML file with the user's tables merged in (a table's
keys added or replaced, a list extended) and :func:`data_text` a text file with the user's lines
after the shipped ones. Loaders built on them are cached with :func:`per_settings`: they are read
once, and again only when the run's settings change.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigError
from .packs import pack_settings, selected_packs
from .settings import DATA_FILES, current, data_env, on_change

T = TypeVar("T")


def per_settings(fn: Callable[[], T]) -> Callable[[], T]:
    """A loader read once per process, and again when the run's settings change."""
    cached = lru_cache(maxsize=1)(fn)
    on_change(cached.cache_clear)
    return cached


def _shipped(name: str) -> str:
    return resources.files("newsweave").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def _sources(name: str, overlays: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    if name not in DATA_FILES:
        raise ValueError(f"{name} is not a data file newsweave ships")
    out = [(f"newsweave/data/{name}", _shipped(name))]
    for path in overlays:
        try:
            out.append((path, Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            raise ConfigError(f"{path} (added to {name}): cannot read it ({exc.strerror}); fix the path in "
                              f"the config file's [data] or ${data_env(name)}") from exc
    return tuple(out)


def data_sources(name: str) -> tuple[tuple[str, str], ...]:
    """(where, text) of the data file ``name``: the shipped one, then the user's files added to it."""
    return _sources(name, current().overlays(name))


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        else:
            into[key] = value


def data_toml(name: str) -> dict[str, Any]:
    """A TOML data file with the user's files merged in (a new dict each call)."""
    out: dict[str, Any] = {}
    for where, text in data_sources(name):
        try:
            _merge(out, tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    return out


def data_text(name: str) -> str:
    """A text data file, the user's lines after the shipped ones."""
    return "\n".join(text for _, text in data_sources(name))


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


def furniture(sources: tuple[tuple[str, str], ...]) -> Furniture:
    """The line rules of ``furniture.toml``'s sources (where, text): shipped ones first, then the user's."""
    lines: list[LineRule] = []
    tails: list[LineRule] = []
    prefixes: list[LineRule] = []
    inline: list[LineRule] = []
    not_places: set[str] = set()
    words: dict[str, set[str]] = {}
    for where, text in sources:
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


@per_settings
def load_furniture() -> Furniture:
    return furniture(data_sources("furniture.toml"))


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


def outlets(sources: tuple[tuple[str, str | None, str], ...]) -> OutletTable:
    """The outlet table from (where, country, text) of each source: ``data/outlets.tsv``
    (agencies and outlets of many countries; a fourth column may give the country), each pack's
    ``outlets.tsv`` (of the pack's country), then the user's files."""
    rows: list[Outlet] = []
    for where, country, text in sources:
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


@per_settings
def load_outlets() -> OutletTable:
    """The outlet table of this run's settings (packs in use, the user's outlet files)."""
    shipped, *users = data_sources("outlets.tsv")
    packs = [(f"{p.where}/outlets.tsv", p.country, p.files["outlets.tsv"])
             for p in selected_packs(*pack_settings()) if "outlets.tsv" in p.files]
    return outlets(((shipped[0], None, shipped[1]), *packs, *((w, None, t) for w, t in users)))


@per_settings
def timezones() -> tuple[str, dict[str, str]]:
    data = data_toml("timezones.toml")
    return data["default"], {k.upper(): v for k, v in data["abbreviations"].items()}


@per_settings
def country_zones() -> dict[str, str]:
    """ISO 3166-1 country code -> the IANA zone its outlets' unzoned times are read in."""
    data = data_toml("timezones.toml")
    return {k.upper(): v for k, v in data.get("countries", {}).items()}


@per_settings
def abbreviation_zones() -> dict[str, str]:
    """Zone abbreviations printed all year ("ET") -> the IANA zone they name."""
    data = data_toml("timezones.toml")
    return {k.upper(): v for k, v in data.get("abbreviation_zones", {}).items()}


@dataclass(frozen=True, slots=True)
class DateWords:
    """The words of a line that only tells a date (``times.toml``), lower-cased."""

    months: dict[str, int]  # names and abbreviations
    weekdays: frozenset[str]  # names and abbreviations
    labels: frozenset[str]  # "posted", "updated", "am", ...


@per_settings
def date_words() -> DateWords:
    data = data_toml("times.toml")
    months = {k.lower(): v for k, v in (data["months"] | data["month_abbreviations"]).items()}
    days = [*data["weekdays"], *data["date_line"]["weekday_abbreviations"]]
    return DateWords(months, frozenset(d.lower() for d in days), frozenset(w.lower() for w in data["date_line"]["labels"]))


@per_settings
def month_first_zones() -> frozenset[str]:
    """Zone abbreviations printed beside dates written month first ("04/02/07 9:00 PM PDT")."""
    data = data_toml("timezones.toml")
    return frozenset(a.upper() for a in data.get("month_first", {}).get("abbreviations", []))


@per_settings
def stopwords() -> frozenset[str]:
    words = []
    for line in data_text("stopwords.txt").splitlines():
        if not line.startswith("#"):
            words += line.split()
    return frozenset(words)
