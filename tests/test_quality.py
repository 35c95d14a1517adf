"""Quality gates: golden articles with must-keep / must-drop text and score floors that CI will
not let fall silently (like trafilatura's). The seed articles are scored by ../shared's scorer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES

#: section floors for ../shared/eval/score.py on the seeds; raise them as the pipeline grows
SEED_FLOORS = {"documents": 1.0, "stories": 1.0, "entities": 0.95, "events": 0.95, "quotes": 0.95}


def test_quality_seeds_score_floors(cli, seeds, shared, tmp_path):
    res = cli("ingest", "--silent", str(seeds))
    assert res.exit_code == 0, res.output
    pred = tmp_path / "records.jsonl"
    assert cli("export", "--format", "jsonl", "--output", str(pred)).exit_code == 0
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--gold",
                          str(shared / "eval" / "gold" / "seeds.json"), "--pred", str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    scores = json.loads(out.stdout)
    for section, floor in SEED_FLOORS.items():
        assert scores[section] >= floor, f"{section} fell to {scores[section]} (floor {floor})"


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
