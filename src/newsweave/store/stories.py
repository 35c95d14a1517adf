"""The story index in the database: each document's content words (``doc_terms``), how many
documents use each word (``term_df``; the row for the empty word counts the documents), the
neighbour edges between similar documents (``doc_neighbours``) and each document's story
(``story_docs``, with its arrival order ``seq``). The clustering rule is :mod:`newsweave.link.stories`.
"""

from __future__ import annotations

import secrets
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text

from ..errors import ConfigError
from ..link.stories import (
    Idf,
    Profile,
    StoryParams,
    Terms,
    cluster_block,
    prepare,
    profile,
    scale,
    shared,
    similarity,
    story_id,
    within_window,
)
from ..settings import current
from .bulk import bulk_insert, upsert

DOCS = ""  # term_df row that counts documents
GEN = " generation"  # term_df row holding a random token, new on every change to the counts (no term has a leading space)
DF_CACHE = 200_000  # document frequencies kept in memory while no other writer changes them
CHUNK = 500  # bound parameters per IN (...) query
CACHE = 4096  # documents whose terms are kept in memory


def configured_params() -> StoryParams:
    """The story parameters of the run's settings (``[stories]`` in the config file)."""
    try:
        return StoryParams(**current().story_params())
    except TypeError as exc:
        known = ", ".join(f.name for f in fields(StoryParams))
        raise ConfigError(f"[stories]: {exc}; the parameters are {known}") from exc


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _lookup(conn: Connection, key: Any, value: Any, keys: list[str]) -> dict[str, Any]:
    """``{key: value}`` for the rows whose ``key`` column is one of ``keys``."""
    out: dict[str, Any] = {}
    for part in _chunks(keys):
        out.update(conn.execute(select(key, value).where(key.in_(part))).all())
    return out


