"""Stage ``boilerplate``: lines an outlet prints on many of its pages (a standard sign-off, a
promotion) are furniture even when no pattern knows them.

A kept line of fewer than 25 words that already appears in at least ``MIN_OTHER_DOCS`` other
stored articles of the same outlet is dropped. Counts come from the store, so the first articles
of an outlet keep such lines; ``newsweave reprocess`` re-judges them once more articles are in.
"""

from __future__ import annotations

from collections.abc import Callable

from ..article import Article, Line, Removal, line_key

MIN_OTHER_DOCS = 2
MAX_WORDS = 25

#: (outlet, line hashes, doc_id to leave out) -> {hash: number of other documents holding it}
Lookup = Callable[[str, list[str], str], dict[str, int]]


def judged_lines(article: Article) -> list[tuple[Line, str]]:
    """The kept lines short enough to be judged, with their keys."""
    keyed = [(ln, line_key(ln.content)) for ln in article.lines if not ln.dropped]
    return [(ln, k) for ln, k in keyed if k and len(ln.content.split()) < MAX_WORDS]


def boilerplate(article: Article, lookup: Lookup | None) -> Article:
    if lookup is None or not article.outlet:
        return article
    keyed = judged_lines(article)
    if not keyed:
        return article
    counts = lookup(article.outlet, [k for _, k in keyed], article.doc_id)
    for ln, k in keyed:
        n = counts.get(k, 0)
        if n >= MIN_OTHER_DOCS:
            ln.label, ln.reason = "furniture", f"printed on {n} other {article.outlet} pages"
            article.removed.append(Removal(ln.content, ln.reason, ln.index))
    return article


def assemble(article: Article) -> Article:
    """Stage ``assemble``: the body text, one paragraph per kept line."""
    article.text = "\n\n".join(ln.content.strip() for ln in article.lines if not ln.dropped and ln.content.strip())
    return article
