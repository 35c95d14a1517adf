"""Across documents: one entity per real person, party, organisation, place or outlet.

1. Clusters linked to one knowledge-base entry are one entity.
2. Other names of organisations, parties, places and outlets are one entity when they share a
   written form (an abbreviation defined in one article joins its long form everywhere).
3. People: clusters whose full names are the same name up to transliteration are one person;
   near names (rapidfuzz) join only when their documents share context (at least two of the
   same parties, organisations or places) and they never appear side by side as two people in
   one document. A one-word name alone in a document joins the only person with that surname
   or first name whose documents share its context.
4. The entity's name is the knowledge base's, else the fullest common form (most words among
   the forms used by most documents); every other form seen, and the forms the knowledge base
   knows, are aliases.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz.fuzz import ratio

from ..settings import on_change
from .kb import KB, Entry
from .names import bare, fold, name_key, near_name, part_key, same_name, skeleton

FAMILY = {"PARTY": "NAME", "ORG": "NAME", "MEDIA": "NAME", "PLACE": "PLACE", "PERSON": "PERSON"}


@dataclass(slots=True)
class DocCluster:
    doc_id: str
    cluster: int
    type: str
    kb_id: str | None
    forms: dict[str, int]

    @property
    def name(self) -> str:
        return max(self.forms, key=lambda f: (len(f.split()), self.forms[f], -len(f))) if self.forms else ""


@dataclass(slots=True)
class Entity:
    entity_id: str
    type: str
    name: str
    aliases: list[str]
    kb_id: str | None
    members: list[DocCluster] = field(default_factory=list)

    @property
    def doc_ids(self) -> list[str]:
        return sorted({m.doc_id for m in self.members})


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class Named(Protocol):
    """What :func:`contexts` reads of a cluster (a :class:`DocCluster`, or a stored row of these)."""

    @property
    def doc_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def kb_id(self) -> str | None: ...
    @property
    def name(self) -> str: ...


#: the types of cluster a document's context is made of (and a person the knowledge base knows)
CONTEXT_TYPES = ("PARTY", "ORG", "PLACE")


def contexts(clusters: Iterable[Named]) -> dict[str, set[str]]:
    """What each document names besides people: its parties, organisations and places, and the
    people the knowledge base knows."""
    ctx: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        if c.type in CONTEXT_TYPES or (c.type == "PERSON" and c.kb_id):
            ctx[c.doc_id].add(c.kb_id or fold(c.name))
    return ctx


def cluster_keys(c: DocCluster) -> set[str]:
    """The keys ``c`` is stored under for incremental resolution: its knowledge-base entry, its
    written forms, its name for any type; a person's name key, surname, and each part of a full
    name ("word:") or the one word of a single-word mention ("single:"). Resolution joins two
    clusters only when one's :func:`query_keys` meets the other's keys (or they share a story),
    so a new document is resolved with the stored clusters found by its query keys."""
    keys = {f"kb:{c.kb_id}"} if c.kb_id else set()
    name = c.name
    if name:
        keys.add(f"any:{bare(name)}")
    if c.type == "PERSON":
        words = name.split()
        if len(words) >= 2:
            keys.add(f"name:{name_key(name)}")
            keys.add(f"surname:{part_key(words[-1])}")
            keys.update(f"word:{part_key(w)}" for w in words)
        elif words:
            keys.add(f"single:{part_key(words[0])}")
    else:
        keys.update(f"form:{FAMILY.get(c.type, c.type)}:{bare(f)}" for f in c.forms)
    return {k for k in keys if len(k) <= 200}


def query_keys(c: DocCluster) -> set[str]:
    """The stored keys a new cluster ``c`` may be joined through (see :func:`cluster_keys`): the
    same entry, forms, name and surname; for a full name the single-word mentions of its parts,
    for a single word the full names with that part and the other single words."""
    keys = cluster_keys(c)
    if c.type == "PERSON":
        words = c.name.split()
        if len(words) >= 2:
            keys = {k for k in keys if not k.startswith("word:")} | {f"single:{part_key(w)}" for w in words}
        elif words:
            keys.add(f"word:{part_key(words[0])}")
    return keys


def resolve(clusters: list[DocCluster], kb: KB, story_of: Mapping[str, str] | None = None, *,
            context: Mapping[str, set[str]] | None = None, taken: set[str] | None = None,
            named_outside: Mapping[str, str] | None = None) -> list[Entity]:
    """The entities of ``clusters``; ``story_of`` (document -> story) lets spelling variants in
    reports of one story join (see the module doc). Resolving part of a corpus: ``context`` gives
    what each document of ``clusters`` names (:func:`contexts` over all its clusters), ``taken`` the
    entity ids in use outside it, ``named_outside`` the names of the people outside it (entity id ->
    name) whose first or last name is a one-word form inside."""
    story_of = story_of or {}
    n = len(clusters)
    u = _Union(n)
    ctx = defaultdict(set, context) if context is not None else contexts(clusters)
    _drop_glued_places(clusters)
    _link_near_known_people(clusters, kb)
    # 1. knowledge-base entries
    first_of: dict[str, int] = {}
    for i, c in enumerate(clusters):
        if c.kb_id:
            u.union(i, first_of.setdefault(c.kb_id, i))
    # 2. shared written forms (organisations, parties, places, outlets). A form the knowledge base
    # knows, left unlinked in a document that links nothing of that entry's pack, names something
    # else there (the "Supreme Court" of a US state is not India's): it joins the other such uses,
    # not the entry. In a document of the pack's world it is a mention the ruler missed.
    worlds: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        if c.kb_id and c.kb_id in kb.entries:
            worlds[c.doc_id].add(kb.entries[c.kb_id].pack)
    by_form: dict[tuple[str, str, str], int] = {}
    for i, c in enumerate(clusters):
        if c.type == "PERSON":
            continue
        for f in c.forms:
            folded = bare(f)
            entry = kb.find(c.type, f)
            side = "" if entry is None else (c.kb_id or (entry.id if entry.pack in worlds[c.doc_id] else "unlinked"))
            key = (FAMILY[c.type], folded, side)
            if len(folded) >= 2:
                u.union(i, by_form.setdefault(key, i))
    # 3. people
    people = [i for i, c in enumerate(clusters) if c.type == "PERSON"]
    full = [i for i in people if len(clusters[i].name.split()) >= 2]
    by_key: dict[str, int] = {}
    named_in: dict[int, set[str]] = defaultdict(set)  # group root -> documents naming it in full
    for i in full:
        named_in[u.find(i)].add(clusters[i].doc_id)
    for i in full:
        person_key = name_key(clusters[i].name)
        if clusters[i].kb_id is None:
            ra, rb = u.find(i), u.find(by_key.setdefault(person_key, i))
            if ra != rb and not named_in[ra] & named_in[rb]:  # a document that kept them apart: two people
                u.union(ra, rb)
                named_in[u.find(ra)] = named_in.pop(ra, set()) | named_in.pop(rb, set())
        else:
            by_key.setdefault(person_key, i)
    _join_near(clusters, full, u, ctx)
    _join_in_story(clusters, full, u, story_of)
    _join_single_words(clusters, people, full, u, ctx, story_of)
    _join_places_in_story(clusters, u, story_of)
    _join_across_types(clusters, u)
    # entities
    groups: dict[int, list[DocCluster]] = defaultdict(list)
    for i, c in enumerate(clusters):
        groups[u.find(i)].append(c)
    entities = [_entity(members, kb) for members in groups.values()]
    _drop_shared_parts(entities, named_outside or {})
    return distinct_ids(entities, set(taken or ()))


def distinct_ids(entities: list[Entity], taken: set[str]) -> list[Entity]:
    """Two entities with one name (two people never merged), or one whose id is ``taken`` outside
    them: the later gets an id of its own, from its first mention."""
    seen = set(taken)
    for e in sorted(entities, key=lambda e: (-len(e.members), min((m.doc_id, m.cluster) for m in e.members))):
        if e.entity_id in seen:
            first = min((m.doc_id, m.cluster) for m in e.members)
            e.entity_id = hashlib.sha1(f"{e.entity_id}:{first[0]}:{first[1]}".encode()).hexdigest()[:12]
        seen.add(e.entity_id)
    return entities


def _link_near_known_people(clusters: list[DocCluster], kb: KB) -> None:
    """A person the knowledge base knows, written a little differently ("Kier Starmer"), in a
    document of the entry's pack's world (it names other entries of that pack), is that entry."""
    by_surname: dict[str, list[tuple[str, Entry]]] = defaultdict(list)
    for e in kb.entries.values():
        if e.type == "PERSON":
            for f in e.forms:
                if len(f.split()) >= 2:
                    by_surname[part_key(f.split()[-1])].append((f, e))
    packs_of: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        entry = kb.entries.get(c.kb_id) if c.kb_id else None
        if entry is not None:
            packs_of[c.doc_id].add(entry.pack)
    for c in clusters:
        if c.type != "PERSON" or c.kb_id or len(c.name.split()) < 2:
            continue
        hits = {e.id: e for f, e in by_surname.get(part_key(c.name.split()[-1]), ()) if near_name(c.name, f)}
        if len(hits) == 1:
            entry = next(iter(hits.values()))
            if entry.pack in packs_of[c.doc_id]:
                c.kb_id = entry.id


def _join_near(clusters: list[DocCluster], full: list[int], u: _Union, ctx) -> None:
    docs: dict[int, set[str]] = defaultdict(set)  # group root -> documents naming it in full
    for i in full:
        docs[u.find(i)].add(clusters[i].doc_id)
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i in full:
        by_surname[part_key(clusters[i].name.split()[-1])].append(i)
    for members in by_surname.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                ra, rb = u.find(a), u.find(b)
                if ra == rb:
                    continue
                ca, cb = clusters[a], clusters[b]
                if (ca.kb_id and cb.kb_id) or docs[ra] & docs[rb]:
                    continue  # two entries, or kept apart inside a document: two people
                if same_name(ca.name, cb.name) or (near_name(ca.name, cb.name) and len(ctx[ca.doc_id] & ctx[cb.doc_id]) >= 2):
                    u.union(a, b)
                    root = u.find(a)
                    docs[root] = docs.pop(ra, set()) | docs.pop(rb, set())


def _co_named(clusters: list[DocCluster], u: _Union, members: list[int]) -> dict[int, set[str]]:
    """Group root -> documents naming that group in full (two groups named in one document are
    two people: the text kept them apart)."""
    docs: dict[int, set[str]] = defaultdict(set)
    for i in members:
        docs[u.find(i)].add(clusters[i].doc_id)
    return docs


def _join_in_story(clusters: list[DocCluster], full: list[int], u: _Union, story_of: Mapping[str, str]) -> None:
    """Reports of one story, one person: near names (Kolambkar / Kolamkar) and a name with a part
    left out (Aslam Ali / Aslam Ali Chaudhary, Mujtaba Siddiqui / Mohammad Mujtaba Siddiqui) join
    when no other person of the story fits, and no document names both."""
    by_story: dict[str, list[int]] = defaultdict(list)
    for i in full:
        sid = story_of.get(clusters[i].doc_id)
        if sid is not None:
            by_story[sid].append(i)
    for members in by_story.values():
        if len({clusters[i].doc_id for i in members}) < 2:
            continue
        docs = _co_named(clusters, u, members)
        name = {i: clusters[i].name for i in members}
        for a in sorted(members, key=lambda i: len(name[i].split())):
            fits = {u.find(b) for b in members if u.find(b) != u.find(a)
                    and _variant(name[a], name[b])
                    and not (clusters[a].kb_id and clusters[b].kb_id)}
            fits = {r for r in fits if not docs[r] & docs[u.find(a)]}
            if len(fits) == 1:
                ra, rb = u.find(a), fits.pop()
                u.union(ra, rb)
                docs[u.find(ra)] = docs.pop(ra, set()) | docs.pop(rb, set())


@lru_cache(maxsize=65536)
def _variant(a: str, b: str) -> bool:
    """Two written names that can be one person's in reports of one story."""
    if near_name(a, b):
        return True
    pa, pb = [part_key(w) for w in a.split()], [part_key(w) for w in b.split()]
    short, long = sorted((pa, pb), key=len)
    if len(short) < 2 or len(short) == len(long):
        return False
    if short == long[:len(short)]:
        return True  # the surname left out: "Aslam Ali" / "Aslam Ali Chaudhary"
    it = iter(long)
    return short[-1] == long[-1] and all(p in it for p in short)  # a part left out, surname kept


