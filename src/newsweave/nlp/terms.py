"""What stories compare a parsed article on (:mod:`newsweave.link.stories` clusters them): the
content words of its parse, weighted, with its lead events, names and, when undated, the date its
text gives."""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from ..article import Article
from ..link.stories import date_terms, entity_terms, event_terms

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
NAMED = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "EVENT", "WORK_OF_ART", "PARTY", "MEDIA",
                   "PRODUCT", "LAW", "GPE", "LOC"})
NAME_WEIGHT = 2.0



def doc_terms(doc: Doc | list[Doc]) -> dict[str, float]:
    """The content words of a parsed document (or of the parsed pieces of a long one, in order)
    with their weighted counts."""
    out: dict[str, float] = defaultdict(float)
    for t in (t for d in (doc if isinstance(doc, list) else [doc]) for t in d):
        if t.pos_ not in CONTENT_POS or t.is_stop:
            continue
        lemma = t.lemma_.lower().strip()
        if len(lemma) < 2 or not any(ch.isalnum() for ch in lemma):
            continue
        out[lemma] += NAME_WEIGHT if t.ent_type_ in NAMED else 1.0
    return dict(out)


def story_terms(article: Article) -> dict[str, float]:
    """Everything stories compare a processed article on: its content words, lead events, names and,
    when it has no publication date, the date its text gives."""
    return (doc_terms(article.doc) | event_terms(article.events, article.clusters, article.text)
            | entity_terms(article.clusters) | date_terms(article.published, article.title, article.text, article.times))
