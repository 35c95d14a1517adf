"""Numbered schema migrations, each recorded in ``schema_migrations`` when applied.

A migration builds its own table definitions (frozen at that version), so later changes to the
live schema in :mod:`.schema` never alter what an old migration does. Add a migration by appending
to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
)


def _v1_documents(conn: Connection) -> None:
    md = MetaData()
    Table(
        "documents", md,
        Column("doc_id", String(32), primary_key=True),
        Column("source", Text, nullable=False),
        Column("fmt", String(16), nullable=False),
        Column("encoding", String(40)),
        Column("raw", Text, nullable=False),
        Column("url", Text),
        Column("outlet", Text),
        Column("outlet_evidence", Text),
        Column("title", Text),
        Column("byline", Text),
        Column("published", String(40)),
        Column("updated", String(40)),
        Column("dateline", Text),
        Column("text", Text, nullable=False),
        Column("meta", JSON),
        Column("removed", JSON),
        Column("warnings", JSON),
        Column("ingested_at", String(40), nullable=False),
        Column("processed_at", String(40), nullable=False),
        Index("ix_documents_outlet", "outlet"),
        Index("ix_documents_published", "published"),
    )
    Table(
        "ingest_problems", md,
        Column("problem_id", String(32), primary_key=True),  # hash of source, row and reason
        Column("source", Text, nullable=False),
        Column("row", Integer),
        Column("kind", String(16), nullable=False),  # failed | skipped
        Column("reason", Text, nullable=False),
        Column("first_seen", String(40), nullable=False),
        Column("last_seen", String(40), nullable=False),
        Column("times", Integer, nullable=False),
        Index("ix_ingest_problems_source", "source"),
    )
    Table(
        "outlet_lines", md,
        Column("outlet", Text, nullable=False),
        Column("line_key", String(16), nullable=False),
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        PrimaryKeyConstraint("outlet", "line_key", "doc_id"),
    )
    md.create_all(conn)


def _v2_entities(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)  # the foreign keys' target
    Table(
        "mentions", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("n", Integer, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("type", String(16), nullable=False),
        Column("kb_id", Text),
        Column("cluster", Integer, nullable=False),
        Column("sent_start", Integer, nullable=False),
        Column("sent_end", Integer, nullable=False),
        PrimaryKeyConstraint("doc_id", "n"),
    )
    Table(
        "clusters", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("cluster", Integer, nullable=False),
        Column("type", String(16), nullable=False),
        Column("kb_id", Text),
        Column("name", Text, nullable=False),
        Column("forms", JSON, nullable=False),
        Column("entity_id", String(32)),
        PrimaryKeyConstraint("doc_id", "cluster"),
        Index("ix_clusters_entity", "entity_id"),
    )
    Table(
        "entities", md,
        Column("entity_id", String(32), primary_key=True),
        Column("type", String(16), nullable=False),
        Column("name", Text, nullable=False),
        Column("aliases", JSON, nullable=False),
        Column("kb_id", Text),
        Column("doc_count", Integer, nullable=False),
        Index("ix_entities_type", "type"),
    )
    md.create_all(conn, tables=[md.tables[n] for n in ("mentions", "clusters", "entities")])


def _v3_quotes(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    Table(
        "quotes", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("n", Integer, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("speaker_cluster", Integer),  # the speaker's cluster in this document, when named
        Column("speaker_text", Text),  # the speaker as written
        PrimaryKeyConstraint("doc_id", "n"),
    )
    md.create_all(conn, tables=[md.tables["quotes"]])


def _v4_events(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    Table(
        "doc_events", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("n", Integer, nullable=False),
        Column("type", String(32), nullable=False),
        Column("trigger", Text, nullable=False),
        Column("actor_cluster", Integer),
        Column("actor_text", Text),
        Column("party_cluster", Integer),
        Column("party_text", Text),
        Column("post", Text),
        Column("date", String(40)),
        Column("date_text", Text),
        Column("place_cluster", Integer),
        Column("place_text", Text),
        Column("followers", Integer),
        Column("approx", Integer, nullable=False),
        Column("modality", String(16), nullable=False),
        Column("attribution", JSON, nullable=False),
        Column("evidence", Text, nullable=False),
        Column("sent_start", Integer, nullable=False),
        Column("sent_end", Integer, nullable=False),
        PrimaryKeyConstraint("doc_id", "n"),
    )
    md.create_all(conn, tables=[md.tables["doc_events"]])


def _v5_times(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    Table(
        "times", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("type", String(16), nullable=False),
        Column("value", Text),
        PrimaryKeyConstraint("doc_id", "start"),
    )
    md.create_all(conn, tables=[md.tables["times"]])


def _v6_near_duplicates(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    Table(
        "signatures", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        Column("minhash", LargeBinary, nullable=False),
    )
    Table(
        "near_duplicates", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        Column("copy_of", String(32), nullable=False),
        Column("similarity", Float, nullable=False),
    )
    md.create_all(conn, tables=[md.tables["signatures"], md.tables["near_duplicates"]])


def _v7_stories(conn: Connection) -> None:
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    fk = lambda: ForeignKey("documents.doc_id", ondelete="CASCADE")  # noqa: E731
    Table(
        "doc_terms", md,
        Column("doc_id", String(32), fk(), nullable=False),
        Column("term", String(200), nullable=False),
        Column("tf", Float, nullable=False),
        Column("n", Integer, nullable=False),  # the document's arrival number: postings newest first
        PrimaryKeyConstraint("doc_id", "term"),
        Index("ix_doc_terms_term_n", "term", "n"),
    )
    Table(
        "term_df", md,
        Column("term", String(200), primary_key=True),
        Column("df", Integer, nullable=False),
    )
    Table(
        "doc_neighbours", md,
        Column("doc_id", String(32), fk(), nullable=False),
        Column("other", String(32), fk(), nullable=False),
        Column("sim", Float, nullable=False),
        PrimaryKeyConstraint("doc_id", "other"),
    )
    Table(
        "story_docs", md,
        Column("doc_id", String(32), fk(), primary_key=True),
        Column("story_id", String(32), nullable=False),
        Column("seq", Integer, nullable=False),
        Index("ix_story_docs_story", "story_id"),
    )
    md.create_all(conn, tables=[md.tables[n] for n in ("doc_terms", "term_df", "doc_neighbours", "story_docs")])


def _v8_search(conn: Connection) -> None:
    """Full-text search: an FTS5 table on SQLite (kept by the store), a GIN index on PostgreSQL."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE docs_fts USING fts5(doc_id UNINDEXED, title, text, "
                             "tokenize='unicode61 remove_diacritics 2')")
        conn.exec_driver_sql("INSERT INTO docs_fts (rowid, doc_id, title, text) "
                             "SELECT rowid, doc_id, coalesce(title, ''), text FROM documents")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE INDEX ix_documents_fts ON documents USING GIN "
                             "(to_tsvector('english', coalesce(title, '') || ' ' || text))")