class StoryIndex:
    def __init__(self, engine: Engine, tables: Mapping[str, Table], params: StoryParams | None = None):
        self.engine = engine
        self.p = params or configured_params()
        t = tables
        self.terms, self.df, self.edges, self.members = t["doc_terms"], t["term_df"], t["doc_neighbours"], t["story_docs"]
        self.vectors, self.documents = t["doc_vectors"], t["documents"]
        self.records = t["stories"]
        self.changed: set[str] = set()  # stories whose members changed since their records were written
        self.moved: set[str] = set()  # documents reclustered since their events' stories were updated
        self._cache: OrderedDict[str, Terms] = OrderedDict()
        self._df: dict[str, int] = {}  # valid while term_df's GEN row holds self._gen
        self._logs: dict[str, float] = {}  # log(df + 0.5) of the terms in _df, dropped when a count changes
        self._ready: set[str] = set()  # documents all of whose terms' counts are in _df
        self._gen: int | None = None
        self._pub: dict[str, str | None] = {}
        self._postings = text(" UNION ALL ".join(
            f"SELECT * FROM (SELECT doc_id, term FROM doc_terms WHERE term = :t{i} ORDER BY n DESC LIMIT :lim) AS p{i}"
            for i in range(self.p.query_terms)))

    # -- terms ---------------------------------------------------------------------------------
    def record_terms(self, conn: Connection, doc_id: str, terms: Mapping[str, float]) -> None:
        self.record_terms_many(conn, [(doc_id, terms)])

    def record_terms_many(self, conn: Connection, docs: list[tuple[str, Mapping[str, float]]]) -> None:
        """Record documents' terms, in order: the ``n``-th document with terms is numbered ``n``
        (newest first in the postings) and counted once in every term's document frequency."""
        docs = [(d, terms) for d, terms in docs if terms]
        if not docs:
            return
        n = conn.scalar(select(self.df.c.df).where(self.df.c.term == DOCS)) or 0
        bulk_insert(conn, self.terms, [{"doc_id": d, "term": t, "tf": w, "n": n + i}
                                       for i, (d, terms) in enumerate(docs, 1) for t, w in terms.items()])
        bulk_insert(conn, self.vectors, [{"doc_id": d, "terms": prepare(dict(sorted(terms.items()))).as_json()}
                                         for d, terms in docs])
        counts = Counter(t for _, terms in docs for t in terms)
        counts[DOCS] = len(docs)
        self._bump(conn, counts)

    def forget_terms(self, conn: Connection, doc_id: str) -> None:
        old = list(conn.scalars(select(self.terms.c.term).where(self.terms.c.doc_id == doc_id)))
        self._cache.pop(doc_id, None)
        self._ready.discard(doc_id)
        self._pub.pop(doc_id, None)
        if old:
            conn.execute(delete(self.terms).where(self.terms.c.doc_id == doc_id))
            conn.execute(delete(self.vectors).where(self.vectors.c.doc_id == doc_id))
            self._bump(conn, {t: -1 for t in [*old, DOCS]})

    def _bump(self, conn: Connection, by: Mapping[str, int]) -> None:
        self._check_gen(conn)
        stmt = upsert(self.engine.dialect.name, self.df)
        stmt = stmt.on_conflict_do_update(index_elements=["term"], set_={"df": self.df.c.df + stmt.excluded.df})
        conn.execute(stmt, [{"term": t, "df": by[t]} for t in sorted(by)])
        self._gen = secrets.randbits(31)
        stmt = upsert(self.engine.dialect.name, self.df)
        conn.execute(stmt.on_conflict_do_update(index_elements=["term"], set_={"df": stmt.excluded.df}),
                     {"term": GEN, "df": self._gen})
        for t, d in by.items():  # the cache follows the change it knows of
            self._logs.pop(t, None)
            if t in self._df:
                self._df[t] += d

    def _check_gen(self, conn: Connection) -> None:
        """Forget the cached counts unless the last change to them was this index's own (a
        rolled-back change, another writer, a reset: the token differs)."""
        gen = conn.scalar(select(self.df.c.df).where(self.df.c.term == GEN))
        if gen != self._gen or gen is None:  # another writer may have reprocessed documents too
            self._forget_counts()
            self._cache.clear()
            self._pub.clear()
            self._gen = gen
        elif len(self._df) > DF_CACHE:
            self._forget_counts()

    def _forget_counts(self) -> None:
        self._df.clear()
        self._logs.clear()
        self._ready.clear()

    def _dfs(self, conn: Connection, terms: Iterable[str]) -> None:
        """Read the document frequencies of ``terms`` that are not in memory (``_df``) yet."""
        known = self._df
        missing = [t for t in set(terms) if t not in known]
        for part in _chunks(missing):
            known.update(conn.execute(select(self.df.c.term, self.df.c.df).where(self.df.c.term.in_(part))).all())

    def _tfs(self, conn: Connection, doc_ids: list[str]) -> dict[str, Terms]:
        """Each document's terms (:func:`prepare`'s form, stored so); a document's terms never change until
        it is reprocessed, so the most recently used are kept in memory (``CACHE`` documents)."""
        out: dict[str, Terms] = {d: self._cache[d] for d in doc_ids if d in self._cache}
        missing = [d for d in doc_ids if d not in out]
        fetched = _lookup(conn, self.vectors.c.doc_id, self.vectors.c.terms, missing)
        for d in doc_ids:
            if d in out:
                self._cache.move_to_end(d)
        for d in missing:  # in the order asked for, as the terms were before
            if d in fetched:
                out[d] = self._cache[d] = Terms.from_json(fetched[d])
        while len(self._cache) > CACHE:
            self._ready.discard(self._cache.popitem(last=False)[0])
        return out

    # -- clustering ----------------------------------------------------------------------------
    def assign(self, conn: Connection, new: list[str]) -> int:
        """Give each new document (in arrival order) its story, reclustering the stories it
        touches. Returns how many documents' story was written."""
        new = list(dict.fromkeys(new))
        done = set(self._stored(conn, new))
        new = [d for d in new if d not in done]
        if not new:
            return 0
        self._check_gen(conn)
        self._dfs(conn, [DOCS])
        n = max(self._df.get(DOCS, 0), 1)
        tfs = self._tfs(conn, new)
        self._published(conn, new)
        seq = (conn.scalar(select(func.max(self.members.c.seq))) or 0)
        pending, arrived = set(new), set[str]()
        profiles: dict[str, Profile] = {}  # the weights hold for this call
        edges: dict[tuple[str, str], float] = {}
        idf = Idf(self._df, n, self._logs)  # the counts stay as they are during this call
        for doc in new:
            self._link(conn, doc, tfs.get(doc) or prepare({}), idf, pending - arrived, profiles, edges)
            arrived.add(doc)
        conn.execute(insert(self.members), [{"doc_id": d, "story_id": story_id(d), "seq": seq + i}
                                            for i, d in enumerate(new, 1)])
        if edges:
            stmt = upsert(self.engine.dialect.name, self.edges)
            conn.execute(stmt.on_conflict_do_update(index_elements=["doc_id", "other"], set_={"sim": stmt.excluded.sim}),
                         [{"doc_id": a, "other": b, "sim": sim} for (a, b), sim in sorted(edges.items())])
        return self._recluster(conn, new)

    def _published(self, conn: Connection, doc_ids: list[str]) -> dict[str, str | None]:
        """Publication times (kept in memory: they change only when a document is reprocessed)."""
        missing = [d for d in doc_ids if d not in self._pub]
        if missing:
            if len(self._pub) > 16 * CACHE:
                self._pub.clear()
            self._pub.update(_lookup(conn, self.documents.c.doc_id, self.documents.c.published, missing))
        return {d: self._pub.get(d) for d in doc_ids}

    def _link(self, conn: Connection, doc: str, terms: Terms, idf: Idf,
              later: set[str], profiles: dict[str, Profile], edges: dict[tuple[str, str], float]) -> None:
        """Neighbour edges between ``doc`` and the stored documents most like it (``later``: the
        documents of this call still to come, not yet candidates)."""
        p = self.p
        self._dfs(conn, terms.keys())
        me = profile(terms, idf, self._published(conn, [doc])[doc], p)
        v = me.words
        query = sorted(v, key=lambda t: v[t], reverse=True)[:p.query_terms]
        votes: dict[str, float] = defaultdict(float)
        if query:  # each word's newest postings, in one statement
            padded = query + [DOCS] * (p.query_terms - len(query))  # no document has the empty word
            params = {f"t{i}": t for i, t in enumerate(padded)} | {"lim": p.postings}
            for other, term in conn.execute(self._postings, params):
                if other != doc and other not in later:
                    votes[other] += v[term]
        cands = sorted(votes, key=lambda d: votes[d], reverse=True)[:p.candidates]
        published = self._published(conn, [doc, *cands])
        cands = [d for d in cands if within_window(published[doc], published[d], p.window_days)]
        ctf = self._tfs(conn, [d for d in cands if d not in profiles])
        unread = [d for d in ctf if d not in self._ready]  # a document read before: its counts in memory
        self._dfs(conn, (t for d in unread for t in ctf[d].keys()))
        self._ready.update(unread)
        for other, terms_ in ctf.items():
            profiles[other] = profile(terms_, idf, published[other], p)
        for other in cands:
            them = profiles.get(other)
            if them is None or not within_window(me.date, them.date, p.window_days):  # a date line's date too
                continue
            sim = similarity(me, them, p)
            if sim >= p.min_sim:
                edges[(doc, other)] = edges[(other, doc)] = sim

    def _stored(self, conn: Connection, doc_ids: list[str]) -> list[str]:
        """Those of ``doc_ids`` that already have a story."""
        out: list[str] = []
        for part in _chunks(doc_ids):
            out += conn.scalars(select(self.members.c.doc_id).where(self.members.c.doc_id.in_(part)))
        return out

    def _recluster(self, conn: Connection, new: list[str]) -> int:
        p = self.p
        edges = self._edges(conn, new)
        touched = {o for d in new for o in edges.get(d, {})}
        stories = self._stories_of(conn, sorted(touched))
        block = set(new) | touched | set(self._members(conn, sorted(set(stories.values()))))
        edges.update(self._edges(conn, sorted(block - set(edges))))
        self._prune(conn, edges)
        around = {o for d in block for o in edges.get(d, {})} - set(edges)  # their nearest neighbours count
        edges.update(self._edges(conn, sorted(around)))
        weighted = shared(edges, block, p)
        sigma = {d: scale(weighted[d].values(), p) for d in block}
        seqs = self._seqs(conn, sorted(block))
        order = sorted(block, key=lambda d: (seqs[d], d))
        inside = {d: {o: s for o, s in weighted[d].items() if o in block} for d in block}
        roots = cluster_block(order, inside, sigma, p)
        self.changed.update(self._stories_of(conn, order).values())  # the stories the block's documents were in
        self.changed.update(story_id(roots[d]) for d in order)
        self.moved.update(order)
        for part in _chunks(order):
            conn.execute(delete(self.members).where(self.members.c.doc_id.in_(part)))
        conn.execute(insert(self.members), [{"doc_id": d, "story_id": story_id(roots[d]), "seq": seqs[d]} for d in order])
        return len(order)

    def _edges(self, conn: Connection, doc_ids: list[str]) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for part in _chunks(doc_ids):
            for d, o, s in conn.execute(select(self.edges.c.doc_id, self.edges.c.other, self.edges.c.sim)
                                        .where(self.edges.c.doc_id.in_(part))):
                out[d][o] = s
        return out

    def _prune(self, conn: Connection, edges: dict[str, dict[str, float]]) -> None:
        """Keep each document's ``neighbours`` best edges."""
        for d, es in edges.items():
            if len(es) > self.p.neighbours:
                drop = sorted(es, key=lambda o: es[o], reverse=True)[self.p.neighbours:]
                conn.execute(delete(self.edges).where(self.edges.c.doc_id == d, self.edges.c.other.in_(drop)))
                for o in drop:
                    del es[o]

    def _stories_of(self, conn: Connection, doc_ids: list[str]) -> dict[str, str]:
        return _lookup(conn, self.members.c.doc_id, self.members.c.story_id, doc_ids)

    def _members(self, conn: Connection, story_ids: list[str]) -> list[str]:
        out: list[str] = []
        for part in _chunks(story_ids):
            out += conn.scalars(select(self.members.c.doc_id).where(self.members.c.story_id.in_(part)))
        return out

    def _seqs(self, conn: Connection, doc_ids: list[str]) -> dict[str, int]:
        return _lookup(conn, self.members.c.doc_id, self.members.c.seq, doc_ids)

    def reset(self, conn: Connection) -> list[str]:
        """Forget every edge and story (terms stay); returns the documents in arrival order."""
        order = list(conn.scalars(select(self.members.c.doc_id).order_by(self.members.c.seq)))
        conn.execute(delete(self.edges))
        conn.execute(delete(self.members))
        self._cache.clear()
        self._pub.clear()
        return order

    def lead_lines(self, doc_ids: list[str], conn: Connection | None = None) -> dict[str, str]:
        """The first line of each document's text (a story title's last resort)."""
        if conn is None:
            with self.engine.connect() as own:
                return self.lead_lines(doc_ids, own)
        texts = _lookup(conn, self.documents.c.doc_id, self.documents.c.text, doc_ids)
        return {d: t.lstrip().split("\n", 1)[0] for d, t in texts.items() if t}

    def refresh_records(self, conn: Connection, *, rewrite: bool = False) -> int:
        """Keep the ``stories`` table (one row per story: its title, members, outlets, first
        report) current: every story whose members changed since it was written is written again,
        every story that is gone is removed; returns how many were written. Reads one row per
        stored document and story (two narrow columns), then only the changed stories' documents."""
        if rewrite:  # documents were reprocessed: their titles may have changed
            conn.execute(delete(self.records))
            self.changed.clear()
            return refresh_story_records(conn, self.members, self.records, self.documents)
        changed, self.changed = sorted(self.changed), set()
        return refresh_story_records(conn, self.members, self.records, self.documents, changed)

    def take_moved(self) -> list[str]:
        """The documents reclustered since the last call (their events' stories may have changed)."""
        moved, self.moved = sorted(self.moved), set()
        return moved

    def stories_near(self, conn: Connection, doc_ids: list[str]) -> dict[str, str]:
        """Story of each document in the stories of ``doc_ids`` (theirs and their story-mates')."""
        m = self.members
        stories = set(_lookup(conn, m.c.doc_id, m.c.story_id, doc_ids).values())
        out: dict[str, str] = {}
        for part in _chunks(sorted(stories)):
            out.update(conn.execute(select(m.c.doc_id, m.c.story_id).where(m.c.story_id.in_(part))).all())
        return out

    def story_map(self, conn: Connection | None = None) -> dict[str, str]:
        """Each document's story (``conn``: inside a transaction in hand)."""
        if conn is not None:
            return dict(conn.execute(select(self.members.c.doc_id, self.members.c.story_id)).all())
        with self.engine.connect() as own:
            return self.story_map(own)


