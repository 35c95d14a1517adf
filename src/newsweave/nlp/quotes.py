"""Direct quotations and who said them.

Quotation marks are paired within a paragraph: curly or straight, mixed (an opening “ closed by a
straight "), and a quotation cut off at the paragraph's end (an embedded post ending in "…").

A quotation is *said* (kept) when a reporting verb attributes it ("he said", "X says,", "wrote
... “due to unavoidable reasons”") and it has a verb or three words or more, or when it reads as
speech on its own (a verb and four words or more, or eight words or more). A short phrase without
a verb and without a reporting verb ("the “Dalit capital”"), or one introduced by "called",
"dubbed", ... is a term, not a quotation.

The speaker is the subject of the reporting verb in the text around the quotation (after the
closing mark: “...,” he said; before the opening mark: X says, “...”). A named subject is the
entity mention it is part of; "he"/"she" is the person the text is about (:mod:`.refer`); an
unnamed subject is kept as written ("a senior UP Congress leader"), and "the leader" later refers
back to it. A quotation with no attribution of its own, in the same paragraph or right after a
quoted paragraph, continues the previous speaker.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from .model import doc_text
from .refer import Referents

OPEN, CLOSE, STRAIGHT = "“", "”", '"'


@dataclass(slots=True)
class Quote:
    start: int  # offsets of the quoted words (without the marks) in doc.text
    end: int
    text: str
    speaker_start: int | None = None  # the speaker's mention in the text, when there is one
    speaker_end: int | None = None
    speaker_text: str | None = None  # as written ("a senior UP Congress leader", "Rai")
    cluster: int | None = None  # the speaker's cluster in the document (set by the linking stage)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    verbs: frozenset[str]
    term_cues: tuple[str, ...]
    pronouns: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = tomllib.loads(resources.files("newsweave").joinpath("data", "speech.toml").read_text(encoding="utf-8"))
    return _Lexicon(frozenset(data["verbs"]), tuple(data["term_cues"]), frozenset(data["pronouns"]))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each pair of quotation marks, paragraph by paragraph."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p0, ptext = para.start(), para.group(0)
        opened: int | None = None
        for m in re.finditer(r"[“”\"]", ptext):
            i, c = m.start(), m.group(0)
            before = ptext[i - 1] if i else " "
            after = ptext[i + 1] if i + 1 < len(ptext) else " "
            if opened is None:
                if c == OPEN or (c == STRAIGHT and (before.isspace() or before in "([—–-:,") and not after.isspace()):
                    opened = i + 1
            elif c in (CLOSE, STRAIGHT):
                if i > opened:
                    spans.append((p0 + opened, p0 + i))
                opened = None
            elif c == OPEN:  # an opening mark while one is open: the first was never closed
                opened = i + 1
        if opened is not None and len(ptext[opened:].split()) >= 3:
            spans.append((p0 + opened, p0 + len(ptext.rstrip())))  # cut off at the paragraph's end
    return spans


def _tokens_between(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _reporting_verbs(doc: Doc, q0: int, q1: int) -> list[Token]:
    """Reporting verbs outside the quotation, in its sentence(s): after it first, then before."""
    lex = lexicon()
    inside = _tokens_between(doc, q0, q1)
    if inside is None:
        return []
    first, last = inside[0], inside[-1]
    after = [t for t in last.sent if t.i > last.i and t.idx >= q1]
    before = [t for t in reversed(list(first.sent)) if t.i < first.i and t.idx < q0]
    return [t for t in after + before if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lex.verbs]


def _subject(verb: Token, q0: int, q1: int) -> Token | None:
    """The reporting verb's subject outside the quotation; of several, a person first, then the
    nearest to the verb ("Patna, Bihar: ... Verma says," -> Verma)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not (q0 <= c.idx < q1)]
    if subjects:
        return min(subjects, key=lambda c: (c.ent_type_ != "PERSON", abs(c.i - verb.i)))
    if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp") and verb.head.i != verb.i:
        return _subject(verb.head, q0, q1)
    return None


