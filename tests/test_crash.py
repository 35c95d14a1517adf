"""Crash safety and concurrency, with real processes: `newsweave ingest` killed with SIGKILL at a
random moment leaves a consistent database, and a re-run completes the batch with no duplicate
and no loss; two ingests at once into one database lose nothing. On SQLite, and on PostgreSQL
when the suite runs there (NEWSWEAVE_TEST_PG)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from newsweave.pipeline.runner import ENV_FAULT

from conftest import consistent, write

pytestmark = pytest.mark.slow
N = 48
PEOPLE = ["Anil Verma", "Sunita Devi", "Ramesh Yadav", "Kavita Singh", "Mohan Lal", "Farida Khan"]
PARTIES = ["Lok Vikas Party", "Jan Kranti Dal", "Praja Ekta Dal"]
PLACES = ["Patna", "Gaya", "Muzaffarpur", "Darbhanga"]


def corpus(folder: Path, n: int = N) -> list[Path]:
    """``n`` short articles, each a different event (person, party, place, day)."""
    out = []
    for i in range(n):
        who, party, where = PEOPLE[i % 6], PARTIES[i % 3], PLACES[i % 4]
        day = 1 + i % 28
        out.append(write(folder / f"a{i:02d}.txt",
                         f"date 2026-02-{day:02d} {who} joins {party} in {where} | Daily Lamp {i}\n\n"
                         f"{where.upper()}: Former MLA {who} joined the {party} on Saturday at a meeting in {where}, "
                         f"bringing {10 + i} supporters with {['him', 'her'][i % 2]}. Workers of ward {i} welcomed the "
                         f"decision and said the district unit would grow before the election of {2027 + i % 3}."))
    return out


def ingest(db: str, *paths: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsweave.cli", "--db", db, "ingest", "--silent", *map(str, paths)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def counts(db: str) -> dict[str, int]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("documents", "story_docs", "signatures")}
    finally:
        engine.dispose()


def test_crash_kill9_then_rerun_completes(db_url, tmp_path):
    corpus(tmp_path / "in")
    rng = random.Random(os.getpid())
    proc = ingest(db_url, tmp_path / "in")
    deadline = time.monotonic() + 120
    # wait until the database exists and the run is under way, then kill it at a random moment
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if counts(db_url)["documents"] > 0:
                break
        except Exception:  # noqa: BLE001 - the database may not be created yet
            pass
        time.sleep(0.2)
    time.sleep(rng.uniform(0, 2.0))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    _rerun_completes(db_url, tmp_path / "in")


def test_crash_kill9_inside_the_write_transaction_keeps_none_of_that_batch(db_url, tmp_path):
    """Killed at the fault point after the first batch is written and before it commits (the
    window the random kill above may miss): none of that batch is stored, the database is
    consistent, and a re-run completes the work."""
    corpus(tmp_path / "in")
    marker = tmp_path / "fault"
    proc = ingest(db_url, tmp_path / "in", env={ENV_FAULT: str(marker)})
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None and not marker.exists():
        time.sleep(0.05)
    assert marker.exists(), "the run never reached the fault point"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL  # killed there, not finished
    assert counts(db_url) == {"documents": 0, "story_docs": 0, "signatures": 0}  # the first batch was not committed
    _rerun_completes(db_url, tmp_path / "in")


def _rerun_completes(db_url: str, folder: Path) -> None:
    assert consistent(db_url)
    partial = counts(db_url)
    assert partial["documents"] == partial["story_docs"] == partial["signatures"]  # whole batches or nothing
    again = ingest(db_url, folder)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    assert consistent(db_url)
    assert counts(db_url) == {"documents": N, "story_docs": N, "signatures": N}


def test_crash_two_ingests_at_once_lose_nothing(db_url, tmp_path):
    files = corpus(tmp_path / "all")
    for name, part in (("a", files[:32]), ("b", files[16:])):  # 16 articles in both
        for f in part:
            write(tmp_path / name / f.name, f.read_text(encoding="utf-8"))
    procs = [ingest(db_url, tmp_path / "a"), ingest(db_url, tmp_path / "b")]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    assert consistent(db_url)
    assert counts(db_url) == {"documents": N, "story_docs": N, "signatures": N}
