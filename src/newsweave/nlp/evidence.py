"""What a name is, decided by evidence: votes for a type from the words around each mention.

Every candidate mention (:class:`Name`) collects votes: the model's label, the knowledge base and
the gazetteer, and the cues of ``data/entity_cues.toml`` — an office or honorific before it
("MLA Sulabha Khodke"), a constituency word after it ("Boxanagar constituency"), "from X" after an
office or a verb of standing for election, a name in brackets after a person's ("Rakesh Rathore
(Sitapur Sadar)"), a party's possessive ("BJP's Sunita Duggal"), a government named after its head
("the Vijay Rupani government"), an apposition ("Tanwar, a Dalit leader"), the subject of a
verb people do ("X said"), a place-name ending (``place_suffixes.txt``). Items of one list
("A, B, C and D", or a numbered list under "List of suspended MLAs") vote for the type their
neighbours have. Then every mention of one name in the document — its full form, or a person's
surname or first name alone — takes the type with most votes over all of them: a name that is a
PERSON in nine mentions is not a PLACE in the tenth.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..link.names import fold
from ..resources import data_toml, per_settings
from ..vocab import TYPE_TIE_ORDER
from .text import tokens_text
from .text import words as doc_words

#: the types evidence decides between
TYPES = TYPE_TIE_ORDER  # the order a tie is decided in
#: votes a knowledge-base entry gives its own type (stronger than any cue)
KB_VOTE = 6.0
#: a name the model did not find needs this many votes to become an entity
MIN_VOTES = 2.0
#: a name shaped as people's names are (two or three capitalised words, none an organisation's
#: word or an English word, no article before it) votes this much for PERSON, once per name
SHAPE_VOTE = 1.5
#: the model's labels over all mentions of one name count at most this much: its tenth wrong
#: guess at one string is not new evidence, as a tenth context word is
MODEL_CAP = 2.0
_INITIALS = re.compile(r"[A-Z]{1,3}\.?|(?:[A-Z]\.){1,3}")
FUNCTION_POS = {"DET", "PRON", "ADP", "CCONJ", "SCONJ", "AUX", "PART"}
LIST_SEPARATORS = {",", "and", "&", ";", "or", "-", "–", "—", ":"}


@dataclass(frozen=True, slots=True)
class Cues:
    place_after: frozenset[str]
    place_between: frozenset[str]
    place_of: frozenset[str]
    place_from_after: frozenset[str]
    place_for_after: frozenset[str]
    place_verbs: frozenset[str]
    place_prepositions: frozenset[str]
    government: frozenset[str]
    apposition: frozenset[str]
    person_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    plural: frozenset[str]
    list_glue: frozenset[str]
    person_before: frozenset[str]
    appointing: frozenset[str]
    kin: frozenset[str]


@per_settings
def load_cues() -> Cues:
    data = data_toml("entity_cues.toml")
    speech = data_toml("speech.toml")
    p, q = data["place"], data["person"]
    low = lambda xs: frozenset(x.lower() for x in xs)  # noqa: E731
    return Cues(low(p["after"]), low(p["between"]), low(p["of"]), low(p["from_after"]), low(p["for_after"]), low(p["verbs"]),
                low(p["prepositions"]), low(q["government"]), low(q["apposition"]),
                low(q["verbs"]) | low(speech["verbs"]), low(speech["verbs"]), low(q["plural"]), low(q["list_glue"]),
                low(q["before"]) | low(q["apposition"]), low(q["appointing"]), low(q["kin"]))


@dataclass(slots=True)
class Name:
    """A candidate mention: tokens ``start:end``, its votes, and what the knowledge base says."""

    start: int
    end: int
    votes: Counter = field(default_factory=Counter)  # type -> weight: votes may be fractions (0.5, 1.5)
    kb_id: str = ""
    fixed: str | None = None  # a knowledge-base entry's type: evidence does not change it
    model: str | None = None  # the model's label for it, if the model found it
    model_vote: float = 0.0  # the part of ``votes[model]`` that is the model's own label
    titled: bool = False  # an office or honorific stands right before it
    shaped: bool = False  # written as a person's name is (see :data:`SHAPE_VOTE`)
    other: str | None = None  # a label newsweave does not link (PRODUCT, ...), kept when no evidence says more

    def leaning(self) -> str | None:
        if self.fixed:
            return self.fixed
        if not self.votes:
            return self.model
        best = max(self.votes.values())
        top = [t for t in TYPES if self.votes.get(t, 0) == best]
        return self.model if self.model in top else top[0]

    def confident(self) -> str | None:
        """The type this mention leans to by a clear margin, if any."""
        if self.fixed:
            return self.fixed
        ranked = sorted(self.votes.values(), reverse=True) + [0.0, 0.0]
        return self.leaning() if ranked[0] - ranked[1] >= 1.5 else None

    def total(self) -> float:
        return sum(self.votes.values())


class Evidence:
    """Votes from the context of each name (see the module doc)."""

    def __init__(self, is_title: Callable[[str], bool], suffixes: tuple[str, ...], small_places: frozenset[str],
                 org_words: frozenset[str] = frozenset(), english: Callable[[str], bool] = lambda w: False,
                 title_at: Callable[[Doc, int, int], bool] | None = None):
        self.cues = load_cues()
        self.org_words = org_words
        self._english = english  # an English word (lower case), not a name
        # the same test of tokens lo:hi of a document (the entity component's remembers its answers)
        self._title_at = title_at or (lambda doc, lo, hi: is_title(tokens_text(doc, lo, hi)))
        self.suffixes = suffixes
        self.small_places = small_places

    # -- single mentions ---------------------------------------------------------------------
    def is_title(self, doc: Doc, lo: int, hi: int) -> bool:
        return 0 <= lo < hi <= len(doc) and self._title_at(doc, lo, hi)

    def title_before(self, doc: Doc, i: int) -> bool:
        """An office or honorific ends right before token ``i`` ("MLA", "Union Home Minister", "Mr.")."""
        return any(self.is_title(doc, i - n, i) for n in range(1, 5))

    def title_after(self, doc: Doc, j: int) -> bool:
        return any(self.is_title(doc, j, j + n) for n in range(1, 4))

    def vote(self, doc: Doc, name: Name, by_start: dict[int, Name], by_end: dict[int, Name]) -> None:
        """Add the votes of ``name``'s own context."""
        c = self.cues
        s, e = name.start, name.end
        v = name.votes
        span = doc[s:e]
        sent_start = doc_words(doc).sent_first[s]
        before = doc[s - 1] if s > sent_start else None
        after = doc[e] if e < len(doc) else None
        words = e - s
        name.shaped = self._shaped(doc, s, e)
        if name.titled or self.title_before(doc, s) or self._office_from_place(doc, s, by_end):
            v["PERSON"] += 3
        elif before is not None and before.text == "," and self.title_before(doc, s - 1) and after is not None \
                and after.text in (",", "(") and by_end.get(s - 1) is None:
            v["PERSON"] += 2  # "Two-time Assam MLA, Sushanta Borgohain, resigned": an office's name in apposition
        elif before is not None and before.lower_ in c.person_before and (before.pos_ == "NOUN" or (
                s - 2 >= sent_start and doc[s - 2].tag_ == "PRP$")):  # "his rival X": the parser's adjective
            v["PERSON"] += 2  # "his rival X", "Shiv Sena candidate X"
        # "EE Pangteang", "B. K. Hariprasad": initials open a person's name
        k = s
        while k < e - 1 and _INITIALS.fullmatch(doc[k].text):
            k += 1
        if k > s and k - s <= 3 and e - k <= 2 and all(t.text[:1].isupper() and len(t.text) > 2 for t in doc[k:e]) \
                and doc[e - 1].lower_ not in self.org_words:
            v["PERSON"] += 2
        # "appointed Rajesh Thakur president of the state unit": the one made an office's holder
        if words >= 2 and before is not None and before.lemma_.lower() in c.appointing and after is not None \
                and self.title_after(doc, e):
            v["PERSON"] += 2
        # "Amravati MLA", "Rudrapur MLA": a one-word name before an office is its constituency
        if words == 1 and after is not None and self.title_after(doc, e) and not self.title_before(doc, s):
            v["PLACE"] += 1.5  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        # "BJP's Sunita Duggal"
        if before is not None and before.text in ("'s", "’s"):
            owner = by_end.get(s - 1)
            if owner is not None and owner.leaning() == "PARTY":
                v["PERSON"] += 2 if words >= 2 else 1
        # "the Vijay Rupani government", "the Vajpayee-led government"
        k = e
        if k < len(doc) and doc[k].text in ("-", "–") and k + 1 < len(doc) and doc[k + 1].lower_ == "led":
            v["PERSON"] += 2 if words >= 2 else 0.5  # type: ignore[assignment]  # float votes; "the X Y-led Jharkhand Mukti Morcha": a person leads it
            k += 2
        if k < len(doc) and doc[k].lower_ in c.government and words >= 2:
            v["PERSON"] += 2
        # "Boxanagar constituency", "Pratappur Assembly seat", "Sirsa (SC) seat"
        k = e
        while k < len(doc) and k - e < 4 and doc[k].lower_ in c.place_between:
            k += 1
        if k < len(doc) and doc[k].lower_ in c.place_after:
            v["PLACE"] += 3
        # "the district of X"
        if before is not None and before.lower_ == "of" and s - 2 >= sent_start and doc[s - 2].lower_ in c.place_of:
            v["PLACE"] += 2
        if before is not None and before.lower_ == "from":
            lo = max(sent_start, s - 6)
            if any(t.lemma_.lower() in c.place_from_after for t in doc[lo:s - 1]) or any(
                    self.title_before(doc, j) for j in range(lo + 1, s)):
                v["PLACE"] += 2
            else:
                v["PLACE"] += 0.5  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        if before is not None and before.lower_ == "for" and s - 2 >= sent_start and (
                doc[s - 2].lower_ in c.place_for_after or doc[s - 2].lemma_.lower() in c.place_for_after):
            v["PLACE"] += 2
        if before is not None and before.lemma_.lower() in c.place_verbs:
            v["PLACE"] += 2
        if before is not None and before.lower_ in c.place_prepositions:
            v["PLACE"] += 0.5  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        # "Rakesh Rathore (Sitapur Sadar)", "Sushma Patel (Mungra Badshahpur, Jaunpur)"
        if self._bracket_after_person(doc, s, by_end):
            v["PLACE"] += 2.5  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        # "Maheshwar Prasad Yadav (Gaighat MLA)": an office in brackets after the name
        if after is not None and after.text == "(" and any(
                doc[k].text == ")" and self.title_before(doc, k) for k in range(e + 2, min(e + 7, len(doc)))):
            v["PERSON"] += 2
        # "Tanwar, a Dalit leader, ...", "Mia, who was ...", "X, representing Y, ..."
        if after is not None and after.text == "," and e + 1 < len(doc):
            nxt = doc[e + 1].lower_
            if nxt in ("who", "whose") or self._apposition(doc, e + 1) or self.title_after(doc, e + 1):
                v["PERSON"] += 2  # ", a Dalit leader", ", who", ", Leader of Opposition in the Assembly"
            elif doc[e + 1].lemma_.lower() in c.place_verbs and doc[e + 1].tag_ == "VBG":
                v["PERSON"] += 1
        # "Dharaviya is the fourth MLA", "X was a senior leader"
        root = span.root
        if root.dep_ == "nsubj" and root.head.lemma_ == "be" and any(
                t.dep_ in ("attr", "acomp") and (t.lower_ in c.apposition or self.is_title(doc, t.i, t.i + 1))
                for t in root.head.children):
            v["PERSON"] += 2
        # "X said", "X joined the party"
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in c.person_verbs \
                and doc[e - 1].lower_ not in self.org_words:
            v["PERSON"] += 1
        last = fold(doc[e - 1].text)
        if any(last.endswith(x) and len(last) > len(x) + 2 for x in self.suffixes):
            v["PLACE"] += 0.75  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        if not name.fixed and fold(span.text) in self.small_places:
            v["PLACE"] += 1

    def _shaped(self, doc: Doc, s: int, e: int) -> bool:
        """Written as people's names are: two or three capitalised words ("Sushanta Borgohain"),
        none an organisation's or party's word, a title or an English word, no article before, not in
        brackets (where "Rakesh Rathore (Sitapur Sadar)" names a seat)."""
        words = doc[s:e]
        return 2 <= len(words) <= 3 and all(
            t.is_alpha and t.text[:1].isupper() and t.text[1:].islower() and len(t.text) > 2
            and t.lower_ not in self.org_words and not self._english(t.lower_) and not self.is_title(doc, t.i, t.i + 1)
            for t in words) and not (s > 0 and doc[s - 1].lower_ == "the") and not _in_brackets(doc, s)

    def _office_from_place(self, doc: Doc, s: int, by_end: dict[int, Name]) -> bool:
        """"Congress MLA from Manavadar X", "MLA from Tehri constituency X": an office, "from" and its
        seat, then the name."""
        if s > 0 and doc[s - 1].lower_ in self.cues.place_after:
            s -= 1  # "... Tehri constituency X"
        seat = by_end.get(s)
        if seat is None or seat.start < 2 or doc[seat.start - 1].lower_ not in ("from", "for"):
            return False
        return seat.leaning() == "PLACE" and self.title_before(doc, seat.start - 1)

    def _bracket_after_person(self, doc: Doc, s: int, by_end: dict[int, Name]) -> bool:
        """Token ``s`` opens the content of a bracket right after a person's name, or follows a
        comma inside it ("(Mungra Badshahpur, Jaunpur)")."""
        i = s - 1
        while i >= 0 and doc[i].text != "(":
            if doc[i].text in (")", ".", "\n") or s - i > 6 or doc[i].is_space:
                return False
            i -= 1
        lead = s - 1
        while lead > i and doc[lead].like_num:
            lead -= 1  # "(48 Moka)": a constituency's number before its name
        if i <= 0 or (i != lead and doc[lead].text != ","):
            return False
        prev = by_end.get(i)
        return prev is not None and prev.leaning() == "PERSON"

    def _apposition(self, doc: Doc, i: int) -> bool:
        """An apposition about a person starts at ``i``: ", a Dalit leader", ", the MLA from ..."."""
        if i >= len(doc) or doc[i].lower_ not in ("a", "an", "the", "former", "senior", "sitting", "veteran",
                                                 "ex", "then", "his", "her", "now", "also"):
            return False
        for j in range(i + 1, min(i + 6, len(doc))):
            t = doc[j]
            if t.text in (",", ".", ";") or t.is_space:
                return False
            if t.lower_ in self.cues.apposition or self.is_title(doc, j, j + 1):
                return True
        return False

    def vote_annotated(self, doc: Doc, names: list[Name], by_start: dict[int, Name]) -> None:
        """"Dhirendra Chauhan (Kotdwar)": a name followed by a place in brackets is a person's."""
        for n in names:
            if n.fixed or n.end + 1 >= len(doc) or doc[n.end].text != "(":
                continue
            inner = by_start.get(n.end + 1)
            if inner is not None and inner.confident() == "PLACE":
                n.votes["PERSON"] += 1.5  # type: ignore[assignment]  # float votes: typeshed's Counter is int

    # -- lists ---------------------------------------------------------------------------------
    def vote_lists(self, doc: Doc, names: list[Name]) -> None:
        """Items of one list vote for the type their confident neighbours have; a list of what a
        plural of people is ("The four leaders are A, B and C", "six MLAs, including A and B",
        "three MLAs, A, B and C") is a list of people."""
        for group in self._lists(doc, names):
            if len(group) >= 2 and self._people_list(doc, group):
                for n in group:
                    n.votes["PERSON"] += 2
            if len(group) < 3:
                continue
            sure = {id(n): n.confident() for n in group}
            for n in group:
                others = Counter(sure[id(m)] for m in group if m is not n and sure[id(m)])
                size = sum(others.values())
                if size:
                    t, k = others.most_common(1)[0]
                    if k / size >= 0.6:
                        n.votes[t] += 2.0 * k / size  # type: ignore[assignment]  # float votes: typeshed's Counter is int

    def _people_list(self, doc: Doc, group: list[Name]) -> bool:
        first = doc[group[0].start:group[0].end].root
        head = first.head
        if first.dep_ in ("attr", "dobj") and head.lemma_ in ("be", "include"):
            subj = next((t for t in head.children if t.dep_ in ("nsubj", "nsubjpass")), None)
            return subj is not None and self._people_word(doc, subj)
        if first.dep_ == "pobj" and head.lower_ == "including":
            return self._people_word(doc, head.head)
        if first.dep_ == "appos":  # "three BJP sitting MLAs, A, B and C"
            return self._people_word(doc, head)
        return False

    def _people_word(self, doc: Doc, t: Token) -> bool:
        return t.lower_ in self.cues.plural or (t.tag_ in ("NNS", "NNPS") and self.is_title(doc, t.i, t.i + 1))

    def _lists(self, doc: Doc, names: list[Name]) -> list[list[Name]]:
        """Runs of names separated only by list punctuation ("A, B and C"), with bracketed asides
        skipped ("A (x), B (y)"), and runs of lines that are each one name ("1 A" / "2 B")."""
        ordered = sorted(names, key=lambda n: n.start)
        starts = {n.start for n in names}
        # "and Congress legislator X": a name before an office before a name qualifies that name
        qualifiers = [n for n in ordered if any(self.is_title(doc, n.end, n.end + k) and n.end + k in starts
                                                for k in range(1, 4))]
        skip = {i for n in qualifiers for i in range(n.start, n.end)}
        out: list[list[Name]] = []
        run: list[Name] = []
        for n in ordered:
            if n.start in skip:
                continue
            if run and self._between_is_separator(doc, run[-1].end, n.start, skip):
                run.append(n)
            else:
                if run:
                    out.append(run)
                run = [n]
        if run:
            out.append(run)
        inside = [[n for n in r if _in_brackets(doc, n.start)] for r in out]
        outside = [[n for n in r if not _in_brackets(doc, n.start)] for r in out]
        lines = self._name_lines(doc, ordered)
        return [r for r in outside + inside + lines if r]

    def _between_is_separator(self, doc: Doc, a: int, b: int, skip: AbstractSet[int] = frozenset()) -> bool:
        depth = 0
        seps = 0
        for t in doc[a:b]:
            if t.i in skip and seps:
                continue
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            elif depth:
                continue
            elif t.lower_ in LIST_SEPARATORS:
                seps += 1
            elif t.is_space and "\n" not in t.text:
                continue
            elif seps and (t.lower_ in self.cues.list_glue or self.is_title(doc, t.i, t.i + 1)):
                continue  # "..., and sitting MLA X"
            else:
                return False
        return seps > 0 or depth > 0 or any(t.text == "(" for t in doc[a:b])

    def _name_lines(self, doc: Doc, names: list[Name]) -> list[list[Name]]:
        """Consecutive sentences that are each one name, perhaps numbered ("1 Vedavyas Kamath");
        a heading before them naming people ("List of suspended MLAs") votes PERSON."""
        out: list[list[Name]] = []
        run: list[Name] = []
        last_end = None
        w = doc_words(doc)
        for n in names:
            first, end = w.sentence(n.start)
            if any(not (n.start <= i < n.end) and not w.text[i].isspace() and not w.like_num[i]
                   and w.text[i] not in ".)(" for i in range(first, end)):
                continue
            if run and last_end is not None and first - last_end <= 2:
                run.append(n)
            else:
                if len(run) >= 3:
                    out.append(run)
                run = [n]
            last_end = end
        if len(run) >= 3:
            out.append(run)
        for r in out:
            heading = doc[r[0].start].sent
            while heading.start > 0:  # the heading: the sentence before, past bare numbers ("1")
                heading = doc[heading.start - 1].sent
                if any(not (t.is_space or t.like_num or t.is_punct) for t in heading):
                    break
            if heading.start < r[0].start and any(self._people_word(doc, t) for t in heading):
                for n in r:
                    n.votes["PERSON"] += 2
        return out


