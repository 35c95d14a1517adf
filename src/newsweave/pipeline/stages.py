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

from ..article import Article
from ..errors import ConfigError, InputError, NewsweaveError, StageError
from ..ingest.boilerplate import Lookup, assemble, boilerplate
from ..ingest.clean import clean
from ..ingest.extract import extract
from ..ingest.meta import metadata
from ..resources import load_furniture, load_outlets

#: what a reader gives every article
GIVEN = ("source", "fmt", "raw", "doc_id")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable  # Article -> Article, or list[Article] -> list[Article] when ``batch``
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    batch: bool = False  # runs on a batch of articles at once (spaCy's nlp.pipe)


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
        """Every stage on one article; the first failure is raised."""
        [result] = self.process([article])
        if isinstance(result, (InputError, StageError)):
            raise result
        return result

    def process(self, articles: list[Article]) -> list[Article | InputError | StageError]:
        """Every stage on a batch; each article comes back processed or as the error that stopped
        it, in the order given."""
        results: list[Article | InputError | StageError] = list(articles)
        for st in self.stages:
            alive = [i for i, r in enumerate(results) if isinstance(r, Article)]
            if st.batch:
                try:
                    done = st.run([results[i] for i in alive])
                    for i, a in zip(alive, done):
                        results[i] = a
                    continue
                except ConfigError:
                    raise  # no model, bad settings: nothing can run
                except Exception:  # noqa: BLE001  not swallowed: each article is run alone below
                    pass
            for i in alive:
                results[i] = _run_one(st, results[i])
        return results


def _run_one(st: Stage, article: Article) -> Article | InputError | StageError:
    try:
        return st.run([article])[0] if st.batch else st.run(article)
    except InputError as exc:
        return exc
    except ConfigError:
        raise
    except NewsweaveError as exc:
        return StageError(st.name, article.source, str(exc))
    except Exception as exc:  # the error handler: one article's bug is reported, the batch goes on
        return StageError(st.name, article.source, f"internal error {type(exc).__name__}: {exc} "
                          "(please report it with this file)")


def build_pipeline(lookup: Lookup | None = None, nlp: bool = True) -> Pipeline:
    """The ingest pipeline. ``lookup`` counts an outlet's lines across stored articles; ``nlp``
    False stops after the clean text (no spaCy)."""
    rules, table = load_furniture(), load_outlets()
    stages = [
        Stage("extract", extract, needs=("raw", "fmt"),
              adds=("lines", "title", "outlet", "byline", "published", "updated", "url", "meta")),
        Stage("clean", partial(clean, rules=rules), needs=("lines",), adds=("removed",)),
        Stage("metadata", partial(metadata, table=table, rules=rules), needs=("lines", "removed"),
              adds=("title", "outlet", "byline", "published", "updated", "dateline")),
        Stage("boilerplate", partial(boilerplate, lookup=lookup), needs=("lines", "outlet"), adds=()),
        Stage("assemble", assemble, needs=("lines",), adds=("text",)),
    ]
    if nlp:
        from ..nlp.stage import link_articles

        stages.append(Stage("nlp+link", link_articles, needs=("text", "outlet"), adds=("doc", "mentions", "clusters", "quotes", "times", "events", "signature", "terms"),
                            batch=True))
    return Pipeline(stages)
