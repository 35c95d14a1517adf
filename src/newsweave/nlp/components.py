"""newsweave's spaCy components, registered with spaCy's factories.

``newsweave_paragraphs``  a sentence starts after every paragraph break (a subhead without a
                          full stop is not glued to the next paragraph).
``newsweave_entities``    after the model's NER, entity spans and types decided by evidence:
                          the knowledge-base ruler (forms that can name something outside their
                          pack's world link only in a document of that world), the model's spans
                          cut and split where a name cannot go on (brackets, dashes, titles and
                          offices inside them, a place at a person's name's head), names the model
                          missed found by their context, every mention's votes for a type
                          (:mod:`.evidence`) and one type per name in the document; then unknown
                          "... Party"/"... Dal" parties and abbreviations defined in the text
                          ("Praja Ekta Dal (PED)") found wherever they recur.

Labels on ``doc.ents`` afterwards: PERSON, PARTY, ORG, PLACE, MEDIA for what newsweave links,
the model's other labels (DATE, CARDINAL, ...) as they were. A knowledge-base match carries the
entry id in ``span.kb_id_``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import cast

import numpy
from spacy.attrs import IS_SPACE, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..link.kb import KB, Entry, current_kb
from ..link.names import fold, near_name, same_name
from ..resources import stopwords
from ..vocab import ENTITY_TYPES
from .evidence import KB_VOTE, MIN_VOTES, Evidence, Name, decide, name_token
from .text import doc_text, forget_caches, tokens_text, words

PLACE_LABELS = {"GPE", "LOC", "FAC"}
LINKED = frozenset(ENTITY_TYPES)
NAME_LABELS = {"PERSON", "ORG", "PARTY"}
BODY_LABELS = {"ORG", "PARTY"}  # a body a place's name may open ("Rajasthan Kisan Manch")
NAMEABLE = {"WORK_OF_ART", "LAW", "PRODUCT", "EVENT", "NORP"}  # labels evidence may turn into a name
STOPWORDS = stopwords()
_ONE_WORD = re.compile(r"[^\W\d_]+")  # a form of letters only is one token
_ROMAN = re.compile(r"(?:I{1,3}|IV|V|VI{0,3}|IX|X)(?:-[A-Z]+)?")
_INITIAL = re.compile(r"[A-Z]{1,2}\.?")
TITLE_MEMO = 1 << 17  # words remembered as title or not, for one set of worlds
NORM_MEMO = 1 << 18  # token texts whose norm's hash is remembered


@Language.factory("newsweave_paragraphs")
def make_paragraphs(nlp: Language, name: str) -> Paragraphs:
    return Paragraphs()


class Paragraphs:
    """A line break starts a sentence; so does a capitalised word glued to the full stop before it
    ("election.The committee", split by the tokenizer)."""

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 2:
            return doc
        arr = doc.to_array([IS_SPACE, ORTH])[:-1]  # only a space or a full stop can start one: the others skipped
        for i in numpy.flatnonzero(arr[:, 0] | (arr[:, 1] == doc.vocab.strings["."])).tolist():
            tok = doc[i]
            if tok.is_space and "\n" in tok.text:
                doc[tok.i + 1].is_sent_start = True
            elif tok.text == "." and not tok.whitespace_ and tok.i > 0 and (doc[tok.i - 1].is_lower or doc[tok.i - 1].like_num) \
                    and not doc[tok.i - 1].whitespace_ and doc[tok.i + 1].is_title:
                doc[tok.i + 1].is_sent_start = True
        return doc


@Language.factory("newsweave_entities")
def make_entities(nlp: Language, name: str) -> Entities:
    return Entities(nlp, current_kb())


def _common_words(nlp: Language) -> frozenset[str]:
    """English words the model's lemmatizer knows as nouns, verbs, adjectives or adverbs."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = cast(Lemmatizer, nlp.get_pipe("lemmatizer")).lookups
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
        # forms the knowledge base writes in lower case ("saffron party"): the press writes them so
        self.lower_forms: set[str] = {fold(f) for f, _ in kb.forms() if len(f.split()) >= 2 and f == f.lower()}
        for form, entry in kb.forms():
            if len(form) < 2:
                continue
            if _acronym(form):
                orth_forms[form].append(entry.id)
            else:
                norm_forms[fold(form)].append(entry.id)
        self.common = _common_words(nlp)
        self.ambiguous: set[str] = set()  # match keys that need evidence of their pack's world
        # one-word forms are looked up by a token's text (no matcher needed: most of the gazetteer)
        self.one_word: tuple[dict[str, str], dict[str, str]] = ({}, {})  # (folded, exact) token text -> key
        for forms, matcher, folded in ((norm_forms, self.by_norm, True), (orth_forms, self.by_orth, False)):
            several = []
            for key, got in forms.items():
                ids = sorted(set(got), key=lambda i: (-kb.entries[i].population, i))
                self.entries[key] = ids
                entries = [kb.entries[i] for i in ids]
                if all(e.type == "PLACE" and key not in {fold(k) for k in e.known} for e in entries) \
                        and all(w in self.common for w in key.split()):
                    continue  # a gazetteer alternate that is an English word ("Bank"): never a name alone
                if self._is_ambiguous(key, entries):
                    self.ambiguous.add(key)
                if _ONE_WORD.fullmatch(key):
                    self.one_word[0 if folded else 1][key] = key
                else:
                    several.append(key)
            for key, pdoc in zip(several, cast(Tokenizer, nlp.tokenizer).pipe(several)):
                if folded:
                    for t in pdoc:
                        t.norm_ = fold(t.text)
                matcher.add(key, [pdoc])
        self.name_parts = frozenset(fold(w) for e in kb.entries.values() if e.type == "PERSON"
                                    for f in e.forms for w in f.split() if len(w) > 1)
        self.worlds: frozenset[str] | None = None  # the packs whose world the document in hand is in
        self._titles: dict[frozenset[str] | None, dict[str, bool]] = {}  # worlds -> is_title's answers
        self._titled_doc: Doc | None = None  # the document _titled is of
        self._titled: dict[tuple[int, int], bool] = {}  # (lo, hi) -> _is_title's answer
        self._norm_hashes: dict[str, int] = {}  # token text -> its folded form's hash
        self.evidence = Evidence(self.is_title, kb.place_suffixes, kb.small_places, kb.org_words | kb.party_words,
                                 english=lambda w: _english(w, self.common), title_at=self._is_title)

    # -- the ruler ---------------------------------------------------------------------------
    def _is_ambiguous(self, key: str, entries: list[Entry]) -> bool:
        """A written form that can name something outside its pack's world: an English word or
        phrase ("Congress", "Outlook", "Labour"), an acronym of three letters or fewer ("ET",
        "SP"), a person's single name, a place a country no pack covers also has a city of,
        or a form two packs share."""
        if len({e.pack for e in entries}) > 1:
            return True
        entry = entries[0]
        if not self._gated(entry):
            return False
        letters = re.sub(r"[^A-Za-z]", "", key)
        if _acronym(key) and len(letters) <= 3:
            return True
        words = [w for w in re.findall(r"[a-z']+", fold(key)) if w != "the"]
        if words and all(_english(w, self.common) for w in words):
            return True
        if entry.type == "PERSON" and len(key.split()) == 1:
            return True
        return entry.type == "PLACE" and (fold(key) in self.kb.foreign_places or fold(key) in self.kb.not_places)

    def _gated(self, entry: Entry) -> bool:
        pack = self.kb.packs.get(entry.pack)
        return pack is not None and pack.country is not None

    def _choose(self, key: str, worlds: Counter) -> Entry | None:
        """The entry a matched form names here: an unambiguous form's entry; an ambiguous one's
        only in a document of its pack's world (the pack with most evidence first)."""
        entries = [self.kb.entries[i] for i in self.entries[key]]
        if key not in self.ambiguous:
            return entries[0]
        ranked = sorted(entries, key=lambda e: -worlds.get(e.pack, 0))
        best = ranked[0]
        if not self._gated(best) or worlds.get(best.pack, 0) > 0:
            return best
        return next((e for e in entries if not self._gated(e)), None)

    def _worlds(self, doc: Doc, matches: list[tuple[str, int, int, bool]]) -> Counter:
        """Evidence of each pack's world in the document: its entries named by unambiguous forms;
        two different entries named by ambiguous ones count too ("BJP" and "SP")."""
        sure: Counter = Counter()
        loose: dict[str, set[str]] = defaultdict(set)
        for key, _s, _e, _norm in matches:
            ids = self.entries[key]
            if key in self.ambiguous:
                for i in ids:
                    if self.kb.entries[i].type != "MEDIA":  # two outlets' short names prove nothing ("ET", "Outlook")
                        loose[self.kb.entries[i].pack].add(i)
            else:
                sure[self.kb.entries[ids[0]].pack] += 1
        for pack, named in loose.items():
            if len(named) >= 2:
                sure[pack] += 1
        return sure

    def _name_goes_on(self, doc: Doc, end: int) -> bool:
        """A capitalised English noun follows that is no title, party or institution word."""
        if end >= len(doc) or not doc[end - 1].whitespace_ or doc[end].is_sent_start:
            return False
        t = doc[end]
        low = t.lower_
        return (t.text[:1].isupper() and t.is_alpha and low in self.common and not self._is_title(doc, end, end + 1)
                and low not in self.kb.party_words and low not in self.kb.org_words and not _is_month_or_day(low))

    def _inside_longer_place(self, doc: Doc, start: int, end: int) -> bool:
        """The matched place is the end of a longer name ("Kasturba Nagar") or is followed by a
        place word or a numeral that continues it ("Mon Town", "Tuensang Sadar II")."""
        prev = doc[start - 1] if start > 0 else None
        if prev is not None and prev.whitespace_ and name_token(prev) and not self._is_title(doc, start - 1, start) \
                and not (_at_head(doc, start - 1) and fold(prev.text) in self.common) \
                and prev.lower_ not in self.kb.party_words:
            return True
        cues = self.evidence.cues
        if end < len(doc) and doc[end - 1].whitespace_ and doc[end].text[:1].isupper():
            nxt = doc[end]
            return nxt.lower_ in cues.place_between or nxt.lower_ in cues.place_after or bool(_ROMAN.fullmatch(nxt.text))
        return False

    def _whole_name(self, doc: Doc, start: int, end: int, entry: Entry) -> tuple[int, int] | None:
        """A known person's name with more name words beside it: the whole name is the entry's
        when it is one of its forms or near one ("Kier Starmer"); else it is someone else's
        ("Sushil Modi", "Ravi Shankar Prasad Sinha")."""
        s, e = start, end
        while s > 0 and name_token(doc[s - 1]) and not self._is_title(doc, s - 1, s) \
                and not (_at_head(doc, s - 1) and fold(doc[s - 1].text) in self.common) and doc[s - 1].whitespace_:
            s -= 1
        while e < len(doc) and name_token(doc[e]) and not self._is_title(doc, e, e + 1) \
                and doc[e - 1].whitespace_ and not doc[e].is_sent_start:
            e += 1
        if (s, e) == (start, end):
            return start, end
        whole = doc[s:e].text
        if any(fold(f) == fold(whole) or near_name(whole, f) for f in entry.forms if len(f.split()) >= 2):
            return s, e
        return None

    def _set_norms(self, doc: Doc) -> None:
        """Every token's norm is its folded text (what the knowledge base's forms are matched
        on), the folded forms' hashes remembered by text."""
        texts = words(doc).text
        hashes = self._norm_hashes
        if len(hashes) > NORM_MEMO:
            hashes.clear()
        strings = doc.vocab.strings
        for t in set(texts).difference(hashes):
            hashes[t] = strings.add(fold(t))
        doc.from_array([NORM], numpy.array([hashes[t] for t in texts], dtype=numpy.uint64).reshape(-1, 1))  # type: ignore[arg-type]

    def _kb_spans(self, doc: Doc) -> list[Span]:
        matches = []
        for matcher in (self.by_norm, self.by_orth):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                span = doc[start:end]
                if matcher is self.by_norm and not span.text[:1].isupper() and fold(span.text) not in self.lower_forms:
                    continue  # "congress" in lower case is not the party; "saffron party" is a form of one
                matches.append((key, start, end, matcher is self.by_norm))
        folded, exact = self.one_word
        for i, text in enumerate(words(doc).text):
            if text[:1].isupper():
                if (hit := folded.get(fold(text))) is not None:
                    matches.append((hit, i, i + 1, True))
                if (hit := exact.get(text)) is not None:
                    matches.append((hit, i, i + 1, False))
        worlds = self._worlds(doc, matches)
        known = {p for p in worlds if worlds[p] > 0}
        self.worlds = frozenset(known | {p.name for p in self.kb.packs.values() if not p.country}) if known else None
        self._titled_doc = None  # the titles remembered by position were for other worlds
        spans = []
        for key, start, end, by_norm in matches:
            entry = self._choose(key, worlds)
            if entry is None:
                continue  # "Congress" in a report from Washington
            span = doc[start:end]
            if by_norm and len(key) <= 4 and span.text.isupper() and not key.isupper():
                continue  # "UN" is not the town "Un": a short name matches in its own case
            if (entry.type == "PLACE" and by_norm
                    and not (all(t.pos_ == "PROPN" for t in span) or _in_ents(doc, start, end))):
                continue  # a place name that is an ordinary word here ("Punch"); acronyms are case-exact
            if entry.type == "PLACE" and start > 0 and _INITIAL.fullmatch(doc[start - 1].text) \
                    and not self._is_title(doc, start - 1, start):
                continue  # "MS Kandari", "R Ashoka": initials open a person's name, not a place's
            if entry.type == "PLACE" and self.evidence.title_before(doc, start) and end < len(doc) \
                    and name_token(doc[end]) and doc[end].pos_ == "PROPN" and not doc[end].is_sent_start:
                continue  # "MLA Vallabh Dharaviya": a name after an office is a person's ("Jamnagar MLA" a place's)
            if entry.type == "PLACE" and self._inside_longer_place(doc, start, end):
                continue  # "Uttam Nagar" is not the town Nagar, "Mon Town" not Mon: the longer name decides
            if key in self.ambiguous and entry.type in ("PARTY", "ORG") and self._name_goes_on(doc, end):
                continue  # "the Labour Center" of Patras is no party: an ambiguous name inside a longer one
            if entry.type == "PERSON" and end - start == 1 and start > 0 \
                    and doc[start - 1].lower_ in self.evidence.cues.kin \
                    and not any(e2 - s2 >= 2 and self._choose(k, worlds) is entry for k, s2, e2, _ in matches):
                continue  # "his son Akhilesh": someone's son, not the one the KB knows by that word alone
            if entry.type == "PERSON":
                whole = self._whole_name(doc, start, end, entry)
                if whole is None:
                    continue  # "Sushil Modi" is not the "Modi" the knowledge base knows
                start, end = whole
            spans.append(Span(doc, start, end, label=entry.type, kb_id=entry.id))
        return filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        self._set_norms(doc)
        kb_spans = self._kb_spans(doc)
        names: list[Name] = []
        others: list[Span] = []  # the model's other labels (DATE, CARDINAL, ...), as they were
        for ent in doc.ents:
            got = self._repair(doc, ent, kb_spans)
            if isinstance(got, Span):
                others.append(got)
            else:
                names += got
        kb_names = [Name(k.start, k.end, kb_id=k.kb_id_, fixed=k.label_) for k in kb_spans]
        kept: list[Name] = []
        for n in names:
            clash = [k for k in kb_names if k.start < n.end and n.start < k.end]
            if not clash:
                kept.append(n)
            elif all(k.fixed == "PLACE" and n.model in NAME_LABELS | {"PLACE"} and n.start <= k.start and k.end <= n.end
                     and (k.start, k.end) != (n.start, n.end) for k in clash):
                kept.append(n)  # "Gaya Prasad" is a person, "Sri Lanka" a country, not the city inside the name
                kb_names = [k for k in kb_names if k not in clash]
        taken = {i for n in kept + kb_names for i in range(n.start, n.end)} | {i for o in others for i in range(o.start, o.end)}
        for n in kept:
            self._extend(doc, n, taken)
        names = _merge_adjacent(doc, kept) + kb_names
        named = {i for n in names for i in range(n.start, n.end)}  # a name's tokens: overlap in time linear in the spans
        others = [o for o in others if named.isdisjoint(range(o.start, o.end))]
        names += self._missed(doc, names, others)
        by_start = {n.start: n for n in names}
        by_end = {n.end: n for n in names}
        for n in names:
            if n.fixed:
                n.votes[n.fixed] += KB_VOTE  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        for n in sorted(names, key=lambda n: n.start):
            self.evidence.vote(doc, n, by_start, by_end)
        self.evidence.vote_annotated(doc, names, by_start)
        self.evidence.vote_lists(doc, names)
        for n in names:
            if n.other and n.total() < MIN_VOTES / 2:
                others.append(Span(doc, n.start, n.end, label=n.other))
        # a name the model found (with a label newsweave does not link) needs less to become one
        names = [n for n in names if n.model or n.fixed or n.total() >= (MIN_VOTES / 2 if n.other else MIN_VOTES)]
        labels = decide(self._groups(doc, names))
        taken = {i for n in names for i in range(n.start, n.end)} | {i for o in others for i in range(o.start, o.end)}
        spans: list[Span] = []
        for n in names:
            label = labels[id(n)]
            if not label:
                continue
            start, end = n.start, n.end
            if label == "PERSON" and not n.fixed:
                start, end = self._complete_name(doc, start, end, taken)
            spans.append(Span(doc, start, end, label=label, kb_id=n.kb_id))
        spans = filter_spans(spans + others)
        spans = self._unnamed_parties(doc, spans)
        spans = self._abbreviations(doc, spans)
        spans = self._by_office(doc, _propagate(doc, spans))
        doc.ents = sorted(spans, key=lambda s: s.start)
        forget_caches(doc)
        self._titled_doc = None
        # the model's token vectors: nothing reads them after the model (384 bytes a token, which a
        # worker process would otherwise send back with every document)
        doc.tensor = numpy.zeros((0,), dtype="float32")
        return doc

    # -- repair of the model's spans ---------------------------------------------------------
    def _repair(self, doc: Doc, ent: Span, kb_spans: list[Span]) -> list[Name] | Span:
        """The model's span, trimmed and cut where a name cannot go on (a paragraph break, a
        comma, a bracket), titles and offices taken off both ends and split out of the middle
        ("Rudrapur MLA Rajkumar Thukral"), a place at the head split off ("Manavadar Jawahar
        Chavda"); the parts as names with their first votes. A label newsweave does not link
        (DATE, CARDINAL, ...) comes back as a span, as it was."""
        label = "PLACE" if ent.label_ in PLACE_LABELS else ent.label_
        start, end = ent.start, ent.end
        for t in doc[start:end]:  # a span never crosses a paragraph break
            if t.is_space and "\n" in t.text:
                end = t.i
                break
        while start < end and (doc[start].is_space or doc[start].is_punct or doc[start].lower_ == "the"):
            start += 1
        while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in ").")):
            end -= 1
        if start >= end:
            return []
        if label not in LINKED:
            if label in ("WORK_OF_ART", "LAW", "PRODUCT", "EVENT", "NORP") and self._title_len(doc, start, 1, (start, end)):
                label = "PERSON"  # "MLA Suresh Kumar" is a person, whatever the model called it
            elif label in NAMEABLE and all(name_token(t) for t in doc[start:end]):
                return [Name(start, end, Counter(), other=ent.label_)]  # evidence may say what it names
            else:
                return Span(doc, start, end, label=ent.label_)
        # a name stops at a comma or colon, and does not end in a function word
        end = next((t.i for t in doc[start:end] if t.text in (",", ":", ";", "—", "–")
                    or (t.text == "-" and t.i > 0 and doc[t.i - 1].whitespace_ and t.whitespace_)), end)  # a spaced dash
        # nor at a bracket ("Rajkumar Thukral (Rudrapur"), unless an organisation's name holds a
        # whole bracketed part ("Jharkhand Vikas Morcha (Prajatantrik)"); nor at a possessive
        # ("Hisar's Nalwa")
        inner = doc[start + 1:end]
        balanced = sum(t.text == "(" for t in inner) == sum(t.text == ")" for t in inner)
        if label in ("PERSON", "PLACE") or not balanced:
            end = next((t.i for t in inner if t.text in ("(", ")", "[", "]")), end)
        end = next((t.i for t in doc[start + 1:end - 1] if t.text in ("'s", "’s") and name_token(doc[t.i + 1])), end)
        while end > start and doc[end - 1].pos_ in ("ADP", "CCONJ", "SCONJ", "DET", "PART", "PUNCT") and doc[end - 1].text != ")":
            end -= 1
        if start >= end:
            return []
        end = self._before_place_cue(doc, start, end)
        cues = self.evidence.cues
        while label == "PLACE" and end - start >= 2 and doc[end - 1].lower_ in cues.place_after:
            end -= 1  # "Khargone district": the cue is not part of the name
        titled = self._title_len(doc, start, 1, (start, end)) > 0 or (
            start > 0 and self._title_len(doc, start - 1, -1, (max(0, start - 4), start)) > 0)
        start = self._past_overlapping_title(doc, start, end)
        start, end = self._strip_titles(doc, start, end)
        out: list[Name] = []
        pieces = self._split_at_titles(doc, start, end)
        for k, (s, e) in enumerate(pieces):
            last = k == len(pieces) - 1
            mine = label if last else None  # a part before an office is typed by evidence alone
            place = next((p for p in kb_spans if p.label_ == "PLACE" and p.start == s and p.end <= e - 2), None)
            if place is not None and self._person_after_place(doc, place.end, e, mine):
                s = place.end
            s = self._past_common_head(doc, s, e)
            if s >= e:
                continue
            name = self._name(doc, s, e, mine, titled=(k > 0 or titled))
            if name is not None:
                out.append(name)
        return out

    def _before_place_cue(self, doc: Doc, start: int, end: int) -> int:
        """"Boxanagar Assembly constituency": the words before a constituency cue that the model
        took into the name ("Assembly") are not part of it."""
        cues = self.evidence.cues
        if self._cue_ahead(doc, end):
            cut = end
            while cut > start + 1 and doc[cut - 1].lower_ in cues.place_between:
                cut -= 1
            return cut
        return end

    def _cue_ahead(self, doc: Doc, i: int) -> bool:
        """A constituency word starts at ``i``, perhaps after words such as "Assembly"."""
        cues = self.evidence.cues
        ahead = i
        while ahead < len(doc) and ahead - i < 3 and doc[ahead].lower_ in cues.place_between:
            ahead += 1
        return ahead < len(doc) and doc[ahead].lower_ in cues.place_after

    def _name(self, doc: Doc, s: int, e: int, label: str | None, titled: bool) -> Name | None:
        text = doc[s:e].text
        if not any(t.pos_ == "PROPN" for t in doc[s:e]) and not any(c.isupper() for c in text[1:]):
            return None  # "Cites": a capitalised word, not a name
        if e - s == 1 and not text.isupper() and _common_here(doc, s, self.common):
            return None  # "Assembly", "Indiscipline": an English word at the head of a sentence
        votes: Counter = Counter()
        if label:
            votes[label] += 1
        last = doc[e - 1].lower_
        if e - s >= 2 and (last in self.kb.party_words or any(
                t.lower_ in self.kb.party_words and t.i + 1 < e and doc[t.i + 1].lower_ == "of" for t in doc[s:e])):
            votes["PARTY"] += 3  # "Praja Ekta Dal", "Workers Party of Britain", whatever the model called it
        elif last in self.kb.org_words and e - s >= 2:
            votes["ORG"] += 3  # "Bihar Assembly"
        return Name(s, e, votes, model=label, model_vote=1.0 if label else 0.0, titled=titled)

    def _person_after_place(self, doc: Doc, s: int, e: int, label: str | None) -> bool:
        """"Manavadar Jawahar Chavda": after the place, a person's name of two or more words."""
        if label == "PERSON":
            return True
        words = doc[s:e]
        return label == "ORG" and all(name_token(t) for t in words) and words[-1].lower_ not in self.kb.org_words \
            and words[-1].lower_ not in self.kb.party_words

    def _past_common_head(self, doc: Doc, s: int, e: int) -> int:
        """"Urging Sidhu to stay": an English word opening a sentence is not part of the name."""
        if e - s >= 2 and _at_head(doc, s) and fold(doc[s].text) in self.common and fold(doc[s].text) not in self.name_parts:
            return s + 1
        return s

    def _ends_title(self, doc: Doc, i: int) -> bool:
        """Token ``i`` ends a title of several words that began before it ("Leader of Opposition")."""
        return any(self._is_title(doc, lo, i + 1) for lo in range(max(0, i - 3), i))

    def _past_overlapping_title(self, doc: Doc, start: int, end: int) -> int:
        """"Leader of Opposition Chandrakant Kavlekar" with the span starting at "Opposition":
        a title that began before the span and runs into it is not part of the name."""
        for back in range(1, 4):
            lo = start - back
            if lo < 0:
                break
            for n in range(back + 1, back + 4):
                if lo + n < end and self._is_title(doc, lo, lo + n):
                    return lo + n
        return start

    def _split_at_titles(self, doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of a span around the titles inside it: "Rudrapur MLA Rajkumar Thukral" ->
        "Rudrapur", "Rajkumar Thukral"."""
        pieces = []
        s = i = start
        while i < end:
            n = self._title_len(doc, i, 1, (i, end)) if i > start else 0
            if n and i + n < end:
                if i > s:
                    pieces.append((s, i))
                s = i = i + n
                continue
            i += 1
        pieces.append((s, end))
        return [(a, b) for a, b in pieces if a < b]

    def is_title(self, text: str) -> bool:
        """A title of a pack whose world the document is in (of any pack, when no world is known);
        remembered while the worlds stay those of the document in hand (the same few words are
        asked about many times: every name's neighbours)."""
        memo = self._titles.get(self.worlds)
        if memo is None or len(memo) > TITLE_MEMO:
            memo = self._titles[self.worlds] = {}
        got = memo.get(text)
        if got is None:
            got = memo[text] = self.kb.is_title(text, self.worlds)
        return got

    def _is_title(self, doc: Doc, lo: int, hi: int) -> bool:
        """Tokens ``lo:hi`` are a title; remembered by position for the document in hand."""
        if self._titled_doc is not doc:
            self._titled_doc, self._titled = doc, {}
        key = (lo, hi)
        got = self._titled.get(key)
        if got is None:
            got = self._titled[key] = self.is_title(tokens_text(doc, lo, hi))
        return got

    def _by_office(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """"Chief Minister Stalin" where the document names two known Stalins: the one whose office
        the title is (the knowledge base's "Chief Minister of Tamil Nadu", not "Deputy Chief
        Minister of Tamil Nadu"); and the surname alone, once it is one known person's in the
        document, is theirs wherever it stands alone."""
        known = [self.kb.entries[s.kb_id_] for s in spans if s.label_ == "PERSON" and s.kb_id_ in self.kb.entries]
        out = []
        for s in spans:
            n = self._title_len(doc, s.start - 1, -1, (max(0, s.start - 4), s.start)) if s.start else 0
            if s.label_ != "PERSON" or s.kb_id_ or len(s) != 1 or not n:
                out.append(s)
                continue
            title = fold(doc[s.start - n:s.start].text)
            fits = {e.id for e in known if e.office and any(w.split()[-1] == fold(s.text) for w in map(fold, e.forms))
                    and any(fold(part.strip()).startswith(title) for part in re.split(r"[;,]", e.office))}
            out.append(Span(doc, s.start, s.end, label="PERSON", kb_id=fits.pop()) if len(fits) == 1 else s)
        # one sense per discourse: the surname alone is that one person's wherever it stands alone
        lone: dict[str, set[str]] = defaultdict(set)
        for s in out:
            if s.label_ == "PERSON" and len(s) == 1 and s.kb_id_:
                lone[s.text].add(s.kb_id_)
        return [Span(doc, s.start, s.end, label="PERSON", kb_id=next(iter(lone[s.text])))
                if s.label_ == "PERSON" and len(s) == 1 and not s.kb_id_ and len(lone.get(s.text, ())) == 1 else s
                for s in out]

    def _title_len(self, doc: Doc, i: int, step: int, limit: tuple[int, int]) -> int:
        """How many tokens from ``i`` (walking by ``step``) form a title ("LoP", "Union minister")."""
        best = 0
        for n in range(1, 5):
            lo, hi = (i, i + n) if step > 0 else (i - n + 1, i + 1)
            if lo < limit[0] or hi > limit[1]:
                break
            if self._is_title(doc, lo, hi):
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

    def _complete_name(self, doc: Doc, start: int, end: int, taken: set[int]) -> tuple[int, int]:
        """Extend a person's name over adjacent proper nouns the model left out ("Priyanka" +
        "Gandhi Vadra"), never over a title, a paragraph break or another entity."""
        def ok(t) -> bool:
            return (t.pos_ == "PROPN" and t.text[:1].isupper() and t.i not in taken
                    and not self.is_title(t.text) and t.is_alpha
                    and not self._ends_title(doc, t.i))  # "Opposition" of "Leader of Opposition X"

        while start > 0 and ok(doc[start - 1]) and not doc[start].is_sent_start:
            start -= 1
        while end < len(doc) and ok(doc[end]) and not doc[end].is_sent_start:
            end += 1
        return start, end

    def _extend(self, doc: Doc, n: Name, taken: set[int]) -> None:
        """A name the model cut short ("Maikhuri" of "Tika Prasad Maikhuri") grows over the
        name-like words beside it; the model's vote shrinks to the share of the words it saw."""
        if n.fixed or (n.model is None and n.other is None):
            return
        s, e = n.start, n.end
        cues = self.evidence.cues

        def ok(i: int) -> bool:
            t = doc[i]
            return (i not in taken and name_token(t) and not self._title_len(doc, i, 1, (i, len(doc)))
                    and not self._ends_title(doc, i)  # "Opposition" of "Leader of Opposition X"
                    and not (i == s - 1 and _at_head(doc, i) and fold(t.text) in self.common)
                    and not (i >= e and t.lower_ in cues.place_between and self._cue_ahead(doc, i)))

        while s > 0 and ok(s - 1) and not doc[s].is_sent_start and doc[s - 1].whitespace_:
            s -= 1
        while e < len(doc) and ok(e) and not doc[e].is_sent_start and doc[e - 1].whitespace_:
            e += 1
        if (s, e) != (n.start, n.end):
            share = (n.end - n.start) / (e - s)
            if n.model:
                n.votes[n.model] -= n.model_vote * (1 - share)  # type: ignore[assignment]  # float votes: typeshed's Counter is int
                n.model_vote *= share
            taken.update(range(s, e))
            n.start, n.end = s, e

    # -- names the model missed -------------------------------------------------------------
    def _missed(self, doc: Doc, names: list[Name], others: list[Span]) -> list[Name]:
        """Runs of name-like words no span covers ("CPI-M MLA Samsul Haque", a numbered list of
        names): candidates that become entities only if their context votes for a type."""
        named = {i for n in names for i in range(n.start, n.end)}
        taken = named | {i for o in others for i in range(o.start, o.end)}
        out: list[Name] = []
        i = 0
        while i < len(doc):
            t = doc[i]
            if i in taken or not name_token(t) or self._title_len(doc, i, 1, (i, len(doc))):
                i += 1
                continue
            j = i
            while j < len(doc) and j not in taken and name_token(doc[j]) and not (j > i and doc[j].is_sent_start) \
                    and not (j > i and self._title_len(doc, j, 1, (j, len(doc)))):
                j += 1
            s = self._past_common_head(doc, self._past_overlapping_title(doc, i, j), j)  # "Leader of Opposition X"
            if j - s == 1 and _at_head(doc, s) and fold(doc[s].text) in self.common:
                s = j
            glued = (s > 0 and s - 1 in named and doc[s - 1].whitespace_) or (j < len(doc) and j in named)
            aside = s >= 2 and doc[s - 1].text == "(" and name_token(doc[s - 2])  # "N Konyak (Mon Town)"
            if s < j and not glued and (aside or not all(fold(x.text) in self.common for x in doc[s:j])) \
                    and not doc[s:j].text.isupper():
                out.append(Name(s, j, Counter()))
            i = max(j, i + 1)
        return out

    # -- one type per name -------------------------------------------------------------------
    def _groups(self, doc: Doc, names: list[Name]) -> list[list[Name]]:
        """Mentions of one name: the same words, or a person's surname or first name alone."""
        by_key: dict[str, list[Name]] = defaultdict(list)
        for n in sorted(names, key=lambda n: n.start):
            by_key[_key(doc, n)].append(n)
        groups = list(by_key.values())
        multi = [g for g in groups if len(_key(doc, g[0]).split()) >= 2
                 and all(n.fixed in (None, "PERSON") for n in g)]  # a known person's surname is theirs too
        parts: dict[str, list[list[Name]]] = defaultdict(list)
        for g in multi:
            words = _key(doc, g[0]).split()
            parts[words[-1]].append(g)  # a surname alone
            if _leans(g) == "PERSON":
                parts[words[0]].append(g)  # a first name alone
        out = []
        for g in groups:
            key = _key(doc, g[0])
            owners = parts.get(key) if " " not in key and not any(n.fixed for n in g) else None
            if owners and len(owners) > 1 and all(same_name(_key(doc, o[0]), _key(doc, owners[0][0])) for o in owners):
                owners = owners[:1]  # "Naseemuddin Siddiqui" and "Nasimuddin Siddiqui": one name spelt two ways
            if owners and len(owners) == 1 and "PERSON" in (_leans(g), _leans(owners[0])):
                owners[0].extend(g)
            else:
                out.append(g)
        return out

    def _unnamed_parties(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Capitalised names around a party word that no knowledge-base entry covers ("Praja Ekta
        Dal", "Peasants and Workers Party of India", "People's Party of Arunachal"): one PARTY,
        replacing the model's pieces of it."""
        fixed = {i for s in spans if s.kb_id_ for i in range(s.start, s.end)}
        out = list(spans)
        claimed: set[int] = set()
        w = words(doc)
        texts, lowers = w.text, w.lower

        def word(i: int) -> bool:
            text = texts[i]
            return i not in fixed and i not in claimed and text[:1].isupper() and text.isalpha() and w.pos[i] != "DET"

        party_words = self.kb.party_words
        for i, low in enumerate(lowers):
            if low not in party_words or i in fixed or i in claimed or not texts[i][:1].isupper():
                continue
            start = i
            while start > 0 and not w.sent_start[start]:
                if word(start - 1):
                    start -= 1
                elif start - 2 >= 0 and texts[start - 1] in ("and", "&", "'s", "’s", "'", "’") and word(start - 2):
                    start -= 2  # "Peasants and Workers Party", "People's Party"
                else:
                    break
            end = i + 1
            place = next((s for s in spans if s.start == end + 1 and s.label_ == "PLACE"), None)
            if end + 1 < len(doc) and lowers[end] == "of" and (word(end + 1) or place is not None):
                end = place.end if place is not None else end + 2  # "... Party of India", "... of Arunachal"
                while end < len(doc) and word(end) and not w.sent_start[end]:
                    end += 1
            if end - start >= 2 and not (start == i and end == i + 1):
                if start == i and lowers[start] in party_words and end == i + 1:
                    continue
                out = [s for s in out if s.end <= start or s.start >= end]
                out.append(Span(doc, start, end, label="PARTY"))
                claimed.update(range(start, end))
        return out

    # -- abbreviations defined in the text ---------------------------------------------------
    def _abbreviations(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """"Praja Ekta Dal (PED)": PED is that entity here and wherever it recurs."""
        defined: dict[str, Span] = {}
        out = list(spans)
        ending = {s.end: s for s in spans}
        for ent in spans:
            if ent.label_ not in LINKED:
                continue
            close = _paren_after(doc, ent.end)
            if close is None:
                continue
            inside = doc[ent.end + 1:close]
            if not inside.text:
                continue
            if _defines(inside.text, ent.text):
                defined[inside.text] = ent
            elif (place := ending.get(ent.start)) is not None and place.label_ == "PLACE" \
                    and ent.label_ in BODY_LABELS and not ent.kb_id_ \
                    and _initials_of(inside.text, doc[place.start:ent.end].text):
                # "the Rajasthan Kisan Manch (RKM)" read as a place and a party: the abbreviation
                # spells the place's initial too, so the place is part of the name
                whole = Span(doc, place.start, ent.end, label=ent.label_)
                out = [s for s in out if s is not place and s is not ent] + [whole]
                defined[inside.text] = whole
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
    w = words(doc)
    texts = w.text
    taken = {i for s in spans for i in range(s.start, s.end)}
    names: dict[tuple[str, ...], Span] = {}
    for s in spans:
        if s.label_ not in LINKED:
            continue
        names.setdefault(tuple(texts[s.start:s.end]), s)
        if s.label_ == "PERSON" and len(s) >= 2:
            for part in (texts[s.start], texts[s.end - 1]):
                if part.isalpha() and part[:1].isupper() and len(part) > 2:
                    names.setdefault((part,), s)
    out = list(spans)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in names:
        by_first.setdefault(key[0], []).append(key)
    for i, text in enumerate(texts):
        if text not in by_first or i in taken or w.pos[i] not in ("PROPN", "NOUN", "X"):
            continue
        for key in sorted(by_first[text], key=len, reverse=True):
            end = i + len(key)
            if end <= len(doc) and tuple(texts[i:end]) == key and not any(k in taken for k in range(i, end)):
                src = names[key]
                out.append(Span(doc, i, end, label=src.label_, kb_id=src.kb_id_))
                taken.update(range(i, end))
                break
    return out


_CALENDAR = frozenset("january february march april may june july august september october november december "
                      "monday tuesday wednesday thursday friday saturday sunday".split())


def _is_month_or_day(low: str) -> bool:
    return low in _CALENDAR


def _english(word: str, common: frozenset[str]) -> bool:
    """An English word (the model's lemma tables, or a plural of one), or a function word."""
    return (word in common or word in STOPWORDS or (word.endswith("s") and word[:-1] in common)
            or (word.endswith("es") and word[:-2] in common) or (word.endswith("ies") and word[:-3] + "y" in common))


def _merge_adjacent(doc: Doc, names: list[Name]) -> list[Name]:
    """Two of the model's names side by side with nothing between them are one name when one of
    them is a person's ("Tript Rajinder" + "Singh Bajwa")."""
    out: list[Name] = []
    for n in sorted(names, key=lambda n: n.start):
        prev = out[-1] if out else None
        if (prev is not None and prev.end == n.start and "PERSON" in (prev.model, n.model)
                and not doc[n.start].is_sent_start and doc[prev.end - 1].whitespace_ == " "
                and all(name_token(t) for t in doc[prev.start:n.end])):
            prev.end = n.end
            prev.votes.update(n.votes)
            prev.model = "PERSON"
            continue
        out.append(n)
    return out


def _at_head(doc: Doc, i: int) -> bool:
    """Token ``i`` opens a sentence, a line, a quotation or a bracket: its capital says nothing."""
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.text in ('"', "“", "‘", "'", ":", "-", "—", "–") or (prev.is_space and "\n" in prev.text)


def _common_here(doc: Doc, i: int, common: frozenset[str]) -> bool:
    """An English word written with a capital only because of where it stands, or written in
    lower case elsewhere in the document."""
    low = doc[i].lower_
    return (low in common and _at_head(doc, i)) or _lower_elsewhere(doc, low)


def _key(doc: Doc, n: Name) -> str:
    text = doc[n.start:n.end].text
    return fold(re.sub(r"['’]s$", "", text)).strip()


def _leans(group: list[Name]) -> str | None:
    total: Counter = Counter()
    for n in group:
        total.update(n.votes)
        if n.fixed:
            return n.fixed
    return max(total, key=lambda t: total[t]) if total else next((n.model for n in group if n.model), None)


def _lower_elsewhere(doc: Doc, lower: str) -> bool:
    """The word is written in lower case somewhere in the document: a common word, not a name."""
    words_ = doc.user_data.get("newsweave_lower_words")
    if words_ is None:
        words_ = doc.user_data["newsweave_lower_words"] = frozenset(t for t in words(doc).text if t.islower())
    return lower in words_


def _in_ents(doc: Doc, start: int, end: int) -> bool:
    """A token of ``start:end`` is inside one of the model's entities (in the span's length, not the document's)."""
    return any(doc[i].ent_iob_ in ("B", "I") for i in range(start, end))


def _paren_after(doc: Doc, i: int) -> int | None:
    """The index of ")" closing a "(" at token ``i`` within 6 tokens, else None."""
    if i >= len(doc) or doc[i].text != "(":
        return None
    for j in range(i + 1, min(i + 7, len(doc))):
        if doc[j].text == ")":
            return j if j > i + 1 else None
    return None


def _initials_of(abbr: str, long: str) -> bool:
    """``abbr`` is exactly the initials of ``long``'s capitalised words ("RKM", "Rajasthan Kisan
    Manch"; the small words of a name -- "of", "and" -- may be left out or kept)."""
    letters = [c for c in abbr if c.isalnum()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return False
    words = [w for w in re.split(r"[\s\-]+", long) if w[:1].isalpha()]
    capital = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0].upper() for w in words)
    return "".join(letters) in (capital, every)


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
