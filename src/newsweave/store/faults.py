"""A database that cannot be used, told as such: full, corrupted, not newsweave's, read-only, or a
server that cannot be reached. Each becomes a :class:`~newsweave.errors.DatabaseFault` naming the
database (its password masked) and the reason, never a traceback; an error that belongs to one
article (a row the database refuses) stays the article's.

The engine's ``handle_error`` hook (:func:`watch`) turns the driver's errors into faults wherever
they happen, on connecting, migrating, reading or writing; :func:`check_sqlite_file` looks at an
SQLite file before any connection touches it (a connection would turn on WAL, which rewrites the
file's header), so a file that is not newsweave's is left exactly as it was.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from ..errors import ConfigError, DatabaseFault

SQLITE_HEADER = b"SQLite format 3\x00"
#: SQLite's primary result codes that say the database, not the statement, is at fault
SQLITE_FAULTS = {
    3: "permission denied",  # SQLITE_PERM
    8: "the database is read-only",  # SQLITE_READONLY
    10: "the disk failed to read or write the database",  # SQLITE_IOERR
    11: "the database file is corrupted",  # SQLITE_CORRUPT
    13: "the database is full",  # SQLITE_FULL
    14: "cannot open the database file",  # SQLITE_CANTOPEN
    26: "the database file is corrupted",  # SQLITE_NOTADB
}
WHAT_TO_DO = {
    8: "a read command (docs, stories, events, export) can read it; to write, make the file and its folder writable",
    10: "check the disk; what was committed before is kept",
    11: "restore it from a backup (`sqlite3 FILE .recover` may save what is left)",
    13: "free space on its disk (or raise the limit on the file's size), then run again; what was committed before is kept",
    14: "check that the file and its folder exist and can be read (and written, to write)",
    26: "restore it from a backup (`sqlite3 FILE .recover` may save what is left)",
}
#: PostgreSQL error classes that say the server or the database is at fault (SQLSTATE's first
#: characters): connection, authorisation, no such database, resources (disk full), operator
#: intervention (shutdown), system, internal (data corrupted)
PG_FAULT_CLASSES = ("08", "28", "3D", "53", "57P", "58", "XX")


def masked(url: str | URL) -> str:
    """A database URL as it may be shown: its password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ValueError, TypeError):  # (ArgumentError is a ValueError) not parsed: mask by its shape
        return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def scrub(text: str, url: str | URL) -> str:
    """``text`` without the password of ``url`` anywhere in it (a driver may quote what it was given)."""
    try:
        password = (url if isinstance(url, URL) else make_url(url)).password
    except (ValueError, TypeError):
        m = re.search(r"://[^/@:]*:([^/@]*)@", str(url))
        password = m[1] if m else None
    text = text.replace(str(url), masked(url)) if not isinstance(url, URL) else text
    return text.replace(str(password), "***") if password else text


def fault(url: str | URL, reason: str) -> DatabaseFault:
    return DatabaseFault(scrub(f"--db {masked(url)}: {reason}", url))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def classify(orig: BaseException, dialect: str, url: str | URL, *, disconnect: bool = False,
             operational: bool = False) -> DatabaseFault | None:
    """The fault a driver's error ``orig`` tells of, or None when it is the statement's (an
    article's row refused, a search the full-text index cannot read, a cancelled query)."""
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary not in SQLITE_FAULTS:
            return None
        where = str((make_url(url) if not isinstance(url, URL) else url).database or "")
        where = where.removeprefix("file:").split("?")[0] or "the file"
        what = WHAT_TO_DO.get(primary, "").replace("FILE", where)
        return fault(url, f"{SQLITE_FAULTS[primary]}: {where} (SQLite: {_first_line(orig)}); {what}")
    if dialect == "postgresql":
        state = getattr(orig, "sqlstate", None) or ""
        if disconnect or (operational and not state) or state.startswith(PG_FAULT_CLASSES):
            return fault(url, f"the PostgreSQL server: {_first_line(orig)}; check the URL and that the server is up "
                              "(a connection waits at most db_connect_timeout seconds, $NEWSWEAVE_DB_CONNECT_TIMEOUT)")
    return None