STORY_DOC_COLUMNS = ("doc_id", "source", "title", "byline", "outlet", "published")


def refresh_story_records(conn: Connection, members: Table, records: Table, documents: Table,
                          only: list[str] | None = None) -> int:
    """See :meth:`StoryIndex.refresh_records` (also run by the migration that made the table);
    ``only``: the stories that may have changed (else every one is compared)."""
    from ..link.merge import stories

    now: dict[str, list[str]] = defaultdict(list)
    member_q = select(members.c.doc_id, members.c.story_id)
    record_q = select(records.c.story_id, records.c.doc_ids)
    if only is None:
        member_rows, record_rows = list(conn.execute(member_q)), list(conn.execute(record_q))
    else:
        member_rows = [r for part in _chunks(only) for r in conn.execute(member_q.where(members.c.story_id.in_(part)))]
        record_rows = [r for part in _chunks(only) for r in conn.execute(record_q.where(records.c.story_id.in_(part)))]
    for doc, sid in member_rows:
        now[sid].append(doc)
    stored = {sid: docs for sid, docs in record_rows}
    changed = sorted(sid for sid, docs in now.items() if sorted(docs) != sorted(stored.get(sid) or []))
    gone = sorted(set(stored) - set(now))
    for part in _chunks([*changed, *gone]):
        conn.execute(delete(records).where(records.c.story_id.in_(part)))
    if not changed:
        return 0
    doc_ids = sorted(d for sid in changed for d in now[sid])
    cols = [documents.c[c] for c in STORY_DOC_COLUMNS]
    docs = [dict(r._mapping) for part in _chunks(doc_ids) for r in conn.execute(select(*cols).where(documents.c.doc_id.in_(part)))]

    def lead(ids: list[str]) -> dict[str, str]:
        texts = _lookup(conn, documents.c.doc_id, documents.c.text, ids)
        return {d: t.lstrip().split("\n", 1)[0] for d, t in texts.items() if t}

    story_by_doc = {d: sid for sid in changed for d in now[sid]}
    rows = [{"story_id": rec.story_id, "title": rec.title, "doc_ids": rec.doc_ids, "outlets": rec.outlets,
             "outlets_key": "".join(f"|{o.casefold()}|" for o in rec.outlets), "size": len(rec.doc_ids),
             "published": rec.published} for rec in stories(docs, story_by_doc, lead)]
    bulk_insert(conn, records, rows)
    return len(rows)


