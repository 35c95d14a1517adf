"""The article pipeline: named stages, each declaring what it needs and adds, run in order on one
:class:`~newsweave.article.Article` (like spaCy's ``Doc -> Doc`` components).

One article's failure never stops a batch: a stage that raises is reported through
:class:`~newsweave.errors.StageError` (or the reader's :class:`~newsweave.errors.InputError`),
which the caller records against that article's source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .article import Article
from .errors import InputError, NewsweaveError, StageError
from .ingest.boilerplate import Lookup, assemble, boilerplate
from .ingest.clean import clean
from .ingest.extract import extract
from .ingest.meta import metadata
from .resources import load_furniture, load_outlets

#: what a reader gives every article
GIVEN = ("source", "fmt", "raw", "doc_id")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[[Article], Article]
    needs: tuple[str, ...]
    adds: tuple[str, ...]


class Pipeline:
    def __init__(self, stages: list[Stage]):
        have = set(GIVEN)
        for st in stages:
            missing = [n for n in st.needs if n not in have]
            if missing:
                raise ValueError(f"stage {st.name!r} needs {missing}, which no earlier stage adds")
            have.update(st.adds)
        self.stages = stages

    @property
    def names(self) -> list[str]:
        return [st.name for st in self.stages]

    def __call__(self, article: Article) -> Article:
        for st in self.stages:
            try:
                article = st.run(article)
            except InputError:
                raise
            except NewsweaveError as exc:
                raise StageError(st.name, article.source, str(exc)) from exc
            except Exception as exc:  # the error handler: one article's bug is reported, the batch goes on
                raise StageError(st.name, article.source, f"internal error {type(exc).__name__}: {exc} "
                                 "(please report it with this file)") from exc
        return article


def build_pipeline(lookup: Lookup | None = None) -> Pipeline:
    """The ingest pipeline. ``lookup`` counts an outlet's lines across stored articles."""
    rules, table = load_furniture(), load_outlets()
    return Pipeline([
        Stage("extract", extract, needs=("raw", "fmt"),
              adds=("lines", "title", "outlet", "byline", "published", "updated", "url", "meta")),
        Stage("clean", partial(clean, rules=rules), needs=("lines",), adds=("removed",)),
        Stage("metadata", partial(metadata, table=table, rules=rules), needs=("lines", "removed"),
              adds=("title", "outlet", "byline", "published", "updated", "dateline")),
        Stage("boilerplate", partial(boilerplate, lookup=lookup), needs=("lines", "outlet"), adds=()),
        Stage("assemble", assemble, needs=("lines",), adds=("text",)),
    ])
