"""Stage ``nlp+link`` (batched): spaCy over a batch of articles, then each article's mentions and
within-document clusters, with the article's outlet as a MEDIA cluster."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from spacy.tokens import Doc

from ..article import Article
from ..link.coref import TYPES, Cluster, Mention, cluster
from ..link.dedup import signature, to_bytes
from ..link.kb import KB, current_kb
from ..link.names import fold, name_key, part_key, same_name, skeleton
from .events import find_events, may_report_event
from .model import load_nlp, pipe
from .model import prefetch as prefetch_texts
from .pieces import batches, shift_event, shift_mention, shift_quote, shift_time, split_text
from .quotes import find_quotes
from .terms import story_terms
from .times import find_times
from .truecase import is_lowercased, tables_for, truecase

DATELINE_DAYS = 3
HEADLINE_CHARS = 1_000  # the longest title read as a headline (for its events)


def outlet_cluster(article: Article, kb: KB, index: int) -> Cluster | None:
    """The outlet that published the article, as an entity mention without a place in the text."""
    if not article.outlet:
        return None
    forms = [article.outlet, *article.meta.get("outlet_also_written", [])]
    entry = kb.find("MEDIA", article.outlet)
    return Cluster(index, "MEDIA", entry.id if entry else None, Counter({f: 1 for f in forms}))


def dateline_cluster(article: Article, kb: KB) -> None:
    """The dateline's place is a place the article names: it joins the place cluster of the same
    name, or is one of its own (without a place in the text), linked to the knowledge base when
    the article names other entries of that entry's pack."""
    if not article.dateline:
        return
    form = article.dateline
    same = next((c for c in article.clusters if c.type == "PLACE" and fold(form) in {fold(f) for f in c.forms}), None)
    if same is not None:
        same.forms[form] += 0
        return
    entry = kb.find("PLACE", form)
    packs = {kb.entries[c.kb_id].pack for c in article.clusters if c.kb_id in kb.entries}
    kb_id = entry.id if entry is not None and entry.pack in packs else None
    article.clusters.append(Cluster(len(article.clusters), "PLACE", kb_id, Counter({form: 1})))


class _Persons:
    """The people among a document's clusters, indexed by name key and name part, for
    :meth:`named`; clusters added later are added here too."""

    def __init__(self, clusters: list[Cluster]):
        self.of: dict[int, Cluster] = {}
        self.by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
        for c in clusters:
            self.add(c)

    def add(self, c: Cluster) -> None:
        if c.type != "PERSON":
            return
        self.of[c.index] = c
        for f in c.forms:  # a cluster's name is one of its forms
            self.by_key["skeleton", skeleton(name_key(f))].add(c.index)
            for w in f.split():
                self.by_key["part", part_key(w)].add(c.index)

    def named(self, text: str) -> int | None:
        """The one person of the document a bare name ("Choyal said") stands for, if any."""
        words = text.split()
        if len(words) > 3 or not all(w[:1].isupper() for w in words):
            return None
        keys = {part_key(w) for w in words}
        if keys:  # candidates: the same name, or a person with the first of its words among their names
            found = self.by_key.get(("skeleton", skeleton(name_key(text))), set()) | \
                self.by_key.get(("part", part_key(words[0])), set())
        else:
            found = set(self.of)
        cands = [self.of[i] for i in sorted(found)]
        hits = [c.index for c in cands if c.type == "PERSON"
                and (any(same_name(f, text) for f in c.forms) or keys <= {part_key(p) for p in c.parts})]
        return hits[0] if len(hits) == 1 else None