def _in_brackets(doc: Doc, i: int) -> bool:
    for j in range(i - 1, max(-1, i - 8), -1):
        t = doc[j]
        if t.text == ")":
            return False
        if t.text == "(":
            return True
    return False


def name_token(t: Token) -> bool:
    """A token that can be part of a name: capitalised letters ("Kolambkar", "D'Sa"), an initial
    ("R", "C."), a capitalised hyphen part."""
    text = t.text
    if not text[:1].isupper() or (t.pos_ in FUNCTION_POS and t.is_stop):
        return False
    if t.is_alpha:
        return True
    core = text.rstrip(".")
    return (len(core) == 1 and core.isalpha()) or (core.replace("'", "").replace("’", "").isalpha() and len(core) > 2)


def decide(groups: list[list[Name]]) -> dict[int, str]:
    """One type per group of mentions of one name: the type with most votes over all of them,
    the model's labels together counting at most :data:`MODEL_CAP`."""
    out: dict[int, str] = {}
    for g in groups:
        fixed = next((n.fixed for n in g if n.fixed), None)
        total: Counter = Counter()
        models: Counter = Counter()
        if any(n.shaped for n in g):
            total["PERSON"] += SHAPE_VOTE  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        said = sum(n.model_vote for n in g if n.model)
        scale = min(1.0, MODEL_CAP / said) if said else 1.0
        for n in g:
            total.update(n.votes)
            if n.model:
                models[n.model] += 1
                total[n.model] -= n.model_vote * (1 - scale)  # type: ignore[assignment]  # float votes: typeshed's Counter is int
        if fixed:
            label = fixed
        elif total:
            best = max(total.values())
            top = [t for t in TYPES if total.get(t, 0) == best]
            model = models.most_common(1)[0][0] if models else None
            label = model if model in top else top[0]
        else:
            label = models.most_common(1)[0][0] if models else ""
        for n in g:
            out[id(n)] = label
    return out
