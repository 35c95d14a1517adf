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

from rapidfuzz.distance import OSA

from ..article import Cluster, Mention
from ..vocab import ENTITY_TYPES
from .kb import KB
from .names import fold, honorific_suffixes, part_key, same_name

TYPES = ENTITY_TYPES


def clean_name(text: str) -> str:
    """A mention's name without a possessive or an honorific suffix ("Rahul ji" -> "Rahul")."""
    words = text.replace("’s", "").replace("'s", "").split()
    suffixes = honorific_suffixes()
    while len(words) > 1 and fold(words[-1]) in suffixes:
        words.pop()
    return " ".join(words)


def cluster(mentions: list[Mention], kb: KB) -> list[Cluster]:
    clusters: list[Cluster] = []
    by_kb: dict[str, Cluster] = {}
    by_form: dict[tuple[str, str], Cluster] = {}

    def new(m_type: str, kb_id: str | None) -> Cluster:
        c = Cluster(len(clusters), m_type, kb_id)
        clusters.append(c)
        return c

    def join(c: Cluster, i: int, form: str) -> None:
        mentions[i].cluster = c.index
        c.mentions.append(i)
        c.forms[form] += 1

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
        target = next((c for c in clusters if c.type == "PERSON" and _same_person(c, name)), None)
        join(target or new("PERSON", None), i, name)
    # 4, 5: one-word names and everything else
    for i in singles:
        m = mentions[i]
        name = clean_name(m.text)
        if m.kb_id and m.kb_id.startswith("="):  # an abbreviation defined in the text
            long = next((c for c in clusters if fold(m.kb_id[1:]) in {fold(f) for f in c.forms}), None)
            if long is not None:
                join(long, i, name)
                continue
        if m.type in ("PERSON", "ORG", "PLACE") and len(name.split()) == 1:
            person = _person_for_word(clusters, mentions, name, m.start)
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


def _person_for_word(clusters: list[Cluster], mentions: list[Mention], word: str, at: int) -> Cluster | None:
    key = part_key(word)
    cands = [c for c in clusters if c.type == "PERSON" and len(c.parts) >= 2
             and key in (part_key(c.parts[0]), part_key(c.parts[-1]))]
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]
    before = [(max((mentions[j].start for j in c.mentions if mentions[j].start < at), default=-1), c) for c in cands]
    best = max(before, key=lambda t: t[0])
    return best[1] if best[0] >= 0 else None