def _phrase(subj: Token, q0: int, q1: int) -> Span:
    """The subject's noun phrase, without an appositive or a clause after it ("Verma, the state
    president" -> "Verma"), and never reaching into the quotation."""
    doc = subj.doc
    left = subj.left_edge.i
    while doc[left].idx < q1 and doc[left].idx >= q0 or doc[left].is_punct:
        left += 1
        if left > subj.i:
            left = subj.i
            break
    right = subj.i
    for child in subj.rights:
        if child.dep_ in ("compound", "amod", "nummod", "flat") and child.i == right + 1:
            right = child.i
    return doc[left:right + 1]


def _is_term(text: str, q0: int) -> bool:
    lead = text[max(0, q0 - 30):q0 - 1].lower().rstrip()
    return any(lead.endswith(cue) for cue in lexicon().term_cues)


def find_quotes(doc: Doc) -> list[Quote]:
    lex = lexicon()
    quotes: list[Quote] = []
    prev: Quote | None = None
    text = doc_text(doc)
    spans = quote_spans(text)
    refer = Referents(doc, lambda idx: next(((a, b) for a, b in spans if a <= idx < b), None))
    for q0, q1 in spans:
        inner = _tokens_between(doc, q0, q1)
        if inner is None:
            continue
        words = [t for t in inner if not t.is_punct and not t.is_space]
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in words)
        verbs = _reporting_verbs(doc, q0, q1)
        if _is_term(text, q0):
            continue
        attributed = bool(verbs)
        if not ((attributed and (has_verb or len(words) >= 3)) or (has_verb and len(words) >= 4) or len(words) >= 8):
            continue  # a term in quotation marks, not something said
        quote = Quote(q0, q1, text[q0:q1])
        subj, verb = next(((s, v) for s, v in ((_subject(v, q0, q1), v) for v in verbs) if s is not None), (None, None))
        if subj is not None and subj.ent_type_ == "PLACE":  # a place does not speak: the person named before the verb does
            named = [e for e in doc.ents if e.label_ == "PERSON" and subj.i < e.start and e.end <= verb.i]
            subj = named[-1].root if named else subj
        if subj is not None:
            if subj.lower_ in lex.pronouns:
                person = refer.antecedent(subj)
                if person is not None:
                    quote.speaker_start, quote.speaker_end, quote.speaker_text = person.start_char, person.end_char, person.text
            else:
                ent = next((e for e in doc.ents if e.start <= subj.i < e.end and e.label_ in ("PERSON", "ORG", "PARTY", "MEDIA")), None)
                if ent is not None:
                    quote.speaker_start, quote.speaker_end, quote.speaker_text = ent.start_char, ent.end_char, ent.text
                else:
                    phrase = _phrase(subj, q0, q1)
                    quote.speaker_text = _refer_back(phrase, q0) or phrase.text
        elif prev is not None and _continues(text, prev, q0):
            quote.speaker_start, quote.speaker_end, quote.speaker_text = prev.speaker_start, prev.speaker_end, prev.speaker_text
        quotes.append(quote)
        prev = quote
    return quotes


def _refer_back(phrase: Span, before: int) -> str | None:
    """"the leader" refers back to the last "a senior PED leader" named before the quotation."""
    if phrase[0].lower_ not in ("the", "this", "that"):
        return None
    head = phrase[-1]
    for t in reversed(phrase.doc[: phrase.start]):
        if t.idx >= before or t.lemma_.lower() != head.lemma_.lower() or t.pos_ != "NOUN":
            continue
        earlier = phrase.doc[t.left_edge.i: t.i + 1]
        if earlier[0].lower_ in ("a", "an"):
            return earlier.text
    return None


def _continues(text: str, prev: Quote, q0: int) -> bool:
    """A quotation without attribution continues the previous one when it is in the same
    paragraph, or opens the next paragraph right after a paragraph that ended in that quotation."""
    between = text[prev.end:q0]
    if "\n" not in between:
        return True
    tail, _, rest = between.partition("\n")
    return not any(c.isalnum() for c in tail) and rest.strip() in ("", OPEN, STRAIGHT) and between.count("\n") <= 2
