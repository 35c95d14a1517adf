"""Political events read off the dependency parse: who left or joined which party, who was
expelled, suspended or appointed, who resigned a post, which party holds a rally — with the date,
the place, how many went along, whether it is fact, speculation, a plan or a denial, and on whose
word. Trigger words and lexicons are data (``data/triggers.toml``).

For each trigger (a verb, or a noun such as "his exit from the BSP") in a sentence:

* the **actor** is the subject (the passive subject of "was expelled"; the object of "expelled
  X"); a relative pronoun stands for the noun its clause hangs on ("Siddiqui, who was expelled");
  a conjoined verb shares its subject ("quit the Congress and joined the BJP"); "he"/"she" is the
  subject in view (nlp/refer.py); "they" and a group's members come from nlp/groups.py; "I"
  inside a quotation is its speaker; "the party" is the last party named; an unnamed group ("six
  Congress MLAs") is kept as written with no entity. When a group acts "with him", the event is
  his and the group's number is his followers.
* the **party** is the object (or the object of "from", "to", "into", ...) when it is a party or
  organisation, or "the party" / "membership" standing for the last party named — for leaving,
  expulsion and suspension the actor's own party when the text gives it ("NCP's A and Congress
  legislator B quit their parties"). "inducted X into" is X's induction (the inducer is no actor).
* **followers**: "along with 73 supporters" (approx for "around", "nearly", "over", "two dozen").
* **modality**: a denial (not, never, deny, decline to), speculation (may, could, likely,
  possibility, a condition with "if"), a plan (will, is set to, plans to, a present progressive
  with a future date), else asserted.
* **attribution**: "according to X", or the subject of a reporting verb whose clause holds the
  event ("Highly placed sources said"), or the speaker of a quotation.
* **date**: a time expression attached to the trigger's clause; **place**: a place attached to it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..article import Event
from ..resources import data_toml, per_settings
from ..settings import on_change
from ..vocab import EVENT_TYPES, EventType
from .groups import PLURAL_PRONOUNS, Groups
from .refer import Referents, describes_person, is_name, name_before, same_party, subject_of_next
from .text import doc_ents, span_ents

# event types whose actor is the verb's object ("the BSP expelled X", "Bajwa inducted Singh")
OBJECT_ACTS = (EventType.expelled, EventType.suspended, EventType.appointed, EventType.inducted)
EXPULSIONS = (EventType.expelled, EventType.suspended)  # a party acts on its member
POST_RELS = ("as", "to", "from", "of", "dobj")  # where a post is written, the likeliest first
# event types whose party, written as "the party" / "their parties", is the actor's own
OWN_PARTY = ("leave_party", "expelled", "suspended")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    verbs: dict[str, list[str]]  # lemma -> event types
    nouns: dict[str, list[str]]
    types: dict[str, dict[str, Any]]
    posts: frozenset[str]
    party_nouns: frozenset[str]
    followers: frozenset[str]
    approx: frozenset[str]
    modality: dict[str, frozenset[str]]
    numbers: dict[str, int]
    members_after: frozenset[str]
    alliances: frozenset[str]
    group_heads: frozenset[str]
    list_verbs: frozenset[str]
    group_same: dict[str, str]


@per_settings
def lexicon() -> _Lexicon:
    data = data_toml("triggers.toml")
    verbs: dict[str, list[str]] = {}
    nouns: dict[str, list[str]] = {}
    types = {}
    for etype in EVENT_TYPES:
        spec = data[etype]
        types[etype] = spec
        for v in spec.get("verbs", []):
            verbs.setdefault(v, []).append(etype)
        for n in spec.get("nouns", []):
            nouns.setdefault(n, []).append(etype)
    mod = {k: frozenset(v) for k, v in data["modality"].items()}
    return _Lexicon(verbs, nouns, types, frozenset(data["posts"]["words"]), frozenset(data["party_nouns"]["words"]),
                    frozenset(data["followers"]["words"]), frozenset(data["followers"]["approx"]), mod,
                    dict(data["numbers"]), frozenset(data["groups"]["members_after"]),
                    frozenset(data["alliances"]["words"]),
                    frozenset(data["groups"]["heads"]) | frozenset(data["followers"]["words"]),
                    frozenset(data["groups"]["list_verbs"]), dict(data["groups"]["same"]))


def may_report_event(text: str, nlp: Any) -> bool:
    """False only when no word of ``text`` can take the lemma of a trigger under the model's own
    lemmatizer (its exception lists and suffix rules for verbs and nouns): such a text holds no
    event, and needs no parse to say so."""
    forms = _trigger_forms(nlp)
    if forms is None:
        return True
    triggers, tables = forms
    for w in set(re.findall(r"[a-z]+", text.lower())):
        if w in triggers:
            return True
        for exc, rules in tables:
            if any(lemma in triggers for lemma in exc.get(w, ())):
                return True
            for old, new in rules:
                if w.endswith(old):
                    c = w[:len(w) - len(old)] + new
                    if c in triggers or (len(c) > 2 and c[-1] == c[-2] and c[:-1] in triggers):
                        return True
    return False


@lru_cache(maxsize=4)
def _trigger_forms(nlp: Any) -> tuple[frozenset[str], tuple[tuple[dict, list], ...]] | None:
    lex = lexicon()
    triggers = frozenset(lex.verbs) | frozenset(lex.nouns)
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups
        exc, rules = lookups.get_table("lemma_exc"), lookups.get_table("lemma_rules")
    except (KeyError, AttributeError):  # a model without a rule lemmatizer: every text may hold one
        return None
    tables = tuple((dict(exc.get(pos, {})), [tuple(r) for r in rules.get(pos, [])]) for pos in ("verb", "noun"))
    return triggers, tables


on_change(_trigger_forms.cache_clear)  # the forms follow the trigger lexicon


class _Context:
    """What the document knows: entity spans by token, quotations, time expressions."""

    def __init__(self, doc: Doc, quotes: list[Any], times: list[Any], anchor: str | None):
        self.doc = doc
        self.anchor = (anchor or "")[:10]
        self.ent_of: dict[int, Span] = {t.i: e for e in doc_ents(doc) for t in e}
        self.quotes = quotes
        self.times = times
        self.refer = Referents(doc, self.quote_at, lambda q: q.speaker_text)
        lex = lexicon()
        self.groups = Groups(doc, self.refer, lex.group_heads, lex.group_same, lex.members_after, lex.list_verbs,
                             _speech() | lex.modality["reported_heads"], lambda t: _group_party(self, t),
                             lambda t: _number(t)[0] or _part_count(t) or _count_before(t))

    def person(self, tok: Token) -> Span | None:
        return self.refer.person(tok)

    def antecedent(self, tok: Token) -> Span | None:
        """"he" of "he said after joining" is read as the quotation's speaker is (nlp/refer.py); "him"
        as a verb's object is not that verb's subject ("Pawar expelled him")."""
        from .quotes import reported_acts  # imported here: quotes is loaded after this module

        speaking = tok.dep_ == "nsubj" and tok.head.lemma_.lower() in _speech()
        besides = None
        if tok.lower_ in ("him", "her") and tok.dep_ in ("dobj", "dative"):
            subj = _subject(tok.head)
            own = self.refer.named(subj) if subj is not None else None
            besides = own.text if own is not None else None
        return self.refer.antecedent(tok, acts=reported_acts(tok.head) if speaking else frozenset(), besides=besides)

    def affiliation(self, person: Span) -> Span | None:
        """The party the document describes ``person`` by ("Congress leader Kamal Nath" earlier, for
        "he is mulling dumping the party" later): the nearest such description before, else after."""
        last = person[-1].text
        found: list[tuple[int, Span]] = []
        for e in doc_ents(self.doc):
            if e.label_ == "PERSON" and e[-1].text == last:
                p = _own_party(self, e.root)
                if p is not None:
                    found.append((e.start_char, p))
        before = [p for start, p in found if start <= person.start_char]
        return before[-1] if before else (found[0][1] if found else None)

    def ent(self, tok: Token, labels: tuple[str, ...]) -> Span | None:
        e = self.ent_of.get(tok.i)
        return e if e is not None and e.label_ in labels else None

    def last(self, before: int, labels: tuple[str, ...]) -> Span | None:
        hits = [e for e in doc_ents(self.doc) if e.label_ in labels and e.end_char <= before]
        return hits[-1] if hits else None

    def quote_at(self, idx: int) -> Any | None:
        return next((q for q in self.quotes if q.start <= idx < q.end), None)


def find_events(doc: Doc, quotes: list[Any] | None = None, times: list[Any] | None = None,
                anchor: str | None = None) -> list[Event]:
    """Events in ``doc``; ``quotes`` (nlp.quotes) give speakers for "I", ``times`` (nlp.times)
    give dates, ``anchor`` is the publication date (a dated present progressive is a plan)."""
    ctx = _Context(doc, quotes or [], times or [], anchor)
    lex = lexicon()
    events: list[Event] = []
    for sent in doc.sents:
        for tok in sent:
            lemma = tok.lemma_.lower()
            if tok.dep_ == "amod" and tok.tag_ == "VBN" and lemma in lex.verbs:
                ev = _state_event(ctx, tok, sent)  # "six suspended BSP MLAs", "expelled BJP leader X"
                if ev is not None:
                    events.append(ev)
            elif tok.pos_ in ("VERB", "AUX") and lemma in lex.verbs:
                for etype in lex.verbs[lemma]:
                    found = _verb_events(ctx, tok, etype, sent)
                    if found:
                        events += found + _followed(ctx, tok, found)
                        break
            elif (ev := _verb_tagged_noun(ctx, tok, sent)) is not None:
                events.append(ev)  # "X merges Y with the BJP" in a headline's grammar
            elif tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in lex.nouns:
                for etype in lex.nouns[tok.lemma_.lower()]:
                    ev = _noun_event(ctx, tok, etype, sent)
                    if ev is not None:
                        events.append(ev)
                        break
    events += _implied_exits(ctx, events)
    return events + _group_events(ctx, events)


def _followed(ctx: _Context, tok: Token, found: list[Event]) -> list[Event]:
    """"He follows X and Y in joining the Lib Dems": X and Y did it before him."""
    prep = tok.head
    if not (tok.dep_ == "pcomp" and prep.lower_ == "in" and prep.head.lemma_.lower() == "follow"):
        return []
    out = []
    for obj in (c for c in prep.head.children if c.dep_ == "dobj"):
        for t in (obj, *[g for g in obj.conjuncts]):
            actor, _ = _actor(ctx, t)
            if actor is not None and actor.label_ == "PERSON":
                out += [replace(ev, actor_start=actor.start_char, actor_text=actor.text, actor_tok=t, date=None,
                                date_text=None, actor_group=False) for ev in found if ev.actor_start != actor.start_char]
    return out


def _implied_exits(ctx: _Context, events: list[Event]) -> list[Event]:
    """"Congress MLA X joined the BJP": X left the Congress (undated: the text says only that it was
    before). Only for a join told as fact, and not for a former member ("former Congress leader X")."""
    out = []
    for ev in events:
        if (ev.type != "join_party" or ev.actor_start is None or ev.actor_tok is None or ev.party_text is None
                or ev.modality != "asserted" or ev.trigger.lower().startswith("merg")):
            continue  # a plan to join says nothing yet of leaving; a leader who merges his party keeps it
        own = _own_party(ctx, ev.actor_tok)
        joined = next((e for e in doc_ents(ctx.doc) if e.start_char == ev.party_start), None)
        if own is None or joined is None or same_party(own, joined):
            continue
        words = {t.lower_ for c in ev.actor_tok.lefts for t in c.subtree}
        if words & {"former", "ex", "ex-", "erstwhile"} or any(
                e.type == "leave_party" and e.actor_start == ev.actor_start and e.sent_start == ev.sent_start for e in events):
            continue
        out.append(replace(ev, type="leave_party", party_start=own.start_char, party_text=own.text, followers=None,
                           date=None, date_text=None))  # when he left, the text does not say
    return out


def _group_events(ctx: _Context, events: list[Event]) -> list[Event]:
    """Each named member of a group that acts gets the group's event: "six MLAs, including A and
    B, joined", "The MLAs include A and B", "They were suspended" after "The six BSP MLAs are A,
    B" (nlp/groups.py), and "Those expelled include A" after a group was expelled."""
    out: list[Event] = []
    seen = {(ev.type, ev.actor_start, ev.party_text) for ev in events}
    for ev in events:
        if ev.actor_start is not None or ev.actor_tok is None:
            continue
        for t in ctx.groups.members(ev.actor_tok) + _those_listed(ctx, ev):
            state = ctx.groups.only.get(t.i)  # "A is also among the suspended MLAs": suspended, not the rest
            if state is not None and ev.type not in lexicon().verbs.get(state, ()):
                continue
            actor, _ = _actor(ctx, t)
            if actor is None or actor.label_ != "PERSON" or (ev.type, actor.start_char, ev.party_text) in seen:
                continue
            seen.add((ev.type, actor.start_char, ev.party_text))
            out.append(replace(ev, actor_start=actor.start_char, actor_text=actor.text, actor_tok=t,
                               actor_group=False))
    return out