def model_texts(articles: list[Article]) -> tuple[dict[int, str], list[list[tuple[int, str]]]]:
    """What the model reads of each article: its headline, when it may report an event (by the
    article's index), and its body in pieces (:mod:`.pieces`; one piece but for a long article)."""
    kb = current_kb()
    nlp = load_nlp()
    titled = {i: a.title for i, a in enumerate(articles)  # else no parse needed; a "title" of pages is no headline
              if a.title and len(a.title) <= HEADLINE_CHARS and may_report_event(a.title, nlp)}
    heads = {i: _model_text(title, kb, nlp, 10) if is_lowercased(articles[i].text)
             else _sentence_case(title, kb, articles[i].text) for i, title in titled.items()}
    return heads, [split_text(_model_text(a.text, kb, nlp)) for a in articles]


def prefetch(articles: list[Article]) -> bool:
    """Start the run's parse workers on these articles (those in a language the English stages
    read), ahead of :func:`link_articles`; False when they would be parsed in this process."""
    read = [a for a in articles if a.unread is None]
    heads, parts = model_texts(read)
    started = prefetch_texts(list(heads.values()))
    return prefetch_texts([p[0][1] for p in parts if len(p) == 1]) or started


def link_articles(articles: list[Article]) -> list[Article]:
    kb = current_kb()
    head_texts, parts = model_texts(articles)
    heads = dict(zip(head_texts, pipe(list(head_texts.values()))))
    whole = pipe([p[0][1] for p in parts if len(p) == 1])  # lazily: with workers, the first are read while they parse on
    for n, (article, pieces) in enumerate(zip(articles, parts)):
        read = [(0, next(whole))] if len(pieces) == 1 else list(zip((s for s, _ in pieces), parse_pieces(pieces)))
        article.doc = read[0][1] if len(read) == 1 else [d for _, d in read]  # a long article: its pieces' Docs
        article.mentions = [shift_mention(m, at) for at, doc in read for m in mentions_of(doc)]
        article.clusters = cluster(article.mentions, kb)
        media = outlet_cluster(article, kb, len(article.clusters))
        if media is not None:
            same = next((c for c in article.clusters if c.type == "MEDIA" and
                         (c.kb_id and c.kb_id == media.kb_id or fold(c.name) == fold(article.outlet))), None)
            if same is not None:
                same.forms.update({f: 0 for f in media.forms if f not in same.forms})
            else:
                article.clusters.append(media)
        dateline_cluster(article, kb)
        article.quotes, article.times, article.events = [], [], []
        for at, doc in read:  # a piece's quotes and times give its events their speakers and dates
            quotes, times = find_quotes(doc), find_times(doc, article.published)
            events = find_events(doc, quotes, times, article.published)
            article.quotes += [shift_quote(q, at) for q in quotes]
            article.times += [shift_time(t, at) for t in times]
            article.events += [shift_event(ev, at) for ev in events]
        by_start = {m.start: m.cluster for m in article.mentions}
        persons = _Persons(article.clusters)
        for q in article.quotes:
            q.cluster = by_start.get(q.speaker_start) if q.speaker_start is not None else None
            if q.cluster is None and q.speaker_text and q.speaker_text[:1].isupper():
                q.cluster = persons.named(q.speaker_text)
        for ev in article.events:
            ev.actor_cluster = by_start.get(ev.actor_start) if ev.actor_start is not None else None
            ev.party_cluster = by_start.get(ev.party_start) if ev.party_start is not None else None
            ev.place_cluster = by_start.get(ev.place_start) if ev.place_start is not None else None
            if ev.actor_cluster is None and ev.actor_text and not ev.actor_group and _name_like(ev.actor_text):
                ev.actor_cluster = persons.named(ev.actor_text)
                if ev.actor_cluster is None:  # a person the model missed: a cluster of its own
                    c = Cluster(len(article.clusters), "PERSON", None, Counter({ev.actor_text: 1}))
                    article.clusters.append(c)
                    persons.add(c)
                    ev.actor_cluster = c.index
        article.events += _headline_events(article, heads.get(n), persons)
        article.signature = to_bytes(signature(article.text))
        article.terms = story_terms(article)
        _dateline_place(article)
    return articles


