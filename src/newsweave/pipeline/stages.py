"""The article pipeline: named stages, each declaring what it needs and adds, run in order on one
:class:`~newsweave.article.Article` (like spaCy's ``Doc -> Doc`` components).

The contract is enforced, not only written down:

- a stage's ``needs`` and ``adds`` must be fields of :class:`Article`, and what it needs an earlier
  stage (or the reader) must add: checked when the pipeline is built;
- a stage must return the Article it was given (a batch stage: one per article, in order), and may
  change only the fields it declares it adds: checked after every call. A stage that breaks its
  contract is a bug in newsweave, not in the input: :class:`~newsweave.errors.StageContractError`
  stops the run with the stage's name and what it did.

One article's failure never stops a batch: a stage that raises on one article goes to the
pipeline's error handler (``on_error``; replaceable), which by default logs it with its traceback
and turns it into a :class:`~newsweave.errors.StageError` that the caller records against that
article's source. A batch stage that raises is logged and run again on each article alone, so the
one that fails is found and the rest go on.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import partial
from typing import Any

from ..article import Article
from ..errors import ConfigError, InputError, NewsweaveError, StageContractError, StageError
from ..ingest.boilerplate import Lookup, assemble, boilerplate
from ..ingest.clean import clean
from ..ingest.extract import extract
from ..ingest.language import language_stage
from ..ingest.meta import metadata
from ..resources import load_furniture, load_outlets

log = logging.getLogger(__name__)

#: what a reader gives every article
GIVEN = ("source", "fmt", "raw", "doc_id", "encoding", "url", "meta")
#: every field of an Article, the only names a stage may need or add
FIELDS = frozenset(f.name for f in fields(Article))

#: an error handler: (stage, article, exception) -> the error recorded for the article
ErrorHandler = Callable[["Stage", Article, Exception], "InputError | StageError"]


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[..., Any]  # Article -> Article, or list[Article] -> list[Article] when ``batch``
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    batch: bool = False  # runs on a batch of articles at once (spaCy's nlp.pipe)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.needs) - FIELDS) + sorted(set(self.adds) - FIELDS)
        if unknown:
            raise StageContractError(f"stage {self.name!r} declares {unknown}, which are no fields of Article "
                                     f"(its fields: {', '.join(sorted(FIELDS))})")


def default_error_handler(stage: Stage, article: Article, exc: Exception) -> InputError | StageError:
    """The article's failure as the error its source is recorded with: an input's own error as it is,
    newsweave's typed errors with their reason, anything else as an internal error with its
    traceback (logged, and kept on the error for the record)."""
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, NewsweaveError):
        log.warning("%s: stage %s: %s", article.source, stage.name, exc)
        return StageError(stage.name, article.source, str(exc))
    trace = "".join(traceback.format_exception(exc))
    log.error("%s: stage %s failed: %s: %s", article.source, stage.name, type(exc).__name__, exc,
              exc_info=(type(exc), exc, exc.__traceback__))
    return StageError(stage.name, article.source, f"internal error {type(exc).__name__}: {exc} "
                      "(please report it with this file)", trace=trace)


class Pipeline:
    def __init__(self, stages: list[Stage], on_error: ErrorHandler = default_error_handler):
        have = set(GIVEN)
        for st in stages:
            missing = [n for n in st.needs if n not in have]
            if missing:
                raise StageContractError(f"stage {st.name!r} needs {missing}, which no earlier stage adds")
            have.update(st.adds)
        self.stages = stages
        self.on_error = on_error

    @property
    def names(self) -> list[str]:
        return [st.name for st in self.stages]

    def __call__(self, article: Article) -> Article:
        """Every stage on one article; the first failure is raised."""
        [result] = self.process([article])
        if isinstance(result, (InputError, StageError)):
            raise result
        return result

    def process(self, articles: Sequence[Article | InputError | StageError], start: int = 0,
                stop: int | None = None) -> list[Article | InputError | StageError]:
        """Every stage on a batch (or the stages ``start:stop``, on what the ones before gave);
        each article comes back processed or as the error that stopped it, in the order given."""
        results: list[Article | InputError | StageError] = list(articles)
        for st in self.stages[start:stop]:
            alive = [i for i, r in enumerate(results) if isinstance(r, Article)]
            if st.batch and alive:
                given = [r for r in results if isinstance(r, Article)]  # results[i] for i in alive
                before = [_snapshot(a) for a in given]
                try:
                    done = st.run(given)
                except ConfigError:
                    raise  # no model, bad settings: nothing can run
                except Exception as exc:  # noqa: BLE001  not swallowed: logged, then each article alone below
                    log.warning("stage %s failed on a batch of %d articles (%s: %s); running each alone",
                                st.name, len(given), type(exc).__name__, exc)
                else:
                    _check_batch(st, given, done, before)
                    for i, a in zip(alive, done):
                        results[i] = a
                    continue
            for i in alive:
                results[i] = self._run_one(st, results[i])  # type: ignore[arg-type]
        return results

    def _run_one(self, st: Stage, article: Article) -> Article | InputError | StageError:
        before = _snapshot(article)
        try:
            out = st.run([article]) if st.batch else st.run(article)
        except ConfigError:
            raise
        except Exception as exc:  # noqa: BLE001  the error handler: one article's failure is recorded, the batch goes on
            return self.on_error(st, article, exc)
        if st.batch:
            _check_batch(st, [article], out, [before])
            return out[0]
        _check(st, article, out, before)
        return out


def _snapshot(article: Article) -> dict[str, Any]:
    """Each field's value, lists and dicts copied one level (a stage that replaces or edits them
    shows; one that edits an item in place does not)."""
    out = {}
    for name in FIELDS:
        v = getattr(article, name)
        out[name] = v.copy() if isinstance(v, (list, dict)) else v
    return out


def _check(st: Stage, given: Article, out: Any, before: dict[str, Any]) -> None:
    if out is not given:
        what = "another Article" if isinstance(out, Article) else type(out).__name__
        raise StageContractError(f"stage {st.name!r} returned {what} for {given.source}; a stage must return "
                                 "the Article it was given")
    changed = sorted(n for n in FIELDS - set(st.adds)
                     if not _same(getattr(out, n), before[n]))
    if changed:
        raise StageContractError(f"stage {st.name!r} changed {changed} of {given.source}, which it does not "
                                 f"declare it adds ({', '.join(st.adds) or 'nothing'})")


def _check_batch(st: Stage, given: list[Article], out: Any, before: list[dict[str, Any]]) -> None:
    if not isinstance(out, list) or len(out) != len(given):
        what = f"{len(out)} items" if isinstance(out, list) else type(out).__name__
        raise StageContractError(f"batch stage {st.name!r} returned {what} for {len(given)} articles; it must "
                                 "return the list of Articles it was given, in order")
    for a, o, b in zip(given, out, before):
        _check(st, a, o, b)


def _same(now: Any, then: Any) -> bool:
    if now is then:
        return True
    try:
        return bool(now == then)
    except Exception:  # noqa: BLE001  a value without a usable ==: changed unless the very same object
        return False


def build_pipeline(lookup: Lookup | None = None, nlp: bool = True) -> Pipeline:
    """The ingest pipeline. ``lookup`` counts an outlet's lines across stored articles; ``nlp``
    False stops after the clean text (no spaCy)."""
    rules, table = load_furniture(), load_outlets()
    stages = [
        Stage("extract", extract, needs=("raw", "fmt"),
              adds=("lines", "title", "outlet", "outlet_evidence", "byline", "published", "updated", "url",
                    "meta", "warnings")),
        Stage("clean", partial(clean, rules=rules), needs=("lines",), adds=("lines", "removed")),
        Stage("metadata", partial(metadata, table=table, rules=rules), needs=("lines", "removed"),
              adds=("title", "outlet", "outlet_evidence", "byline", "published", "updated", "dateline", "removed",
                    "warnings", "meta")),
        Stage("boilerplate", partial(boilerplate, lookup=lookup), needs=("lines", "outlet"), adds=("lines", "removed")),
        Stage("assemble", assemble, needs=("lines",), adds=("text",)),
        Stage("language", language_stage, needs=("text", "title"), adds=("language", "unread", "warnings")),
    ]
    if nlp:
        from ..nlp.stage import link_articles

        stages.append(Stage("nlp+link", partial(read_only, link_articles), needs=("text", "outlet", "unread"),
                            adds=("doc", "mentions", "clusters", "quotes", "times", "events", "signature", "terms"),
                            batch=True))
    return Pipeline(stages)


def read_only(stage: Callable[[list[Article]], list[Article]], articles: list[Article]) -> list[Article]:
    """A batch stage of the English stages run on the articles in a language they read only; the
    others (``unread``) come back as they were given: stored with their text and language, no
    entities, quotes, times or events made of them."""
    done = iter(stage([a for a in articles if a.unread is None]) if any(a.unread is None for a in articles) else [])
    return [next(done) if a.unread is None else a for a in articles]