def _those_listed(ctx: _Context, ev: Event) -> list[Token]:
    """"Those expelled include A, B and C" in a sentence soon after the group event ``ev`` of that verb."""
    verbs = lexicon().verbs
    return [t for start, lemma, people in ctx.groups.those
            if ev.sent_start < start <= ev.sent_end + 2000 and ev.type in verbs.get(lemma, ()) for t in people]


# -- arguments ---------------------------------------------------------------------------------
def _args(tok: Token) -> list[tuple[str, Token]]:
    """(relation, token): direct objects, and objects of prepositions ("from", "to", ...)."""
    out = []
    for c in tok.children:
        if c.dep_ in ("dobj", "attr", "oprd"):
            out.append(("dobj", c))
            out += [("dobj", g) for g in c.children if g.dep_ == "conj" and g.pos_ in ("NOUN", "PROPN")]
            for p in c.children:  # "snapped ties with the X", "parted ways with the X"
                if p.dep_ == "prep":
                    out += [(p.lower_, g) for g in p.children if g.dep_ == "pobj"]
        elif c.dep_ in ("prep", "agent", "dative") or (c.dep_ == "advmod" and c.lower_ in ("away", "out")):
            for g in c.children:
                if g.dep_ == "pobj":
                    out.append((c.lower_, g))  # "quit from all posts and the primary membership"
                    out += [(c.lower_, x) for x in g.children if x.dep_ == "conj" and x.pos_ in ("NOUN", "PROPN")]
                elif g.dep_ == "prep":  # "break away from", "along with"
                    out += [(g.lower_, p) for p in g.children if p.dep_ == "pobj"]
        elif c.dep_ == "prt":
            for g in c.children:
                if g.dep_ == "prep":
                    out += [(g.lower_, p) for p in g.children if p.dep_ == "pobj"]
    return out