on_change(_variant.cache_clear)  # follows names.toml


def _join_places_in_story(clusters: list[DocCluster], u: _Union, story_of: Mapping[str, str]) -> None:
    """Reports of one story, one place: Mahendragarh / Mahendergarh, Karnaprayag / Karan Prayag
    (the same consonants in the same order, or the same name up to transliteration)."""
    by_story: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        sid = story_of.get(c.doc_id)
        if c.type == "PLACE" and sid is not None:
            by_story[sid].append(i)
    for members in by_story.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = clusters[members[x]], clusters[members[y]]
                if a.doc_id == b.doc_id or (a.kb_id and b.kb_id) or u.find(members[x]) == u.find(members[y]):
                    continue
                ka, kb_ = name_key(a.name), name_key(b.name)
                if len(ka) >= 5 and len(kb_) >= 5 and ka[0] == kb_[0] and (
                        same_name(a.name, b.name) or skeleton(ka) == skeleton(kb_) or ratio(ka, kb_) >= 85):
                    u.union(members[x], members[y])


def _join_across_types(clusters: list[DocCluster], u: _Union) -> None:
    """A name of two or more words that documents type differently (a person in most, an
    organisation in one) is one entity; its type is voted by its mentions (see _entity)."""
    people: dict[str, int] = {}
    for i, c in enumerate(clusters):
        if c.type == "PERSON" and len(c.name.split()) >= 2:
            people.setdefault(name_key(c.name), i)
    for i, c in enumerate(clusters):
        if c.type in ("ORG", "PLACE") and not c.kb_id and len(c.name.split()) >= 2:
            j = people.get(name_key(c.name))
            if j is not None and not (clusters[j].kb_id and c.kb_id):
                u.union(i, j)


