"""A database that cannot be used is a clear error with exit status 2, never a traceback, and
nothing stored is harmed: an empty or in-memory URL, a full disk, a corrupted file, another
program's SQLite file, a bad or unreachable PostgreSQL server (its password never shown), and a
read-only file, which the read commands still read."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.errors import ConfigError, DatabaseFault
from newsweave.settings import Settings
from newsweave.store import open_store

from conftest import PG_ADMIN, ROOT, consistent, write

BODY = ("Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on Monday with 40 supporters. "
        "He said the party had lost its way.")
LONG = "\n\n".join(f"Paragraph {i}: the state unit chief of the Lok Vikas Party met workers in district {i} "
                   "on Friday and spoke about the coming election, the roads and the price of seed." for i in range(60))


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def clean_failure(res, *words: str) -> None:
    """Exit status 2, one clear message with these words, no traceback."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and (res.exception is None or isinstance(res.exception, SystemExit)), res.output
    text = " ".join(res.output.split())
    for w in words:
        assert w in text, (w, res.output)


def ingested(tmp_path: Path, name: str = "news.db") -> Path:
    db = tmp_path / name
    write(tmp_path / "in" / "a.txt", f"Ravi Kant joins the Jan Morcha | SWS\n\n{BODY}")
    res = run("--db", str(db), "ingest", "--silent", str(tmp_path / "in"))
    assert res.exit_code == 0, res.output
    with sqlite3.connect(db) as conn:  # everything in the file itself, none in the -wal beside it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- URLs that name no database to keep -------------------------------------------------------------
def test_store_faults_empty_db_url_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", BODY)
    for args in (["--db", "", "ingest", "a.txt", "--silent"], ["ingest", "a.txt", "--silent", "--db", ""],
                 ["--db", " ", "docs"], ["docs", "--db", ""]):
        clean_failure(run(*args), "empty")
    write(tmp_path / "newsweave.toml", 'db = ""\n')
    clean_failure(run("docs"), "db is empty")
    assert not list(tmp_path.glob("*.db"))  # no default database made instead


def test_store_faults_in_memory_urls_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", BODY)
    for url in ("sqlite:///:memory:", "sqlite:///file::memory:?uri=true", "sqlite:///file:x?mode=memory&uri=true"):
        clean_failure(run("--db", url, "ingest", "a.txt", "--silent"), "in-memory", "nothing would be kept")
        clean_failure(run("--db", url, "docs"), "in-memory")
    assert open_store("sqlite:///:memory:", memory=True).count_documents() == 0  # a program may ask for one


