"""Quality gates: golden articles with must-keep / must-drop text and score floors that CI will
not let fall silently (like trafilatura's). The seed articles are scored by ../shared's scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

#: section floors for ../shared/eval/score.py, pinned in a baseline file (raising one is a deliberate edit)
FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


def _scores(cli, shared: Path, source: Path, gold: Path, tmp_path: Path) -> dict[str, float]:
    res = cli("ingest", "--silent", str(source))
    assert res.exit_code == 0, res.output
    pred = tmp_path / "records.jsonl"
    assert cli("export", "--format", "jsonl", "--output", str(pred)).exit_code == 0
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold), "--pred", str(pred),
                          "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _below(scores: dict[str, float], floors: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {s: (scores[s], f) for s, f in floors.items() if scores[s] < f - 1e-9}


def test_quality_seeds_score_floors(cli, seeds, shared, tmp_path):
    scores = _scores(cli, shared, seeds, shared / "eval" / "gold" / "seeds.json", tmp_path)
    assert not _below(scores, FLOORS["seeds"]), f"(score, floor) per section that fell: {_below(scores, FLOORS['seeds'])}"


@pytest.mark.slow
def test_quality_india_dev_score_floors(cli, shared, tmp_path):
    dev = shared / "eval" / "india-dev"
    if not (dev / "docs.jsonl").exists():
        pytest.skip("../shared/eval/india-dev is not there")
    scores = _scores(cli, shared, dev / "docs.jsonl", dev / "gold.json", tmp_path)
    fell = _below(scores, FLOORS["india-dev"])
    assert not fell, f"(score, floor) per section that fell: {fell}"


def test_quality_seeds_reingest_changes_nothing(cli, seeds):
    cli("ingest", "--silent", str(seeds))
    before = cli.records()
    res = cli("ingest", "--silent", "--json", str(seeds))
    assert json.loads(res.stdout)["added"] == 0
    assert cli.records() == before


GOLDEN = json.loads((EXAMPLES.parent / "golden.json").read_text(encoding="utf-8")) if (EXAMPLES.parent / "golden.json").exists() else []


@pytest.mark.parametrize("gold", GOLDEN, ids=[g["source"] for g in GOLDEN])
def test_quality_sample_corpus_golden(cli, gold):
    """Every sample article: metadata as written, must-keep text kept, must-drop text dropped."""
    res = cli("ingest", "--silent", str(EXAMPLES))
    assert res.exit_code == 0, res.output
    recs = {r["source"]: r for r in cli.records()}
    rec = recs[gold["source"]]
    for field in ("outlet", "title", "byline", "dateline"):
        if field in gold:
            assert rec[field] == gold[field], field
    if "published" in gold:
        assert (rec["published"] or "").startswith(gold["published"])
    for phrase in gold.get("keeps", []):
        assert phrase in rec["text"], phrase
    for phrase in gold.get("drops", []):
        assert phrase not in rec["text"], phrase