def _drop_shared_parts(entities: list[Entity], named_outside: Mapping[str, str]) -> None:
    """A one-word alias that is part of two people's names ("Pawar" of Sharad and of Ajit Pawar)
    names neither: it is left out of both alias lists (its mentions stay linked)."""
    owners: dict[str, set[str]] = defaultdict(set)
    people = [(e.entity_id, e.name) for e in entities if e.type == "PERSON"]
    for ident, name in [*people, *named_outside.items()]:
        words = name.split()
        if len(words) >= 2:
            for w in {words[0], words[-1]}:
                owners[part_key(w)].add(ident)
    for e in entities:
        if e.type == "PERSON":
            e.aliases = [a for a in e.aliases if " " in a.strip() or len(owners.get(part_key(a), ())) < 2]


def _join_single_words(clusters: list[DocCluster], people: list[int], full: list[int], u: _Union, ctx,
                       story_of: Mapping[str, str] | None = None) -> None:
    by_part: dict[str, list[int]] = defaultdict(list)
    for j in full:
        parts = clusters[j].name.split()
        for key in {part_key(parts[0]), part_key(parts[-1])}:
            by_part[key].append(j)
    for i in people:
        c = clusters[i]
        if len(c.name.split()) != 1 or c.kb_id:
            continue
        cands = {u.find(j) for j in by_part.get(part_key(c.name), ())
                 if clusters[j].doc_id == c.doc_id or ctx[clusters[j].doc_id] & ctx[c.doc_id]}
        if not cands and story_of and (sid := story_of.get(c.doc_id)) is not None:
            # a surname spelt another way in a report of the same story ("Khadke" / "Khodke")
            key = part_key(c.name)
            cands = {u.find(j) for j in full if story_of.get(clusters[j].doc_id) == sid
                     and _near_part(key, part_key(clusters[j].name.split()[-1]))}
        if len(cands) == 1:
            u.union(i, cands.pop())


