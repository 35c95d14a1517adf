"""The live schema, reflected from the database the migrations built."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, Table

TABLES = ("documents", "ingest_problems", "outlet_lines", "schema_migrations", "mentions", "clusters", "entities", "quotes", "doc_events", "times", "signatures", "near_duplicates",
          "doc_terms", "term_df", "doc_neighbours", "story_docs", "signature_bands", "cluster_keys", "stories")


def reflect(engine: Engine) -> dict[str, Table]:
    md = MetaData()
    md.reflect(engine, only=list(TABLES))
    return {name: md.tables[name] for name in TABLES}