def _v9_problem_detail(conn: Connection) -> None:
    """What more a problem's record keeps: the traceback of an unexpected failure."""
    conn.exec_driver_sql("ALTER TABLE ingest_problems ADD COLUMN detail TEXT")


def _v10_signature_bands(conn: Connection) -> None:
    """The near-duplicate index's bands, so a new document's candidates are found by key."""
    from ..link.dedup import band_keys

    md = MetaData()
    Table("documents", md, autoload_with=conn)
    bands = Table(
        "signature_bands", md,
        Column("band", Integer, nullable=False),
        Column("key", String(16), nullable=False),
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        PrimaryKeyConstraint("band", "key", "doc_id"),
        Index("ix_signature_bands_doc_id", "doc_id"),
    )
    md.create_all(conn, tables=[bands])
    rows = [{"band": b, "key": k, "doc_id": d}
            for d, m in conn.exec_driver_sql("SELECT doc_id, minhash FROM signatures") for b, k in band_keys(bytes(m))]
    if rows:
        conn.execute(insert(bands), rows)


def _v11_cluster_keys(conn: Connection) -> None:
    """The keys on which entity resolution may join a document's clusters with others', so a new
    document is resolved with the clusters sharing its keys, not with the whole corpus."""
    from ..link.resolve import DocCluster, cluster_keys

    md = MetaData()
    Table("documents", md, autoload_with=conn)
    keys = Table(
        "cluster_keys", md,
        Column("key", Text, nullable=False),
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("cluster", Integer, nullable=False),
        PrimaryKeyConstraint("key", "doc_id", "cluster"),
        Index("ix_cluster_keys_doc_id", "doc_id"),
    )
    md.create_all(conn, tables=[keys])
    clusters = Table("clusters", md, autoload_with=conn)
    rows = [{"key": k, "doc_id": r.doc_id, "cluster": r.cluster}
            for r in conn.execute(select(clusters))
            for k in sorted(cluster_keys(DocCluster(r.doc_id, r.cluster, r.type, r.kb_id, r.forms or {})))]
    for part in range(0, len(rows), 5000):
        conn.execute(insert(keys), rows[part:part + 5000])


