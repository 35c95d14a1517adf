"""Run a batch: paths in, articles through the pipeline, documents stored, every problem
reported and recorded, then entities resolved across all stored documents.

Articles go through the pipeline in batches of ``BATCH`` (spaCy works best on batches); each batch
is one transaction, each article a savepoint inside it. With parse workers, a batch's parse starts
while the batch before it is finished and stored. A crash loses at most the batches in hand (two
then), and a re-run completes the work: stored articles are recognised by their content hash and
skipped.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..article import Article
from ..chars import escape_surrogates
from ..errors import InputError, StageError
from ..ingest.language import UnreadLanguage
from ..ingest.readers import read_input
from ..ingest.sources import InputFile, iter_inputs
from ..link.kb import current_kb
from ..link.names import part_key
from ..link.resolve import DocCluster, contexts, distinct_ids, query_keys, resolve
from ..link.stories import StoryParams
from ..settings import DEFAULT_MAX_BYTES, human_size
from ..store import Store
from ..store.rows import document_rows
from .stages import Pipeline, build_pipeline

log = logging.getLogger(__name__)

BATCH = 32
#: an entity of this many documents or more that a new cluster joins alone keeps its name (incremental resolution)
LARGE_ENTITY = 50


@dataclass(slots=True)
class _Staged:
    """A batch through the stages before the NLP (:meth:`Ingest._stage`)."""

    size: int  # articles given, stored before or not
    fresh: list[Article]  # those not stored before
    results: list[Article | InputError | StageError]  # what the stages gave them
    lines: dict[tuple[str, str], set[str]]  # its articles' lines, counted for the batches after it
    ahead: bool  # its parse started in the workers


@dataclass(slots=True)
class Summary:
    files: int = 0
    added: list[str] = field(default_factory=list)  # doc_ids
    unchanged: int = 0  # already stored
    failed: list[InputError] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)
    warned: list[InputError] = field(default_factory=list)  # stored, with something worth knowing (mixed encodings)
    entities: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {
            "files": self.files, "added": len(self.added), "unchanged": self.unchanged, "entities": self.entities,
            "failed": [{"source": e.source, "row": e.row, "reason": e.reason} for e in self.failed],
            "skipped": [{"source": e.source, "reason": e.reason} for e in self.skipped],
            "warned": [{"source": e.source, "row": e.row, "reason": e.reason} for e in self.warned],
        }


class Ingest:
    def __init__(self, store: Store, *, max_bytes: int = DEFAULT_MAX_BYTES, nlp: bool = True,
                 on_problem: Callable[[InputError], None] | None = None, story_params: StoryParams | None = None):
        self._advance: Callable[[int], None] = lambda n: None
        self.store = store
        self.nlp = nlp
        self.stories = store.story_index(story_params)
        self.max_bytes = max_bytes
        self.on_problem = on_problem or (lambda err: None)
        self._conn: Connection | None = None
        self.pipeline: Pipeline = build_pipeline(self._repeated, nlp=nlp)
        self.summary = Summary()
        self._buffer: list[Article] = []
        self._pending: dict[tuple[str, str], set[str]] = {}  # lines of this batch's articles, not yet stored
        self._ahead: _Staged | None = None  # a batch staged, its parse under way in the workers
        names = self.pipeline.names
        self._nlp_at = names.index("nlp+link") if "nlp+link" in names else len(names)
        self._warnings: list[InputError] = []  # warnings about inputs whose articles are not stored yet

    def _repeated(self, outlet: str, keys: list[str], doc_id: str) -> dict[str, int]:
        """How many other articles of ``outlet`` print each line: stored ones, the held batch's and
        this batch's."""
        assert self._conn is not None
        counts = self.store.repeated_lines(self._conn, outlet, keys, doc_id)
        held = self._ahead.lines if self._ahead is not None else {}
        for k in keys:
            docs = self._pending.setdefault((outlet, k), set())
            counts[k] = counts.get(k, 0) + len((docs | held.get((outlet, k), set())) - {doc_id})
            docs.add(doc_id)
        return counts

    def plan(self, paths: list[str]) -> list[InputFile | InputError]:
        """The inputs below ``paths``, leaving out the database's own files."""
        own = self.store.own_files()
        return [i for i in iter_inputs(paths)
                if not (isinstance(i, InputFile) and own and i.source != "stdin" and i.path.resolve() in own)]

    def run(self, items: Iterable[InputFile | Article | InputError],
            advance: Callable[[int], None] = lambda n: None) -> Summary:
        """Ingest the planned inputs (files, and articles in hand: fetched pages); ``advance(n)``
        is told of every ``n`` documents done (stored, already stored or failed), a batch at a time."""
        self._advance = advance
        with self.parse_workers():
            for item in items:
                if isinstance(item, InputError):
                    self.problem_now(item)
                elif isinstance(item, Article):
                    self._add(item)
                else:
                    self.summary.files += 1
                    self._file(item)
            self._flush()
        self.record_warnings()
        self.resolve_entities(self.unresolved())
        self.summary.entities = self.entity_count()
        return self.summary

    def link_copies(self, new: list[str] | None = None) -> int:
        """Link the documents ``new`` (or every stored one) that nearly duplicate another stored
        one; returns how many links. New documents are compared with their candidates only (those
        sharing an LSH band, found by index). Ingest links each batch's documents in the batch's
        own transaction, so no stored document is ever left unlinked."""
        if new is not None and not new:
            return 0
        with self.store.transaction() as conn:
            return self.link_copies_in(conn, new)

    def link_copies_in(self, conn: Connection, new: list[str] | None) -> int:
        """:meth:`link_copies` inside the transaction ``conn``."""
        from ..link.dedup import copies, from_bytes

        raw, order = self.store.load_signatures(conn, near=new)
        sigs = {d: from_bytes(b) for d, b in raw.items()}
        pairs = copies(sigs, order, [d for d in (sigs if new is None else new) if d in sigs])
        self.store.set_copies(conn, pairs)
        self.store.merged.mark(conn, [d for a, b, _ in pairs for d in (a, b)])
        log.info("near-duplicates: %d links (%d signatures read)", len(pairs), len(sigs))
        return len(pairs)

    # -- problems ------------------------------------------------------------------------------
    def problem(self, conn: Connection, err: InputError) -> None:
        """Count, record and report one problem input inside the transaction ``conn``."""
        err.source, err.reason = escape_surrogates(err.source), escape_surrogates(err.reason)
        err.detail = escape_surrogates(err.detail) if err.detail else err.detail
        lists = {"skipped": self.summary.skipped, "warning": self.summary.warned}
        lists.get(err.kind, self.summary.failed).append(err)
        self.store.record_problem(conn, err)
        self.on_problem(err)

    def problem_now(self, err: InputError) -> None:
        """Record ``err`` now; a warning once its input's articles are stored (storing a source
        clears the problems it had, so a warning recorded before would go)."""
        if err.kind == "warning":
            self._warnings.append(err)
            return
        with self.store.transaction() as conn:
            self.problem(conn, err)

    def record_warnings(self, conn: Connection | None = None) -> None:
        """Record the warnings held back (their inputs' articles stored, or not to be)."""
        held, self._warnings = self._warnings, []
        if not held:
            return
        if conn is None:
            with self.store.transaction() as c:
                for err in held:
                    self.problem(c, err)
            return
        for err in held:
            self.problem(conn, err)

    # -- reading -------------------------------------------------------------------------------
    def _read(self, f: InputFile) -> bytes:
        return read_bytes(f, self.max_bytes)

    def run_bytes(self, source: str, data: bytes) -> Summary:
        """Ingest content in hand (an upload): ``source`` names it in records and problems, and its
        suffix (``.jsonl``, ``.html``, ...) says how to read it."""
        from pathlib import Path

        self.summary.files += 1
        if len(data) > self.max_bytes:
            self.problem_now(InputError(source, f"too large ({human_size(len(data))}; the limit is {human_size(self.max_bytes)})"))
        else:
            with self.parse_workers():
                self._file(InputFile(Path(source), source), data)
                self._flush()
        self.record_warnings()
        self.resolve_entities(self.unresolved())
        self.summary.entities = self.entity_count()
        return self.summary

    def _file(self, f: InputFile, data: bytes | None = None) -> None:
        try:
            for item in read_input(f, self._read(f) if data is None else data):
                if isinstance(item, InputError):
                    self.problem_now(item)
                else:
                    self._add(item)
        except InputError as err:
            self.problem_now(err)

    def _add(self, article: Article) -> None:
        self._buffer.append(article)
        if len(self._buffer) >= BATCH:
            self._flush(final=False)

    def parse_workers(self) -> AbstractContextManager[None]:
        """The run's parse workers (:func:`~newsweave.nlp.model.parse_workers`): started once a
        batch needs them, stopped at the end."""
        if not self.nlp:
            return nullcontext()
        from ..nlp.model import parse_workers

        return parse_workers()

    # -- processing ----------------------------------------------------------------------------
    def _flush(self, final: bool = True) -> None:
        """The batch in hand through the stages before the NLP; when parse workers take its parse
        (:func:`~newsweave.nlp.stage.prefetch`), the batch before it is finished and stored while
        they work, and this one is held until the next, or (``final``) finished now."""
        batch, self._buffer = self._buffer, []
        staged = self._stage(batch) if batch else None
        held, self._ahead = self._ahead, None
        if held is not None:
            self._finish(held)
        if staged is not None and staged.ahead and not final:
            self._ahead = staged
        elif staged is not None:
            self._finish(staged)

    def _stage(self, batch: list[Article]) -> _Staged:
        self._pending = {}
        seen = {a.doc_id for a in self._ahead.fresh} if self._ahead is not None else set()
        with self.store.transaction(lock=False) as conn:
            self._conn = conn
            fresh = []
            for a in batch:
                if a.doc_id in seen or self.store.has_document(conn, a.doc_id):
                    self.summary.unchanged += 1
                else:
                    seen.add(a.doc_id)
                    fresh.append(a)
            results = self.pipeline.process(fresh, stop=self._nlp_at)
            self._conn = None
        ahead = False
        if self._nlp_at < len(self.pipeline.stages):  # the NLP stage runs (``nlp`` True)
            from ..nlp.stage import prefetch

            ahead = prefetch([r for r in results if isinstance(r, Article)])
        return _Staged(len(batch), fresh, results, self._pending, ahead)

    def _finish(self, staged: _Staged) -> None:
        """The rest of the stages on a staged batch, and its documents stored: one transaction."""
        fresh = staged.fresh
        with self.store.transaction(lock=False) as conn:  # the NLP runs before the writers' lock
            results = self.pipeline.process(staged.results, start=self._nlp_at)
            self.store.lock(conn)
            done = []
            for result in results:
                if isinstance(result, Article):
                    done.append(document_rows(result))
                else:
                    self.problem(conn, as_input_error(result))
            added, refused = self.store_rows(conn, done)
            self.summary.unchanged += len(done) - len(added) - refused
            _fault_point("batch written, not committed")
            self.summary.added += added
        log.info("batch of %d: %d stored, %d already stored, %d failed", staged.size, len(added),
                 staged.size - len(fresh) + len(done) - len(added) - refused, len(fresh) - len(done) + refused)
        self._advance(staged.size)

    def store_rows(self, conn: Connection, rows: list[dict[str, Any]]) -> tuple[list[str], int]:
        """Store processed articles' rows in the transaction ``conn`` (one the database refuses is
        recorded as a problem; one in a language the English stages do not read is stored, and
        noted as a skipped problem), then the batch's part of the cross-document step: its copies,
        its stories, their records. Returns the doc_ids added and how many were refused."""
        refused: list[str] = []

        def refuse(row: dict[str, Any], exc: Exception) -> None:
            refused.append(row["document"]["doc_id"])
            self.problem(conn, store_error(row, exc))

        added = self.store.add_rows(conn, rows, on_error=refuse)
        new = set(added)
        for row in rows:  # after storing: storing a source clears the problems it had
            if row.get("unread") and row["document"]["doc_id"] in new:
                new.discard(row["document"]["doc_id"])
                self.problem(conn, UnreadLanguage(row["document"]["source"], row["unread"]))
        self.record_warnings(conn)  # the warnings held back: about articles read before these rows, now stored
        if self.nlp:
            self.store.merged.mark(conn, added)  # merged once their entities are resolved
            self.link_copies_in(conn, added)
            self.stories.assign(conn, added)
            self.stories.refresh_records(conn)
            self.store.merged.restory(conn, self.stories.take_moved())
        return added, len(refused)

    def resolve_entities(self, new: list[str] | None = None) -> int:
        """Resolve stored clusters into entities: every document's (``new`` None), or, incrementally,
        the new documents' clusters with the stored ones they may join (sharing a resolution key or
        a story) and the entities those belong to. Returns how many entities were (re)made."""
        with self.store.transaction() as conn:
            if new is not None and not new:
                self.store.merged.refresh(conn, current_kb().inside)  # what a killed run left pending
                return 0
            if new is None or not self.store.count_entities(conn):
                made = self._resolve_all(conn)
                self.store.merged.refresh(conn, current_kb().inside, everything=True)
                return made
            mine = self.store.doc_clusters(conn, docs=new)
            keys = set().union(*(query_keys(_cluster(r)) for r in mine)) if mine else set()
            story_of = self.stories.stories_near(conn, new)
            owners, sizes = self.store.key_owners(conn, keys)  # who holds each key: no cluster read yet
            mates = self.store.doc_clusters(conn, docs=sorted(set(story_of) - set(new)), types=("PERSON", "PLACE"))
            sizes |= {e: n for e, (_, n) in self.store.entity_sizes(
                conn, sorted({r["entity_id"] for r in mates if r["entity_id"]} - set(sizes))).items()}
            large = {e for e, n in sizes.items() if n >= LARGE_ENTITY}
            attached, mine = self._attach_to_large(conn, mine, owners, large)
            # the clusters the new ones may join: those sharing a key or a story, large entities' left out
            near = [*self.store.clusters_sharing(conn, keys, besides=large), *(r for r in mates if r["entity_id"] not in large)]
            touched = sorted({r["entity_id"] for r in near if r["entity_id"]})
            rows = {(r["doc_id"], r["cluster"]): r for r in [*self.store.doc_clusters(conn, entities=touched), *near, *mine]}
            block = [_cluster(rows[k]) for k in sorted(rows)]
            people_docs = sorted({c.doc_id for c in block if c.type == "PERSON"})
            context = contexts(self.store.doc_contexts(conn, people_docs))
            story_of |= self.stories.stories_near(conn, sorted({c.doc_id for c in block} - set(story_of)))
            words = {f"word:{part_key(f)}" for c in block if c.type == "PERSON" for f in c.forms if " " not in f.strip()}
            outside = sorted(self.store.entities_sharing(conn, words, "PERSON") - set(touched))
            named_outside = self.store.entity_names(conn, outside, etype="PERSON")
            kb = current_kb()
            entities = resolve(block, kb, story_of, context=context, named_outside=named_outside)
            taken = self.store.entity_ids_in_use(conn, [e.entity_id for e in entities]) - set(touched)
            if taken:  # an id in use outside the block: the entity gets one of its own
                entities = distinct_ids(entities, taken)
            self.store.replace_entities(conn, entities, replacing=touched)
            # the documents whose clusters may have changed entity: their actors' events merge again
            self.store.merged.mark(conn, [*new, *(c.doc_id for c in block)])
            self.store.merged.refresh(conn, kb.inside)
        log.info("entities: %d clusters of %d new documents resolved with %d stored; %d entities replaced by %d; "
                 "%d joined a large entity", len(mine), len(new), len(block) - len(mine), len(touched), len(entities),
                 attached)
        return len(entities)

    def _attach_to_large(self, conn: Connection, mine: list[dict[str, Any]], owners: dict[str, set[str]],
                         large: set[str]) -> tuple[int, list[dict[str, Any]]]:
        """A new cluster that shares its keys with one large entity only (LARGE_ENTITY documents or
        more: a national party, an outlet, a person in the news every day; a person by the very
        same name or entry) joins it directly, its name kept (a large entity's name is settled),
        instead of resolving the whole entity again. ``owners``: the entities holding each key.
        Returns how many joined, and the new clusters left to resolve."""
        if not large:
            return 0, mine
        joins: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
        for r in mine:
            keys = query_keys(_cluster(r))
            if r["type"] == "PERSON":  # a person: the very name (or entry) of one large entity, and no other's
                keys = {k for k in keys if k.startswith(("name:", "kb:"))}
            hits = set().union(*(owners.get(k, set()) for k in keys))
            if len(hits) == 1 and (only := next(iter(hits))) in large:
                joins[(r["doc_id"], r["cluster"])] = (only, r)
        if joins:
            self.store.join_entities(conn, [(e, r["doc_id"], r["cluster"], list(r["forms"])) for e, r in joins.values()])
        return len(joins), [r for r in mine if (r["doc_id"], r["cluster"]) not in joins]

    def entity_count(self) -> int:
        with self.store.engine.connect() as conn:
            return self.store.count_entities(conn)

    def unresolved(self) -> list[str]:
        """Documents with clusters no entity holds yet: this run's, and any a killed run left."""
        with self.store.engine.connect() as conn:
            return self.store.unresolved_documents(conn)

    def _resolve_all(self, conn: Connection) -> int:
        clusters = [_cluster(r) for r in self.store.doc_clusters(conn)]
        entities = resolve(clusters, current_kb(), self.stories.story_map(conn))
        self.store.replace_entities(conn, entities)
        log.info("entities: %d clusters resolved into %d entities", len(clusters), len(entities))
        return len(entities)

    def reprocess(self, advance: Callable[[], None] = lambda: None) -> int:
        """Re-run every stage on every stored document's raw content. A document whose re-run
        fails keeps what it had (the failure is reported). Returns how many were updated."""
        updated = 0
        rows = list(self.store.iter_documents(columns=("doc_id", "source", "fmt", "raw", "encoding")))
        for start in range(0, len(rows), BATCH):
            self._pending = {}
            with self.store.transaction() as conn:
                self._conn = conn
                batch = [Article(r["source"], r["fmt"], r["raw"], doc_id=r["doc_id"], encoding=r["encoding"])
                         for r in rows[start:start + BATCH]]
                for result in self.pipeline.process(batch):
                    if isinstance(result, Article):
                        self.store.update_document(conn, result)
                        updated += 1
                        if result.unread:
                            self.problem(conn, UnreadLanguage(result.source, result.unread))
                    else:
                        self.problem(conn, as_input_error(result))
                    advance()
                self._conn = None
        self.link_copies()
        if self.nlp:
            with self.store.transaction() as conn:
                order = self.stories.reset(conn)
                known = set(order)
                self.stories.assign(conn, order + [r["doc_id"] for r in rows if r["doc_id"] not in known])
                self.stories.refresh_records(conn, rewrite=True)
        self.summary.entities = self.resolve_entities()
        return updated