# -- a full disk ------------------------------------------------------------------------------------
def test_store_faults_disk_full_is_a_clear_error_and_keeps_what_was_committed(tmp_path, monkeypatch):
    from newsweave.store import db as store_db

    db = ingested(tmp_path)
    with sqlite3.connect(db) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    plain = store_db._sqlite_pragmas

    def capped(dbapi_conn, record):  # the disk is full: not one page more
        plain(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(store_db, "_sqlite_pragmas", capped)
    write(tmp_path / "more" / "b.txt", f"A long report | SWS\n\n{LONG}")
    res = run("--db", str(db), "ingest", "--silent", str(tmp_path / "more"))
    clean_failure(res, "the database is full", str(db), "database or disk is full", "what was committed before is kept")
    monkeypatch.setattr(store_db, "_sqlite_pragmas", plain)
    store = open_store(str(db), create=False)
    assert [d["source"] for d in store.iter_documents()] == ["a.txt"]
    store.engine.dispose()
    assert consistent(f"sqlite:///{db}")


# -- corrupted and foreign files --------------------------------------------------------------------
def test_store_faults_random_bytes_are_not_a_database(tmp_path):
    db = tmp_path / "noise.db"
    db.write_bytes(os.urandom(40_000))
    before = digest(db)
    for command in (["docs"], ["ingest", "--silent", str(write(tmp_path / "a.txt", BODY))]):
        clean_failure(run("--db", str(db), *command), "not a newsweave database", str(db), "not an SQLite file")
    assert digest(db) == before


def test_store_faults_overwritten_pages_are_a_corrupted_file(tmp_path):
    db = ingested(tmp_path)
    size = db.stat().st_size
    with open(db, "r+b") as fh:  # the first page (the header, the schema) intact, the rest noise
        fh.seek(4096)
        fh.write(os.urandom(size - 8192))
    for command in (["docs"], ["events"], ["export", "--format", "jsonl"], ["problems"],
                    ["ingest", "--silent", str(tmp_path / "in")]):
        clean_failure(run("--db", str(db), *command), "the database file is corrupted", str(db), "malformed", "backup")


def test_store_faults_foreign_sqlite_database_left_as_it_is(tmp_path):
    rails = tmp_path / "rails.db"
    with sqlite3.connect(rails) as conn:  # another program's migrations table, not ours
        conn.execute("CREATE TABLE schema_migrations (version varchar PRIMARY KEY)")
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE foo (a INTEGER, b TEXT)")
        conn.execute("INSERT INTO foo VALUES (1, 'x')")
    for path in (db, rails):
        before = digest(path)
        for command in (["docs"], ["export", "--format", "jsonl"], ["ingest", "--silent", str(write(tmp_path / "a.txt", BODY))]):
            clean_failure(run("--db", str(path), *command), "not a newsweave database", str(path), "another program's")
        assert digest(path) == before  # not migrated, not even switched to WAL
        assert not path.with_name(path.name + "-wal").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("foo",)]


def test_store_faults_sqlite_file_without_tables_is_a_new_database(tmp_path):
    empty, blank = tmp_path / "empty.db", tmp_path / "blank.db"
    with sqlite3.connect(empty) as conn:  # a valid SQLite file that holds nothing yet
        conn.execute("CREATE TABLE t (a)")
        conn.execute("DROP TABLE t")
    blank.touch()  # no bytes at all: SQLite's empty database
    write(tmp_path / "in" / "a.txt", BODY)
    for db in (empty, blank):
        res = run("--db", str(db), "ingest", "--silent", str(tmp_path / "in"))
        assert res.exit_code == 0, res.output
        assert open_store(str(db), create=False).count_documents() == 1


# -- PostgreSQL: bad URL, no server, a server that never answers; the password never shown ---------
SECRET = "s3cret-Pa55word"


@pytest.fixture
def silent_server():
    """A local port that accepts connections and never says a word."""
    srv = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield srv.getsockname()[1]
    stop.set()
    thread.join()
    for c in held:
        c.close()
    srv.close()


def test_store_faults_postgres_bad_unreachable_or_silent_server_exit_2_within_the_timeout(silent_server):
    pytest.importorskip("psycopg")
    free = socket.create_server(("127.0.0.1", 0))
    closed_port = free.getsockname()[1]
    free.close()  # nothing listens there now: connection refused
    cases = {
        f"postgresql+psycopg://u:{SECRET}@localhost:notaport/db": "is not a database URL",
        f"postgresql://u:{SECRET}@localhost:notaport/db": "is not a database URL",
        f"postgresql+psycopg://u:{SECRET}@127.0.0.1:{closed_port}/db": "Connection refused",
        f"postgresql+psycopg://u:{SECRET}@127.0.0.1:{silent_server}/db": "timeout",
        f"postgresql+psycopg://u:{SECRET}@no-such-host.invalid/db": "the PostgreSQL server",
    }
    for url, words in cases.items():
        for command in (["docs"], ["ingest", "--silent", "-"]):
            started = time.monotonic()
            res = run("--db", url, *command, env={"NEWSWEAVE_DB_CONNECT_TIMEOUT": "2"})
            took = time.monotonic() - started
            clean_failure(res, words, "u:***@")
            assert SECRET not in res.stdout and SECRET not in res.stderr, res.output
            assert took < 15, (url, took)  # the connect timeout (2 s) bounds it, not the OS's minutes


