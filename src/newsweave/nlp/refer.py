"""Who a pronoun is: the person the text is about, not the last name written.

"He" or "she" is the subject of an earlier clause of its sentence, else of the nearest of the few
sentences before it that has a person for subject (centering: a text keeps its subject in view),
else the last person named. Subjects inside quotations do not count (the speaker of a quotation is
not the person the quotation is about) — except for a pronoun inside a quotation, which is first
a subject earlier in that same quotation ("I am glad that X has returned ... He has joined": X),
and never the quotation's speaker. Of a whole sentence, the main clause's subject comes first; a
"he" or a description ("the Dover MP") that is a sentence's subject stands for whom it stood for
there; what the pronoun's own clause says its person did ("he said after joining the party") picks
the one the text told doing it. Events and quotations resolve their pronouns here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc, Span, Token

from .text import doc_ents, span_ents

BACK = 3  # sentences looked back for a subject


class Referents:
    def __init__(self, doc: Doc, inside_quote: Callable[[int], Any] = lambda idx: None,
                 speaker_of: Callable[[Any], str | None] = lambda quote: None,
                 person_nouns: frozenset[str] = frozenset()):
        """``inside_quote(char offset)`` is the quotation there (any value, None outside one);
        ``speaker_of(quotation)`` the name of who said it; ``person_nouns`` the nouns
        of a description of one person ("the Dover MP crossed the floor. / She said": the MP's)."""
        self.person_nouns = person_nouns
        self.doc = doc
        self.inside_quote = inside_quote
        self.speaker_of = speaker_of
        self.ent_of: dict[int, Span] = {t.i: e for e in doc_ents(doc) for t in e}
        self.sents = list(doc.sents)
        self._index = {sent.start: n for n, sent in enumerate(self.sents)}
        self._cache: dict[int, Span | None] = {}
        self.known: dict[int, Span] = {}  # pronouns already resolved (a quotation's "he said"), by token

    def person(self, tok: Token) -> Span | None:
        """The person a token names: its entity (a capitalised one), else (a surname the model left
        untagged or took for an organisation, "Qureshi wrote") the last person named before it whose
        full name ends in that word."""
        e = self.ent_of.get(tok.i)
        if e is not None and e.label_ == "PERSON":
            return e if is_name(e) else None  # "ghar vapsi" is no name
        if e is not None and (len(e) > 1 or e.label_ == "PARTY"):
            return None
        if tok.pos_ not in ("PROPN", "NOUN", "ADJ") or not tok.text[:1].isupper() or not tok.is_alpha:
            return None
        # a surname of someone named before, untagged, mistagged ("Sawant later met", an adjective to
        # the parser) or taken for an organisation ("Tanwar appeared")
        return next((e for e in reversed(doc_ents(self.doc)) if e.label_ == "PERSON" and e.end <= tok.i
                     and e[-1].text == tok.text and is_name(e)), None)

    def named(self, tok: Token) -> Span | None:
        """The person a token names (:meth:`person`), else the one its compound words name
        ("Kumari" of "Meena Kumari" where the name found is "Meena") or its apposition does ("The Lib
        Dem leader, Jo Swinson")."""
        e = self.person(tok)
        if e is not None:
            return e
        return next((p for c in reversed(list(tok.lefts)) if c.dep_ == "compound"
                     and (p := self.ent_of.get(c.i)) is not None and p.label_ == "PERSON" and is_name(p)), None) or next(
            (p for c in tok.rights if c.dep_ == "appos"  # "The Lib Dem leader, Jo Swinson, said"
             and (p := self.ent_of.get(c.i)) is not None and p.label_ == "PERSON" and is_name(p)), None)

    def subject_person(self, sent: Span, before: int | None = None, quote: Any = None,
                       not_named: str | None = None, depth: int = 0) -> Span | None:
        """The person who is the subject of a clause of ``sent``, outside quotations (or inside
        ``quote`` only), other than one named ``not_named``: before token ``before``, the last one
        (the clause nearest the pronoun); in a whole sentence, the subject of its main clause first
        ("X said he was glad Y had come": X)."""
        found: list[tuple[int, Span]] = []
        for t in sent:
            if before is not None and t.i >= before:
                break
            if t.dep_ in ("nsubj", "nsubjpass") and self.inside_quote(t.idx) == quote:
                e = self.known.get(t.i) or self.named(t)
                if e is None and quote is None and depth < 2 and (
                        t.lower_ in ("he", "she") or describes_person(t, self.person_nouns)):
                    e = self._resolved(t, depth + 1)  # "He said ... / He added": the one "he" was
                if e is not None and not _same_person(e.text, not_named):
                    found.append((_depth(t), e))
        if not found:
            return None
        if before is not None:
            return found[-1][1]
        top = min(d for d, _ in found)
        return [e for d, e in found if d == top][-1]

    def antecedent(self, tok: Token, acts: frozenset[str] = frozenset(), besides: str | None = None) -> Span | None:
        """The person ``tok`` ("he", "she", a description) stands for. ``acts``: lemmas of what the pronoun's own clause says its person did
        ("he said after joining the party"): the last person told doing that before is the one."""
        if acts:
            doers = [e for v in self.doc[:tok.i] if v.pos_ == "VERB" and v.lemma_.lower() in acts
                     and self.inside_quote(v.idx) is None and (t := _subject_of(v)) is not None
                     and (e := self.named(t)) is not None]
            if doers:
                return doers[-1]
        quote = self.inside_quote(tok.idx)
        # outside a quotation, ``besides`` is left out as the speaker is inside one: "X expelled him" is not X
        speaker = self.speaker_of(quote) if quote is not None else besides
        n = self._index.get(tok.sent.start, 0)
        if quote is not None:  # "... that X has returned to the BJP. He has now joined": X
            window = [(tok.sent, tok.i)] + [(prev, None) for prev in reversed(self.sents[max(0, n - BACK):n])]
            for sent, before in window:
                e = self.subject_person(sent, before, quote, speaker)
                if e is not None:
                    return e
                named = [e for e in span_ents(sent) if e.label_ == "PERSON" and is_name(e) and e.end_char <= tok.idx
                         and self.inside_quote(e.start_char) is quote and not _same_person(e.text, speaker)]
                if named:  # "... under the leadership of X. But since the PM appointed him ...": X
                    return named[-1]
        window = [(tok.sent, tok.i)] + [(prev, None) for prev in self._told_before(n)]
        found = [e for sent, before in window if (e := self.subject_person(sent, before, None, speaker)) is not None]
        if found:
            return found[0]
        people = [e for e in doc_ents(self.doc) if e.label_ == "PERSON" and e.end_char <= tok.idx and is_name(e)
                  and not _same_person(e.text, speaker) and (quote is not None or self.inside_quote(e.start_char) is None)]
        return people[-1] if people else None

    def _resolved(self, tok: Token, depth: int) -> Span | None:
        """The subject person a subject pronoun outside quotations stands for, looking back."""
        if tok.i not in self._cache:
            self._cache[tok.i] = None  # no cycles
            n = self._index.get(tok.sent.start, 0)
            window = [(tok.sent, tok.i)] + [(prev, None) for prev in self._told_before(n)]
            self._cache[tok.i] = next((e for sent, before in window
                                       if (e := self.subject_person(sent, before, None, None, depth)) is not None), None)
        return self._cache[tok.i]

    def _told_before(self, n: int) -> list[Span]:
        """Up to BACK sentences before sentence ``n`` that are not wholly inside a quotation."""
        out: list[Span] = []
        for prev in reversed(self.sents[:n]):
            words = [t for t in prev if not t.is_punct and not t.is_space]
            if not words or all(self.inside_quote(t.idx) is not None for t in words):
                continue
            out.append(prev)
            if len(out) == BACK:
                break
        return out


def _subject_of(verb: Token) -> Token | None:
    """The subject of a verb, or of the verb it is conjoined to ("resigned ... and joined")."""
    while True:
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None or verb.dep_ != "conj" or verb.head.i == verb.i:
            return subj if subj is not None else name_before(verb)
        verb = verb.head


def name_before(verb: Token) -> Token | None:
    """A main verb the parser left without a subject, right after a person's name ("MLA X Y Monday
    quit the party": the name was hung elsewhere): the name's last word, past a date between."""
    if verb.dep_ != "ROOT" or verb.pos_ != "VERB":
        return None
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].ent_type_ in ("DATE", "TIME"):
        i -= 1
    t = verb.doc[i] if i >= verb.sent.start else None
    return t if t is not None and t.ent_type_ == "PERSON" and t.i < verb.i else None


