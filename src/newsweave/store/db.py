"""The store: open a database by SQLAlchemy URL, migrate it, and read and write documents.

Writes are upserts keyed on the content hash (``doc_id``): storing an article that is already
there changes nothing. Each article is written in a savepoint inside the caller's transaction, so
one bad row rolls back alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from ..article import Article
from ..errors import ConfigError, DatabaseFault, InputError, NotFoundError
from ..link.dedup import band_keys
from ..link.resolve import CONTEXT_TYPES, DocCluster, cluster_keys
from ..settings import DEFAULT_DB, ENV, current, db_url
from .bulk import bulk_insert, in_parts, upsert
from .events import MergedEvents
from .faults import check_sqlite_file, masked, read_only_url, scrub, watch, writable
from .migrations import check_current, migrate
from .rows import DERIVED, document_rows
from .schema import reflect
from .search import index_document

ENV_DB = ENV["db"]
#: what storing one article's rows can fail with that is the article's, not the database's: an error
#: the database reports, or a value its driver cannot send (a string it cannot encode, an integer too large)
ROW_ERRORS = (SQLAlchemyError, ValueError, OverflowError)



def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy says BEGIN itself (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=300000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: the story index is read at random
    cur.close()


WRITE_LOCK = 0x6E657773  # "news": the advisory lock key writers share on PostgreSQL


def _sqlite_begin(conn: Connection) -> None:
    """A write transaction takes SQLite's write lock when it starts (BEGIN IMMEDIATE), so two
    writers queue on the busy timeout instead of one failing when it upgrades from reading;
    readers begin plainly and never block a writer (WAL)."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("newsweave_write") else "BEGIN")


def open_store(url: str | None = None, *, create: bool = True, write: bool = True, memory: bool = False) -> Store:
    """Open (creating and migrating as needed) the database at ``url``: the argument, else the
    settings' ``db`` (``--db``, ``$NEWSWEAVE_DB``, the config file), else ``sqlite:///newsweave.db``
    in the working folder. A plain path is an SQLite file. ``create`` False: an SQLite file that
    does not exist is an error (a read of a mistyped path must not make an empty database).
    ``write`` False: reading is enough, so an SQLite file newsweave may not write is opened
    read-only (not migrated: one whose schema is older is an error saying so). ``memory``: an
    in-memory database is allowed (it vanishes with the process; the command line refuses it).

    A database that cannot be used (corrupted, another program's, full, read-only for a write,
    a server that does not answer within the settings' ``db_connect_timeout``) is a
    :class:`~newsweave.errors.DatabaseFault` naming it, its password masked."""
    url = db_url(url or current().db or DEFAULT_DB)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise ConfigError(f"--db {masked(url)} is not a database URL ({scrub(str(exc), url)}); use e.g. "
                          "sqlite:///newsweave.db or postgresql+psycopg://user@host/dbname") from exc
    engine_url: str | URL = url
    read_only = False
    if parsed.get_backend_name() == "sqlite" and in_memory(parsed):
        if not parsed.database:  # SQLAlchemy's default database: memory
            raise ConfigError(f"--db {url!r} names no file: an ingest into it would keep nothing; give a file "
                              "(--db news.db)")
        if not memory:
            raise ConfigError(f"--db {url!r} is an in-memory database: it would vanish when the command ends, so "
                              "nothing would be kept (or found); give a file (--db news.db)")
    elif parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database).expanduser().resolve()
        if not path.parent.is_dir():
            raise ConfigError(f"--db {url}: the folder {path.parent} does not exist; create it first")
        if not create and not path.exists():
            raise ConfigError(f"--db {url}: there is no database at {path}; `newsweave --db {url} ingest PATH...` "
                              "makes one (or give the path of the one you have)")
        check_sqlite_file(path, url)
        if not writable(path):
            if write:
                raise DatabaseFault(f"--db {url}: the database is read-only ({path} or its folder cannot be written): "
                                    "a read command (docs, stories, events, export) can read it; to write, make the "
                                    "file and its folder writable")
            if path.exists():
                engine_url, read_only = read_only_url(path), True
    try:
        engine = create_engine(engine_url, **_engine_options(parsed))
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"--db {masked(url)}: no driver for this database ({scrub(str(exc), url)}); for PostgreSQL "
                          "install newsweave[postgres]") from exc
    watch(engine)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only if read_only else _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        with engine.connect() as conn:
            if read_only:
                with conn.begin():
                    check_current(conn)
            else:
                conn.info["newsweave_write"] = True
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                    migrate(conn)
                conn.info.pop("newsweave_write", None)
    except OperationalError as exc:
        engine.dispose()
        raise ConfigError(scrub(f"--db {masked(url)}: cannot open the database: {exc.orig}", url)) from exc
    except ConfigError as exc:
        engine.dispose()
        if str(exc).startswith("--db "):
            raise
        raise ConfigError(f"--db {masked(url)}: {exc}") from exc
    store = Store(engine)
    store.read_only = read_only
    return store


