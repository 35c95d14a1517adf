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
from dataclasses import dataclass, field

from .kb import KB
from .names import fold, name_key, near_name, part_key, same_name

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


def _contexts(clusters: list[DocCluster]) -> dict[str, set[str]]:
    ctx: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        if c.type in ("PARTY", "ORG", "PLACE"):
            ctx[c.doc_id].add(c.kb_id or fold(c.name))
    return ctx


def resolve(clusters: list[DocCluster], kb: KB) -> list[Entity]:
    n = len(clusters)
    u = _Union(n)
    ctx = _contexts(clusters)
    # 1. knowledge-base entries
    first_of: dict[str, int] = {}
    for i, c in enumerate(clusters):
        if c.kb_id:
            u.union(i, first_of.setdefault(c.kb_id, i))
    # 2. shared written forms (organisations, parties, places, outlets)
    by_form: dict[tuple[str, str], int] = {}
    for i, c in enumerate(clusters):
        if c.type == "PERSON":
            continue
        for f in c.forms:
            key = (FAMILY[c.type], fold(f))
            if len(key[1]) >= 2:
                u.union(i, by_form.setdefault(key, i))
    # 3. people
    people = [i for i, c in enumerate(clusters) if c.type == "PERSON"]
    full = [i for i in people if len(clusters[i].name.split()) >= 2]
    by_key: dict[str, int] = {}
    for i in full:
        key = name_key(clusters[i].name)
        if clusters[i].kb_id is None:
            u.union(i, by_key.setdefault(key, i))
        else:
            by_key.setdefault(key, i)
    _join_near(clusters, full, u, ctx)
    _join_single_words(clusters, people, full, u, ctx)
    # entities
    groups: dict[int, list[DocCluster]] = defaultdict(list)
    for i, c in enumerate(clusters):
        groups[u.find(i)].append(c)
    entities = [_entity(members, kb) for members in groups.values()]
    seen: set[str] = set()
    for e in sorted(entities, key=lambda e: (-len(e.members), min((m.doc_id, m.cluster) for m in e.members))):
        if e.entity_id in seen:  # two entities with one name (two people never merged): tell them apart
            first = min((m.doc_id, m.cluster) for m in e.members)
            e.entity_id = hashlib.sha1(f"{e.entity_id}:{first[0]}:{first[1]}".encode()).hexdigest()[:12]
        seen.add(e.entity_id)
    return entities


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


def _join_single_words(clusters: list[DocCluster], people: list[int], full: list[int], u: _Union, ctx) -> None:
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
        if len(cands) == 1:
            u.union(i, cands.pop())


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
    else:
        etype = types.most_common(1)[0][0]
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