def _v12_story_records(conn: Connection) -> None:
    """Each story's record (title, members, outlets, first report), kept current by the
    cross-document step, so reading a page of stories reads only that page."""
    from .stories import refresh_story_records

    md = MetaData()
    records = Table(
        "stories", md,
        Column("story_id", String(32), primary_key=True),
        Column("title", Text, nullable=False),
        Column("doc_ids", JSON, nullable=False),  # members, first report first
        Column("outlets", JSON, nullable=False),
        Column("outlets_key", Text, nullable=False),  # "|outlet a||outlet b|", case-folded, for the outlet filter
        Column("size", Integer, nullable=False),
        Column("published", String(40)),  # the first report's publication time
        Index("ix_stories_published", "published", "size"),
    )
    md.create_all(conn, tables=[records])
    members, documents = Table("story_docs", md, autoload_with=conn), Table("documents", md, autoload_with=conn)
    refresh_story_records(conn, members, records, documents)


def _v13_doc_vectors(conn: Connection) -> None:
    """Each document's terms in one row, in the form story clustering compares them (words in term
    order with their sublinear frequencies, names, dates: :class:`newsweave.link.stories.Terms`),
    read when the document is a candidate of a new one: one row a document instead of one a word.
    ``doc_terms`` stays the inverted index."""
    from ..link.stories import prepare

    md = MetaData()
    Table("documents", md, autoload_with=conn)
    vectors = Table(
        "doc_vectors", md,
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        Column("terms", JSON, nullable=False),
    )
    md.create_all(conn, tables=[vectors])
    rows: dict[str, dict[str, float]] = {}
    for d, term, tf in conn.exec_driver_sql("SELECT doc_id, term, tf FROM doc_terms ORDER BY doc_id, term"):
        rows.setdefault(d, {})[term] = tf
    if rows:
        conn.execute(insert(vectors), [{"doc_id": d, "terms": prepare(dict(sorted(terms.items()))).as_json()}
                                       for d, terms in rows.items()])  # in Python's order, not a collation's


EVENTS_NAMED = """
CREATE VIEW events_named AS
SELECT e.doc_id, e.n, e.type, e.modality, e.date, e.followers,
       COALESCE(ae.name, e.actor_text) AS actor, ae.entity_id AS actor_id,
       COALESCE(pe.name, e.party_text, e.post) AS party, pe.entity_id AS party_id,
       COALESCE(le.name, e.place_text) AS place,
       d.outlet, d.published, d.title, e.evidence
FROM doc_events e
JOIN documents d ON d.doc_id = e.doc_id
LEFT JOIN clusters ac ON ac.doc_id = e.doc_id AND ac.cluster = e.actor_cluster
LEFT JOIN entities ae ON ae.entity_id = ac.entity_id
LEFT JOIN clusters pc ON pc.doc_id = e.doc_id AND pc.cluster = e.party_cluster
LEFT JOIN entities pe ON pe.entity_id = pc.entity_id
LEFT JOIN clusters lc ON lc.doc_id = e.doc_id AND lc.cluster = e.place_cluster
LEFT JOIN entities le ON le.entity_id = lc.entity_id
"""


def _v14_views(conn: Connection) -> None:
    """A view for people who query the database themselves (sqlite3, Datasette, psql): each
    document's events with the names of their actor, party and place, and the document's outlet
    and date."""
    conn.exec_driver_sql(EVENTS_NAMED)


EVENT_OUTLETS = """
CREATE VIEW event_outlets AS
SELECT e.event_id, e.type, e.modality, e.actor_name, e.party_name, e.date, e.place, e.followers,
       s.outlet, d.published, d.title, s.evidence, s.doc_id, s.copy_of
FROM events_merged e
JOIN event_sources s ON s.event_id = e.event_id
JOIN documents d ON d.doc_id = s.doc_id
"""