def subject_of_next(tok: Token) -> bool:
    """The name ending at ``tok`` is the subject of the subjectless main verb after it, whatever
    the parse hung it on ("A, B and C, party spokesman D said": D says, D is no item of the list)."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and not any(c.dep_ in ("nsubj", "nsubjpass") for c in nxt.children) \
        and (before := name_before(nxt)) is not None and before.i == tok.i


def _depth(tok: Token) -> int:
    n = 0
    while tok.head.i != tok.i and n < 50:
        tok, n = tok.head, n + 1
    return n


def is_plural(tok: Token) -> bool:
    """A plural noun, including an acronym's plural the tagger reads as singular ("MLAs")."""
    return tok.tag_ in ("NNS", "NNPS") or "Plur" in tok.morph.get("Number", None) or (
        tok.text[:-1].isupper() and tok.text.endswith("s"))


def describes_person(tok: Token, nouns: frozenset[str]) -> bool:
    """A definite description of one person ("the 63-year-old leader", "the MP", "the Dover MP",
    "the MP for Bracknell", "the former-cricketer-turned politician"): a singular noun of ``nouns``
    after "the" that names no one and belongs to no one ("the leader of X", "the party's leader",
    "the leader, X"); a seat it stands for is no owner."""
    if tok.pos_ not in ("NOUN", "PROPN") or is_plural(tok) or tok.lemma_.lower() not in nouns:
        return False
    if tok.ent_type_ == "PERSON" or not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return False
    return not any((c.dep_ in ("prep", "poss", "appos", "relcl", "acl") and not _seat(c)
                    and not (c.dep_ == "appos" and c.ent_type_ == "PLACE")) or c.ent_type_ == "PERSON"
                   for c in tok.children)


