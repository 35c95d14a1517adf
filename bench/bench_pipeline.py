"""Benchmark: the full ingest pipeline (read, clean, spaCy, entities, quotes, times, events,
storage in SQLite, entity resolution) against the spaCy model alone on the same texts, one run.
Not a test: run it by hand and copy the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_pipeline.py [--texts ../shared/eval/ecbplus/dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus" / "dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    from newsweave.ingest.run import Ingest
    from newsweave.nlp.model import BATCH_SIZE, load_model_only, load_nlp
    from newsweave.store import open_store

    texts = [json.loads(line)["text"] for line in args.texts.read_text(encoding="utf-8").splitlines() if line.strip()]
    bare = load_model_only()
    load_nlp()
    list(bare.pipe(texts[:8]))
    t0 = time.perf_counter()
    for _ in bare.pipe(texts, batch_size=BATCH_SIZE):
        pass
    spacy_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        runner = Ingest(store)
        t0 = time.perf_counter()
        summary = runner.run(runner.plan([str(args.texts)]))
        full_s = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"texts: {len(texts)} from {args.texts.name}; documents stored: {len(summary.added)}")
    print(f"spaCy alone:         {spacy_s:7.1f} s")
    print(f"newsweave ingest:    {full_s:7.1f} s")
    print(f"time ratio (newsweave / spaCy alone): {full_s / spacy_s:.2f}")
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