def _v15_merged_events(conn: Connection) -> None:
    """Merged events stored, kept current by the cross-document step (:mod:`.events`): one row per
    real-world event, one per source, one per value reported where outlets disagree, the documents
    whose actors are to be merged again, and a view of each event's reports with their outlets."""
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    events = Table(
        "events_merged", md,
        Column("event_id", String(40), primary_key=True),
        Column("actor_key", Text, nullable=False),  # entity:<id> or group:<name as written, folded>
        Column("story_id", String(32)),
        Column("type", String(32), nullable=False),
        Column("actor", String(32)),
        Column("actor_name", Text),
        Column("party", String(32)),
        Column("party_name", Text),
        Column("date", String(40)),
        Column("place", Text),
        Column("followers", Integer),
        Column("modality", String(16), nullable=False),
        Column("single_source", Integer, nullable=False),
        Column("independent_sources", Integer, nullable=False),
        Column("post", Text),
        Column("followers_reported", JSON, nullable=False),
        Column("attribution", JSON, nullable=False),
        Column("sources", JSON, nullable=False),
        Column("conflicts", JSON, nullable=False),
        Column("doc_ids", JSON, nullable=False),
        Column("first_published", String(40), nullable=False),  # the first report's publication time ("" unknown)
        Index("ix_events_merged_actor", "actor_key"),
        Index("ix_events_merged_first", "first_published", "event_id"),
        Index("ix_events_merged_type_date", "type", "date"),
    )
    sources = Table(
        "event_sources", md,
        Column("event_id", String(40), ForeignKey("events_merged.event_id", ondelete="CASCADE"), nullable=False),
        Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        Column("outlet", Text),
        Column("evidence", Text),
        Column("copy_of", String(32)),
        PrimaryKeyConstraint("event_id", "doc_id"),
        Index("ix_event_sources_doc", "doc_id"),
    )
    conflicts = Table(
        "event_conflicts", md,
        Column("event_id", String(40), ForeignKey("events_merged.event_id", ondelete="CASCADE"), nullable=False),
        Column("field", String(32), nullable=False),
        Column("value", Text, nullable=False),
        Column("doc_ids", JSON, nullable=False),
        Column("outlets", JSON, nullable=False),
        PrimaryKeyConstraint("event_id", "field", "value"),
    )
    pending = Table("events_pending", md, Column("doc_id", String(32), primary_key=True))
    md.create_all(conn, tables=[events, sources, conflicts, pending])
    conn.exec_driver_sql(EVENT_OUTLETS)
    # every stored document's actors are merged by the next write (or read): a migration runs
    # without the knowledge base the merge consults
    conn.exec_driver_sql("INSERT INTO events_pending (doc_id) SELECT DISTINCT doc_id FROM doc_events")
def _v16_document_language(conn: Connection) -> None:
    """Each document's language (ISO 639-1), as the ``language`` stage detects it. Documents stored
    before it were never asked: theirs is NULL (not known), until ``newsweave reprocess`` detects it."""
    conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN language VARCHAR(8)")
def _v17_fetched_urls(conn: Connection) -> None:
    """What the web fetcher knows of each URL it fetched (``newsweave ingest URL``, ``follow``): the
    validators of the version it got (ETag, Last-Modified) for a conditional request next time, and
    the doc_id of that content (a page's; a feed's or a sitemap's is None). Kept in the database,
    the one place state lives, not in a cache file. And an index on documents.source: a follow
    run asks which of a feed's URLs are stored already."""
    md = MetaData()
    Table("documents", md, autoload_with=conn)
    fetched = Table(
        "fetched_urls", md,
        Column("url", Text, primary_key=True),
        Column("kind", String(16), nullable=False),  # page | feed | sitemap
        Column("etag", Text),
        Column("last_modified", Text),
        Column("doc_id", String(32)),  # the content last fetched (a page's); no foreign key: a fetch outlives it
        Column("fetched_at", String(40), nullable=False),
    )
    md.create_all(conn, tables=[fetched])
    # a hash index on PostgreSQL: a B-tree refuses an entry over about 2.7 KB, and a source may be longer
    Index("ix_documents_source", md.tables["documents"].c.source, postgresql_using="hash").create(conn)


