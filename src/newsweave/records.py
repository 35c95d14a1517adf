"""What newsweave gives out: typed records, one class per kind of newsweave records v1
(docs/schema.md), each with :meth:`Record.as_dict` for JSON.

Fields come in the format's order: the fields the format requires first (``SCHEMA``), then the
extra ones it allows (``EXTRA``; an extra marked ``omit_empty`` is left out when empty). Fields
marked ``INTERNAL`` travel with a record between stages (an event's documents, for its story) and
are never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

EXTRA = {"extra": True}
OMIT_EMPTY = {"extra": True, "omit_empty": True}
INTERNAL = {"internal": True}


@dataclass(slots=True, kw_only=True)
class Record:
    kind: ClassVar[str]

    def as_dict(self) -> dict[str, Any]:
        """The record as written: ``kind`` first, then its fields in order (internal ones left out)."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            if f.metadata.get("internal"):
                continue
            value = getattr(self, f.name)
            if f.metadata.get("omit_empty") and not value:
                continue
            out[f.name] = value
        return out

    @classmethod
    def schema_fields(cls) -> tuple[str, ...]:
        """The fields the format requires of this kind, in its order."""
        return tuple(f.name for f in fields(cls) if not f.metadata.get("extra") and not f.metadata.get("internal"))

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """Every field written (required and extra), in order."""
        return tuple(f.name for f in fields(cls) if not f.metadata.get("internal"))


@dataclass(slots=True, kw_only=True)
class DocumentRecord(Record):
    kind: ClassVar[str] = "document"
    doc_id: str
    source: str
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    dateline: str | None = None
    text: str = ""
    url: str | None = field(default=None, metadata=EXTRA)
    copy_of: str | None = field(default=None, metadata=EXTRA)  # the original of a syndicated copy or light rewrite
    language: str | None = field(default=None, metadata=EXTRA)  # ISO 639-1 of the text; None: not known


@dataclass(slots=True, kw_only=True)
class EntityRecord(Record):
    kind: ClassVar[str] = "entity"
    entity_id: str
    type: str  # an EntityType
    name: str
    aliases: list[str] = field(default_factory=list)
    kb_id: str | None = None
    doc_ids: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class QuoteRecord(Record):
    kind: ClassVar[str] = "quote"
    quote_id: str
    doc_id: str
    text: str
    speaker: str | None = None  # entity id
    speaker_name: str | None = None
    speaker_as_written: str | None = field(default=None, metadata=EXTRA)
    start: int = field(default=0, metadata=EXTRA)
    end: int = field(default=0, metadata=EXTRA)


@dataclass(slots=True, kw_only=True)
class StoryRecord(Record):
    kind: ClassVar[str] = "story"
    story_id: str
    title: str
    doc_ids: list[str] = field(default_factory=list)  # first report first
    outlets: list[str] = field(default_factory=list)
    published: str | None = field(default=None, metadata=EXTRA)  # the first report's publication time


@dataclass(slots=True, kw_only=True)
class TimeRecord(Record):
    kind: ClassVar[str] = "time"
    doc_id: str
    start: int
    end: int
    text: str
    type: str  # TIMEX3 type
    value: str | None = None


@dataclass(slots=True, kw_only=True)
class EventRecord(Record):
    """One real-world event, merged from every document that reports it."""

    kind: ClassVar[str] = "event"
    event_id: str
    story_id: str | None = None
    type: str  # an EventType
    actor: str | None = None  # entity id
    actor_name: str | None = None
    party: str | None = None
    party_name: str | None = None
    date: str | None = None
    place: str | None = None
    followers: int | None = None
    followers_reported: list[dict[str, Any]] = field(default_factory=list)  # {value, approx, doc_ids}
    modality: str = "asserted"  # a Modality
    attribution: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # {doc_id, outlet, evidence, copy_of}
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # {field, values: [{value, doc_ids}]}
    single_source: bool = field(default=False, metadata=EXTRA)
    independent_sources: int = field(default=0, metadata=EXTRA)
    post: str | None = field(default=None, metadata=OMIT_EMPTY)  # appointed / resigned_post
    doc_ids: list[str] = field(default_factory=list, metadata=INTERNAL)  # the documents behind it, sorted


#: every kind, in export order
RECORD_TYPES: tuple[type[Record], ...] = (DocumentRecord, StoryRecord, EntityRecord, EventRecord, TimeRecord,
                                          QuoteRecord)
KINDS = tuple(r.kind for r in RECORD_TYPES)
#: the fields newsweave records v1 requires, per kind, in its order
SCHEMA_FIELDS: dict[str, tuple[str, ...]] = {r.kind: r.schema_fields() for r in RECORD_TYPES}
