"""Many rows into one table at once: PostgreSQL's COPY through psycopg, else one executemany.

COPY writes inside the caller's transaction (and savepoint): it is an ordinary statement on the
same connection, so a rollback takes its rows back like any insert's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, Connection, LargeBinary, Table, insert
from sqlalchemy.exc import DatabaseError


def in_parts(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """``items`` in pieces small enough for one IN (...) list."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def upsert(dialect: str, table: Table) -> Any:
    """An INSERT of ``dialect`` that takes ``on_conflict_do_update`` (PostgreSQL's, SQLite's)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    return insert(table)


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY on the driver's connection; its failure (a value the server refuses) raised as
    SQLAlchemy's, as an INSERT's would be, so the caller's savepoint takes it as the row's."""
    import psycopg
    from psycopg.types.json import Json

    cols = list(rows[0])
    wrap = [isinstance(table.c[c].type, JSON) for c in cols]
    binary = [isinstance(table.c[c].type, LargeBinary) for c in cols]
    names = ", ".join(f'"{c}"' for c in cols)
    raw = conn.connection.driver_connection
    assert raw is not None  # an open connection has its driver's (psycopg) connection
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row([Json(row[c]) if w else (bytes(row[c]) if b and row[c] is not None else row[c])
                                for c, w, b in zip(cols, wrap, binary)])
    except psycopg.Error as exc:
        raise DatabaseError(statement, None, exc) from exc
