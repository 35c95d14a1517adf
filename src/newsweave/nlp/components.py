"""newsweave's spaCy components, registered with spaCy's factories.

``newsweave_paragraphs``  a sentence starts after every paragraph break (a subhead without a
                          full stop is not glued to the next paragraph).
``newsweave_entities``    after the model's NER: the knowledge-base entity ruler (case- and
                          diacritic-insensitive names, case-sensitive acronyms), then repair of
                          the model's spans (titles stripped from names, names completed over
                          adjacent proper nouns, places known to the gazetteer typed PLACE,
                          unknown "... Party"/"... Dal" organisations typed PARTY, words the
                          model took for names dropped), then abbreviations defined in the
                          text ("Praja Ekta Dal (PED)") found again wherever they recur.

Labels on ``doc.ents`` afterwards: PERSON, PARTY, ORG, PLACE, MEDIA for what newsweave links,
the model's other labels (DATE, CARDINAL, ...) as they were. A knowledge-base match carries the
entry id in ``span.kb_id_``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..link.kb import KB, kb_from_env
from ..link.names import fold
from .model import doc_text

PLACE_LABELS = {"GPE", "LOC", "FAC"}
LINKED = {"PERSON", "PARTY", "ORG", "PLACE", "MEDIA"}
NAME_LABELS = {"PERSON", "ORG", "PARTY"}
CONNECTORS = {"of", "the", "and", "for", "&", "-"}


@Language.factory("newsweave_paragraphs")
def make_paragraphs(nlp: Language, name: str) -> "Paragraphs":
    return Paragraphs()


class Paragraphs:
    def __call__(self, doc: Doc) -> Doc:
        for tok in doc[:-1]:
            if tok.is_space and "\n" in tok.text:
                doc[tok.i + 1].is_sent_start = True
        return doc


@Language.factory("newsweave_entities")
def make_entities(nlp: Language, name: str) -> "Entities":
    return Entities(nlp, kb_from_env())


def _common_words(nlp: Language) -> frozenset[str]:
    """English words the model's lemmatizer knows as nouns, verbs, adjectives or adverbs."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos, []))


def _acronym(form: str) -> bool:
    return not any(c.islower() for c in form)


