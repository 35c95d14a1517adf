"""Shared fixtures. Tests build their inputs by hand; material under ../shared is used when it
is there and the tests that need it skip cleanly when it is not."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.article import Article
from newsweave.cli import app
from newsweave.pipeline.stages import build_pipeline
from newsweave.settings import Settings, activate
from newsweave.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "sample"


@pytest.fixture(autouse=True)
def _run_settings() -> None:
    """Every test starts with the settings the environment gives (a CLI call makes its own the run's)."""
    activate(Settings.load())


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "eval" / "SCHEMA.md").exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture
def seeds(shared: Path) -> Path:
    return shared / "corpus" / "seeds"


#: an admin URL of a PostgreSQL server: every test then gets a database of its own there
PG_ADMIN = os.environ.get("NEWSWEAVE_TEST_PG")


@contextmanager
def new_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database: SQLite in ``folder``, or one made for the caller on the
    PostgreSQL server of $NEWSWEAVE_TEST_PG (dropped afterwards)."""
    if not PG_ADMIN:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"nwtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def reaches_database(item: pytest.Item) -> bool:
    """Whether a test opens a database: through the ``db_url`` fixture (``store`` and ``cli`` use
    it), or because its module makes its own with :func:`new_database` or reads :data:`PG_ADMIN`."""
    module = vars(getattr(item, "module", None) or object)
    return "db_url" in getattr(item, "fixturenames", ()) or "new_database" in module or "PG_ADMIN" in module


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (``make test-pg``) only the tests that open a database run: the others were
    decided by the SQLite run, and would only repeat it."""
    if not PG_ADMIN:
        return
    kept, left = [], []
    for item in items:
        (kept if reaches_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture
def db_url(tmp_path_factory):
    with new_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def store(db_url: str):
    s = open_store(db_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def pipeline():
    return build_pipeline()


@pytest.fixture
def process(pipeline):
    """Run the pipeline on text built by hand: ``process("...", fmt="text")``."""

    def run(raw: str, fmt: str = "text", source: str = "t.txt") -> Article:
        return pipeline(Article(source, fmt, raw))

    return run


class Cli:
    def __init__(self, db_url: str):
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, ["--db", self.db_url, *args], input=input)

    def records(self, *extra: str, kind: str | None = "document") -> list[dict]:
        """Exported records of one kind (None: every kind)."""
        res = self("export", "--format", "jsonl", "--output", "-", *extra)
        assert res.exit_code == 0, res.output
        recs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
        return [r for r in recs if kind is None or r["kind"] == kind]


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


def consistent(url: str) -> bool:
    """The database checks itself: SQLite's integrity_check; on PostgreSQL, amcheck would need an
    extension, so every row of a child table must have its document (no orphans)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                return conn.execute(text("pragma integrity_check")).scalar() == "ok"
            orphans = 0
            for table in ("mentions", "clusters", "quotes", "doc_events", "times", "signatures", "doc_terms", "story_docs"):
                orphans += conn.execute(text(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                                             f"(SELECT 1 FROM documents d WHERE d.doc_id = t.doc_id)")).scalar()
            return orphans == 0
    finally:
        engine.dispose()


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


#: three short fictional articles: one person under two spellings ("Meera Joshi" and, in the
#: second, only "Meera Joshee"), and one article that names nobody
SPELLINGS = [
    {"title": "Meera Joshi joins Lok Vikas Party", "outlet": "Daily Lamp", "published": "2026-04-02T09:30:00+05:30",
     "text": "PATNA: Former minister Meera Joshi joined the Lok Vikas Party on Thursday in the presence of its state "
             "president. Joshi said the party would contest every seat in the Kosi region."},
    {"title": "Ex-minister switches sides in Patna", "outlet": "Evening Kite", "published": "2026-04-03",
     "text": "PATNA: Former minister Meera Joshee joined the Lok Vikas Party on Thursday, leaving the Jan Shakti "
             "Morcha after eleven years. Meera Joshee said workers had been ignored."},
    {"title": "Floods close roads in Kosi belt", "outlet": "Daily Lamp", "published": "2026-04-05",
     "text": "SAHARSA: Heavy rain closed four roads in the Kosi belt on Saturday, officials said. No one was hurt."},
]


def jsonl(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
