"""A long text read in pieces: the model parses at most :data:`PIECE_CHARS` characters at a time.

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters), and its parser and entity
recogniser need memory in proportion to the text parsed at once; newsweave's own passes over a
parse are cheapest on a short one. So an article longer than ``PIECE_CHARS`` is cut into pieces
at paragraph breaks (a paragraph longer than a piece at a sentence end, else at a space, else
anywhere), each piece is parsed and read for mentions, quotes, times and events alone, and the
offsets of what was found are moved by the piece's start: the article stays one document, every
offset into its whole text. What crosses a cut is lost (a quotation running over it, "he" whose
antecedent is in the piece before); paragraph breaks make that rare.

Every article shorter than a piece is parsed whole, as before.
"""

from __future__ import annotations

import re
from collections import deque

from ..article import Event, Mention, Quote, TimeExpr

#: the most characters the model parses at once (well under spaCy's nlp.max_length)
PIECE_CHARS = 50_000
#: pieces of long articles parsed together in one batch at most (memory grows with the text in a batch)
PIECE_BATCH_CHARS = 100_000

_PARAGRAPH_END = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*\s+""")
_SPACE = re.compile(r"\s+")


def split_text(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """``text`` as (start, piece) pairs, in order, the pieces joined giving ``text`` back; each
    piece at most ``limit`` characters (default :data:`PIECE_CHARS`), cut after a paragraph break
    when one is in reach, else after a sentence end, else after a space, else at the limit."""
    limit = limit or PIECE_CHARS
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut(text, start, start + limit)
        out.append((start, text[start:cut]))
        start = cut
    if start < len(text):
        out.append((start, text[start:]))
    return out


def _cut(text: str, lo: int, hi: int) -> int:
    """Where the piece from ``lo`` ends, at ``hi`` at the latest: after the last paragraph break
    before it, else after the last sentence end, else after the last space, else at ``hi``."""
    window = text[lo:hi]
    for pattern in (_PARAGRAPH_END, _SENTENCE_END, _SPACE):
        last = deque(pattern.finditer(window), maxlen=1)
        if last:
            return lo + last[0].end()
    return hi


def shift_mention(m: Mention, by: int) -> Mention:
    m.start, m.end, m.sent_start, m.sent_end = m.start + by, m.end + by, m.sent_start + by, m.sent_end + by
    return m


def shift_quote(q: Quote, by: int) -> Quote:
    q.start, q.end = q.start + by, q.end + by
    if q.speaker_start is not None:
        q.speaker_start += by
    if q.speaker_end is not None:
        q.speaker_end += by
    return q


def shift_time(t: TimeExpr, by: int) -> TimeExpr:
    t.start, t.end = t.start + by, t.end + by
    return t


def shift_event(ev: Event, by: int) -> Event:
    ev.sent_start, ev.sent_end = ev.sent_start + by, ev.sent_end + by
    if ev.actor_start is not None:
        ev.actor_start += by
    if ev.party_start is not None:
        ev.party_start += by
    if ev.place_start is not None:
        ev.place_start += by
    return ev


def batches(texts: list[str], budget: int | None = None) -> list[list[str]]:
    """``texts`` in order, grouped so that no group holds more than ``budget`` characters (default
    :data:`PIECE_BATCH_CHARS`) unless it is a single text."""
    budget = budget or PIECE_BATCH_CHARS
    out: list[list[str]] = []
    size = 0
    for t in texts:
        if not out or size + len(t) > budget:
            out.append([])
            size = 0
        out[-1].append(t)
        size += len(t)
    return out