class Entities:
    def __init__(self, nlp: Language, kb: KB):
        self.kb = kb
        self.by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[str, list[str]] = defaultdict(list)  # match key -> entry ids
        norm_forms: dict[str, list[str]] = defaultdict(list)
        orth_forms: dict[str, list[str]] = defaultdict(list)
        for form, entry in kb.forms():
            if len(form) < 2:
                continue
            if _acronym(form):
                orth_forms[form].append(entry.id)
            else:
                norm_forms[fold(form)].append(entry.id)
        for forms, matcher, folded in ((norm_forms, self.by_norm, True), (orth_forms, self.by_orth, False)):
            keys = list(forms)
            for key, pdoc in zip(keys, nlp.tokenizer.pipe(keys)):
                if folded:
                    for t in pdoc:
                        t.norm_ = fold(t.text)
                ids = sorted(set(forms[key]), key=lambda i: -kb.entries[i].population)
                self.entries[key] = ids
                matcher.add(key, [pdoc])
        self.titles = kb.titles
        self.common = _common_words(nlp)

    # -- the ruler ---------------------------------------------------------------------------
    def _kb_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.by_norm, self.by_orth):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                entry = self.kb.entries[self.entries[key][0]]
                span = doc[start:end]
                if matcher is self.by_norm and not span.text[:1].isupper():
                    continue  # "congress" in lower case is not the party
                if (entry.type == "PLACE" and matcher is self.by_norm
                        and not (all(t.pos_ == "PROPN" for t in span) or _in_ents(doc, start, end))):
                    continue  # a place name that is an ordinary word here ("Punch"); acronyms are case-exact
                spans.append(Span(doc, start, end, label=entry.type, kb_id=entry.id))
        return filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        for t in doc:
            t.norm_ = fold(t.text)
        kb_spans = self._kb_spans(doc)
        model = []
        for ent in doc.ents:
            ent = self._repair(doc, ent)
            if ent is not None:
                model.append(ent)
        keep: list[Span] = []
        for ent in model:
            clash = [k for k in kb_spans if k.start < ent.end and ent.start < k.end]
            if not clash:
                keep.append(ent)
            elif all(k.label_ == "PLACE" and ent.label_ in NAME_LABELS and ent.start <= k.start and k.end <= ent.end
                     and (k.start, k.end) != (ent.start, ent.end) for k in clash):
                keep.append(ent)  # "Gaya Prasad" is a person, not the city inside the name
                kb_spans = [k for k in kb_spans if k not in clash]
        spans = filter_spans(kb_spans + keep)
        spans = self._unnamed_parties(doc, spans)
        spans = self._abbreviations(doc, spans)
        spans = _propagate(doc, spans)
        doc.ents = sorted(spans, key=lambda s: s.start)
        return doc

    # -- repair of the model's spans ---------------------------------------------------------
    def _repair(self, doc: Doc, ent: Span) -> Span | None:
        label = "PLACE" if ent.label_ in PLACE_LABELS else ent.label_
        start, end = ent.start, ent.end
        # a span never crosses a paragraph break
        for t in doc[start:end]:
            if t.is_space and "\n" in t.text:
                end = t.i
                break
        while start < end and (doc[start].is_space or doc[start].is_punct or doc[start].lower_ == "the"):
            start += 1
        while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in ").")):
            end -= 1
        if start >= end:
            return None
        if label in LINKED:  # a name stops at a comma or colon, and does not end in a function word
            cut = next((t.i for t in doc[start:end] if t.text in (",", ":", ";", "—", "–")), end)
            end = cut
            while end > start and doc[end - 1].pos_ in ("ADP", "CCONJ", "SCONJ", "DET", "PART", "PUNCT"):
                end -= 1
            if start >= end:
                return None
        if label not in LINKED:
            if label in ("WORK_OF_ART", "LAW", "PRODUCT", "EVENT", "NORP") and self._title_len(doc, start, 1, (start, end)):
                label = "PERSON"  # "MLA Suresh Kumar" is a person, whatever the model called it
            else:
                return Span(doc, start, end, label=ent.label_)
        titled = self._title_len(doc, start, 1, (start, end)) > 0 or (
            start > 0 and self._title_len(doc, start - 1, -1, (max(0, start - 4), start)) > 0)
        start, end = self._strip_titles(doc, start, end)
        if start >= end:
            return None
        if label == "PERSON":
            start, end = self._complete_name(doc, start, end)
        text = doc[start:end].text
        if not any(t.pos_ == "PROPN" for t in doc[start:end]) and not any(c.isupper() for c in text[1:]):
            return None  # "Cites": a capitalised word, not a name
        if end - start == 1 and not text.isupper() and (doc[start].lower_ in self.common or _lower_elsewhere(doc, doc[start].lower_)):
            return None  # "Assembly", "Indiscipline": an English word at the head of a sentence
        last = doc[end - 1].lower_
        if end - start >= 2 and last in self.kb.party_words:
            label = "PARTY"  # "Praja Ekta Dal", whatever the model called it
        elif label == "PERSON" and last in self.kb.org_words:
            label = "ORG"  # "Bihar Assembly"
        elif label == "ORG" and titled and end - start >= 2 and last not in self.kb.org_words:
            label = "PERSON"  # "MLA Sawai Ram Khinchi": a title stands before people
        return Span(doc, start, end, label=label)

    def _title_len(self, doc: Doc, i: int, step: int, limit: tuple[int, int]) -> int:
        """How many tokens from ``i`` (walking by ``step``) form a title ("LoP", "Union minister")."""
        best = 0
        for n in range(1, 5):
            lo, hi = (i, i + n) if step > 0 else (i - n + 1, i + 1)
            if lo < limit[0] or hi > limit[1]:
                break
            if fold(doc[lo:hi].text).strip(". ") in self.titles:
                best = n
        return best

    def _strip_titles(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        while start < end:
            n = self._title_len(doc, start, 1, (start, end))
            if not n:
                break
            start += n
        while end > start:
            n = self._title_len(doc, end - 1, -1, (start, end))
            if not n:
                break
            end -= n
        return start, end

    def _complete_name(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        """Extend a person's name over adjacent proper nouns the model left out ("Priyanka" +
        "Gandhi Vadra"), never over a title, a paragraph break or another entity."""
        taken = {t.i for e in doc.ents for t in e if not (e.start <= start < e.end)}

        def ok(t) -> bool:
            return (t.pos_ == "PROPN" and t.text[:1].isupper() and t.i not in taken
                    and fold(t.text) not in self.titles and t.is_alpha)

        while start > 0 and ok(doc[start - 1]) and not doc[start].is_sent_start:
            start -= 1
        while end < len(doc) and ok(doc[end]) and not doc[end].is_sent_start:
            end += 1
        return start, end

    def _unnamed_parties(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Capitalised names ending in a party word that nothing tagged ("Praja Ekta Dal")."""
        taken = {t.i for s in spans for t in s}
        out = list(spans)
        for tok in doc:
            if tok.i in taken or tok.lower_ not in self.kb.party_words or not tok.text[:1].isupper():
                continue
            start = tok.i
            while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha \
                    and doc[start - 1].pos_ != "DET" and doc[start - 1].i not in taken and not doc[start].is_sent_start:
                start -= 1
            if tok.i - start >= 1:
                out.append(Span(doc, start, tok.i + 1, label="PARTY"))
                taken.update(range(start, tok.i + 1))
        return out

    # -- abbreviations defined in the text ---------------------------------------------------
    def _abbreviations(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """"Praja Ekta Dal (PED)": PED is that entity here and wherever it recurs."""
        defined: dict[str, Span] = {}
        out = list(spans)
        for ent in spans:
            if ent.label_ not in LINKED:
                continue
            close = _paren_after(doc, ent.end)
            if close is None:
                continue
            abbr = doc[ent.end + 1:close]
            if abbr.text and _defines(abbr.text, ent.text):
                defined[abbr.text] = ent
        if not defined:
            return out
        for abbr, ent in defined.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", doc_text(doc)):
                span = doc.char_span(m.start(), m.end())
                if span is None:
                    continue
                same = [s for s in out if (s.start, s.end) == (span.start, span.end)]
                if same and (same[0].kb_id_ or same[0] is ent):
                    continue  # the knowledge base knows it already
                if any(s.start < span.end and span.start < s.end for s in out if s not in same):
                    continue
                out = [s for s in out if s not in same]
                out.append(Span(doc, span.start, span.end, label=ent.label_, kb_id=ent.kb_id_ or f"={ent.text}"))
        return out


def _propagate(doc: Doc, spans: list[Span]) -> list[Span]:
    """One sense per discourse: a name the document uses for an entity is that entity wherever
    it recurs untagged — the whole name, or a person's surname or first name alone."""
    taken = {t.i for s in spans for t in s}
    names: dict[tuple[str, ...], Span] = {}
    for s in spans:
        if s.label_ not in LINKED:
            continue
        names.setdefault(tuple(t.text for t in s), s)
        if s.label_ == "PERSON" and len(s) >= 2:
            for part in (s[0], s[-1]):
                if part.is_alpha and part.text[:1].isupper() and len(part.text) > 2:
                    names.setdefault((part.text,), s)
    out = list(spans)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in names:
        by_first.setdefault(key[0], []).append(key)
    for tok in doc:
        if tok.i in taken or tok.text not in by_first or tok.pos_ not in ("PROPN", "NOUN", "X"):
            continue
        for key in sorted(by_first[tok.text], key=len, reverse=True):
            end = tok.i + len(key)
            if end <= len(doc) and tuple(t.text for t in doc[tok.i:end]) == key and not any(i in taken for i in range(tok.i, end)):
                src = names[key]
                out.append(Span(doc, tok.i, end, label=src.label_, kb_id=src.kb_id_))
                taken.update(range(tok.i, end))
                break
    return out


def _lower_elsewhere(doc: Doc, lower: str) -> bool:
    """The word is written in lower case somewhere in the document: a common word, not a name."""
    words = doc.user_data.get("newsweave_lower_words")
    if words is None:
        words = doc.user_data["newsweave_lower_words"] = frozenset(t.text for t in doc if t.text.islower())
    return lower in words


def _in_ents(doc: Doc, start: int, end: int) -> bool:
    return any(e.start < end and start < e.end for e in doc.ents)


def _paren_after(doc: Doc, i: int) -> int | None:
    """The index of ")" closing a "(" at token ``i`` within 6 tokens, else None."""
    if i >= len(doc) or doc[i].text != "(":
        return None
    for j in range(i + 1, min(i + 7, len(doc))):
        if doc[j].text == ")":
            return j if j > i + 1 else None
    return None


def _defines(abbr: str, long: str) -> bool:
    """Is ``abbr`` an abbreviation of ``long``? Its letters appear in order in ``long``, the first
    one opening a word (after Schwartz & Hearst, 2003)."""
    letters = [c.lower() for c in abbr if c.isalnum()]
    if not 2 <= len(letters) <= 10 or not any(c.isupper() for c in abbr):
        return False
    words = [w for w in re.split(r"[\s\-]+", long) if w]
    if not words or letters[0] != words[0][0].lower() and not any(
            w[0].lower() == letters[0] for w in words[:2]):
        return False
    text = long.lower()
    pos = 0
    for c in letters:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True