def _near_part(a: str, b: str) -> bool:
    return len(a) >= 4 and len(b) >= 4 and a[0] == b[0] and (a == b or ratio(a, b) >= 80 or skeleton(a) == skeleton(b))


def _drop_glued_places(clusters: list[DocCluster]) -> None:
    """A place written before a person's name and read as part of it ("the MP for Bury South
    Christian Wakeford"): a form of a person that is a place of the corpus followed by a name of two
    words or more that the corpus writes alone is no form of that person."""
    places = {fold(f) for c in clusters if c.type == "PLACE" for f in c.forms}
    names = {f for c in clusters if c.type == "PERSON" for f in c.forms if len(f.split()) >= 2}
    for c in clusters:
        if c.type != "PERSON":
            continue
        for f in list(c.forms):
            words = f.split()
            rest = next((" ".join(words[k:]) for k in range(1, len(words) - 1)
                         if fold(" ".join(words[:k])) in places and " ".join(words[k:]) in names), None)
            if rest is not None:
                c.forms[rest] = c.forms.get(rest, 0) + c.forms.pop(f)


def _entity(members: list[DocCluster], kb: KB) -> Entity:
    kb_id = next((m.kb_id for m in members if m.kb_id), None)
    entry = kb.entries.get(kb_id) if kb_id else None
    types = Counter(m.type for m in members)
    docs_using: dict[str, set[str]] = defaultdict(set)
    count: Counter = Counter()
    for m in members:
        for f, k in m.forms.items():
            docs_using[f].add(m.doc_id)
            count[f] += k
    if entry:
        etype = entry.type
    elif "MEDIA" in types:  # the outlet that published a document
        etype = "MEDIA"
    elif "PARTY" in types and (types["PARTY"] * 3 >= types["ORG"] or any(
            len(f.split()) > 1 and f.split()[-1].lower() in kb.party_words for f in docs_using)):
        etype = "PARTY"
    else:  # the type most mentions have; a person's name wins a tie
        weight: Counter = Counter()
        for m in members:
            weight[m.type] += sum(m.forms.values()) or 1
        etype = max(weight, key=lambda t: (weight[t], t == "PERSON"))
    if entry:
        name = entry.name
    else:  # the fullest common form: a full name before a single word, then used by most documents
        name = max(docs_using, key=lambda f: (len(f.split()) > 1, len(docs_using[f]), len(f.split()), count[f], f))
    seen = sorted((f for f in docs_using if f != name), key=lambda f: (-count[f], f))
    known = [f for f in (entry.known if entry else []) if f != name and f not in seen]
    ident = kb_id or f"{FAMILY[etype]}:{name_key(name) if etype == 'PERSON' else fold(name)}"
    entity_id = hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]
    wikidata = entry.wikidata if entry and entry.wikidata else (kb_id if kb_id and not entry else None)
    return Entity(entity_id, etype, name, seen + known, wikidata or (entry.id if entry else None), members)