def _seat(prep: Token) -> bool:
    """"for Bracknell", "from Kotdwar": a place after an office is its seat."""
    return prep.dep_ == "prep" and prep.lower_ in ("for", "from") and any(
        g.dep_ == "pobj" and g.ent_type_ == "PLACE" for g in prep.children)


def same_party(x: Span, y: Span) -> bool:
    """Two mentions of one party: the same knowledge-base entry, else words that tell so — equal,
    one the other's initials ("BJP"), or one ending the other ("Congress" of "Goa Congress")."""
    if x.kb_id_ and y.kb_id_:
        return x.kb_id_ == y.kb_id_
    a, b = x.text.lower().removeprefix("the "), y.text.lower().removeprefix("the ")
    initials = "".join(w[0] for w in a.split()), "".join(w[0] for w in b.split())
    return a == b or initials[0] == b or initials[1] == a or a.endswith(" " + b) or b.endswith(" " + a)


def is_name(e: Span) -> bool:
    """A person's name has a capital letter ("ghar vapsi" tagged PERSON in a Hindi phrase has none)."""
    return any(w.text[:1].isupper() for w in e)


def _same_person(name: str, other: str | None) -> bool:
    """Two names of one person as far as a pronoun can tell: equal, or one's last word is the other's."""
    if not other:
        return False
    a, b = name.split(), other.split()
    return name == other or (bool(a) and bool(b) and a[-1] == b[-1])
