"""Groups of people named by a plural noun ("six BSP MLAs", "the rebel leaders"): who is in them,
and which later mentions are the same group.

A **mention** is a plural noun from ``[groups] heads`` (``data/triggers.toml``) that is no entity.
Its **members** are the people listed with it — after "including", "like", ... ("six MLAs,
including A and B"), in apposition ("two MLAs, A and B"; "MLAs – A, B"), "led by X" — and in a
sentence that lists a group ("The MLAs include A and B", "The six MLAs are A, B and C", "A and B
are also among the suspended MLAs"). Mentions **chain** (are one group) when their head word is
the same (or of one kind: ``[groups] same``) and their counts and parties, where both give one,
agree, within ``WINDOW`` sentences of the chain's last mention (of several, the one mentioned
most, then most often as a subject); a mention with a number and no
"the"/"these" brings in a new group unless it repeats that number, and always when it lists its
own members. "They" / "them" is the group (or the conjoined people, "A and B") that
is the subject of the verb reporting its clause ("A and B announced that they will join"), else
the nearest such subject before it.

Events read a group's members here: an event whose actor is a group is every member's event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .refer import Referents, is_plural, same_party, subject_of_next
from .text import doc_ents

WINDOW = 6  # sentences a group stays in view
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})


@dataclass(slots=True)
class Mention:
    tok: Token
    key: str  # the head word, singular and lower-cased ("mla")
    count: int | None
    party: Span | None
    sent: int
    chain: int = -1


@dataclass(slots=True)
class _Chain:
    mentions: list[Mention] = field(default_factory=list)
    members: list[Token] = field(default_factory=list)


class Groups:
    """The group mentions of ``doc``, chained, with their members.

    ``party_of(tok)`` gives the party a group's noun names ("BSP MLAs", "its MLAs"), ``count_of``
    its number; ``same`` maps head words of one kind to one ("legislator": "mla"); ``reporters`` are the lemmas of verbs whose subject a "they" in their clause means."""

    def __init__(self, doc: Doc, refer: Referents, heads: frozenset[str], same: dict[str, str],
                 members_after: frozenset[str],
                 list_verbs: frozenset[str], reporters: frozenset[str],
                 party_of: Callable[[Token], Span | None], count_of: Callable[[Token], int | None]):
        self.doc, self.refer = doc, refer
        self.heads, self.members_after, self.list_verbs, self.reporters = heads, members_after, list_verbs, reporters
        self.same = same  # head words of one kind of group ("legislator" is "mla")
        self.sent_no = {t.i: n for n, s in enumerate(refer.sents) for t in s}
        self.mentions: dict[int, Mention] = {}
        self._runs: dict[int, list[Token]] = {}  # run_after, by the group's token
        # members named only as "among the suspended MLAs": they share that state, not every event
        self.only: dict[int, str] = {}
        # "Those expelled include A, B": (sentence start, the participle's lemma, the people listed)
        self.those: list[tuple[int, str, list[Token]]] = []
        for t in doc:
            key = self.key(t)
            if key is not None:
                self.mentions[t.i] = Mention(t, key, count_of(t), party_of(t), self.sent_no[t.i])
        self.chains: list[_Chain] = []
        for m in self.mentions.values():
            self._chain(m)
        for m in self.mentions.values():
            self._add(m.chain, self.listed(m.tok))
        for sent in refer.sents:
            self._lists(sent)

    # -- mentions ------------------------------------------------------------------------------
    def key(self, tok: Token) -> str | None:
        """The group's head word for a plural people-noun that is no entity, else None."""
        if tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ in ("PERSON", "PARTY", "ORG", "PLACE"):
            return None
        word = tok.lower_
        if not is_plural(tok):
            return None
        for cand in (word[:-1] if word.endswith("s") else word, tok.lemma_.lower(), word):
            if cand in self.heads:
                return self.same.get(cand, cand)
        return None

    def _chain(self, m: Mention) -> None:
        """Join the chain in view with the same head word whose count and party agree — of several,
        one described by the same participle ("the suspended MLAs"), then the one mentioned most
        (the group the text is about), then as a subject, then the latest ("these three
        legislators" points: the latest);
        a mention that brings in a group (:func:`_introduces`) joins only one of the same number."""
        new = _introduces(m.tok)
        state = _state(m.tok)  # "the suspended MLAs": the group described so before, however far back
        fits: list[int] = []
        if not ((new or self.run_after(m.tok)) and self.listed(m.tok)):  # "three RJD MLAs - A, B and C": a group of its own
            for n, chain in enumerate(self.chains):
                last = chain.mentions[-1]
                described = state is not None and any(_state(x.tok) == state for x in chain.mentions)
                if (m.sent - last.sent > WINDOW and not described) or last.key != m.key:
                    continue
                count = next((x.count for x in chain.mentions if x.count is not None), None)
                party = next((x.party for x in chain.mentions if x.party is not None), None)
                if _agree(count, m.count) and _same_party(party, m.party) and not (new and count != m.count):
                    fits.append(n)
        pointing = any(c.dep_ == "det" and c.lower_ in ("these", "those") for c in m.tok.children)

        def rank(n: int) -> tuple:
            seen = self.chains[n].mentions
            described = state is not None and any(_state(x.tok) == state for x in seen)
            if pointing:  # "these three legislators": the group last in view
                return (described, seen[-1].tok.i)
            return (described, len(seen), sum(_role(x.tok) in ("nsubj", "nsubjpass") for x in seen), n)

        if fits:
            m.chain = max(fits, key=rank)
            self.chains[m.chain].mentions.append(m)
            return
        m.chain = len(self.chains)
        self.chains.append(_Chain([m]))

    def _add(self, chain: int, people: list[Token]) -> None:
        members = self.chains[chain].members
        for t in people:
            if all(t.i != o.i for o in members):
                members.append(t)

    # -- members ---------------------------------------------------------------------------------
    def people(self, tok: Token) -> list[Token]:
        """The people a list names, from its first item: conjuncts and appositions, through the
        places a parse hangs them on ("A (Jaunpur), B (Hapur)"), and the members of a group in it."""
        out: list[Token] = []

        def walk(t: Token) -> None:
            if t.i != tok.i and subject_of_next(t):
                return  # "..., D and E, spokesman F said": F is no item
            if t.i in self.mentions:
                out.extend(self.listed(t))
            elif self.refer.named(t) is not None:
                out.append(t)
            elif t.ent_type_ not in ("PLACE", "ORG", "GPE") and t.i != tok.i:
                return
            for c in t.children:
                if c.dep_ in ("conj", "appos"):
                    walk(c)
                elif c.ent_type_ in ("PLACE", "GPE") and c.i > t.i and c.i - 1 >= 0 and c.doc[c.i - 1].text == "(":
                    walk(c)  # "A (Sadabad, Hathras) and B (Purwa)": a parse may hang B on A's seat
                elif c.dep_ == "prep" and c.lower_ == "from":  # "A from Airoli, B from Akole and C": a parse
                    for p in c.children:  # may hang the next name on the place
                        if p.dep_ == "pobj" and p.pos_ == "PROPN" and p.ent_type_ != "PERSON":
                            walk(p)

        walk(tok)
        return out

    def run_with(self, tok: Token) -> list[Token]:
        """The names of a run after a group and a dash in ``tok``'s sentence that ``tok`` is one
        of ("three RJD MLAs- A, B and C - had joined": B's verb is A's and C's too)."""
        for m in self.mentions.values():
            if m.tok.sent.start == tok.sent.start:
                run = self.run_after(m.tok)
                if any(t.i == tok.i for t in run):
                    return run
        return []

    def listed(self, group: Token) -> list[Token]:
        """Members named with the mention itself: "including"-type lists, appositions, "led by", a
        run of names after a dash or colon ("three RJD MLAs- A (Gaighat MLA), B and C")."""
        found: list[Token] = self.run_after(group)
        for c in group.children:
            if c.dep_ == "prep" and c.lower_ in self.members_after:
                found += [t for p in c.children if p.dep_ in ("pobj", "pcomp") for t in self.people(p)]
            elif c.dep_ == "appos":
                found += self.people(c)
            elif c.dep_ == "conj" and c.i in self.mentions:  # "leaders and ex-ministers A and B"
                found += self.listed(c)
            elif c.dep_ == "acl" and c.lemma_.lower() in ("lead", "head"):  # "led by Leader of Opposition X"
                for p in (p for a in c.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"):
                    found += self.people(p) or [t for t in p.subtree if t.dep_ != "compound"
                                                and self.refer.named(t) is not None][:1]
        return found

    def run_after(self, group: Token) -> list[Token]:
        """The names listed right after a group and a dash or colon, however the parse hangs them:
        names separated by commas and "and", each perhaps with a bracketed aside (read once per group)."""
        if group.i not in self._runs:
            self._runs[group.i] = self._read_run(group)
        return self._runs[group.i]

    def _read_run(self, group: Token) -> list[Token]:
        doc = group.doc
        i = group.i + 1
        if i >= len(doc) or doc[i].text not in ("-", "–", "—", "--", ":"):
            return []
        out: list[Token] = []
        i += 1
        end = group.sent.end
        while i < end:
            t = doc[i]
            if t.text == "(":
                close = next((k for k in range(i + 1, min(i + 8, end)) if doc[k].text == ")"), None)
                if close is None:
                    break
                i = close + 1
                continue
            if t.text in (",", "and") or t.is_space:
                i += 1
                continue
            person = self.refer.named(t)
            if person is None or person.start != i:
                break
            out.append(doc[person.end - 1])
            i = person.end
        return out if len(out) >= 2 else []

    def _lists(self, sent: Span) -> None:
        """Sentences that list a group: "The MLAs include A and B", "A and B are among the MLAs",
        "Those expelled include A and B" (kept in :attr:`those` for the events of that verb)."""
        for v in sent:
            if v.lemma_.lower() not in self.list_verbs or v.pos_ not in ("VERB", "AUX"):
                continue
            subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            obj = next((c for c in v.children if c.dep_ in ("attr", "dobj")), None)
            if subj is None:
                continue
            if subj.lower_ in ("those", "these") and obj is not None:
                self.those += [(sent.start_char, c.lemma_.lower(), self.people(obj)) for c in subj.children
                               if c.dep_ == "acl" and c.tag_ == "VBN"]
            if subj.i in self.mentions and obj is not None:
                # "... are A and six suspended MLAs – B, C": a parse may hang the second item on the verb
                more = [c for c in v.children if c.dep_ == "conj" and c.i > obj.i
                        and (c.i in self.mentions or self.refer.named(c) is not None)]
                self._add(self.mentions[subj.i].chain, self.people(obj) + [t for c in more for t in self.people(c)]
                          + self._named_after(v, sent))
            among = [p for c in v.children if c.dep_ == "prep" and c.lower_ == "among"
                     for p in c.children if p.dep_ == "pobj" and p.i in self.mentions]
            if among and self.refer.named(subj) is not None:
                people = self.people(subj)
                self._add(self.mentions[among[0].i].chain, people)
                if (state := _state(among[0])) is not None:
                    self.only.update({t.i: state for t in people})

    def _named_after(self, verb: Token, sent: Span) -> list[Token]:
        """Everyone named after a listing verb in its sentence, however the parse hangs a long list
        ("The MLAs include A, a two-time MLA from X, B, a three-time MLA, C and D"); not someone a
        name is told by ("led by X", "the leadership of X")."""
        out: list[Token] = []
        for e in doc_ents(self.doc):
            if e.label_ != "PERSON" or e.start <= verb.i or e.end > sent.end:
                continue
            root = e.root
            if root.dep_ == "pobj" and root.head.lower_ in ("of", "by", "under", "with", "to"):
                continue
            out.append(root)
        return out

    def members(self, tok: Token) -> list[Token]:
        """Everyone named as one of the group ``tok`` mentions (its whole chain)."""
        m = self.mentions.get(tok.i)
        return list(self.chains[m.chain].members) if m is not None else []

    def same_chain(self, a: Token, b: Token) -> bool:
        """Do ``a`` and ``b`` mention one group? (Named apart from ``same``, the head-word map an
        instance sets, which hid this method.)"""
        ma, mb = self.mentions.get(a.i), self.mentions.get(b.i)
        return ma is not None and mb is not None and ma.chain == mb.chain

    # -- they --------------------------------------------------------------------------------------
    def pronoun(self, tok: Token, inside_quote: Callable[[int], object]) -> Token | None:
        """The group a plural pronoun (or "All four", "both") stands for: its mention's token (or the
        first of conjoined people), else None."""
        t = tok
        while t.head.i != t.i:
            if t.dep_ == "ccomp" and t.head.lemma_.lower() in self.reporters:
                subj = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
                if subj is not None and self._plural_subject(subj):
                    return subj
                break
            t = t.head
        n = self.sent_no[tok.i]
        for k in range(n, max(-1, n - 3), -1):
            sent = self.refer.sents[k]
            found = None
            for t in sent:
                if k == n and t.i >= tok.i:
                    break
                if t.dep_ in ("nsubj", "nsubjpass") and not inside_quote(t.idx) and self._plural_subject(t):
                    found = t
            if found is not None:
                return found
        return None

    def _plural_subject(self, t: Token) -> bool:
        return t.i in self.mentions or (self.refer.named(t) is not None and any(
            c.dep_ in ("conj", "appos") and self.refer.named(c) is not None for c in t.children))


def _state(tok: Token) -> str | None:
    """The participle that describes a group ("suspended" of "the six suspended MLAs")."""
    return next((c.lemma_.lower() for c in tok.children if c.dep_ == "amod" and c.tag_ == "VBN"), None)


def _role(tok: Token) -> str:
    """The mention's role in its clause, through "a group of", "a batch of": "A group of ten MLAs
    merged" has the MLAs for subject."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in (
            "group", "batch", "team", "delegation", "bunch", "total", "band"):
        return tok.head.head.dep_
    return tok.dep_


def _introduces(tok: Token) -> bool:
    """A mention with a number and no definite word ("three BJP MLAs", "Two more leaders") brings
    in a new group; "the six MLAs", "these MLAs", "its MLAs", "MLAs" may be one named before."""
    definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "these", "those", "its", "their", "such")
                   for c in tok.children)
    counted = any(c.dep_ == "nummod" or (c.dep_ == "amod" and c.like_num) for c in tok.children)
    return counted and not definite


def _agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _same_party(x: Span | None, y: Span | None) -> bool:
    return x is None or y is None or same_party(x, y)