STORY_COLUMNS = ("story_id", "title", "doc_ids", "outlets", "published")


def stories_called(conn: Connection, tables: Mapping[str, Table], ident: str) -> list[dict[str, Any]]:
    """The stories whose id is ``ident``, else those whose id starts with it (their records, read
    by index from ``stories``). A document with no story yet (none stored for it) is a story of its
    own, as the records of every story (:func:`newsweave.link.merge.stories`) have it."""
    from ..link.merge import stories

    t, members, documents = tables["stories"], tables["story_docs"], tables["documents"]
    cols = [t.c[c] for c in STORY_COLUMNS]
    exact = [dict(r._mapping) for r in conn.execute(select(*cols).where(t.c.story_id == ident))]
    prefix = [] if exact else [dict(r._mapping) for r in conn.execute(
        select(*cols).where(t.c.story_id.startswith(ident, autoescape=True)).order_by(t.c.story_id))]
    alone = list(conn.scalars(select(documents.c.doc_id).where(~select(members.c.doc_id).where(
        members.c.doc_id == documents.c.doc_id).exists())))
    if alone:  # rare (a document stored with no story): their records made as every story's are
        wanted = {d for d in alone if story_id(d) == ident or (not exact and story_id(d).startswith(ident))}
        doc_cols = [documents.c[c] for c in STORY_DOC_COLUMNS]
        docs = [dict(r._mapping) for part in _chunks(sorted(wanted))
                for r in conn.execute(select(*doc_cols).where(documents.c.doc_id.in_(part)))]

        def lead(ids: list[str]) -> dict[str, str]:
            texts = _lookup(conn, documents.c.doc_id, documents.c.text, ids)
            return {d: t.lstrip().split("\n", 1)[0] for d, t in texts.items() if t}

        for rec in stories(docs, {}, lead):
            (exact if rec.story_id == ident else prefix).append(
                {"story_id": rec.story_id, "title": rec.title, "doc_ids": rec.doc_ids, "outlets": rec.outlets,
                 "published": rec.published})
    return exact or prefix


def story_documents(conn: Connection, tables: Mapping[str, Table], doc_ids: list[str]) -> list[dict[str, Any]]:
    """``doc_id``, ``source``, ``outlet``, ``published``, ``title`` and ``copy_of`` of these
    documents (no text read)."""
    d, nd = tables["documents"], tables["near_duplicates"]
    q = (select(d.c.doc_id, d.c.source, d.c.outlet, d.c.published, d.c.title, nd.c.copy_of)
         .outerjoin(nd, nd.c.doc_id == d.c.doc_id))
    return [dict(r._mapping) for part in _chunks(sorted(set(doc_ids))) for r in conn.execute(q.where(d.c.doc_id.in_(part)))]


def stories_of(conn: Connection, members: Table, doc_ids: list[str]) -> dict[str, str]:
    """The stored story of each of these documents (those that have one)."""
    return _lookup(conn, members.c.doc_id, members.c.story_id, sorted(set(doc_ids)))