def test_store_faults_postgres_wrong_password_never_shown():
    if not PG_ADMIN:
        pytest.skip("no PostgreSQL server (NEWSWEAVE_TEST_PG)")
    from sqlalchemy.engine import make_url

    url = make_url(PG_ADMIN).set(password=SECRET).render_as_string(hide_password=False)
    for command in (["docs"], ["-vv", "docs"], ["ingest", "--silent", "-"]):
        res = run(*command[:-1], "--db", url, command[-1], *(["-"] if command[-1] == "ingest" else []))
        assert res.exit_code == 2, res.output
        assert "password authentication failed" in res.output and SECRET not in res.output, res.output
    with pytest.raises(DatabaseFault) as err:
        open_store(url)
    assert SECRET not in str(err.value) and SECRET not in repr(err.value)


def test_store_faults_connect_timeout_is_a_setting(tmp_path):
    from sqlalchemy.engine import make_url

    from newsweave.settings import use
    from newsweave.store.db import _engine_options

    assert Settings.load(env={}).db_connect_timeout == 10
    assert Settings.load(env={"NEWSWEAVE_DB_CONNECT_TIMEOUT": "3"}).db_connect_timeout == 3
    write(tmp_path / "n.toml", "db_connect_timeout = 7\n")
    assert Settings.load(env={}, config=tmp_path / "n.toml").db_connect_timeout == 7
    with pytest.raises(ConfigError, match="db_connect_timeout"):
        Settings.load(env={"NEWSWEAVE_DB_CONNECT_TIMEOUT": "0"})
    with use(Settings.load(env={"NEWSWEAVE_DB_CONNECT_TIMEOUT": "4"})):
        assert _engine_options(make_url("postgresql+psycopg://u@h/db")) == {"connect_args": {"connect_timeout": 4}}
        assert _engine_options(make_url("postgresql+psycopg://u@h/db?connect_timeout=30")) == {}  # the URL's own
        assert _engine_options(make_url("sqlite:///x.db")) == {}


# -- a read-only database -------------------------------------------------------------------------
def test_store_faults_read_only_file_read_by_read_commands_refused_to_writers(tmp_path, monkeypatch):
    from newsweave.store import db as store_db

    db = ingested(tmp_path)
    files = sorted(p for p in tmp_path.iterdir() if p.name.startswith("news.db"))
    before = {p.name: digest(p) for p in files if not p.name.endswith("-shm")}
    monkeypatch.setattr(store_db, "writable", lambda path: False)  # as chmod 0444 does (root ignores chmod)
    for command in (["docs", "--json"], ["stories", "--json"], ["events", "--json"], ["export", "--format", "jsonl"],
                    ["export", "--format", "csv"], ["problems", "--json"]):
        res = run("--db", str(db), *command)
        assert res.exit_code == 0, (command, res.output)
    assert "a.txt" in run("--db", str(db), "docs", "--json").stdout
    assert '"type": "join_party"' in run("--db", str(db), "events", "--json").stdout
    for command in (["ingest", "--silent", str(tmp_path / "in")], ["reprocess", "--silent"]):
        clean_failure(run("--db", str(db), *command), "the database is read-only", str(db), "a read command")
    assert {p.name: digest(p) for p in files if not p.name.endswith("-shm")} == before
    store = open_store(str(db), write=False)
    assert store.read_only and store.count_documents() == 1
    with pytest.raises(DatabaseFault, match="read-only"), store.transaction() as conn:  # SQLite itself refuses
        conn.exec_driver_sql("DELETE FROM documents")
    store.engine.dispose()


