"""A parsed document's text and entities, computed once."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH, LIKE_NUM, POS, SENT_START
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, Span


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document (spaCy joins every token's text on each call)."""
    text = doc.user_data.get("newsweave_text")
    if text is None:
        text = doc.user_data["newsweave_text"] = doc.text
    return text


def tokens_text(doc: Doc, lo: int, hi: int) -> str:
    """``doc[lo:hi].text``, cut from the document's text by the tokens' offsets (read once per
    document) instead of joining a span's tokens, each built as a Python object."""
    if not 0 <= lo < hi <= len(doc):
        return doc[lo:hi].text  # spaCy's own slicing (negative and empty slices)
    bounds = _bounds(doc)
    return doc_text(doc)[bounds[0][lo]:bounds[1][hi - 1]]


def _bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Each token's first and past-last character offsets, read once per document."""
    bounds = doc.user_data.get("newsweave_bounds")
    if bounds is None:
        arr = doc.to_array([IDX, LENGTH])
        bounds = doc.user_data["newsweave_bounds"] = (arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist())
    return bounds


@dataclass(slots=True, frozen=True)
class Words:
    """A parsed document's tokens as plain lists, index ``i`` for ``doc[i]``, read once: the
    entity component reads every token several times, and each read through ``doc[i]`` builds a
    token object. Only what the parse does not change afterwards."""

    text: list[str]
    lower: list[str]  # ``Token.lower_``
    pos: list[str]  # ``Token.pos_``
    like_num: list[bool]
    sent_start: list[bool]  # ``Token.is_sent_start`` (True, or falsy)
    sent_first: list[int]  # the first token of ``doc[i].sent``
    sent_end: list[int]  # the end of ``doc[i].sent``

    def sentence(self, i: int) -> tuple[int, int]:
        """The start and end of the sentence holding token ``i`` (``doc[i].sent``)."""
        return self.sent_first[i], self.sent_end[i]


def words(doc: Doc) -> Words:
    """The document's :class:`Words`, read once per document."""
    got = doc.user_data.get("newsweave_words")
    if got is None:
        text = doc_text(doc)
        texts = [text[a:b] for a, b in zip(*_bounds(doc))]
        arr = doc.to_array([POS, LIKE_NUM, SENT_START]).tolist()
        starts = [row[2] == 1 for row in arr]
        first, cur = [], 0
        for i, st in enumerate(starts):
            if st:
                cur = i
            first.append(cur)
        end, cur = [0] * len(starts), len(starts)
        for i in range(len(starts) - 1, -1, -1):
            end[i] = cur
            if starts[i]:
                cur = i
        got = doc.user_data["newsweave_words"] = Words(
            texts, [t.lower() for t in texts], [POS_NAMES[row[0]] for row in arr], [row[1] == 1 for row in arr],
            starts, first, end)
    return got


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, computed once per parsed document (spaCy builds every entity's span on each
    call). Only for a finished parse: the entity components set ``doc.ents`` and drop this."""
    ents = doc.user_data.get("newsweave_ents")
    if ents is None:
        ents = doc.user_data["newsweave_ents"] = tuple(doc.ents)
        doc.user_data["newsweave_ent_starts"] = [e.start for e in ents]
    return ents


def span_ents(span: Span) -> list[Span]:
    """``span.ents`` (the entities wholly inside ``span``), found by bisection instead of going
    through every entity of the document."""
    ents = doc_ents(span.doc)
    k = bisect_left(span.doc.user_data["newsweave_ent_starts"], span.start)
    out = []
    for e in ents[k:]:
        if e.end > span.end:
            break
        out.append(e)
    return out


#: the caches a pipeline component keeps in ``doc.user_data`` while it works
COMPONENT_CACHES = ("newsweave_ents", "newsweave_ent_starts", "newsweave_lower_words", "newsweave_text",
                    "newsweave_bounds", "newsweave_words")


def forget_caches(doc: Doc) -> None:
    """Drop the components' caches once the model is done with a document: they hold spans and
    sets, which spaCy cannot serialise when it hands the document from a worker process back
    (``nlp.pipe(n_process=2)``), and the text and entities read later are the finished ones."""
    for key in COMPONENT_CACHES:
        doc.user_data.pop(key, None)
