"""newsweave: news articles from many outlets in, one source-attributed record of what happened out.

From Python: ``newsweave.process(texts)`` gives the records of a list of articles;
``newsweave.open(db)`` a stored corpus (:mod:`newsweave.corpus`). The records are the typed
objects of :mod:`newsweave.records`. Importing newsweave loads nothing heavy: the pipeline loads
on first use.
"""

from __future__ import annotations

from typing import Any

from .version import __version__

__all__ = ["__version__", "process", "open", "Corpus", "Records", "RecordList"]


def __getattr__(name: str) -> Any:
    if name in ("process", "open", "Corpus", "Records", "RecordList"):
        from . import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module 'newsweave' has no attribute {name!r}")