def test_store_faults_read_only_database_older_than_the_code_needs_migrating(tmp_path, monkeypatch):
    from newsweave.store import db as store_db

    db = ingested(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    monkeypatch.setattr(store_db, "writable", lambda path: False)
    clean_failure(run("--db", str(db), "docs"), str(db), "older than this newsweave", "needs migrating",
                  "open it once where it can be written")


def _unprivileged(folder: Path) -> list[str]:
    """A command prefix under which file permissions hold: root without the capability that lets
    it write any file (CAP_DAC_OVERRIDE), as CI runs as root; nothing for another user."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"] if setpriv else []
    locked = write(folder / "locked", "")
    locked.chmod(0o444)
    probe = subprocess.run([*prefix, sys.executable, "-c", f"import os; print(os.access({str(locked)!r}, os.W_OK))"],
                           capture_output=True, text=True) if prefix else None
    locked.unlink()
    if probe is None or probe.returncode != 0 or probe.stdout.strip() != "False":
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE (setpriv): chmod would not hold")
    return prefix


@pytest.mark.slow
def test_store_faults_read_only_file_in_a_read_only_folder_is_read(tmp_path):
    """A real chmod 0444 file in a 0555 folder (SQLite cannot make its -wal and -shm there)."""
    prefix = _unprivileged(tmp_path)
    folder = Path(tempfile.mkdtemp(prefix="nw-ro-"))
    try:
        db = folder / "news.db"
        shutil.copy(ingested(tmp_path), db)
        db.chmod(0o444)
        folder.chmod(0o555)
        before = digest(db)
        script = ("import sys\nfrom typer.testing import CliRunner\nfrom newsweave.cli import app\n"
                  f"for args in ({['docs', '--json']!r}, {['events', '--json']!r}, {['stories', '--json']!r}, "
                  f"{['export', '--format', 'csv']!r}, {['ingest', '--silent', str(tmp_path / 'in')]!r}):\n"
                  f"    r = CliRunner().invoke(app, ['--db', {str(db)!r}, *args])\n"
                  "    print('RESULT', args[0], r.exit_code, ' '.join(r.output.split())[:400])\n")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        res = subprocess.run([*prefix, sys.executable, "-c", script], capture_output=True, text=True, env=env,
                             timeout=300)
        lines = [ln.split(" ", 3) for ln in res.stdout.splitlines() if ln.startswith("RESULT")]
        assert len(lines) == 5, res.stdout + res.stderr
        codes = {cmd: int(code) for _, cmd, code, _ in lines}
        assert codes == {"docs": 0, "events": 0, "stories": 0, "export": 0, "ingest": 2}, res.stdout
        assert "a.txt" in lines[0][3] and "the database is read-only" in lines[4][3], res.stdout
        assert digest(db) == before and sorted(p.name for p in folder.iterdir()) == ["news.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_store_faults_which_errors_are_the_databases_not_the_articles():
    from newsweave.store.faults import classify, masked

    class PgError(Exception):
        def __init__(self, sqlstate: str | None, text: str):
            super().__init__(text)
            self.sqlstate = sqlstate

    url = f"postgresql+psycopg://u:{SECRET}@db.example/news"
    for state, text in (("53100", "could not extend file: No space left on device"), ("57P01", "terminating connection"),
                        ("3D000", 'database "news" does not exist'), ("XX001", "invalid page in block 7")):
        found = classify(PgError(state, text), "postgresql", url)
        assert found is not None and text in str(found) and SECRET not in str(found), state
    for state in ("23505", "22021", "57014", "42601"):  # a duplicate, a bad byte, a cancelled query, bad syntax
        assert classify(PgError(state, "x"), "postgresql", url) is None, state
    assert classify(PgError(None, "server closed the connection"), "postgresql", url, operational=True) is not None
    assert classify(sqlite3.OperationalError("fts5: syntax error near \"\""), "sqlite", "sqlite:///x.db") is None
    assert masked(f"postgresql://u:{SECRET}@h:notaport/db") == "postgresql://u:***@h:notaport/db"
