"""Shared fixtures. Tests build their inputs by hand; material under ../shared is used when it
is there and the tests that need it skip cleanly when it is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.article import Article
from newsweave.cli import app
from newsweave.pipeline import build_pipeline
from newsweave.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "sample"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "eval" / "SCHEMA.md").exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture
def seeds(shared: Path) -> Path:
    return shared / "corpus" / "seeds"


@pytest.fixture
def db_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


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


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
