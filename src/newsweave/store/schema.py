"""The current schema, declared once: every table the migrations build and its columns, in order.

:mod:`.migrations` builds it step by step (each migration frozen at its version); the tests check
that a database the migrations built has exactly these tables and columns, and that the rows
:func:`newsweave.store.rows.document_rows` writes name only these columns. The store reflects the
tables from the database itself (:func:`reflect`), so types and keys are the migrations'.
"""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, Table

SCHEMA: dict[str, tuple[str, ...]] = {
    "schema_migrations": ("version", "name", "applied_at"),
    "documents": ("doc_id", "source", "fmt", "encoding", "raw", "url", "outlet", "outlet_evidence", "title",
                  "byline", "published", "updated", "dateline", "text", "meta", "removed", "warnings",
                  "ingested_at", "processed_at", "language"),
    "ingest_problems": ("problem_id", "source", "row", "kind", "reason", "first_seen", "last_seen", "times",
                        "detail"),
    "outlet_lines": ("outlet", "line_key", "doc_id"),
    "mentions": ("doc_id", "n", "start", "end", "text", "type", "kb_id", "cluster", "sent_start", "sent_end"),
    "clusters": ("doc_id", "cluster", "type", "kb_id", "name", "forms", "entity_id"),
    "entities": ("entity_id", "type", "name", "aliases", "kb_id", "doc_count"),
    "entity_words": ("word", "entity_id"),
    "quotes": ("doc_id", "n", "start", "end", "text", "speaker_cluster", "speaker_text"),
    "doc_events": ("doc_id", "n", "type", "trigger", "actor_cluster", "actor_text", "party_cluster", "party_text",
                   "post", "date", "date_text", "place_cluster", "place_text", "followers", "approx", "modality",
                   "attribution", "evidence", "sent_start", "sent_end"),
    "times": ("doc_id", "start", "end", "text", "type", "value"),
    "signatures": ("doc_id", "minhash"),
    "near_duplicates": ("doc_id", "copy_of", "similarity"),
    "doc_terms": ("doc_id", "term", "tf", "n"),
    "term_df": ("term", "df"),
    "doc_neighbours": ("doc_id", "other", "sim"),
    "story_docs": ("doc_id", "story_id", "seq"),
    "signature_bands": ("band", "key", "doc_id"),
    "cluster_keys": ("key", "doc_id", "cluster"),
    "doc_vectors": ("doc_id", "terms"),
    "stories": ("story_id", "title", "doc_ids", "outlets", "outlets_key", "size", "published"),
    "events_merged": ("event_id", "actor_key", "story_id", "type", "actor", "actor_name", "party", "party_name",
                      "date", "place", "followers", "modality", "single_source", "independent_sources", "post",
                      "followers_reported", "attribution", "sources", "conflicts", "doc_ids", "first_published"),
    "event_sources": ("event_id", "doc_id", "outlet", "evidence", "copy_of"),
    "event_conflicts": ("event_id", "field", "value", "doc_ids", "outlets"),
    "events_pending": ("doc_id",),
    "fetched_urls": ("url", "kind", "etag", "last_modified", "doc_id", "fetched_at"),
}
TABLES = tuple(SCHEMA)
#: views over the tables, for people who query the database themselves (name -> columns)
VIEWS: dict[str, tuple[str, ...]] = {
    "events_named": ("doc_id", "n", "type", "modality", "date", "followers", "actor", "actor_id", "party", "party_id",
                     "place", "outlet", "published", "title", "evidence"),
    "event_outlets": ("event_id", "type", "modality", "actor_name", "party_name", "date", "place", "followers",
                      "outlet", "published", "title", "evidence", "doc_id", "copy_of"),
}
#: SQLite's full-text index over documents (a virtual table and its shadow tables; not in SCHEMA)
FTS_PREFIX = "docs_fts"


def reflect(engine: Engine) -> dict[str, Table]:
    md = MetaData()
    md.reflect(engine, only=list(TABLES))
    return {name: md.tables[name] for name in TABLES}