def _party_of(ctx: _Context, tok: Token) -> Span | None:
    """The party a token stands for: a party or alliance named there, else "the party" or
    "membership" as the last party named. An organisation that is no alliance (a House, a
    cabinet) is no party."""
    lex = lexicon()
    if tok.lower_ == "it":  # "The BJP claimed that X and 32 legislators have joined it": the party that says so
        t = tok
        while t.head.i != t.i:
            t = t.head
            if t.lemma_.lower() in _speech():
                subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
                return ctx.ent(subj, ("PARTY",)) if subj is not None else None
        return None
    for t in [tok, *[c for c in tok.children if c.dep_ in ("compound", "poss", "appos", "nmod")]]:
        e = ctx.ent(t, ("PARTY", "ORG"))
        if e is not None and (e.label_ == "PARTY" or any(w.lower_ in lex.alliances for w in e)):
            return e
    if tok.lemma_.lower() in lex.party_nouns:
        if any(c.dep_ == "det" and c.lower_ in ("which", "what", "another", "a", "an", "any", "some", "no", "whichever")
               for c in tok.children):
            return None  # "which party he would join": no party named
        for c in tok.children:  # "the party's primary membership" / "membership of the BSP"
            if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "of"):
                inner = c if c.dep_ == "poss" else next((g for g in c.children if g.dep_ == "pobj"), None)
                if inner is not None and inner.i != tok.i:
                    found = _party_of(ctx, inner)
                    if found is not None:
                        return found
        return ctx.last(tok.idx, ("PARTY",))
    return None


def _party_right_after(ctx: _Context, tok: Token) -> Span | None:
    """A party named right after the verb ("joined the Bharatiya Janata Party hours later"), for a
    verb the parse gave no object: it hung the name on the words after it ("Party" a compound of
    "hours") rather than on the verb."""
    i = tok.i + 1
    if i < len(tok.doc) and tok.doc[i].pos_ == "DET":
        i += 1
    if i >= tok.sent.end:
        return None
    e = ctx.ent(tok.doc[i], ("PARTY",))
    return e if e is not None and e.start == i else None


def _other_than_left(ctx: _Context, tok: Token, party: Span) -> Span | None:
    """"quit the Congress to join the regional party": the party joined, written as "the party",
    is not the one the same clause leaves — the last other party named before, if any."""
    head = tok.head
    if tok.dep_ not in ("xcomp", "advcl", "conj") or "leave_party" not in lexicon().verbs.get(head.lemma_.lower(), ()):
        return party
    left = next((p for c in head.children if c.dep_ == "dobj" and (p := _party_of(ctx, c)) is not None), None)
    if left is None or not same_party(left, party):
        return party
    return next((e for e in reversed(doc_ents(ctx.doc)) if e.label_ == "PARTY" and e.end_char <= tok.idx
                 and not same_party(e, left)), None)


def _group_party(ctx: _Context, tok: Token) -> Span | None:
    """The party a group's noun names: "BSP MLAs", and "its MLAs" after a party ("In a blow to the
    BSP, its six MLAs")."""
    if any(c.dep_ == "poss" and c.lower_ == "its" for c in tok.children):
        return ctx.last(tok.idx, ("PARTY",))
    return _party_of(ctx, tok)


def _post_after_object(verb: Token, args: list[tuple[str, Token]]) -> str | None:
    """The post written right after the person a verb of appointing has for object ("appointed
    him home minister"): the run of words up to the next punctuation, when it ends in a post."""
    obj = next((a for r, a in args if r == "dobj" and (a.ent_type_ == "PERSON" or a.lower_ in ("him", "her"))), None)
    if obj is None:
        return None
    doc, i = verb.doc, obj.right_edge.i + 1
    run = []
    while i < verb.sent.end and doc[i].pos_ in ("NOUN", "PROPN", "ADJ") and doc[i].ent_type_ != "PERSON":
        run.append(doc[i])
        i += 1
    return " ".join(t.text for t in run) if run and run[-1].lemma_.lower() in lexicon().posts else None


def _post_of(tok: Token) -> str | None:
    lex = lexicon()
    nested = {t.i for c in tok.children if c.dep_ in ("acl", "relcl") for t in c.subtree}
    words = " ".join(t.lower_ for t in tok.subtree if not t.is_punct and t.i not in nested)  # not "led by minister X"
    if tok.lemma_.lower() in lex.posts or any(p in words.split() for p in lex.posts if " " not in p):
        when = {t.i for c in tok.children if c.dep_ == "prep" and any(t.ent_type_ in ("DATE", "TIME") for t in c.subtree)
                for t in c.subtree}  # "as state president on Monday": the post, not the day
        return " ".join(t.text for t in tok.subtree if t.i not in when).strip()
    return None


