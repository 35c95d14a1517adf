"""Within one document: the mentions that name one person, party, place or outlet, as clusters.

Rules, in order:

1. Mentions the knowledge base linked are one cluster per entry.
2. An abbreviation the text defines ("Praja Ekta Dal (PED)") joins its long form.
3. Full names (two or more words) join an earlier cluster when they are the same name up to
   transliteration (Naseemuddin / Nasimuddin) or one contains the other with the same first
   name ("Priyanka Gandhi" / "Priyanka Gandhi Vadra"); otherwise they start a cluster.
4. A one-word name ("Siddiqui", "Rahul") joins the person whose surname or first name it is;
   when several people share it, the one named most recently before it. A one-word mention the
   model typed ORG that names a person this way becomes a PERSON (type repair).
5. Other names join a cluster with the same written form.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict

from rapidfuzz.distance import OSA

from ..article import Cluster, Mention
from ..vocab import ENTITY_TYPES
from .kb import KB
from .names import fold, honorific_suffixes, name_key, part_key, same_name, skeleton

TYPES = ENTITY_TYPES


def clean_name(text: str) -> str:
    """A mention's name without a possessive or an honorific suffix ("Rahul ji" -> "Rahul")."""
    words = text.replace("’s", "").replace("'s", "").split()
    suffixes = honorific_suffixes()
    while len(words) > 1 and fold(words[-1]) in suffixes:
        words.pop()
    return " ".join(words)


def cluster(mentions: list[Mention], kb: KB) -> list[Cluster]:
    """The document's clusters. Each rule looks its candidates up in an index of the clusters so
    far (by name key, by name part), never by going through every cluster: a long article's
    thousands of mentions cluster in n log n."""
    clusters: list[Cluster] = []
    by_kb: dict[str, Cluster] = {}
    by_form: dict[tuple[str, str], Cluster] = {}
    people = _People(clusters)
    first_with: dict[str, int] = {}  # a folded form -> the first cluster that has it
    starts: dict[int, list[int]] = defaultdict(list)  # a cluster -> its mentions' starts, sorted

    def new(m_type: str, kb_id: str | None) -> Cluster:
        c = Cluster(len(clusters), m_type, kb_id)
        clusters.append(c)
        return c

    def join(c: Cluster, i: int, form: str) -> None:
        mentions[i].cluster = c.index
        c.mentions.append(i)
        c.forms[form] += 1
        insort(starts[c.index], mentions[i].start)
        f = fold(form)
        if first_with.get(f, c.index) >= c.index:
            first_with[f] = c.index
        people.add(c, form)

    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    # 1, 2: knowledge-base entries and defined abbreviations
    pending: list[int] = []
    for i in order:
        m = mentions[i]
        if m.kb_id and not m.kb_id.startswith("="):
            entry = kb.entries.get(m.kb_id)
            c = by_kb.get(m.kb_id) or new(entry.type if entry else m.type, m.kb_id)
            by_kb[m.kb_id] = c
            join(c, i, clean_name(m.text))
        else:
            pending.append(i)
    # 3: full names of people
    singles: list[int] = []
    for i in pending:
        m = mentions[i]
        name = clean_name(m.text)
        if m.type != "PERSON" or len(name.split()) < 2:
            singles.append(i)
            continue
        target = next((c for c in people.same_person_candidates(name) if c.type == "PERSON" and _same_person(c, name)),
                      None)
        join(target or new("PERSON", None), i, name)
    # 4, 5: one-word names and everything else
    for i in singles:
        m = mentions[i]
        name = clean_name(m.text)
        if m.kb_id and m.kb_id.startswith("="):  # an abbreviation defined in the text
            at = first_with.get(fold(m.kb_id[1:]))
            if at is not None:
                join(clusters[at], i, name)
                continue
        if m.type in ("PERSON", "ORG", "PLACE") and len(name.split()) == 1:
            person = _person_for_word(people.word_candidates(name), starts, name, m.start)
            if person is not None:
                join(person, i, name)
                continue
        key = ("NAME" if m.type in ("ORG", "PARTY") else m.type, fold(name))
        found = by_form.get(key)
        if found is None:
            found = by_form[key] = new(m.type, None)
        elif m.type == "PARTY":
            found.type = "PARTY"
        join(found, i, name)
    return clusters


