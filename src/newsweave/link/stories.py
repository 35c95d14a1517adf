"""Stories: documents that report the same real-world event, clustered incrementally.

Each document is a bag of content words (lemmas of nouns, proper nouns, verbs, adjectives and
numbers; words of named entities count double), weighted by TF-IDF over the stored corpus. A new
document is compared only with its candidates: documents that share its most telling words
(an inverted index) and were published within ``window_days`` of it (documents without a date are
compared with all). Pairs at or above ``min_sim`` cosine are kept as neighbour edges.

Similarity is *locally scaled* (Zelnik-Manor & Perona, "Self-tuning spectral clustering", 2004):
the cosine of two documents is divided by the geometric mean of each one's ``k``-th best
neighbour similarity. In a crowded neighbourhood (many near-identical reports of look-alike
events: two earthquakes in one region, two patches for one browser) the bar rises; a lone report
is judged against its own sparse neighbourhood.

Incremental: a new batch never reclusters the corpus. Its block is the new documents plus every
member of a story they have an edge to; the block is clustered again in arrival order (a document
joins the story whose ``top`` best scaled similarities average at least ``threshold``, or starts
one), so a story can grow, absorb a new report, or split when later reports show it was two
events. Everything else stays as it was. Work per document is bounded by the candidate limit and
the size of the stories it touches, not by the size of the corpus.

A story is named after its earliest member (by arrival), so its id stays stable as it grows.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .names import fold, part_key

if TYPE_CHECKING:
    from spacy.tokens import Doc

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
NAMED = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "EVENT", "WORK_OF_ART", "PARTY", "MEDIA",
                   "PRODUCT", "LAW", "GPE", "LOC"})
NAME_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Tuned on ECB+ dev (see docs/benchmarks.md); every one can be set per run."""

    window_days: int | None = 90  # documents further apart (both dated) are never one story
    threshold: float = 0.6  # scaled similarity to join a story
    k: int = 5  # the neighbour whose similarity scales a document's
    floor: float = 0.25  # lowest scale: in a small corpus the cosine itself must reach floor*threshold
    min_sim: float = 0.1  # cosine kept as a neighbour edge
    top: int = 3  # a story's best links averaged
    event_conflict: float = 0.5  # similarity kept when two documents lead with different events
    merge: float = 1.0  # scaled similarity at which a report joins two stories into one
    query_terms: int = 15  # a document's most telling words looked up in the index
    postings: int = 400  # documents read per looked-up word (the most recent)
    candidates: int = 150  # documents compared exactly
    neighbours: int = 30  # edges kept per document


def doc_terms(doc: Doc) -> dict[str, float]:
    """The content words of a parsed document with their weighted counts."""
    out: dict[str, float] = defaultdict(float)
    for t in doc:
        if t.pos_ not in CONTENT_POS or t.is_stop:
            continue
        lemma = t.lemma_.lower().strip()
        if len(lemma) < 2 or not any(ch.isalnum() for ch in lemma):
            continue
        out[lemma] += NAME_WEIGHT if t.ent_type_ in NAMED else 1.0
    return dict(out)


PRIOR_DOCS = 5  # pseudo-documents that use no word: in a tiny corpus a shared word still counts


EVENT = "event:"  # prefix of the terms that name a document's lead events


def event_terms(events: Iterable[Any], clusters: list[Any], text: str) -> dict[str, float]:
    """The asserted events a document leads with (its headline, or the first paragraph that tells
    any event), as terms ``event:<type>:<actor key>``. Two documents that lead with different
    events report different news, however alike their words."""
    def paragraph(ev: Any) -> int:
        return -1 if ev.sent_start < 0 else text.count("\n\n", 0, ev.sent_start)

    asserted = [ev for ev in events if ev.modality == "asserted"]
    if not asserted:
        return {}
    first = min(paragraph(ev) for ev in asserted if paragraph(ev) >= 0) if any(
        paragraph(ev) >= 0 for ev in asserted) else -1
    out: dict[str, float] = {}
    for ev in asserted:
        if paragraph(ev) not in (-1, first):
            continue
        if ev.actor_cluster is not None and ev.actor_cluster < len(clusters):
            parts = clusters[ev.actor_cluster].parts
            actor = part_key(parts[-1]) if parts else ""
        else:
            actor = fold(ev.actor_text or "")
        if actor:
            out[f"{EVENT}{ev.type}:{actor}"] = 1.0
    return out


def event_conflict(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Both lead with events, and with no event in common."""
    ea = {t for t in a if t.startswith(EVENT)}
    eb = {t for t in b if t.startswith(EVENT)}
    return bool(ea and eb and not ea & eb)


def idf(df: int, n: int) -> float:
    return math.log((n + PRIOR_DOCS + 1) / (df + 0.5))


def vector(tf: Mapping[str, float], df: Mapping[str, int], n: int) -> dict[str, float]:
    """Unit-length TF-IDF vector (sublinear tf); words with no weight left are dropped."""
    top, log = math.log(n + PRIOR_DOCS + 1), math.log
    v = {t: (1 + log(x)) * (top - log(df.get(t, 1) + 0.5)) for t, x in tf.items() if x > 0}
    v = {t: w for t, w in v.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def within_window(a: str | None, b: str | None, days: int | None) -> bool:
    """Both dated and further apart than ``days``: False. Undated documents cluster with all."""
    if days is None or not a or not b:
        return True
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) <= days
    except ValueError:
        return True


def scale(sims: Iterable[float], p: StoryParams) -> float:
    """A document's local scale: its ``k``-th best neighbour similarity (fewer neighbours: the
    weakest it has), never below ``floor``."""
    best = sorted(sims, reverse=True)[:p.k]
    return max(best[-1] if best else p.floor, p.floor)


def cluster_block(order: list[str], edges: Mapping[str, Mapping[str, float]], sigma: Mapping[str, float],
                  p: StoryParams) -> dict[str, str]:
    """Documents (in arrival order) -> the first member of their story. Each document joins the
    story whose ``top`` best scaled links average highest, if that reaches ``threshold``; other
    stories it links to at ``merge`` or more join that story too (the new report shows they are
    one)."""
    rank = {d: i for i, d in enumerate(order)}
    story: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for doc in order:
        per_story: dict[str, list[float]] = defaultdict(list)
        for other, sim in edges.get(doc, {}).items():
            if other in story:
                per_story[story[other]].append(sim / math.sqrt(sigma[doc] * sigma[other]))
        scores = {sid: sum(top) / len(top) for sid, sc in per_story.items()
                  for top in [sorted(sc, reverse=True)[:p.top]]}
        best = max(scores, key=lambda sid: (scores[sid], -rank[sid]), default=None)
        if best is None or scores[best] < p.threshold:
            story[doc] = doc
            members[doc] = [doc]
            continue
        joined = [best, *(sid for sid, sc in scores.items() if sid != best and sc >= p.merge)]
        root = min(joined, key=rank.__getitem__)
        for sid in joined:
            if sid != root:
                for m in members.pop(sid):
                    story[m] = root
                    members[root].append(m)
        story[doc] = root
        members[root].append(doc)
    return story


def story_id(first_doc: str) -> str:
    return hashlib.sha1(f"story:{first_doc}".encode()).hexdigest()[:12]
