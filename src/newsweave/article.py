"""The one typed object that flows through the pipeline: an :class:`Article`.

Readers create it (``source``, ``fmt``, ``raw``, maybe ``fields``); each stage fills in more
and declares what it needs and adds (see :mod:`newsweave.pipeline`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .chars import escape_surrogates, normalise_text

#: a field the store does not keep (``metadata=NOT_STORED``): parse objects, working flags
NOT_STORED = {"stored": False}

#: formats a reader hands to the pipeline
FORMATS = ("text", "html", "record")


def normalise_raw(raw: str) -> str:
    """The form of raw content that the document id hashes: NFC, no BOM, ``\\n`` line ends,
    no trailing spaces on a line, no blank lines at either end."""
    raw = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in raw.split("\n")).strip("\n")


def content_id(raw: str) -> str:
    """Stable document id: the first 16 hex digits of SHA-256 over the normalised raw content."""
    return hashlib.sha256(normalise_raw(raw).encode("utf-8")).hexdigest()[:16]


def line_key(text: str) -> str | None:
    """The key a line is counted under across articles (None for lines too short to judge)."""
    norm = re.sub(r"\W+", " ", text.lower()).strip()
    if len(norm.split()) < 2:
        return None
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class Line:
    """One logical line of a scraped text and what the cleaner made of it."""

    text: str
    index: int  # position among the document's logical lines
    label: str = "body"  # body | subhead | title | byline | dateinfo | breadcrumb | furniture | dateline
    reason: str | None = None  # why it was dropped or moved to metadata
    kept: str | None = None  # the part kept when a piece was cut (embed tail, dateline)
    prose: bool = False  # reads as article prose (set by the cleaner)

    @property
    def dropped(self) -> bool:
        return self.label not in ("body", "subhead")

    @property
    def content(self) -> str:
        """What the body keeps of this line."""
        return self.text if self.kept is None else self.kept


@dataclass(slots=True)
class Removal:
    """Text that cleaning took out of the body, and why."""

    text: str
    reason: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason, "line": self.line}


# -- what the NLP and linking stages add to an article (one module, so every layer can name them) --


@dataclass(slots=True)
class Mention:
    """A name in the text (a named entity the model or the knowledge base found)."""

    start: int  # character offsets into the document's text
    end: int
    text: str
    type: str  # an EntityType
    kb_id: str | None
    sent_start: int
    sent_end: int
    cluster: int = -1  # its cluster in the document (set by the linking stage)


@dataclass(slots=True)
class Cluster:
    """The mentions of one document that name one person, party, place or outlet."""

    index: int
    type: str  # an EntityType
    kb_id: str | None
    forms: Counter[str] = field(default_factory=Counter)  # written form -> mentions
    mentions: list[int] = field(default_factory=list, metadata=NOT_STORED)

    @property
    def name(self) -> str:
        """The fullest form used here (most words, then most often)."""
        return max(self.forms, key=lambda f: (len(f.split()), self.forms[f], -len(f))) if self.forms else ""

    @property
    def parts(self) -> list[str]:
        return self.name.split()


@dataclass(slots=True)
class Quote:
    """Quoted words and, when the text tells it, who said them."""

    start: int  # offsets of the quoted words (without the marks) in the text
    end: int
    text: str
    speaker_start: int | None = field(default=None, metadata=NOT_STORED)  # the speaker's mention, if any
    speaker_end: int | None = field(default=None, metadata=NOT_STORED)
    speaker_text: str | None = None  # as written ("a senior UP Congress leader", "Rai")
    cluster: int | None = None  # the speaker's cluster in the document (set by the linking stage)


@dataclass(slots=True)
class TimeExpr:
    """A time expression and its value against the publication date (TIMEX3)."""

    start: int  # character offsets into the text
    end: int
    text: str  # the expression as written
    type: str  # TIMEX3 type: DATE, TIME, DURATION or SET
    value: str | None  # TIMEX3 value


@dataclass(slots=True)
class Event:
    """A political event one sentence tells."""

    type: str  # an EventType
    trigger: str
    sent_start: int
    sent_end: int
    evidence: str
    actor_start: int | None = field(default=None, metadata=NOT_STORED)  # the actor's mention in the text
    actor_text: str | None = None  # as written; the group for an unnamed actor
    party_start: int | None = field(default=None, metadata=NOT_STORED)
    party_text: str | None = None
    post: str | None = None  # appointed / resigned_post
    date: str | None = None
    date_text: str | None = None
    place_start: int | None = field(default=None, metadata=NOT_STORED)
    place_text: str | None = None
    followers: int | None = None
    approx: bool = False
    modality: str = "asserted"  # a Modality
    attribution: list[str] = field(default_factory=list)
    actor_tok: Any = field(default=None, metadata=NOT_STORED)  # the parse token of the actor
    actor_group: bool = field(default=False, metadata=NOT_STORED)  # an unnamed group as written ("six BSP MLAs")
    # set by the linking stage
    actor_cluster: int | None = None
    party_cluster: int | None = None
    place_cluster: int | None = None


@dataclass(slots=True)
class Article:
    """One article on its way from raw input to a stored document."""

    source: str  # file path relative to the ingest root, URL, or ``<path>#<id>`` for a dump row
    fmt: str  # one of FORMATS
    raw: str  # raw content as decoded text (a dump row: its JSON), cleaned by newsweave.chars.normalise_text
    doc_id: str = ""
    encoding: str | None = None  # what the bytes were decoded from
    url: str | None = None
    # filled by the stages
    lines: list[Line] = field(default_factory=list)
    outlet: str | None = None
    outlet_evidence: str | None = None  # how the outlet was found
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    dateline: str | None = None
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # other fields of a dump row, HTML metadata
    removed: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    language: str | None = None  # ISO 639-1 code of the body's language ("en", "hi"); None: not told
    unread: str | None = field(default=None, metadata=NOT_STORED)  # why the English stages leave it out, if they do
    # filled by the NLP and linking stages
    doc: Any = None  # the spaCy Doc of ``text`` (not stored)
    mentions: list[Mention] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)  # with .cluster set when the speaker is named
    times: list[TimeExpr] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # with clusters set
    signature: bytes | None = None  # MinHash of the text, for near-duplicates (link.dedup)
    terms: dict[str, float] = field(default_factory=dict)  # content words, for stories (link.stories)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}; expected one of {FORMATS}")
        # the door: every article's text cleaned once, whatever read it (newsweave.chars)
        self.source = escape_surrogates(self.source)
        self.raw = normalise_text(self.raw)
        if not self.doc_id:
            self.doc_id = content_id(self.raw)