def parse_pieces(pieces: list[tuple[int, str]]) -> list[Doc]:
    """The pieces of one long article parsed, a few at a time (see :mod:`.pieces`); the last
    component drops each one's token vectors (nothing reads them after the model)."""
    nlp = load_nlp()
    return [doc for group in batches([p for _, p in pieces]) for doc in nlp.pipe(group, batch_size=len(group))]


def mentions_of(doc: Doc) -> list[Mention]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in TYPES:
            continue
        sent = ent.sent
        out.append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_, ent.kb_id_ or None,
                           sent.start_char, sent.end_char))
    return out


def _model_text(text: str, kb: KB, nlp, min_letters: int = 200) -> str:
    """What the model reads: a text written all in lower case true-cased (same length, so every
    offset holds for the stored text; names and quotations taken from the parse read cased)."""
    return truecase(text, *tables_for(kb, nlp)) if is_lowercased(text, min_letters) else text


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from .components import _common_words  # the model's own word list

    return _common_words(load_nlp())


def _sentence_case(title: str, kb: KB, body: str) -> str:
    """"X Quits Congress, May Join ASP-KR" -> "X quits Congress, may join ASP-KR": a headline in
    title case parses badly; common English words go to lower case, names stay (a word the body
    capitalises mid-sentence, a name the knowledge base knows, a party word ending a name)."""
    common = _common()
    names = kb.single_word_forms()
    words = title.split(" ")
    out: list[str] = []
    kept_name = False
    for i, w in enumerate(words):
        core = w.strip(",:;!?'\"‘’“”")
        lower = core.lower()
        named = (fold(core) in names or re.search(rf"[a-z,] {re.escape(core)}\b", body) is not None
                 or (kept_name and lower in kb.party_words))
        if i and core[:1].isupper() and core[1:].islower() and lower in common and not named:
            w = w.replace(core, lower)
            kept_name = False
        else:
            kept_name = core[:1].isupper()
        out.append(w)
    return " ".join(out)


def _headline_events(article: Article, doc: Doc | None, persons: _Persons) -> list:
    """Events the headline states (``doc``: the headline in sentence case, parsed); the headline
    is their evidence."""
    if doc is None or article.title is None:  # a parsed headline is a title's
        return []
    found = find_events(doc, [], find_times(doc, article.published), article.published)
    for ev in found:
        ev.evidence, ev.sent_start, ev.sent_end = article.title, -1, -1
        ent_at = {e.start_char: e for e in doc.ents}
        actor = ent_at.get(ev.actor_start) if ev.actor_start is not None else None
        party = ent_at.get(ev.party_start) if ev.party_start is not None else None
        ev.actor_start = ev.party_start = ev.place_start = None
        if actor is not None:
            ev.actor_cluster = persons.named(actor.text)
        if party is not None:
            ev.party_cluster = next((c.index for c in article.clusters if (party.kb_id_ and c.kb_id == party.kb_id_)
                                     or fold(party.text) in {fold(f) for f in c.forms}), None)
    return [ev for ev in found if ev.actor_cluster is not None]


def _dateline_place(article: Article) -> None:
    """The dateline is where a fresh event happened when the text supports it: the dateline's
    place is named again in the body, and the event is dated within DATELINE_DAYS of publication."""
    if not article.dateline or not article.published:
        return
    place = next((c for c in article.clusters if c.type == "PLACE" and c.mentions
                  and fold(article.dateline) in {fold(f) for f in c.forms}), None)
    if place is None:
        return
    for ev in article.events:
        if ev.place_cluster is None and ev.place_text is None and ev.modality == "asserted" and _fresh(ev.date, article.published):
            ev.place_cluster, ev.place_text = place.index, article.dateline


def _fresh(value: str | None, published: str) -> bool:
    from datetime import date

    if not value or len(value) < 10:
        return False
    try:
        return abs((date.fromisoformat(published[:10]) - date.fromisoformat(value[:10])).days) <= DATELINE_DAYS
    except ValueError:
        return False


def _name_like(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() and w.replace(".", "").isalpha() for w in words)