def _v18_serving_indexes(conn: Connection) -> None:
    """What the server reads by: the merged events of a story, and those an entity is the actor
    or the party of (pages and lists read one entity's or one story's rows, never every event), and
    the words of every entity's names (``entity_words``: a search finds the entities a query names
    by index, not by reading every entity)."""
    from ..link.names import name_words

    md = MetaData()
    events = Table("events_merged", md, autoload_with=conn)
    for name, column in (("ix_events_merged_story", "story_id"), ("ix_events_merged_actor_id", "actor"),
                         ("ix_events_merged_party", "party")):
        Index(name, events.c[column], events.c.first_published, events.c.event_id).create(conn)
    entities = Table("entities", md, autoload_with=conn)
    words = Table(
        "entity_words", md,
        Column("word", Text, nullable=False),
        Column("entity_id", String(32), ForeignKey("entities.entity_id", ondelete="CASCADE"), nullable=False),
        PrimaryKeyConstraint("word", "entity_id"),
        Index("ix_entity_words_entity", "entity_id"),
    )
    md.create_all(conn, tables=[words])
    rows = [{"word": w, "entity_id": eid} for eid, name, aliases in conn.execute(
        select(entities.c.entity_id, entities.c.name, entities.c.aliases))
        for w in sorted({w for n in [name, *(aliases or [])] for w in name_words(n)})]
    for i in range(0, len(rows), 5000):
        conn.execute(insert(words), rows[i:i + 5000])


#: (version, name, function) in order
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "documents, ingest problems, outlet lines", _v1_documents),
    (2, "mentions, per-document clusters, entities", _v2_entities),
    (3, "quotes", _v3_quotes),
    (4, "events found in each document", _v4_events),
    (5, "time expressions", _v5_times),
    (6, "near-duplicate signatures and links", _v6_near_duplicates),
    (7, "story clustering: document terms, term frequencies, neighbours, stories", _v7_stories),
    (8, "full-text search", _v8_search),
    (9, "a problem's detail (an unexpected failure's traceback)", _v9_problem_detail),
    (10, "near-duplicate index bands", _v10_signature_bands),
    (11, "entity-resolution keys of each document's clusters", _v11_cluster_keys),
    (12, "story records", _v12_story_records),
    (13, "each document's terms in one row", _v13_doc_vectors),
    (14, "a view of the documents' events with names", _v14_views),
    (15, "merged events, their sources and disagreements", _v15_merged_events),
    (16, "each document's language", _v16_document_language),
    (17, "fetched URLs' validators for conditional requests; an index on documents.source", _v17_fetched_urls),
    (18, "indexes on merged events by story, actor and party; the words of entities' names", _v18_serving_indexes),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]

_md = MetaData()
schema_migrations = Table(
    "schema_migrations", _md,
    Column("version", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("applied_at", String(40), nullable=False),
)


def applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.scalars(select(schema_migrations.c.version)))


def check_current(conn: Connection) -> None:
    """A database that is only read (not migrated) must have every migration this newsweave
    knows, and none it does not."""
    from ..errors import ConfigError

    done = applied(conn)
    newer = sorted(v for v in done if v > SCHEMA_VERSION)
    if newer:
        raise ConfigError(f"the database has schema version {newer[-1]}, newer than this newsweave "
                          f"({SCHEMA_VERSION}); upgrade newsweave")
    missing = [v for v, _, _ in MIGRATIONS if v not in done]
    if missing:
        raise ConfigError(f"the database has schema version {max(done, default=0)}, older than this newsweave's "
                          f"({SCHEMA_VERSION}), and needs migrating, which a read-only database cannot be: open it "
                          "once where it can be written (any newsweave command migrates it), then read it here")


def migrate(conn: Connection) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied. Each runs in a
    savepoint with its record, so a failed migration leaves nothing half-done."""
    _md.create_all(conn, tables=[schema_migrations])
    done = applied(conn)
    newer = sorted(v for v in done if v > SCHEMA_VERSION)
    if newer:
        from ..errors import ConfigError

        raise ConfigError(f"the database has schema version {newer[-1]}, newer than this newsweave "
                          f"({SCHEMA_VERSION}); upgrade newsweave")
    ran = []
    for version, name, fn in MIGRATIONS:
        if version in done:
            continue
        with conn.begin_nested():
            fn(conn)
            conn.execute(insert(schema_migrations).values(
                version=version, name=name, applied_at=datetime.now(UTC).isoformat(timespec="seconds")))
        ran.append(version)
    return ran