def _subject(tok: Token, ctx: _Context | None = None) -> Token | None:
    """The verb's subject; of several (a parse error), the one inside the same quotation as the
    verb, else the nearest."""
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        if ctx is not None:
            q = ctx.quote_at(tok.idx)
            same = [c for c in subjects if ctx.quote_at(c.idx) is q]
            subjects = same or subjects
        return min(subjects, key=lambda c: abs(c.i - tok.i))
    if tok.tag_ == "VBG" and (owner := next((c for c in tok.children if c.dep_ == "poss"), None)) is not None:
        return owner  # "X's joining into the BJP would boost it": the gerund's owner does it
    if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":  # "Two weeks after resigning from the X, Y joined": Y
        prep = tok.head
        if prep.head.pos_ in ("VERB", "AUX"):
            return _subject(prep.head, ctx)
        return next((t for t in tok.sent if t.i > prep.right_edge.i and t.dep_ in ("nsubj", "nsubjpass")), None)
    if (copula := _ranked_by(tok)) is not None:
        subj = next((c for c in copula.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj  # "X is the third MLA to join the BJP", "X became the latest Tory to defect": X
    if tok.dep_ == "acl" and tok.tag_ in ("VB", "VBG"):  # "his plan to join", "no plan of X leaving": the owner
        owner = next((c for c in tok.head.children if c.dep_ == "poss"), None)
        return owner or next((g for c in tok.head.children if c.dep_ == "prep" and c.lower_ == "of"
                              for g in c.children if g.dep_ == "pobj" and g.pos_ in ("PROPN", "PRON")), None)
    if tok.dep_ == "xcomp":  # "inspired him to join", "asked X to quit": the object acts
        obj = next((c for c in tok.head.children if c.dep_ == "dobj" and c.i < tok.i
                    and c.tag_ not in ("WDT", "WP")), None)
        if obj is not None and not (obj.ent_type_ in ("PARTY", "ORG") or obj.lemma_.lower() in lexicon().party_nouns):
            return obj  # not "quit the party to join X": a party does not join
    if tok.dep_ in ("conj", "xcomp", "advcl", "pcomp", "acomp") and tok.head.i != tok.i:
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" for c in tok.children):
            return None  # "if X declines ...": its own subject or none
        return _subject(tok.head, ctx)
    if tok.dep_ == "relcl":
        return tok.head
    return name_before(tok)


def _antecedent_of_relative(tok: Token) -> Token:
    """What a relative pronoun stands for: the word its clause hangs on, but a "who" right after a
    person's name is that person however the clause was hung ("a homecoming for X who was with the
    BJP": X, not the homecoming)."""
    head = tok.head.head
    k = tok.i - 1 if tok.i > 0 and tok.doc[tok.i - 1].text != "," else tok.i - 2
    before = tok.doc[k] if k >= 0 else None
    if tok.lower_ == "who" and before is not None and before.ent_type_ == "PERSON" and head.ent_type_ != "PERSON":
        return before
    return head


def _actor(ctx: _Context, tok: Token) -> tuple[Span | None, str | None]:
    """(entity span, text as written) for the token that acts."""
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl":
        tok = _antecedent_of_relative(tok)
    lower = tok.lower_
    if lower in ("he", "she", "him", "her", "his"):
        # "Siddiqui wrote that he was resigning": he is Siddiqui; inside a quotation "he" is someone else
        speaker = _reporting_subject(ctx, tok) if ctx.quote_at(tok.idx) is None else None
        e = speaker or ctx.antecedent(tok)
        return (e, e.text) if e is not None else (None, None)
    if lower in ("i", "me", "we") or lower == "my":
        q = ctx.quote_at(tok.idx)
        if q is not None and q.speaker_start is not None:
            e = next((e for e in doc_ents(ctx.doc) if e.start_char == q.speaker_start), None)
            return (e, q.speaker_text)
        return None, None
    e = ctx.ent(tok, ("PERSON", "PARTY", "ORG"))
    if e is not None and (e.label_ != "PERSON" or is_name(e)):
        return e, e.text
    if describes_person(tok, lexicon().group_heads):  # "the 63-year-old leader": the person in view
        e = ctx.antecedent(tok)
        return (e, e.text) if e is not None else (None, None)
    if tok.i in ctx.groups.mentions:  # "six MLAs, including A and B": the group (its members act too)
        return None, ctx.doc[tok.left_edge.i: tok.i + 1].text
    own = ctx.refer.named(tok)
    if own is not None:  # "Meena Kumari" where the name found is "Meena": the name, not a later conjunct's
        return own, own.text
    found = [ctx.ent(t, ("PERSON",)) for t in tok.subtree if t.dep_ in ("appos", "conj", "compound") or t.i == tok.i]
    people = [e for e in found if e is not None]
    if people:  # "Former UP Minister and Congress leader Naseemuddin Siddiqui", "the leader, Ram Lal"
        return people[-1], people[-1].text
    if tok.pos_ == "PROPN" and tok.text[:1].isupper() and ctx.ent(tok, ("PLACE",)) is None:
        parts = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [tok]
        name = " ".join(t.text for t in parts if not _is_title(t) and not ctx.ent(t, ("PARTY", "ORG", "NORP")))
        if name:
            return None, name  # a name the model missed
    if tok.pos_ in ("NOUN", "PROPN"):
        if tok.lemma_.lower() in lexicon().party_nouns and tok.lower_ != "membership":
            e = ctx.last(tok.idx, ("PARTY",))
            return (e, e.text) if e is not None else (None, None)
        end = tok.i + 1
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        whom = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if tok.tag_ == "NNS" and whom is not None and whom.tag_ == "NNS":
            end = whom.i + 1  # "Hundreds of people", as written
        phrase = ctx.doc[tok.left_edge.i: end]
        if any(t.like_num or t.pos_ == "NUM" for t in phrase) or tok.tag_ == "NNS":
            return None, phrase.text  # an unnamed group
    return None, None


def _is_title(tok: Token) -> bool:
    return tok.text.isupper() and len(tok.text) <= 4 or tok.lower_ in lexicon().posts


def _reporting_subject(ctx: _Context, tok: Token) -> Span | None:
    t = tok
    while t.head.i != t.i:
        if tok.dep_ == "poss" and t.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i for c in t.children):
            return None  # "X said that Y had written and expressed his desire to return": his is Y's
        if t.dep_ == "ccomp" and t.head.lemma_.lower() in _speech() | lexicon().modality["reported_heads"]:
            subjects = [c for c in t.head.children if c.dep_ == "nsubj"]  # of several (a parse error), the nearest
            subj = min(subjects, key=lambda c: abs(c.i - t.head.i)) if subjects else None
            return ctx.person(subj) if subj is not None else None
        t = t.head
    return None


def _partitive(ctx: _Context, tok: Token | None) -> Token | None:
    """"seven of its MLAs", "two of the legislators": the group the number is part of."""
    if tok is None or not (tok.like_num or tok.lower_ in lexicon().numbers) or any(
            c.dep_ == "appos" or (c.dep_ == "prep" and c.lower_ in lexicon().members_after) for c in tok.children):
        return None  # "two of its MLAs, including X": the number's own list names them
    return next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj" and g.i in ctx.groups.mentions), None)


def _part_count(tok: Token) -> int | None:
    """The number a group is counted by as a part ("seven of its MLAs": 7)."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.dep_ == "prep":
        n = tok.head.head
        if n.like_num or n.lower_ in lexicon().numbers:
            return _as_int(n.text) if n.like_num else lexicon().numbers.get(n.lower_)
    return None


def _number(tok: Token) -> tuple[int | None, bool]:
    """The count on a noun: "73 supporters" -> (73, False); "around 72" -> (72, True);
    "two dozen" -> (24, True); "dozens" -> (None, True)."""
    lex = lexicon()
    nums = [c for c in tok.children if c.dep_ in ("nummod", "quantmod") or c.like_num]
    if not nums:
        return None, tok.lower_ in ("dozens", "hundreds", "scores")
    n = nums[0]
    approx = any(t.lower_ in lex.approx for t in n.subtree) or any(c.lower_ in lex.approx for c in tok.children)
    words = [t for t in n.subtree if t.like_num or t.lower_ in lex.numbers]
    value: int | None = None
    for t in words:
        v = _as_int(t.text)
        if v is None:
            continue
        if t.lower_ in ("dozen", "hundred", "score") and value is not None:
            value *= v
            approx = True
        else:
            value = v if value is None else value
    return value, approx


def _count_before(tok: Token) -> int | None:
    """A number right before a group's noun, past its party ("three RJD MLAs"), that the parse hung
    elsewhere."""
    k = tok.i - 1
    while k >= tok.sent.start and tok.i - k <= 3 and tok.doc[k].ent_type_ == "PARTY":
        k -= 1
    if k < tok.sent.start:
        return None
    t = tok.doc[k]
    return _as_int(t.text) if (t.like_num or t.lower_ in lexicon().numbers) and t.ent_type_ != "DATE" else None


def _as_int(text: str) -> int | None:
    t = text.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return lexicon().numbers.get(t)


def _followers(tok: Token) -> tuple[int | None, bool]:
    """"along with 73 supporters" under the trigger; also the group subject acting "with him"."""
    lex = lexicon()
    for rel, arg in _args(tok):  # "along with his father and the 57 corporators"
        for a in (arg, *[c for c in arg.children if c.dep_ == "conj"]):
            if rel in ("with", "along") and a.lemma_.lower() in lex.followers:
                return _number(a)
    return None, False


# -- modality, attribution, date, place ----------------------------------------------------------
def _modality(tok: Token, anchor_after: bool) -> str:
    """denied, speculative, planned or asserted, from the words around the trigger and on its head
    chain (``data/triggers.toml`` [modality])."""
    mod = lexicon().modality
    chain = [tok]
    shared: set[int] = set()  # heads reached from a conjunct: their modals are shared, not their meaning
    t = tok
    while t.head.i != t.i and len(chain) < 6 and t.dep_ != "relcl" and not (
            t.dep_ == "pcomp" and t.head.lower_ in mod["time_preps"]):  # "After quitting, X says he will"
        if t.dep_ == "conj":
            shared.add(t.head.i)  # "who was considered close to X and had left": "left" is not considered
        t = t.head
        chain.append(t)
    if _told_as_subject(tok, mod["happening_verbs"]):
        return "asserted"
    near = {c.lower_ for x in chain[:3] for c in x.children}
    heads = [x.lemma_.lower() for x in chain[1:] if x.i not in shared]
    meant = [x for x in chain[1:] if x.i not in shared]
    if any(c.dep_ == "neg" for c in tok.children) or (tok.dep_ == "xcomp" and tok.head.lemma_.lower() in mod["negative_verbs"]):
        return "denied"
    if tok.dep_ in ("ccomp", "dobj") and tok.head.lemma_.lower() in mod["denial_heads"]:
        return "denied"
    for x in meant[:4]:  # "denied the reports that X has joined", "rubbished reports that he would join"
        if x.lemma_.lower() in mod["denial_heads"] and x.pos_ == "VERB" and not (
                x.dep_ == "xcomp" and x.head.lemma_.lower() in mod["request_verbs"]):  # "asked to deny": no denial
            return "denied"
    if any(x.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in x.children) for x in meant[:2]):
        return "denied"  # "there was no plan of Hooda leaving the party"
    if any(y.lemma_.lower() in mod["denial_words"] and y.dep_ in ("acomp", "attr", "ROOT") and y.pos_ == "ADJ"
           for x in meant[:2] for y in (x, *x.children)):
        return "denied"  # "This news is completely misleading that X has joined"
    calling = [y for x in meant for y in (x, *x.children) if y.lemma_.lower() in mod["dismiss_verbs"]]
    if calling and any(w.lower_ in mod["denial_words"] for w in tok.sent):
        return "denied"  # "termed reports that he would join the X as completely baseless"
    if (near | set(heads)) & mod["speculative_modals"] or any(
            x.lemma_.lower() in mod["speculative_heads"] and x.pos_ in ("NOUN", "ADJ", "VERB") for x in meant[:3]):
        return "speculative"
    if any(c.dep_ == "mark" and c.lower_ in mod["conditions"] for x in chain[:2] for c in x.children):
        return "speculative"
    if any(c.lower_ == "would" and c.dep_ == "aux" for c in tok.children):
        # the future of reported speech: a plan when someone says or announces it, a report's guess
        return "speculative" if any(x.lemma_.lower() in mod["report_verbs"] for x in meant[:4]) else "planned"
    if _hearsay(chain, mod["hearsay"]):
        return "speculative"  # "X to join the BJP today, sources say"
    if (near | set(heads)) & mod["planned_modals"] or set(heads[:2]) & mod["planned_heads"]:
        return "planned"
    if tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) and (
            tok.dep_ in ("ROOT", "acl", "relcl") or tok.head.pos_ in ("NOUN", "PROPN")) and (
            _ranked_by(tok) is None):  # but "became the latest Tory to defect" tells what was done
        return "planned"  # a headline's "X to join BJP": what is to come
    if tok.tag_ == "VBG" and any(c.lemma_ == "be" and c.dep_ == "aux" for c in tok.children) and anchor_after:
        return "planned"
    return "asserted"


def _hearsay(chain: list[Token], hearsay: Collection[str]) -> bool:
    """The clause is what unnamed sources say ("..., sources say", "sources said that ...")."""
    speech = _speech()
    for x in chain[1:4]:
        for v in (x, *[c for c in x.children if c.dep_ in ("parataxis", "ccomp")]):
            if v.lemma_.lower() in speech and any(
                    c.dep_ == "nsubj" and c.lower_ in hearsay for c in v.children):
                return True
    return False


def _told_as_subject(tok: Token, happening: Collection[str]) -> bool:
    """An event named by a noun, the subject of a hedge on what it will do ("The leader's return
    is likely to come as a boost", "his entry is expected to strengthen the party"): the hedge is
    about its effect; that it happened is told. Not "his entry is likely (to happen) soon"."""
    if tok.pos_ != "NOUN" or tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    head = tok.head
    for x in (head, *[c for c in head.children if c.dep_ == "acomp"]):
        for v in x.children:
            if v.dep_ == "xcomp" and v.pos_ == "VERB" and v.lemma_.lower() not in happening and any(
                    c.dep_ in ("dobj", "prep", "attr", "acomp") for c in v.children):
                return True
    return False


def _speech() -> frozenset[str]:
    from .quotes import lexicon as speech_lexicon

    return speech_lexicon().verbs


def _attribution(ctx: _Context, tok: Token, sent: Span) -> list[str]:
    out = []
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(ctx.doc) and ctx.doc[t.i + 1].lower_ == "to":
            pobj = next((g for g in ctx.doc[t.i + 1].children if g.dep_ == "pobj"), None)
            if pobj is not None:
                out.append(ctx.doc[t.i: pobj.right_edge.i + 1].text.rstrip(",. "))
    t = tok
    while t.head.i != t.i:
        if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in _speech():
            verb = t.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                span = ctx.doc[subj.left_edge.i: subj.i + 1] if subj.i < verb.i else ctx.doc[subj.left_edge.i: subj.right_edge.i + 1]
                out.append(f"{span.text} {verb.text}" if subj.i < verb.i else f"{verb.text} {span.text}")
            break
        t = t.head
    q = ctx.quote_at(tok.idx)
    if q is not None and q.speaker_text:
        out.append(f"{q.speaker_text} said")
    return list(dict.fromkeys(out))


def _date(ctx: _Context, tok: Token, clause: set[int]) -> tuple[str | None, str | None]:
    """A time expression inside the trigger's own clause (not inside another event's clause)."""
    best = None
    for tx in ctx.times:
        span = ctx.doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is None or not any(t.i in clause for t in span):
            continue
        if getattr(tx, "type", "DATE") not in ("DATE", "TIME"):
            continue
        dist = min(abs(t.i - tok.i) for t in span)
        if best is None or dist < best[0]:
            best = (dist, tx)
    return (best[1].value, best[1].text) if best else (None, None)


def _clause(tok: Token, dating: bool = False) -> set[int]:
    """The trigger's subtree without nested clauses that have their own verbs (relative clauses,
    other events); for ``dating``, also without what "before", "after", "ahead of", ... measure it
    against ("joined hours before the campaigning for the October 5 polls": not on October 5)."""
    keep: set[int] = set()
    relative = lexicon().modality["relative_preps"]

    def walk(t: Token) -> None:
        keep.add(t.i)
        for c in t.children:
            if c.dep_ in ("relcl", "ccomp", "advcl", "conj", "parataxis") and c.pos_ in ("VERB", "AUX"):
                continue
            if dating and c.dep_ in ("prep", "advmod") and c.lower_ in relative:
                continue
            walk(c)

    walk(tok)
    return keep


def _place(ctx: _Context, clause: set[int], tok: Token) -> Span | None:
    """The place where it happens: "in/at/from <place>" hanging on the trigger itself or on its
    object ("quit ... in Patna", "a rally in Agra—..."), not a place deeper in the sentence ("ahead
    of by-elections in Rajasthan")."""
    anchors = {tok.i} | {c.i for c in tok.children if c.dep_ in ("dobj", "attr")}
    for e in doc_ents(ctx.doc):
        if e.label_ != "PLACE" or e.start not in clause:
            continue
        t = e.root
        while t.head.i != t.i and t.head.i in clause:
            if t.head.dep_ == "prep" and t.head.lower_ in ("in", "at", "from") and t.head.head.i in anchors:
                return e
            if t.dep_ == "prep":
                break
            t = t.head
    return None


# -- building events -----------------------------------------------------------------------------
def _verb_tagged_noun(ctx: _Context, tok: Token, sent: Span) -> Event | None:
    """A verb of the present the tagger read as a plural noun, as headlines make it do ("Babulal
    Marandi merges Jharkhand Vikas Morcha with BJP", "X quits Congress"): a verb whose subject
    acts, right after a person's name, with a party after it in the same clause (after "with" for
    the verbs that take one)."""
    lex = lexicon()
    if tok.pos_ != "NOUN" or tok.tag_ != "NNS" or tok.i == 0 or not tok.lower_.endswith("s"):
        return None
    lemma = next((w for w in (tok.lower_[:-1], tok.lower_[:-2]) if w in lex.verbs), None)
    person = ctx.ent(tok.doc[tok.i - 1], ("PERSON",))
    etype = next((t for t in lex.verbs[lemma] if t not in OBJECT_ACTS and not lex.types[t].get("needs_post")),
                 None) if lemma is not None else None  # the subject acts: "joins", "quits", "merges ... with"
    if etype is None or person is None:
        return None
    with_after = lemma in lex.types[etype].get("with_after", [])
    after = tok.doc[tok.i + 1:sent.end]
    stop = next((t.i for t in after if t.text in (",", ";", ":") or t.pos_ in ("VERB", "AUX")), sent.end)
    start = next((t.i + 1 for t in after if t.lower_ == "with" and t.i < stop), None) if with_after else tok.i + 1
    party = next((e for t in tok.doc[start:stop] if (e := ctx.ent(t, ("PARTY",))) is not None), None) if start else None
    if party is None:
        return None
    ev = _base(ctx, tok, etype, sent)
    ev.actor_start, ev.actor_text = person.start_char, person.text
    ev.party_start, ev.party_text = party.start_char, party.text
    return ev


def _ranked_by(tok: Token) -> Token | None:
    """The copula of a trigger that says who acted by a rank ("X became the third MLA to join the
    BJP": "became"; the parse hangs "to join" on "MLA"), or None."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return None
    if tok.dep_ in ("relcl", "acl") and tok.head.dep_ == "attr":
        return tok.head.head
    if tok.dep_ in ("xcomp", "advcl") and tok.head.lemma_.lower() in ("be", "become") and any(
            c.dep_ == "attr" and c.i < tok.i for c in tok.head.children):
        return tok.head  # the parse hangs "to join" on the copula itself
    return None


def _base(ctx: _Context, tok: Token, etype: str, sent: Span) -> Event:
    clause = _clause(tok)
    date, date_text = _date(ctx, tok, _clause(tok, dating=True))
    copula = _ranked_by(tok)
    if date is None and copula is not None:  # "X on Monday became the third MLA to join": Monday
        date, date_text = _date(ctx, copula, _clause(copula, dating=True))
    ev = Event(etype, tok.text, sent.start_char, sent.end_char, sent.text.strip(), date=date, date_text=date_text)
    place = _place(ctx, clause, tok)
    if place is not None:
        ev.place_start, ev.place_text = place.start_char, place.text
    future = bool(date and ctx.anchor and date[:10] > ctx.anchor)  # "is joining today": today's news
    ev.modality = _modality(tok, future)
    ev.attribution = _attribution(ctx, tok, sent)
    if ctx.anchor and date in (None, "PRESENT_REF") and ev.modality == "asserted" and _news_tense(
            copula if copula is not None and copula.lemma_.lower() == "become" else tok):
        ev.date, ev.date_text = ctx.anchor, date_text  # "joins", "has now joined", "joined": the day's news
    return ev


def _news_tense(tok: Token) -> bool:
    """A verb that tells the day's news: present ("joins"), present perfect ("has joined") or a
    simple past in a main clause ("joined the BJP"); not the past perfect ("had joined") or a
    relative clause ("who joined"), which tell what came before."""
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("relcl", "acl"):
        return False
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if "had" in aux or "'d" in aux:
        return False
    return tok.tag_ in ("VBZ", "VBP", "VBD") or (tok.tag_ == "VBN" and bool(aux & {"has", "have", "'s", "'ve"}))


def _companion_ok(tok: Token, etype: str) -> bool:
    need = lexicon().types[etype].get("companions", {}).get(tok.lemma_.lower())
    return need is None or any(c.lower_ == need for c in tok.subtree if c.i > tok.i and c.i - tok.i <= 3)


def _conjuncts(tok: Token) -> list[Token]:
    """"Umakant Sahni and Hemlata Kushwaha": each conjoined name acts."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN", "PRON") and not subject_of_next(c):
            out += _conjuncts(c)
    return out