#: tests only: the name of a file that the runner creates at a fault point, then waits (the crash
#: tests kill it there, inside the write transaction)
ENV_FAULT = "NEWSWEAVE_TEST_FAULT_FILE"


def _fault_point(where: str) -> None:
    path = os.environ.get(ENV_FAULT)
    if path and not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(where)
        time.sleep(60)


def _cluster(r: dict[str, Any]) -> DocCluster:
    return DocCluster(r["doc_id"], r["cluster"], r["type"], r["kb_id"], r["forms"])


def read_bytes(f: InputFile, max_bytes: int) -> bytes:
    """A file's bytes (or standard input's), or the InputError that says why not."""
    limit = f"the limit is {human_size(max_bytes)}; raise it with --max-size"
    if f.source == "stdin":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f.source, f"too large (over {human_size(max_bytes)}; {limit})")
        return data
    try:
        size = f.path.stat().st_size
        if size > max_bytes:
            raise InputError(f.source, f"too large ({human_size(size)}; {limit})")
        return f.path.read_bytes()
    except OSError as exc:
        raise InputError(f.source, f"cannot read: {exc.strerror or exc}") from exc


def as_input_error(err: InputError | StageError) -> InputError:
    return err if isinstance(err, InputError) else InputError(err.source, f"{err.stage}: {err.reason}", detail=err.trace)


def store_error(rows: dict[str, Any], exc: Exception) -> InputError:
    """The problem recorded for an article the database refused (its other rows are not stored)."""
    doc = rows["document"]
    log.error("%s: the database refused it: %s", doc["source"], exc, exc_info=(type(exc), exc, exc.__traceback__))
    first = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
    return InputError(doc["source"], f"store: the database refused it ({type(exc).__name__}: {first}); "
                      "please report it with this file", detail="".join(traceback.format_exception(exc)))