def watch(engine: Engine) -> None:
    """Turn the driver's errors that are the database's fault into :class:`DatabaseFault`, on every
    connection and statement of ``engine``."""
    url = engine.url

    def handle_error(ctx: Any) -> None:
        orig = ctx.original_exception
        found = classify(orig, engine.dialect.name, url, disconnect=bool(ctx.is_disconnect),
                         operational=isinstance(ctx.sqlalchemy_exception, OperationalError))
        if found is not None:
            raise found from (ctx.sqlalchemy_exception or orig)

    event.listen(engine, "handle_error", handle_error)


def writable(path: Path) -> bool:
    """Whether newsweave may write the SQLite file ``path``: the file (when it is there) and its
    folder (SQLite makes its -wal and -shm files beside it)."""
    return (not path.exists() or os.access(path, os.W_OK)) and os.access(path.parent, os.W_OK)


def read_only_query(path: Path) -> dict[str, str]:
    """The URI parameters that open ``path`` read-only: ``mode=ro``; ``immutable=1`` when SQLite
    could not make the shared-memory file a WAL reader needs (a folder that cannot be written, and
    no -shm file there): nobody can be writing the database then."""
    shm = path.with_name(path.name + "-shm")
    if os.access(path.parent, os.W_OK) or shm.exists():
        return {"mode": "ro", "uri": "true"}
    return {"mode": "ro", "immutable": "1", "uri": "true"}


def read_only_url(path: Path) -> URL:
    """An SQLAlchemy URL that opens the SQLite file ``path`` read-only."""
    return URL.create("sqlite", database="file:" + quote(os.fsencode(path)), query=read_only_query(path))


def _tables(path: Path) -> tuple[list[str], list[str]]:
    """The tables of the SQLite file ``path`` and the columns of its ``schema_migrations`` (if
    any), read without changing it."""
    base = "file:" + quote(os.fsencode(path))
    for query in ("mode=ro", "mode=ro&immutable=1"):  # immutable: a folder that cannot be written
        conn = sqlite3.connect(f"{base}?{query}", uri=True)
        try:
            tables = sorted(r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"))
            return tables, [r[1] for r in conn.execute("PRAGMA table_info(schema_migrations)")]
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != 8:  # SQLITE_READONLY(_DIRECTORY): try immutable
                raise
        finally:
            conn.close()
    return [], []


def check_sqlite_file(path: Path, url: str | URL) -> bool:
    """Refuse an SQLite file that is not a newsweave database (another program's, or no SQLite
    file at all) or that is corrupted, before newsweave writes a byte to it. Returns whether it
    is a new database (no file, an empty one, or an SQLite file with no table: one to initialise)."""
    if not path.exists():
        return True
    if path.is_dir():
        raise fault(url, f"{path} is a folder, not a database file; give a file in it (--db {path}/news.db)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise fault(url, f"cannot read {path} ({exc.strerror})") from exc
    if not head:
        return True
    if head != SQLITE_HEADER:
        raise fault(url, f"not a newsweave database: {path} is not an SQLite file (the file is corrupted, or another "
                         "kind of file); give another --db (a file that does not exist is made)")
    try:
        tables, migration_columns = _tables(path)
    except sqlite3.DatabaseError as exc:
        found = classify(exc, "sqlite", url)
        if found is None:
            raise ConfigError(f"--db {masked(url)}: cannot read {path}: {_first_line(exc)}") from exc
        raise found from exc
    if tables and migration_columns != ["version", "name", "applied_at"]:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise fault(url, f"not a newsweave database: {path} is another program's SQLite database (its tables: {shown}; "
                         "no newsweave schema_migrations); newsweave leaves it as it is: give another --db")
    return not tables
