"""newsweave from Python: :func:`process` a list of texts or article rows into records, with no
database to keep; :func:`open` a stored corpus and read its records. Records are the typed
objects of :mod:`newsweave.records`; every list of them can become a pandas DataFrame (one per
kind, with the kind's columns in the format's order; pandas is needed only for that).

    import newsweave
    records = newsweave.process(["Ravi Kant joined the Lok Vikas Party in Patna on Monday."])
    records.events[0].actor_name
    newsweave.open("news.db").events().to_pandas()
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, InputError
from .records import (
    RECORD_TYPES,
    DocumentRecord,
    EntityRecord,
    EventRecord,
    QuoteRecord,
    Record,
    StoryRecord,
    TimeRecord,
)

if TYPE_CHECKING:
    import pandas

    from .store import Store

_TYPES = {cls.kind: cls for cls in RECORD_TYPES}


class RecordList(list[Any]):
    """Records of one kind: a list, and :meth:`to_pandas`."""

    def __init__(self, kind: str, items: Iterable[Record] = ()):
        super().__init__(items)
        self.kind = kind

    def as_dicts(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self]

    def to_pandas(self) -> pandas.DataFrame:
        """One row a record, the kind's columns in the format's order (lists and objects as they are)."""
        try:
            import pandas
        except ImportError as exc:
            raise ConfigError("to_pandas() needs pandas: pip install pandas") from exc
        columns = list(_TYPES[self.kind].columns())
        return pandas.DataFrame([{c: d.get(c) for c in columns} for d in self.as_dicts()], columns=columns)


@dataclass(slots=True)
class Records:
    """Everything one run gave, by kind; ``problems``: the inputs that could not be read."""

    documents: RecordList = field(default_factory=lambda: RecordList("document"))
    stories: RecordList = field(default_factory=lambda: RecordList("story"))
    entities: RecordList = field(default_factory=lambda: RecordList("entity"))
    events: RecordList = field(default_factory=lambda: RecordList("event"))
    times: RecordList = field(default_factory=lambda: RecordList("time"))
    quotes: RecordList = field(default_factory=lambda: RecordList("quote"))
    problems: list[InputError] = field(default_factory=list)

    def __iter__(self) -> Iterator[Record]:
        for kind in ("documents", "stories", "entities", "events", "times", "quotes"):
            yield from getattr(self, kind)

    def of(self, kind: str) -> RecordList:
        """The records of one kind ("event", "document", ...)."""
        if kind not in _TYPES:
            raise ValueError(f"no kind {kind!r}; the kinds are {', '.join(_TYPES)}")
        return getattr(self, _PLURAL[kind])

    def to_pandas(self, kind: str) -> pandas.DataFrame:
        return self.of(kind).to_pandas()


_PLURAL = {"document": "documents", "story": "stories", "entity": "entities", "event": "events", "time": "times",
           "quote": "quotes"}


class Corpus:
    """A stored corpus (:func:`open`): read its records by kind; :meth:`ingest` adds articles."""

    def __init__(self, store: Store):
        self.store = store

    def _list(self, kind: str) -> RecordList:
        from .export.records import records

        return RecordList(kind, records(self.store, [kind]))

    def documents(self) -> RecordList:
        return self._list("document")

    def stories(self) -> RecordList:
        return self._list("story")

    def entities(self) -> RecordList:
        return self._list("entity")

    def events(self) -> RecordList:
        return self._list("event")

    def times(self) -> RecordList:
        return self._list("time")

    def quotes(self) -> RecordList:
        return self._list("quote")

    def records(self) -> Records:
        """Every record, by kind (stories and events from one merge)."""
        from .export.records import records

        out = Records()
        for rec in records(self.store):
            out.of(rec.kind).append(rec)
        return out

    def ingest(self, articles: Iterable[str | Mapping[str, Any]], source: str = "python") -> list[InputError]:
        """Add articles: texts, or rows with the fields a JSONL dump may have (``text``, ``title``,
        ``outlet``, ``published``, ``url``, ``id``, ...). Returns the problems (a row with no text,
        say); the others are stored."""
        from .pipeline.runner import Ingest

        rows = [{"text": a} if isinstance(a, str) else dict(a) for a in articles]
        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
        summary = Ingest(self.store).run_bytes(f"{source}.jsonl", data)
        return [*summary.failed, *summary.skipped]

    def close(self) -> None:
        self.store.engine.dispose()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(db: str | Path) -> Corpus:  # newsweave.open, as shelve.open
    """A stored corpus: an SQLite file's path or an SQLAlchemy URL. The database is made when it
    does not exist (then :meth:`Corpus.ingest` fills it)."""
    from .store import open_store

    return Corpus(open_store(str(db)))


def process(articles: Iterable[str | Mapping[str, Any]]) -> Records:
    """Every record newsweave finds in ``articles`` (texts, or article rows as :meth:`Corpus.ingest`
    takes them), across them too (stories, entities, merged events), with no database kept: the
    work is done in a temporary one that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="newsweave-") as tmp, open(Path(tmp) / "run.db") as corpus:
        problems = corpus.ingest(articles)
        out = corpus.records()
    out.problems = problems
    return out


__all__ = ["Corpus", "Records", "RecordList", "open", "process", "DocumentRecord", "EntityRecord", "EventRecord",
           "QuoteRecord", "StoryRecord", "TimeRecord"]