def _verb_events(ctx: _Context, tok: Token, etype: str, sent: Span) -> list[Event]:
    """One event per conjoined actor of the trigger ("expelled X and Y"; a group's members get
    theirs from :func:`_group_events`)."""
    first = _verb_event(ctx, tok, etype, sent)
    if first is None:
        return []
    out = [first]
    lead = first.actor_tok
    listed = ctx.groups.people(lead)[1:] if lead.i not in ctx.groups.mentions else []
    others = {t.i: t for t in _conjuncts(lead)[1:] + listed + ctx.groups.run_with(lead)}
    own = _own_party(ctx, lead)
    for other in sorted(others.values(), key=lambda t: t.i):
        if other.i == lead.i:
            continue
        ev = _verb_event(ctx, tok, etype, sent, actor_tok=other, own=own)
        own = _own_party(ctx, other) or own
        if ev is not None:
            out.append(ev)
    return out


def _own_party(ctx: _Context, tok: Token) -> Span | None:
    """The party a person's description gives ("NCP's Sandeep Naik", "NCP MLAs A, B and C",
    "Congress legislator from Wadala, X"): a party among the words before the name that modify it
    (through compound nouns), or in the noun the name stands beside (an apposition, or a second
    subject of the same verb)."""
    def party_in(t: Token, depth: int = 0) -> Span | None:
        for c in t.children:
            if c.i >= t.i or c.dep_ not in ("compound", "poss", "nmod", "amod"):
                continue
            e = ctx.ent(c, ("PARTY",))
            if e is not None:
                return e
            if depth < 2 and c.pos_ in ("NOUN", "PROPN") and ctx.ent(c, ("PERSON",)) is None:
                found = party_in(c, depth + 1)
                if found is not None:
                    return found
        return None

    found = party_in(tok)
    if found is not None:
        return found
    beside = [c for c in tok.children if c.dep_ == "appos" and ctx.ent(c, ("PERSON",)) is None]
    if tok.dep_ == "appos" and ctx.ent(tok.head, ("PERSON",)) is None:
        beside.append(tok.head)
    if tok.dep_ in ("nsubj", "nsubjpass"):
        beside += [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass", "npadvmod") and c.i < tok.i
                   and c.pos_ == "NOUN"]
    for b in beside:
        found = party_in(b)
        if found is not None:
            return found
    return None


