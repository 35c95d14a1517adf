"""Storage: migrations recorded, upserts keyed on the content hash, problems recorded once."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from newsweave.article import Article, content_id
from newsweave.errors import InputError
from newsweave.store import open_store
from newsweave.store.migrations import MIGRATIONS, SCHEMA_VERSION

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."


def test_store_migrations_recorded_and_idempotent(db_url):
    s = open_store(db_url)
    assert s.schema_version() == SCHEMA_VERSION
    s2 = open_store(db_url)  # a second open applies nothing
    with s2.engine.connect() as c:
        assert c.execute(text("select count(*) from schema_migrations")).scalar() == len(MIGRATIONS)


def test_store_schema_declared_is_what_the_migrations_build(store):
    from sqlalchemy import inspect

    from newsweave.store.schema import FTS_PREFIX, SCHEMA

    ins = inspect(store.engine)
    built = {t for t in ins.get_table_names() if not t.startswith(FTS_PREFIX)}
    assert built == set(SCHEMA)
    for table, columns in SCHEMA.items():
        assert tuple(c["name"] for c in ins.get_columns(table)) == columns, table


def test_store_rows_name_only_declared_columns(process):
    from newsweave.store.rows import document_rows
    from newsweave.store.schema import SCHEMA

    a = process("Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on Monday. "
                "\u201cThe party ignored workers like me for years and I could not stay any longer,\u201d Kant said.", source="rows.txt")
    rows = document_rows(a)
    assert set(rows["document"]) == set(SCHEMA["documents"]) - {"ingested_at", "processed_at"}
    for key, table in (("mentions", "mentions"), ("quotes", "quotes"), ("times", "times"),
                       ("events", "doc_events"), ("clusters", "clusters")):
        assert rows[key], key
        for row in rows[key]:
            assert {"doc_id", *row} <= set(SCHEMA[table]), (table, set(row) - set(SCHEMA[table]))
    assert {"doc_id", *rows["events"][0]} == set(SCHEMA["doc_events"])


def test_store_sqlite_uses_wal(store):
    if store.dialect != "sqlite":
        pytest.skip("SQLite only")
    with store.engine.connect() as c:
        assert c.execute(text("pragma journal_mode")).scalar() == "wal"


def test_store_doc_id_is_hash_of_normalised_raw():
    assert content_id("a\r\nb  \n") == content_id("\ufeffa\nb\n")
    assert content_id("a") != content_id("b")


def test_store_same_content_is_a_no_op(store, pipeline):
    a = pipeline(Article("a.txt", "text", BODY))
    with store.transaction() as conn:
        assert store.add_document(conn, a) is True
    b = pipeline(Article("elsewhere/b.txt", "text", BODY + "\n"))
    with store.transaction() as conn:
        assert store.add_document(conn, b) is False
    assert store.count_documents() == 1
    assert store.get_document(a.doc_id)["source"] == "a.txt"


def test_store_migration_13_fills_doc_vectors_from_the_term_index(db_url, pipeline):
    s = open_store(db_url)
    for i, body in enumerate((BODY, "The chief minister inducted two former ministers into the cabinet on Sunday.")):
        with s.transaction() as conn:
            s.add_document(conn, pipeline(Article(f"{i}.txt", "text", body)))
    with s.engine.begin() as conn:  # back to a database of version 12, its documents kept
        conn.execute(text("DROP TABLE doc_vectors"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 13"))
    s.engine.dispose()
    s2 = open_store(db_url)
    with s2.engine.connect() as conn:
        index: dict[str, dict[str, float]] = {}
        for d, term, tf in conn.execute(text("SELECT doc_id, term, tf FROM doc_terms ORDER BY doc_id, term")):
            index.setdefault(d, {})[term] = tf
        vectors = dict(conn.execute(s2.tables["doc_vectors"].select()).all())
    s2.engine.dispose()
    from newsweave.link.stories import Terms, prepare

    assert len(index) == 2 and set(vectors) == set(index)
    assert all(Terms.from_json(vectors[d]) == prepare(dict(sorted(index[d].items()))) for d in index)
    assert all(vectors[d]["words"] == sorted(vectors[d]["words"]) for d in vectors)


def test_store_migration_16_adds_each_documents_language_unknown_for_those_stored(db_url, pipeline):
    s = open_store(db_url)
    with s.transaction() as conn:
        s.add_document(conn, pipeline(Article("old.txt", "text", BODY)))
    with s.engine.begin() as conn:  # back to a database of version 15, its document kept
        conn.execute(text("ALTER TABLE documents DROP COLUMN language"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 16"))
    s.engine.dispose()
    s2 = open_store(db_url)
    try:
        assert s2.schema_version() == SCHEMA_VERSION and s2.get_document("old.txt")["language"] is None  # never asked: unknown
        with s2.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM schema_migrations WHERE version = 16")).scalar() == \
                "each document's language"
        with s2.transaction() as conn:
            s2.add_document(conn, pipeline(Article("new.txt", "text", BODY + " Again.")))
        assert s2.get_document("new.txt")["language"] == "en"
    finally:
        s2.engine.dispose()


def test_store_get_by_prefix_or_source(store, pipeline):
    a = pipeline(Article("a.txt", "text", BODY))
    with store.transaction() as conn:
        store.add_document(conn, a)
    assert store.get_document(a.doc_id[:6])["doc_id"] == a.doc_id
    assert store.get_document("a.txt")["doc_id"] == a.doc_id


def test_store_problem_recorded_once_and_counted(store):
    err = InputError("x.txt", "empty file")
    for _ in range(3):
        with store.transaction() as conn:
            store.record_problem(conn, err)
    [row] = store.problems_list()
    assert (row["source"], row["reason"], row["times"], row["kind"]) == ("x.txt", "empty file", 3, "failed")


def test_store_problem_cleared_when_source_ingests(store, pipeline):
    with store.transaction() as conn:
        store.record_problem(conn, InputError("a.txt", "empty file"))
    with store.transaction() as conn:
        store.add_document(conn, pipeline(Article("a.txt", "text", BODY)))
    assert store.problems_list() == []


def test_store_boilerplate_lines_across_an_outlets_articles(db_url, cli, tmp_path):
    sign = "Follow the Lamp for the latest from the assembly"
    for i in range(4):
        (tmp_path / f"{i}.txt").write_text(
            f"Headline number {i} about the party | Daily Lamp\n\n"
            f"The minister number {i} resigned from the party on Friday, citing differences with the leadership.\n\n"
            f"{sign}\n", encoding="utf-8")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    texts = {r["source"]: r["text"] for r in cli.records()}
    assert sign in texts["0.txt"] and sign in texts["1.txt"]  # not yet known as boilerplate
    assert sign not in texts["2.txt"] and sign not in texts["3.txt"]
    assert cli("reprocess", "--silent").exit_code == 0
    assert all(sign not in t for t in (r["text"] for r in cli.records()))


def test_store_views_declared_and_answer_who_left_which_party(cli, tmp_path):
    from sqlalchemy import inspect

    from newsweave.store.schema import VIEWS

    (tmp_path / "a.txt").write_text("Meena Devi quit the Lok Vikas Party on 3 January 2026, her aides said. "
                                    "She joined the Jan Morcha in Patna on 5 January 2026.", encoding="utf-8")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    s = open_store(cli.db_url)
    ins = inspect(s.engine)
    for view, columns in VIEWS.items():
        assert tuple(c["name"] for c in ins.get_columns(view)) == columns
    with s.engine.connect() as conn:  # the README's query, for one month
        rows = conn.execute(text("SELECT actor, party, date FROM events_named WHERE type = 'leave_party' "
                                 "AND modality = 'asserted' AND substr(date, 1, 7) = '2026-01' ORDER BY date")).all()
    s.engine.dispose()
    assert [tuple(r) for r in rows] == [("Meena Devi", "Lok Vikas Party", "2026-01-03")]