def in_memory(parsed: URL) -> bool:
    """Whether an SQLite URL is an in-memory database (``sqlite://``, ``:memory:``, ``mode=memory``)."""
    db = parsed.database or ""
    return not db or db == ":memory:" or db.startswith("file::memory:") or parsed.query.get("mode") == "memory"


def _engine_options(parsed: URL) -> dict[str, Any]:
    """PostgreSQL: a connection attempt gives up after the settings' ``db_connect_timeout``
    seconds (a server that accepts and never answers does not hang the command), unless the URL
    sets its own ``connect_timeout``."""
    if parsed.get_backend_name() != "postgresql" or "connect_timeout" in parsed.query:
        return {}
    return {"connect_args": {"connect_timeout": current().db_connect_timeout}}


def _sqlite_read_only(dbapi_conn: Any, _record: Any) -> None:
    """A read-only connection's settings (no journal mode set: that would write)."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA busy_timeout=300000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


class Store:
    read_only = False  # opened read-only (open_store(write=False) on a file newsweave may not write)

    def __init__(self, engine):
        self.engine = engine
        t = self.tables = reflect(engine)
        self.documents, self.problems, self.outlet_lines = t["documents"], t["ingest_problems"], t["outlet_lines"]
        self.migrations = t["schema_migrations"]
        self.mentions, self.clusters, self.entities = t["mentions"], t["clusters"], t["entities"]
        self.quotes, self.doc_events, self.times = t["quotes"], t["doc_events"], t["times"]
        self.signatures, self.near_duplicates, self.bands = t["signatures"], t["near_duplicates"], t["signature_bands"]
        self.cluster_keys = t["cluster_keys"]
        self.merged = MergedEvents(t, self.event_rows)
        self._story_indexes: dict[Any, Any] = {}

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database's URL, its password masked."""
        return self.engine.url.render_as_string(hide_password=True)

    def own_files(self) -> set[Path]:
        """The database's own files (an SQLite file and its journal), never read as input."""
        db = self.engine.url.database
        if self.dialect != "sqlite" or not db or db == ":memory:":
            return set()
        base = Path(db).expanduser().resolve()
        return {base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))}

    def _insert(self, table: Any) -> Any:
        return upsert(self.dialect, table)

    @contextmanager
    def transaction(self, lock: bool = True) -> Iterator[Connection]:
        """One write transaction (savepoints nest inside it with ``conn.begin_nested()``).
        ``lock``: take the writers' lock now (else call :meth:`lock` before the first write)."""
        with self.engine.connect() as conn:
            conn.info["newsweave_write"] = True
            try:
                with conn.begin():
                    if lock:
                        self.lock(conn)
                    yield conn
            finally:
                conn.info.pop("newsweave_write", None)

    def lock(self, conn: Connection) -> None:
        """Writers take turns: on PostgreSQL a transaction-level advisory lock (held to commit),
        so that concurrent ingests never deadlock on the shared word counts and stories; SQLite's
        write transactions are serialised by BEGIN IMMEDIATE already."""
        if self.dialect == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def story_index(self, params: Any = None) -> Any:
        """The story index over this store (:class:`newsweave.store.stories.StoryIndex`), one per
        set of parameters: it keeps what it has read of the index in memory."""
        from .stories import StoryIndex, configured_params

        params = params or configured_params()  # the settings' parameters as they are now
        if params not in self._story_indexes:
            self._story_indexes[params] = StoryIndex(self.engine, self.tables, params)
        return self._story_indexes[params]

    # -- documents -----------------------------------------------------------------------------
    def add_document(self, conn: Connection, a: Article) -> bool:
        """Store a processed article; False (and nothing changed) when its doc_id is stored."""
        return bool(self.add_rows(conn, [document_rows(a)]))

    def add_rows(self, conn: Connection, batch: list[dict[str, Any]],
                 on_error: Callable[[dict[str, Any], Exception], None] | None = None) -> list[str]:
        """Store processed articles given as :func:`~newsweave.store.rows.document_rows`; returns
        the doc_ids added (one already stored, or twice in ``batch``, is left as it is). The rows
        of their child tables go in one statement per table (COPY on PostgreSQL), the batch in one
        savepoint; when that fails, each article in a savepoint of its own, so one article the
        database refuses is passed to ``on_error`` (its rows, the error) and the others are stored
        (without ``on_error`` the error is raised)."""
        try:
            with conn.begin_nested():
                return self._add_rows(conn, batch)
        except ROW_ERRORS:
            if len(batch) == 1 and on_error is None:
                raise
        added: list[str] = []
        for rows in batch:
            try:
                with conn.begin_nested():
                    added += self._add_rows(conn, [rows])
            except ROW_ERRORS as exc:
                if on_error is None:
                    raise
                on_error(rows, exc)
        return added

    def _add_rows(self, conn: Connection, batch: list[dict[str, Any]]) -> list[str]:
        stamp = now()
        added: list[dict[str, Any]] = []
        for rows in batch:
            doc = rows["document"]
            stmt = (self._insert(self.documents)
                    .values(**doc, ingested_at=stamp, processed_at=stamp)
                    .on_conflict_do_nothing(index_elements=["doc_id"]).returning(self.documents.c.doc_id))
            if conn.execute(stmt).first() is not None:  # rowcount is not reliable on every driver
                index_document(conn, doc["doc_id"], doc["title"], doc["text"])
                added.append(rows)
        self._write_children(conn, added)
        sources = [r["document"]["source"] for r in added]
        for part in range(0, len(sources), 500):
            conn.execute(delete(self.problems).where(self.problems.c.source.in_(sources[part:part + 500])))
        return [r["document"]["doc_id"] for r in added]

    def update_document(self, conn: Connection, a: Article) -> None:
        """Rewrite what the pipeline derives (raw content and doc_id stay)."""
        rows = document_rows(a)
        with conn.begin_nested():
            conn.execute(update(self.documents).where(self.documents.c.doc_id == a.doc_id)
                         .values(processed_at=now(), **{k: rows["document"][k] for k in DERIVED}))
            for t in (self.outlet_lines, self.mentions, self.clusters, self.quotes, self.doc_events, self.times,
                      self.signatures, self.bands, self.cluster_keys):
                conn.execute(delete(t).where(t.c.doc_id == a.doc_id))
            self.story_index().forget_terms(conn, a.doc_id)
            index_document(conn, a.doc_id, a.title, a.text, new=False)
            self._write_children(conn, [rows])

    def _write_children(self, conn: Connection, batch: list[dict[str, Any]]) -> None:
        tables = {"mentions": self.mentions, "quotes": self.quotes, "times": self.times,
                  "events": self.doc_events, "clusters": self.clusters}
        for key, table in tables.items():
            bulk_insert(conn, table, [{"doc_id": r["document"]["doc_id"], **row} for r in batch for row in r[key]])
        bulk_insert(conn, self.outlet_lines, [
            {"outlet": r["document"]["outlet"], "line_key": k, "doc_id": r["document"]["doc_id"]}
            for r in batch for k in r["lines"]])
        bulk_insert(conn, self.signatures, [{"doc_id": r["document"]["doc_id"], "minhash": r["signature"]}
                                            for r in batch if r["signature"] is not None])
        bulk_insert(conn, self.cluster_keys, [
            {"key": k, "doc_id": r["document"]["doc_id"], "cluster": c["cluster"]} for r in batch for c in r["clusters"]
            for k in sorted(cluster_keys(DocCluster(r["document"]["doc_id"], c["cluster"], c["type"], c["kb_id"], c["forms"])))])
        bulk_insert(conn, self.bands, [{"band": b, "key": k, "doc_id": r["document"]["doc_id"]}
                                       for r in batch if r["signature"] is not None for b, k in band_keys(r["signature"])])
        self.story_index().record_terms_many(conn, [(r["document"]["doc_id"], r["terms"]) for r in batch])

    # -- entities ------------------------------------------------------------------------------
    def doc_clusters(self, conn: Connection, *, docs: list[str] | None = None,
                     entities: list[str] | None = None, types: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Every stored cluster, or those of the documents ``docs`` and those in the entities
        ``entities`` (``types``: of these types only)."""
        t = self.clusters
        if docs is None and entities is None:
            return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.doc_id, t.c.cluster))]
        out: dict[tuple[str, int], dict[str, Any]] = {}
        for column, values in ((t.c.doc_id, docs or []), (t.c.entity_id, entities or [])):
            for part in in_parts(sorted(values)):
                q = select(t).where(column.in_(part))
                if types is not None:
                    q = q.where(t.c.type.in_(types))
                out.update(((r.doc_id, r.cluster), dict(r._mapping)) for r in conn.execute(q))
        return [out[k] for k in sorted(out)]

    def doc_contexts(self, conn: Connection, docs: list[str]) -> list[Any]:
        """(doc_id, type, kb_id, name) of the documents' clusters that make their context
        (:func:`newsweave.link.resolve.contexts`): parties, organisations, places, and people with
        an entry; narrow columns, no forms."""
        t = self.clusters
        cols = (t.c.doc_id, t.c.type, t.c.kb_id, t.c.name)
        wanted = t.c.type.in_(CONTEXT_TYPES) | ((t.c.type == "PERSON") & t.c.kb_id.is_not(None))
        return [r for part in in_parts(sorted(docs)) for r in conn.execute(select(*cols).where(t.c.doc_id.in_(part), wanted))]

    def clusters_sharing(self, conn: Connection, keys: set[str], *, besides: set[str] | None = None
                         ) -> list[dict[str, Any]]:
        """The stored clusters with any of these resolution keys (:func:`~newsweave.link.resolve.cluster_keys`),
        but those of the entities ``besides``."""
        k, t = self.cluster_keys, self.clusters
        out: dict[tuple[str, int], dict[str, Any]] = {}
        skip = sorted(besides or ())
        for part in in_parts(sorted(keys)):
            hit = select(k.c.doc_id, k.c.cluster).distinct().where(k.c.key.in_(part)).subquery()
            q = select(t).join(hit, (t.c.doc_id == hit.c.doc_id) & (t.c.cluster == hit.c.cluster))
            if skip:
                q = q.where(t.c.entity_id.is_(None) | t.c.entity_id.not_in(skip))
            out.update(((r.doc_id, r.cluster), dict(r._mapping)) for r in conn.execute(q))
        return [out[x] for x in sorted(out)]

    def key_owners(self, conn: Connection, keys: set[str]) -> tuple[dict[str, set[str]], dict[str, int]]:
        """({key: the entities holding a cluster with that key}, {entity: its documents}) for these
        resolution keys, read from the key index without the clusters themselves."""
        k, t, e = self.cluster_keys, self.clusters, self.entities
        owners: dict[str, set[str]] = {}
        sizes: dict[str, int] = {}
        for part in in_parts(sorted(keys)):
            q = (select(k.c.key, t.c.entity_id, e.c.doc_count).distinct()
                 .join(t, (t.c.doc_id == k.c.doc_id) & (t.c.cluster == k.c.cluster))
                 .join(e, e.c.entity_id == t.c.entity_id).where(k.c.key.in_(part)))
            for key, entity_id, docs in conn.execute(q):
                owners.setdefault(key, set()).add(entity_id)
                sizes[entity_id] = docs
        return owners, sizes

    def entities_sharing(self, conn: Connection, keys: set[str], etype: str) -> set[str]:
        """The entities of type ``etype`` holding a cluster with any of these resolution keys (the
        ids only: :meth:`clusters_sharing` reads the clusters themselves)."""
        k, t = self.cluster_keys, self.clusters
        out: set[str] = set()
        for part in in_parts(sorted(keys)):
            hit = select(k.c.doc_id, k.c.cluster).distinct().where(k.c.key.in_(part)).subquery()
            out.update(conn.scalars(
                select(t.c.entity_id).distinct()
                .join(hit, (t.c.doc_id == hit.c.doc_id) & (t.c.cluster == hit.c.cluster))
                .where(t.c.type == etype, t.c.entity_id.is_not(None))))
        return out

    def entity_names(self, conn: Connection, ids: list[str], etype: str | None = None) -> dict[str, str]:
        """Entity id -> name of the entities ``ids`` (of type ``etype``)."""
        e = self.entities
        q = select(e.c.entity_id, e.c.name)
        if etype:
            q = q.where(e.c.type == etype)
        return {i: n for part in in_parts(sorted(ids)) for i, n in conn.execute(q.where(e.c.entity_id.in_(part)))}

    def entity_sizes(self, conn: Connection, ids: list[str]) -> dict[str, tuple[str, int]]:
        """Entity id -> (type, documents) of the entities ``ids``."""
        e = self.entities
        return {i: (t, n) for part in in_parts(ids)
                for i, t, n in conn.execute(select(e.c.entity_id, e.c.type, e.c.doc_count).where(e.c.entity_id.in_(part)))}

    def join_entities(self, conn: Connection, joins: list[tuple[str, str, int, list[str]]]) -> None:
        """Clusters (entity id, doc_id, cluster, its forms) joining stored entities as they are: each
        cluster takes the entity's id, the entity counts its document and adds the forms it lacks."""
        e, t = self.entities, self.clusters
        for entity_id, doc_id, cluster, forms in joins:
            conn.execute(update(t).where(t.c.doc_id == doc_id, t.c.cluster == cluster).values(entity_id=entity_id))
            row = conn.execute(select(e.c.name, e.c.aliases).where(e.c.entity_id == entity_id)).one()
            aliases = list(row.aliases or [])
            added = [f for f in forms if f != row.name and f not in aliases]
            aliases += added
            docs = conn.scalar(select(func.count(t.c.doc_id.distinct())).where(t.c.entity_id == entity_id)) or 0
            conn.execute(update(e).where(e.c.entity_id == entity_id).values(aliases=aliases, doc_count=docs))
            if added:
                self._add_words(conn, [(entity_id, added)])

    def _add_words(self, conn: Connection, names: list[tuple[str, list[str]]]) -> None:
        """Record the words of these names of these entities (``entity_words``; those it lacks)."""
        from ..link.names import name_words

        t = self.tables["entity_words"]
        rows = [{"word": w, "entity_id": eid} for eid, ns in names for w in sorted({w for n in ns for w in name_words(n)})]
        if rows:
            stmt = upsert(self.dialect, t)
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["word", "entity_id"]), rows)

    def entities_with_words(self, conn: Connection, words: list[str], etype: str | None = None) -> list[str]:
        """The entities (of type ``etype``) among whose names' words (:func:`name_words`) are all of
        ``words``, found by index."""
        w, e = self.tables["entity_words"], self.entities
        wanted = sorted(set(words))
        q = (select(w.c.entity_id).where(w.c.word.in_(wanted)).group_by(w.c.entity_id)
             .having(func.count(w.c.word.distinct()) == len(wanted)))
        if etype is not None:
            q = q.where(w.c.entity_id.in_(select(e.c.entity_id).where(e.c.type == etype)))
        return list(conn.scalars(q))

    def unresolved_documents(self, conn: Connection) -> list[str]:
        """Documents with a cluster that belongs to no entity (not resolved yet)."""
        t = self.clusters
        return list(conn.scalars(select(t.c.doc_id).distinct().where(t.c.entity_id.is_(None)).order_by(t.c.doc_id)))

    def entity_ids_in_use(self, conn: Connection, ids: list[str]) -> set[str]:
        e = self.entities
        return {i for part in in_parts(sorted(ids)) for i in conn.scalars(select(e.c.entity_id).where(e.c.entity_id.in_(part)))}

    def count_entities(self, conn: Connection) -> int:
        return conn.scalar(select(func.count()).select_from(self.entities)) or 0

    def replace_entities(self, conn: Connection, entities: list[Any], replacing: list[str] | None = None) -> None:
        """Store resolved entities: all of them, replacing the previous resolution, or (``replacing``)
        in place of those entities, whose clusters they hold."""
        with conn.begin_nested():
            if replacing is None:
                conn.execute(delete(self.entities))
                conn.execute(update(self.clusters).values(entity_id=None))
            else:
                for part in in_parts(sorted(replacing)):
                    conn.execute(delete(self.entities).where(self.entities.c.entity_id.in_(part)))
            if not entities:
                return
            conn.execute(insert(self.entities), [
                {"entity_id": e.entity_id, "type": e.type, "name": e.name, "aliases": e.aliases, "kb_id": e.kb_id,
                 "doc_count": len(e.doc_ids)} for e in entities])
            self._add_words(conn, [(e.entity_id, [e.name, *e.aliases]) for e in entities])
            t = self.clusters
            conn.execute(update(t).where(t.c.doc_id == bindparam("b_doc"), t.c.cluster == bindparam("b_cluster"))
                         .values(entity_id=bindparam("b_entity")),
                         [{"b_doc": m.doc_id, "b_cluster": m.cluster, "b_entity": e.entity_id}
                          for e in entities for m in e.members])

    def iter_entities(self, etype: str | None = None) -> Iterator[dict[str, Any]]:
        t, c = self.entities, self.clusters
        with self.engine.connect() as conn:
            q = select(t).order_by(t.c.type, t.c.doc_count.desc(), t.c.name, t.c.entity_id)  # entity_id: ties in one order on every database
            if etype:
                q = q.where(t.c.type == etype)
            docs: dict[str, list[str]] = {}
            for eid, did in conn.execute(select(c.c.entity_id, c.c.doc_id).where(c.c.entity_id.is_not(None)).distinct()):
                docs.setdefault(eid, []).append(did)
            for row in conn.execute(q):
                yield dict(row._mapping) | {"doc_ids": sorted(docs.get(row.entity_id, []))}

    def event_rows(self, conn: Connection | None = None, docs: list[str] | None = None) -> list[dict[str, Any]]:
        """Every document's events (``docs``: those documents') with the entities of their actor,
        party and place, and the document's outlet and publication date (``conn``: inside a
        transaction in hand)."""
        if conn is None:
            with self.engine.connect() as own:
                return self.event_rows(own, docs)
        ev, c, e, d = self.doc_events, self.clusters, self.entities, self.documents
        ca, cp, cl = c.alias("ca"), c.alias("cp"), c.alias("cl")
        ea, ep, el = e.alias("ea"), e.alias("ep"), e.alias("el")
        q = (select(ev, d.c.outlet, d.c.published, d.c.title, d.c.text.label("doc_text"),
                    ca.c.entity_id.label("actor_entity"), ea.c.name.label("actor_entity_name"), ea.c.type.label("actor_type"),
                    cp.c.entity_id.label("party_entity"), ep.c.name.label("party_entity_name"),
                    cl.c.entity_id.label("place_entity"), el.c.name.label("place_entity_name"))
             .join(d, d.c.doc_id == ev.c.doc_id)
             .outerjoin(ca, (ca.c.doc_id == ev.c.doc_id) & (ca.c.cluster == ev.c.actor_cluster))
             .outerjoin(ea, ea.c.entity_id == ca.c.entity_id)
             .outerjoin(cp, (cp.c.doc_id == ev.c.doc_id) & (cp.c.cluster == ev.c.party_cluster))
             .outerjoin(ep, ep.c.entity_id == cp.c.entity_id)
             .outerjoin(cl, (cl.c.doc_id == ev.c.doc_id) & (cl.c.cluster == ev.c.place_cluster))
             .outerjoin(el, el.c.entity_id == cl.c.entity_id))
        if docs is None:
            rows = [dict(r._mapping) for r in conn.execute(q)]
        else:
            rows = [dict(r._mapping) for part in in_parts(sorted(set(docs))) for r in conn.execute(q.where(ev.c.doc_id.in_(part)))]
        # in Python's order on every database (merging depends on it): unknown dates first
        rows.sort(key=lambda r: (r["published"] is not None, r["published"] or "", r["doc_id"], r["n"]))
        for r in rows:  # which paragraph of its document tells the event (-1: the headline)
            r["paragraph"] = r["doc_text"].count("\n\n", 0, r["sent_start"]) if r["sent_start"] >= 0 else -1
            del r["doc_text"]
        return rows

    def load_signatures(self, conn: Connection, near: list[str] | None = None) -> tuple[dict[str, bytes], dict[str, tuple]]:
        """MinHash signatures, and each one's rank (publication time, id) for originals: every
        document's, or (``near``) those of the documents named and of every document sharing an LSH
        band with one of them (found by index)."""
        s, d, b = self.signatures, self.documents, self.bands
        q = select(s.c.doc_id, s.c.minhash, d.c.published).join(d, d.c.doc_id == s.c.doc_id)
        if near is not None:
            wanted = set(near)
            for part in range(0, len(near), 500):
                mine = select(b.c.band, b.c.key).where(b.c.doc_id.in_(near[part:part + 500])).subquery()
                wanted.update(conn.scalars(select(b.c.doc_id).distinct().join(
                    mine, (b.c.band == mine.c.band) & (b.c.key == mine.c.key))))
            ids = sorted(wanted)
            rows = [r for part in range(0, len(ids), 500)
                    for r in conn.execute(q.where(s.c.doc_id.in_(ids[part:part + 500])))]
        else:
            rows = list(conn.execute(q))
        sigs, order = {}, {}
        for doc_id, minhash, published in rows:
            sigs[doc_id] = minhash
            order[doc_id] = (published or "9999", doc_id)
        return sigs, order

    def set_copies(self, conn: Connection, pairs: list[tuple[str, str, float]]) -> None:
        t = self.near_duplicates
        with conn.begin_nested():
            for doc_id, of, sim in pairs:
                conn.execute(delete(t).where(t.c.doc_id == doc_id))
                conn.execute(insert(t).values(doc_id=doc_id, copy_of=of, similarity=sim))

    def copies(self) -> dict[str, str]:
        t = self.near_duplicates
        with self.engine.connect() as conn:
            return {a: b for a, b in conn.execute(select(t.c.doc_id, t.c.copy_of))}

    def iter_times(self) -> Iterator[dict[str, Any]]:
        t = self.times
        with self.engine.connect() as conn:
            for r in conn.execute(select(t).order_by(t.c.doc_id, t.c.start)):
                yield dict(r._mapping)

    def iter_quotes(self, docs: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Quotes with their speaker's entity (when named) and the entity's name (``docs``: those
        documents' only, read by index)."""
        q, c, e = self.quotes, self.clusters, self.entities
        query = (select(q, c.c.entity_id, e.c.name.label("entity_name"))
                 .outerjoin(c, (c.c.doc_id == q.c.doc_id) & (c.c.cluster == q.c.speaker_cluster))
                 .outerjoin(e, e.c.entity_id == c.c.entity_id)
                 .order_by(q.c.doc_id, q.c.n))
        with self.engine.connect() as conn:
            if docs is None:
                for r in conn.execute(query):
                    yield dict(r._mapping)
                return
            for part in in_parts(sorted(set(docs))):  # in doc_id order, as one statement gives them
                for r in conn.execute(query.where(q.c.doc_id.in_(part))):
                    yield dict(r._mapping)

    def entity_mentions(self, entity_id: str) -> list[dict[str, Any]]:
        """Every mention of an entity with its sentence and document."""
        m, c, d = self.mentions, self.clusters, self.documents
        q = (select(m.c.doc_id, m.c.start, m.c.end, m.c.text, m.c.sent_start, m.c.sent_end, d.c.text.label("doc_text"),
                    d.c.source, d.c.outlet)
             .join(c, (c.c.doc_id == m.c.doc_id) & (c.c.cluster == m.c.cluster))
             .join(d, d.c.doc_id == m.c.doc_id)
             .where(c.c.entity_id == entity_id).order_by(d.c.published, m.c.doc_id, m.c.start))
        with self.engine.connect() as conn:
            out = []
            for r in conn.execute(q):
                raw = r.doc_text[r.sent_start:r.sent_end]
                lead = len(raw) - len(raw.lstrip())
                out.append({"doc_id": r.doc_id, "source": r.source, "outlet": r.outlet, "text": r.text,
                            "start": r.start, "end": r.end, "sentence": raw.strip(),
                            "in_sentence": r.start - r.sent_start - lead})
            return out

    def repeated_lines(self, conn: Connection, outlet: str, keys: list[str], doc_id: str) -> dict[str, int]:
        """How many other documents of ``outlet`` hold each line key."""
        t = self.outlet_lines
        rows = conn.execute(
            select(t.c.line_key, func.count()).where(t.c.outlet == outlet, t.c.line_key.in_(keys), t.c.doc_id != doc_id)
            .group_by(t.c.line_key))
        return {k: n for k, n in rows}

    def has_document(self, conn: Connection, doc_id: str) -> bool:
        return (conn.scalar(select(func.count()).where(self.documents.c.doc_id == doc_id)) or 0) > 0

    def count_documents(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(self.documents))

    def story_page(self, *, since: str | None = None, until: str | None = None, outlet: str | None = None,
                   entity_id: str | None = None, limit: int | None = None, offset: int = 0
                   ) -> tuple[int, list[dict[str, Any]]]:
        """(how many stories match, the page of them): newest first report first, then the larger,
        then by id; ``since``/``until`` bound the first report's date, ``outlet`` is one that reports
        it (any case), ``entity_id`` one it mentions. Reads the page's rows only."""
        t = self.tables["stories"]
        where = []
        if since:
            where.append(func.substr(t.c.published, 1, 10) >= since[:10])
        if until:
            where.append(func.substr(t.c.published, 1, 10) <= until[:10])
        if outlet:
            where.append(t.c.outlets_key.contains(f"|{outlet.casefold()}|", autoescape=True))
        if entity_id:
            sd, c = self.tables["story_docs"], self.clusters
            where.append(t.c.story_id.in_(select(sd.c.story_id).where(
                sd.c.doc_id.in_(select(c.c.doc_id).where(c.c.entity_id == entity_id)))))
        cols = (t.c.story_id, t.c.title, t.c.doc_ids, t.c.outlets, t.c.published)
        q = select(*cols).where(*where).order_by(func.coalesce(t.c.published, "").desc(), t.c.size.desc(), t.c.story_id)
        with self.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(t).where(*where)) or 0
            rows = [dict(r._mapping) for r in conn.execute(q.limit(limit).offset(offset) if limit is not None
                                                           else q.offset(offset))]
        return total, rows

    def iter_documents(self, *, columns: tuple[str, ...] | None = None) -> Iterator[dict[str, Any]]:
        t = self.documents
        cols = [t.c[c] for c in columns] if columns else [t]
        with self.engine.connect() as conn:
            for row in conn.execute(select(*cols).order_by(t.c.published.is_(None), t.c.published, t.c.source)):
                yield dict(row._mapping)

    def document_page(self, columns: tuple[str, ...], *, outlet: str | None = None, limit: int = 50,
                      offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """(how many documents match, one page of them with ``columns``, in :meth:`iter_documents`'
        order, each with ``copy_of``); ``outlet``: that outlet's only (any case). Reads the page."""
        t, nd = self.documents, self.near_duplicates
        where = [func.lower(t.c.outlet) == outlet.lower()] if outlet else []
        q = (select(*[t.c[c] for c in columns], nd.c.copy_of).outerjoin(nd, nd.c.doc_id == t.c.doc_id).where(*where)
             .order_by(t.c.published.is_(None), t.c.published, t.c.source).limit(limit).offset(offset))
        with self.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(t).where(*where)) or 0
            return total, [dict(r._mapping) for r in conn.execute(q)]

    def get_document(self, ident: str) -> dict[str, Any]:
        """A document by doc_id, a unique doc_id prefix, or its source."""
        t = self.documents
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.doc_id == ident)).all()
            rows = rows or conn.execute(select(t).where(t.c.source == ident)).all()
            rows = rows or conn.execute(select(t).where(t.c.doc_id.startswith(ident, autoescape=True)).limit(2)).all()
        if not rows:
            raise NotFoundError(f"no document {ident!r}; `newsweave docs` lists them")
        if len(rows) > 1:
            raise NotFoundError(f"{ident!r} matches more than one document; give more of the id")
        return dict(rows[0]._mapping)

    # -- fetched URLs (newsweave.pipeline.live) --------------------------------------------------
    def fetched(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        """What is kept of each of ``urls`` fetched before (kind, etag, last_modified, doc_id)."""
        t = self.tables["fetched_urls"]
        found: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for part in in_parts(sorted(set(urls))):
                for r in conn.execute(select(t).where(t.c.url.in_(part))):
                    found[r.url] = dict(r._mapping)
        return found

    def stored_urls(self, urls: list[str]) -> set[str]:
        """Those of ``urls`` whose page is stored: a document's source, or fetched as content
        that is stored (under another URL it redirected to, or a copy's)."""
        t, d = self.tables["fetched_urls"], self.documents
        known: set[str] = set()
        with self.engine.connect() as conn:
            for part in in_parts(sorted(set(urls))):
                known |= set(conn.scalars(select(d.c.source).where(d.c.source.in_(part))))
                known |= set(conn.scalars(select(t.c.url).join(d, d.c.doc_id == t.c.doc_id).where(t.c.url.in_(part))))
        return known

    def record_fetches(self, rows: list[dict[str, Any]]) -> None:
        """Keep (or replace) what was fetched: rows of url, kind, etag, last_modified, doc_id."""
        if not rows:
            return
        t = self.tables["fetched_urls"]
        stamp = now()
        with self.transaction() as conn:
            for row in rows:
                values = {"etag": row.get("etag"), "last_modified": row.get("last_modified"),
                          "doc_id": row.get("doc_id"), "kind": row["kind"], "fetched_at": stamp}
                stmt = self._insert(t).values(url=row["url"], **values)
                conn.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=values))

    # -- problems ------------------------------------------------------------------------------
    def record_problem(self, conn: Connection, err: InputError) -> None:
        """Record (or count again) a problem input; the same problem twice is one row."""
        key = hashlib.sha256(f"{err.source}\x00{err.row}\x00{err.reason}".encode()).hexdigest()[:32]
        stamp = now()
        with conn.begin_nested():
            stmt = self._insert(self.problems).values(
                problem_id=key, source=err.source, row=err.row, kind=err.kind, reason=err.reason,
                detail=err.detail, first_seen=stamp, last_seen=stamp, times=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=["problem_id"],
                set_={"last_seen": stamp, "times": self.problems.c.times + 1, "detail": err.detail})
            conn.execute(stmt)

    def problems_list(self) -> list[dict[str, Any]]:
        t = self.problems
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.source, t.c.row))]

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.max(self.migrations.c.version))) or 0


__all__ = ["Store", "open_store", "DEFAULT_DB", "ENV_DB", "SQLAlchemyError"]
