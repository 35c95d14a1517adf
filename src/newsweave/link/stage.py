"""Stage ``nlp+link`` (batched): spaCy over a batch of articles, then each article's mentions and
within-document clusters, with the article's outlet as a MEDIA cluster."""

from __future__ import annotations

from collections import Counter

from ..article import Article
from ..nlp.model import pipe
from ..nlp.quotes import find_quotes
from .coref import Cluster, cluster, mentions_of
from .kb import KB, kb_from_env
from .names import fold, part_key, same_name


def outlet_cluster(article: Article, kb: KB, index: int) -> Cluster | None:
    """The outlet that published the article, as an entity mention without a place in the text."""
    if not article.outlet:
        return None
    forms = [article.outlet, *article.meta.get("outlet_also_written", [])]
    entry = next((e for e in kb.entries.values() if e.type == "MEDIA" and fold(article.outlet) in {fold(f) for f in e.forms}), None)
    return Cluster(index, "MEDIA", entry.id if entry else None, Counter({f: 1 for f in forms}))


def _person_named(clusters: list[Cluster], text: str) -> int | None:
    """The one person of the document a bare name ("Choyal said") stands for, if any."""
    words = text.split()
    if len(words) > 3 or not all(w[:1].isupper() for w in words):
        return None
    keys = {part_key(w) for w in words}
    hits = [c.index for c in clusters if c.type == "PERSON"
            and (any(same_name(f, text) for f in c.forms) or keys <= {part_key(p) for p in c.parts})]
    return hits[0] if len(hits) == 1 else None


def link_articles(articles: list[Article]) -> list[Article]:
    kb = kb_from_env()
    for article, doc in zip(articles, pipe([a.text for a in articles])):
        article.doc = doc
        article.mentions = mentions_of(doc)
        article.clusters = cluster(article.mentions, kb)
        media = outlet_cluster(article, kb, len(article.clusters))
        if media is not None:
            same = next((c for c in article.clusters if c.type == "MEDIA" and
                         (c.kb_id and c.kb_id == media.kb_id or fold(c.name) == fold(article.outlet))), None)
            if same is not None:
                same.forms.update({f: 0 for f in media.forms if f not in same.forms})
            else:
                article.clusters.append(media)
        article.quotes = find_quotes(doc)
        by_start = {m.start: m.cluster for m in article.mentions}
        for q in article.quotes:
            q.cluster = by_start.get(q.speaker_start) if q.speaker_start is not None else None
            if q.cluster is None and q.speaker_text and q.speaker_text[:1].isupper():
                q.cluster = _person_named(article.clusters, q.speaker_text)
    return articles
