"""Direct quotations and who said them.

Quotation marks are paired within a paragraph: curly or straight, mixed (an opening “ closed by a
straight "), a quotation cut off at the paragraph's end (an embedded post ending in "…"), and
single marks (‘...’, '...') told from apostrophes by what stands around them.

A quotation is *said* (kept) when a reporting verb attributes it ("he said", "X says,", "wrote
... “due to unavoidable reasons”") and it has a verb or three words or more, or when it reads as
speech on its own (a verb and four words or more, or eight words or more), or when it is a short
phrase in a clause whose subject is a person ("Patel joined the BJP to begin a “new chapter”";
one word needs a reporting verb: "described him as “immature”"). A name in quotation marks (all
words capitalised), a word that modifies the noun after it ("'anti-party' activities"), a phrase
introduced by "called", "dubbed", "the principle of", ... is a term, not a quotation.

The speaker is the subject of the reporting verb in the text around the quotation (after the
closing mark: “...,” he said — or in the next sentence after a question: “...?” Nath said; before
the opening mark: X says, “...”). A named subject is the entity mention it is part of;
"he"/"she" and a description ("the former-cricketer-turned politician wrote") are the person
the text is about (:mod:`.refer`; a person named once in passing yields to the figure in view);
"his tweet read" is his; an agency that reports ("..., PTI reported") is the source, not the
speaker; "it was announced" names no one; an unnamed subject is kept as written ("a senior UP
Congress leader"), and "the leader" later refers back to it. A quotation with no attribution of
its own continues the previous speaker in the same paragraph or right after a quoted paragraph,
or is the speaker's whose reported speech ends the paragraph before ("X said he was not under
pressure. / “I am joining ...”").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..article import Quote
from ..resources import data_toml, per_settings
from .refer import Referents, describes_person, is_plural, name_before
from .text import doc_ents, doc_text

OPEN, CLOSE, STRAIGHT = "“", "”", '"'


@dataclass(frozen=True, slots=True)
class _Lexicon:
    verbs: frozenset[str]
    term_cues: tuple[str, ...]
    pronouns: frozenset[str]
    people: frozenset[str]
    messages: frozenset[str]


@per_settings
def lexicon() -> _Lexicon:
    data = data_toml("speech.toml")
    return _Lexicon(frozenset(data["verbs"]), tuple(data["term_cues"]), frozenset(data["pronouns"]),
                    frozenset(data["people"]), frozenset(data["messages"]))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each pair of quotation marks, paragraph by paragraph (double
    marks, then single ones not inside them)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p0, ptext = para.start(), para.group(0)
        opened: int | None = None
        for i, c, before, after in _marks(ptext, r"[“”\"]"):
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
        spans += [(p0 + a, p0 + b) for a, b in _single_quoted(ptext)
                  if not any(x <= p0 + a < y for x, y in spans)]  # not nested in a double-quoted one
    return sorted(spans)


def _marks(ptext: str, pattern: str) -> Iterator[tuple[int, str, str, str]]:
    """(offset, mark, character before, character after) of each quotation mark in a paragraph."""
    for m in re.finditer(pattern, ptext):
        i = m.start()
        yield i, m.group(0), ptext[i - 1] if i else " ", ptext[i + 1] if i + 1 < len(ptext) else " "


def _single_quoted(ptext: str) -> list[tuple[int, int]]:
    """Words in single quotation marks (‘...’ or '...'), told from apostrophes ("Modi's", "players'
    union") by what stands around the marks: an opening mark after a space or bracket and before a
    letter, a closing mark after a letter or stop and before a space or stop. One opened at the
    paragraph's start or after a colon and never closed runs to the paragraph's end."""
    out: list[tuple[int, int]] = []
    opened: int | None = None
    for i, c, before, after in _marks(ptext, r"[‘’']"):
        if opened is None:
            if c in "‘'" and (before.isspace() or before in "([—–-:,") and after.isalnum():
                opened = i + 1
        elif c in "’'" and (before.isalnum() or before in ".,!?") and (after.isspace() or after in ".,;:!?)—–"):
            if i > opened:
                out.append((opened, i))
            opened = None
    if opened is not None and (opened == 1 or ptext[:opened - 1].rstrip().endswith(":")) \
            and len(ptext[opened:].split()) >= 3:
        out.append((opened, len(ptext.rstrip())))  # a quotation going on into the next paragraph
    return out


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
    end = last.sent.end
    if not [t for t in after if not t.is_punct] and end < len(doc) and "\n" not in doc_text(doc)[q1:doc[end].idx]:
        after = list(doc[end].sent)  # "... so excited?" Nath said: the attribution is the next sentence
    before = [t for t in reversed(list(first.sent)) if t.i < first.i and t.idx < q0]
    return [t for t in after + before if (t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT") and t.lemma_.lower() in lex.verbs]


def _subject(verb: Token, q0: int, q1: int) -> Token | None:
    """The reporting verb's subject outside the quotation; of several, a person first, then the
    nearest to the verb ("Patna, Bihar: ... Verma says," -> Verma)."""
    # a passive's subject is what was said ("The letter was tweeted"), except "X was quoted as saying"
    deps = ("nsubj", "nsubjpass") if verb.lemma_.lower() == "quote" else ("nsubj",)
    subjects = [c for c in verb.children if c.dep_ in deps and not (q0 <= c.idx < q1)]
    if subjects:
        return min(subjects, key=lambda c: (c.ent_type_ != "PERSON", abs(c.i - verb.i)))
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # "... and it was announced that": a verb with a subject of its own names no speaker
    if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp") and verb.head.i != verb.i:
        return _subject(verb.head, q0, q1)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # "Dubey was quoted as saying"
        return _subject(verb.head.head, q0, q1)
    return name_before(verb)  # "In a letter to the Prime Minister Wakeford said": a parse without subject


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
    quotes: list[Quote] = []
    prev: Quote | None = None
    text = doc_text(doc)
    spans = quote_spans(text)
    refer = Referents(doc, lambda idx: next(((a, b) for a, b in spans if a <= idx < b), None),
                      person_nouns=lexicon().people)
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
        quote = Quote(q0, q1, text[q0:q1])
        found = [(s, v) for s, v in ((_subject(v, q0, q1), v) for v in verbs) if s is not None]
        # "X assured ... that he will get "due respect", PTI reported": the agency is the source, X the speaker
        subj, verb = next((sv for sv in found if not _agency(*sv)), found[0] if found else (None, None))
        if len(words) < 5 and _is_name_or_modifier(doc, inner, q1, words):
            continue  # "'Parivartan Maha Rally'", "a 'Get out Modi' campaign", "'anti-party' activities"
        if not ((attributed and (has_verb or len(words) >= 3)) or (has_verb and len(words) >= 4) or len(words) >= 8):
            subj = _phrase_owner(doc, inner, q0, q1, words)  # "Patel joined the BJP to begin a “new chapter”"
            if subj is None:
                continue  # a term in quotation marks, not something said
        if subj is not None and subj.ent_type_ == "PLACE" and verb is not None:  # a place does not speak
            named = [e for e in doc_ents(doc) if e.label_ == "PERSON" and subj.i < e.start and e.end <= verb.i]
            subj = named[-1].root if named else subj
        if subj is not None:
            _set_speaker(quote, doc, refer, subj, q0, q1)
        elif prev is not None and _continues(text, prev, q0):
            quote.speaker_start, quote.speaker_end, quote.speaker_text = prev.speaker_start, prev.speaker_end, prev.speaker_text
        else:
            # "Sabariya said he was not under pressure. / “I am ...”", else, with no reporting verb,
            # the person whose clause it sits in ("X has defected, hitting out at the ‘broken ...’")
            said = _reported_before(doc, text, q0, q1) or (
                None if attributed else _phrase_owner(doc, inner, q0, q1, words))
            if said is not None:
                _set_speaker(quote, doc, refer, said, q0, q1)
        quotes.append(quote)
        prev = quote
    return quotes


def _agency(subj: Token, verb: Token) -> bool:
    """An outlet or agency that reports ("..., PTI reported") is the source, not the speaker."""
    return subj.ent_type_ == "MEDIA" or (subj.ent_type_ == "ORG" and verb.lemma_.lower() == "report")


def _set_speaker(quote: Quote, doc: Doc, refer: Referents, subj: Token, q0: int, q1: int) -> None:
    """The speaker for subject ``subj``: a pronoun's or a description's person ("he", "the
    former-cricketer-turned politician"), a name's entity, else the phrase as written."""
    lex = lexicon()
    person = None
    if subj.tag_ in ("WDT", "WP") and subj.head.dep_ == "relcl":
        subj = subj.head.head  # "his first tweet which read: “...”"
    if subj.lemma_.lower() in lex.messages:  # "his tweet read", "Sidhu's letter said": its writer
        owner = next((c for c in subj.children if c.dep_ == "poss"), None)
        if owner is not None:
            subj = owner
    if subj.lower_ in lex.pronouns:
        person = refer.antecedent(subj, acts=reported_acts(subj.head))
        if person is None:
            return
        refer.known[subj.i] = person
    elif describes_person(subj, lex.people):
        person = refer.antecedent(subj)
        back = _refer_back(_phrase(subj, q0, q1), q0)
        if back is not None and (person is None or back[1] > person.start_char):
            quote.speaker_text = back[0]  # "One Labour MP said ... / The MP said": that MP, unnamed
            return
    if person is not None:
        quote.speaker_start, quote.speaker_end, quote.speaker_text = person.start_char, person.end_char, person.text
        return
    ent = next((e for e in doc_ents(doc) if e.start <= subj.i < e.end and e.label_ in ("PERSON", "ORG", "PARTY", "MEDIA")), None)
    if ent is not None:
        quote.speaker_start, quote.speaker_end, quote.speaker_text = ent.start_char, ent.end_char, ent.text
    else:
        phrase = _phrase(subj, q0, q1)
        back = _refer_back(phrase, q0)
        quote.speaker_text = back[0] if back else phrase.text


def reported_acts(verb: Token) -> frozenset[str]:
    """What the reporting clause says its subject did: "he said after joining the party" (join),
    "she said while leaving the meeting" (leave) — a clause with no subject of its own."""
    lex = lexicon()
    clauses = [c for c in verb.children if c.dep_ == "advcl"] + [
        g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pcomp"]
    return frozenset(v.lemma_.lower() for v in clauses if v.pos_ == "VERB" and v.lemma_.lower() not in lex.verbs
                     and not any(g.dep_ in ("nsubj", "nsubjpass") for g in v.children))


def _phrase_owner(doc: Doc, inner: Span, q0: int, q1: int, words: list[Token]) -> Token | None:
    """A short quoted phrase is someone's words when a person is the subject of the clause it sits
    in ("Patel joined the BJP to begin a “new chapter”", "he described him as “immature”", "an aide
    said the “grand rally” will ..."); not a name ("'Parivartan Maha Rally'"), not a word that
    modifies the noun after it ("'anti-party' activities", "a 'Get out Modi' campaign")."""
    if not words:
        return None
    lex = lexicon()
    t = inner.root
    while t.head.i != t.i:  # "X said he quit over the way Y was pursuing a 'damaging Brexit'": X's words
        t = t.head
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lex.verbs:
            subj = next((c for c in t.children if c.dep_ == "nsubj" and not (q0 <= c.idx < q1)), None)
            if subj is not None and not is_plural(subj) and (
                    subj.ent_type_ == "PERSON" or subj.lower_ in lex.pronouns or subj.lemma_.lower() in lex.people):
                return subj
    t = inner.root
    spoken = False  # a reporting verb on the way up: one quoted word needs one ("described him as 'immature'")
    while t.head.i != t.i:
        t = t.head
        if t.pos_ not in ("VERB", "AUX"):
            continue
        spoken = spoken or t.lemma_.lower() in lex.verbs
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass") and not (q0 <= c.idx < q1)), None)
        if subj is None:
            continue
        if is_plural(subj):
            if subj.ent_type_ or subj.lemma_.lower() in lex.people or subj.text[:-1].isupper():
                return None  # "The MLAs were suspended for showing 'indecent behaviour'": a group says nothing
            continue
        if subj.ent_type_ == "PERSON" or subj.lower_ in lex.pronouns or subj.lemma_.lower() in lex.people:
            return subj if spoken or len(words) > 1 else None
        if subj.ent_type_:
            return None  # a party, a place, an organisation
    return None


def _is_name_or_modifier(doc: Doc, inner: Span, q1: int, words: list[Token]) -> bool:
    """A short quotation that is a name (every word capitalised) or modifies the noun after it."""
    if len(words) >= 2 and all(t.text[:1].isupper() for t in words if t.is_alpha):
        return True
    nxt = next((t for t in doc[inner.end:inner.end + 3] if not t.is_punct and not t.is_space), None)
    return nxt is not None and nxt.idx - q1 <= 3 and nxt.pos_ in ("NOUN", "PROPN")


def _reported_before(doc: Doc, text: str, q0: int, q1: int) -> Token | None:
    """A quotation that opens its paragraph, right after a paragraph ending in reported speech
    ("Sabariya said he was not under pressure ..."), is that speaker's."""
    line_start = text.rfind("\n", 0, q0) + 1
    if text[line_start:q0].strip(" “\"") or line_start == 0:
        return None
    before = doc.char_span(0, line_start, alignment_mode="contract")
    if before is None or not len(before):
        return None
    last = list(doc[before.end - 1].sent)
    lex = lexicon()
    for t in last:
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lex.verbs and t.dep_ == "ROOT":
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in lex.pronouns
                                     or describes_person(subj, lex.people)):  # "The Labour leader said:"
                return subj
    return None


def _refer_back(phrase: Span, before: int) -> tuple[str, int] | None:
    """"the leader" refers back to the last "a senior PED leader" ("One Labour MP on the left of the
    party") named before the quotation: its words and where they start."""
    if phrase[0].lower_ not in ("the", "this", "that"):
        return None
    head = phrase[-1]
    for t in reversed(phrase.doc[: phrase.start]):
        if t.idx >= before or t.lemma_.lower() != head.lemma_.lower() or t.pos_ not in ("NOUN", "PROPN"):
            continue
        earlier = phrase.doc[t.left_edge.i: t.right_edge.i + 1] if t.dep_ in ("nsubj", "nsubjpass") else \
            phrase.doc[t.left_edge.i: t.i + 1]
        if earlier[0].lower_ in ("a", "an", "one", "another"):
            return earlier.text, earlier.start_char
    return None


def _continues(text: str, prev: Quote, q0: int) -> bool:
    """A quotation without attribution continues the previous one when it is in the same
    paragraph, or opens the next paragraph right after a paragraph that ended in that quotation."""
    between = text[prev.end:q0]
    if "\n" not in between:
        return True
    tail, _, rest = between.partition("\n")
    return not any(c.isalnum() for c in tail) and rest.strip() in ("", OPEN, STRAIGHT, "‘", "'") \
        and between.count("\n") <= 2