def _verb_event(ctx: _Context, tok: Token, etype: str, sent: Span, actor_tok: Token | None = None,
                own: Span | None = None) -> Event | None:
    """The event of trigger ``tok``; ``actor_tok`` for a conjoined actor, ``own`` the party of the
    list item before it ("NCP's A, B and C quit their parties": B's and C's party is A's)."""
    lex = lexicon()
    spec = lex.types[etype]
    if not _companion_ok(tok, etype):
        return None
    args = _args(tok)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    party = post = None
    party_noun = False  # the party is "the party" / "their parties", not a name
    named_before = False  # ... "the party" after a party its own sentence named
    with_after = set(spec.get("with_after", []))
    partner = tok.lemma_.lower() in with_after or any(a.lemma_.lower() in with_after for r, a in args if r == "dobj")
    post_tok = None
    posts = {arg.i: _post_of(arg) for _, arg in args}  # the post each argument names, if any
    if spec.get("needs_post"):  # "appointed X, its chief whip, as state president": the post after "as"
        for _rel, arg in sorted((a for a in args if a[0] in POST_RELS), key=lambda a: POST_RELS.index(a[0])):
            if (post := posts[arg.i]) is not None:
                post_tok = arg
                break
    for rel, arg in args:
        if rel == "dobj" and tok.lemma_.lower() in with_after:
            continue  # "merged his party JVM with the BJP": the party joined is after "with"
        if rel == "dobj" or rel in spec.get("prepositions", []) or (rel == "with" and partner):
            if etype in OBJECT_ACTS and rel == "dobj" and not passive:
                continue  # "expelled X": X is the actor, not the party
            if posts[arg.i] and not ctx.ent(arg, ("PARTY", "ORG")):
                continue
            if party is None:
                party = _party_of(ctx, arg)
                party_noun = party is not None and not any(party.start <= t.i < party.end for t in arg.subtree)
                named_before = party_noun and any(c.dep_ == "det" and c.lower_ == "the" for c in arg.children) \
                    and len({e.kb_id_ or e.text for e in span_ents(tok.sent)
                             if e.label_ == "PARTY" and e.end <= arg.i}) == 1  # "returned to X ... left the party": X
    if party is None and etype in EXPULSIONS:  # "suspended as a Conservative MP": the party they sat for
        party = next((e for r, a in args if r == "as" and posts[a.i] is None
                      for t in a.subtree if (e := ctx.ent(t, ("PARTY",))) is not None), None)
    if party is None and spec.get("needs_party") and etype not in OBJECT_ACTS and not any(r == "dobj" for r, _ in args):
        party = _party_right_after(ctx, tok)  # "joined the BJP hours later", the parse's object lost
    if spec.get("needs_post") and post is None:
        post = _post_after_object(tok, args)  # "appointed him home minister", however the parse hung the post
    if party is not None and party_noun and etype == "join_party":
        party = _other_than_left(ctx, tok, party)
        if party is None:
            return None
    if party is None and post_tok is not None:  # "appointed as the working president of the BJP"
        party = next((e for t in post_tok.subtree if (e := ctx.ent(t, ("PARTY",))) is not None), None)
    if party is None and passive and etype in ("expelled", "suspended"):  # "were expelled by PED chief X"
        agents = [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        party = next((e for g in agents for t in g.subtree if (e := ctx.ent(t, ("PARTY",))) is not None), None)
    if etype in EXPULSIONS and any(rel in ("as", "from") and posts[arg.i] is not None and arg.lemma_.lower() != "member"
                                   for rel, arg in args):
        return None  # "sacked him as deputy chief minister": a post taken away, not the party
    undergoes = tok.lemma_.lower() in spec.get("subject_verbs", [])  # "four MPs lost the whip": they are suspended
    object_acts = etype in OBJECT_ACTS and not passive and not undergoes
    if undergoes and party is None:  # the party whose whip it is: the one last named
        party = ctx.last(tok.idx, ("PARTY",))
    by_subject = object_acts  # "the BSP expelled X"
    if spec.get("needs_post"):
        if post is None:
            return None
    elif spec.get("needs_party") and party is None and not by_subject:
        return None
    if etype == "resigned_post" and party is not None and post is None:
        return None
    # the actor
    if object_acts:
        objects = [a for r, a in args if r == "dobj"]  # "expelled its MLA Pradeep Yadav": the name
        actor_tok = actor_tok or next((a for a in objects if ctx.refer.named(a) is not None), None) or next(
            iter(objects), None)
        if party is None:
            subj = _subject(tok)
            if subj is not None:
                party = _party_of(ctx, subj)
                if party is None and etype in EXPULSIONS and ctx.ent(subj, ("PERSON",)) is not None:
                    party = _own_party(ctx, subj)  # "BSP chief Mayawati expelled X": her party expels
        if party is None and spec.get("needs_party"):
            return None
    else:
        actor_tok = actor_tok or _subject(tok, ctx)
    if actor_tok is not None and actor_tok.tag_ in ("WP", "WDT") and actor_tok.head.dep_ == "relcl":
        actor_tok = _antecedent_of_relative(actor_tok)  # "ten MLAs, who merged with the BJP": the MLAs
    actor_tok = _partitive(ctx, actor_tok) or actor_tok  # "suspended seven of its MLAs": the MLAs
    if actor_tok is not None and (actor_tok.lower_ in PLURAL_PRONOUNS or actor_tok.lower_ == "both" or (
            actor_tok.pos_ == "NUM" and actor_tok.dep_ in ("nsubj", "nsubjpass")
            and not any(c.dep_ in ("prep", "appos", "conj") for c in actor_tok.children))):  # "they", "All four"
        actor_tok = ctx.groups.pronoun(actor_tok, ctx.quote_at)
    if actor_tok is None:
        return None
    if ctx.refer.named(actor_tok) is None and actor_tok.i not in ctx.groups.mentions:
        listed = ctx.groups.people(actor_tok)  # "Congress legislator from Wadala, A, NCP's B and C quit"
        if len(listed) > 1:
            own = own or _own_party(ctx, actor_tok)
            actor_tok = listed[0]
    actor, actor_text = _actor(ctx, actor_tok)
    if party is not None and etype in OWN_PARTY and party_noun and not named_before:  # "NCP's A and Congress's B quit their parties"
        party = _own_party(ctx, actor_tok) or own or (ctx.affiliation(actor) if actor is not None else None) or party
    if actor is None and actor_text is None:
        return None
    if actor is not None and actor.label_ != "PERSON" and etype != "rally":
        return None  # a party does not leave a party
    ev = _base(ctx, tok, etype, sent)
    ev.post, ev.actor_tok = post, actor_tok
    if party is not None:
        ev.party_start, ev.party_text = party.start_char, party.text
    n, approx = _followers(tok)
    ev.followers, ev.approx = n, approx
    # "72 leaders resigned ... with him": the event is his, the group his followers
    if actor is None:
        with_person = next((_actor(ctx, a)[0] for r, a in args if r == "with" and a.pos_ in ("PRON", "PROPN")), None)
        if with_person is not None and with_person.label_ == "PERSON":
            n, approx = _number(actor_tok)
            ev.followers, ev.approx = n, approx or ev.approx
            actor, actor_text = with_person, with_person.text
    if actor is not None:
        ev.actor_start, ev.actor_text = actor.start_char, actor.text
    else:
        ev.actor_text, ev.actor_group = actor_text, actor_tok.i in ctx.groups.mentions
    return ev


def _state_event(ctx: _Context, tok: Token, sent: Span) -> Event | None:
    """"six suspended BSP MLAs", "expelled BJP leader Ram Lal": the people the noun names were
    expelled or suspended by the party it names. It happened before the sentence: no date."""
    etype = next((t for t in lexicon().verbs[tok.lemma_.lower()] if t in ("expelled", "suspended")), None)
    if etype is None:
        return None
    actor_tok = tok.head
    while actor_tok.dep_ == "compound" and actor_tok.head.i != actor_tok.i:  # "suspended Congress MLA X"
        actor_tok = actor_tok.head
    party = _group_party(ctx, actor_tok) or _own_party(ctx, actor_tok)
    if party is None:
        return None
    actor, actor_text = _actor(ctx, actor_tok)
    if actor_text is None or (actor is not None and actor.label_ != "PERSON"):
        return None
    ev = Event(etype, tok.text, sent.start_char, sent.end_char, sent.text.strip(), actor_text=actor_text,
               party_start=party.start_char, party_text=party.text, actor_tok=actor_tok)
    if actor is not None:
        ev.actor_start = actor.start_char
    else:
        ev.actor_group = actor_tok.i in ctx.groups.mentions
    ev.attribution = _attribution(ctx, tok, sent)
    return ev


def _noun_event(ctx: _Context, tok: Token, etype: str, sent: Span) -> Event | None:
    lex = lexicon()
    spec = lex.types[etype]
    if etype == "rally":
        return _rally(ctx, tok, sent)
    party = None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in spec.get("prepositions", []):
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                party = _party_of(ctx, pobj)
    if party is None:
        return None
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is None:
        return None
    actor, actor_text = _actor(ctx, owner)
    if actor is None or actor.label_ != "PERSON":
        return None
    ev = _base(ctx, tok, etype, sent)
    ev.actor_start, ev.actor_text = actor.start_char, actor.text
    ev.party_start, ev.party_text = party.start_char, party.text
    return ev


def _rally(ctx: _Context, tok: Token, sent: Span) -> Event | None:
    organisers = set(lexicon().types["rally"].get("organisers", []))
    t = tok
    verb = None
    while t.head.i != t.i:
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            verb = t
            break
    if verb is None:
        return None
    subj = _subject(verb)
    if subj is None or verb.lemma_.lower() not in organisers:
        return None
    actor = ctx.ent(subj, ("PARTY", "ORG", "PERSON"))
    if actor is None and subj.lemma_.lower() in lexicon().party_nouns:
        actor = ctx.last(subj.idx, ("PARTY",))
    if actor is None:
        return None
    ev = _base(ctx, verb, "rally", sent)
    ev.trigger = tok.text
    if ev.date is None:  # a rally's date may hang anywhere in the sentence that announces it
        ev.date, ev.date_text = _date(ctx, tok, {t.i for t in sent})
        ev.modality = _modality(verb, bool(ev.date and ctx.anchor and ev.date[:10] > ctx.anchor))
    place = _place(ctx, _clause(tok), tok) or _place(ctx, _clause(verb), verb)
    if place is not None:
        ev.place_start, ev.place_text = place.start_char, place.text
    ev.actor_start, ev.actor_text = actor.start_char, actor.text
    return ev


__all__ = ["Event", "find_events", "lexicon"]