class _People:
    """The clusters indexed by what the person rules compare, so that each looks at the few
    clusters that can match: every cluster a rule would accept is among its candidates (a
    superset, checked by the rule itself, in the clusters' order)."""

    def __init__(self, clusters: list[Cluster]):
        self.clusters = clusters
        self.by_key: dict[object, set[int]] = defaultdict(set)

    def add(self, c: Cluster, form: str) -> None:
        """``form`` is now one of ``c``'s: index it (a cluster's name is always one of its forms)."""
        words = form.split()
        if not words:
            return
        keys = [part_key(w) for w in words]
        idx = self.by_key
        idx["skeleton", skeleton(name_key(form))].add(c.index)  # same_name: equal keys or vowel variants
        idx["first", keys[0]].add(c.index)  # one name inside the other: the same first name
        if len(keys) >= 2:
            idx["last", keys[-1]].add(c.index)
            for k in range(len(keys)):  # misspelt: all parts but one the same
                idx["but", len(keys), k, tuple(keys[:k] + keys[k + 1:])].add(c.index)

    def _of(self, keys: list[object]) -> list[Cluster]:
        found: set[int] = set()
        for k in keys:
            found |= self.by_key.get(k, set())
        return [self.clusters[i] for i in sorted(found)]

    def same_person_candidates(self, name: str) -> list[Cluster]:
        """Every cluster :func:`_same_person` can accept for ``name``, in order."""
        keys = [part_key(w) for w in name.split()]
        wanted: list[object] = [("skeleton", skeleton(name_key(name))), ("first", keys[0])]
        wanted += [("but", len(keys), k, tuple(keys[:k] + keys[k + 1:])) for k in range(len(keys))]
        return self._of(wanted)

    def word_candidates(self, word: str) -> list[Cluster]:
        """Every person of two or more name words whose first or last name ``word`` is, in order."""
        key = part_key(word)
        return [c for c in self._of([("first", key), ("last", key)]) if c.type == "PERSON" and len(c.parts) >= 2
                and key in (part_key(c.parts[0]), part_key(c.parts[-1]))]


def _same_person(c: Cluster, name: str) -> bool:
    if any(same_name(f, name) or _misspelt(f, name) for f in c.forms):
        return True
    a, b = sorted((c.name.split(), name.split()), key=len)
    if len(a) < 2 or part_key(a[0]) != part_key(b[0]):
        return False
    keys = [part_key(w) for w in b]
    return all(part_key(w) in keys for w in a)


def _misspelt(a: str, b: str) -> bool:
    """One person's name spelt two ways in one article: the same words but one, which differs by
    a letter added, dropped, changed or two swapped ("Naresh Agarwal" / "Naresh Agrawal"), or in a
    long word two such slips after the same first three letters."""
    pa, pb = [part_key(w) for w in a.split()], [part_key(w) for w in b.split()]
    if len(pa) != len(pb) or len(pa) < 2:
        return False
    diff = [(x, y) for x, y in zip(pa, pb) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    short = min(len(x), len(y))
    return short >= 5 and x[0] == y[0] and (OSA.distance(x, y) <= 1 or (
        short >= 6 and x[:3] == y[:3] and OSA.distance(x, y) <= 2))  # a long word: two slips ("Dharaviya" / "Dhardia")


def _person_for_word(cands: list[Cluster], starts: dict[int, list[int]], word: str, at: int) -> Cluster | None:
    """The one person a name word stands for: the only candidate, else the one named most
    recently before ``at`` (``starts``: each cluster's mention starts, sorted)."""
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]

    def last_before(c: Cluster) -> int:
        s = starts.get(c.index, [])
        k = bisect_left(s, at)
        return s[k - 1] if k else -1

    before = [(last_before(c), c) for c in cands]
    best = max(before, key=lambda t: t[0])
    return best[1] if best[0] >= 0 else None
