"""Benchmark: named entities + linking (newsweave) against the spaCy model alone, same texts,
one run. Not a test: run it by hand and copy the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_entities.py [--texts ../shared/eval/ecbplus/dev.jsonl] [--repeat 1]

Times are wall-clock seconds on this machine; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus" / "dev.jsonl"


def texts_from(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=1, help="pass over the texts this many times")
    ap.add_argument("--rounds", type=int, default=2, help="time each side this many times, alternating; keep the fastest")
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    texts = texts_from(args.texts) * args.repeat
    chars = sum(map(len, texts))

    from newsweave.link.coref import cluster
    from newsweave.link.kb import current_kb
    from newsweave.link.resolve import DocCluster, resolve
    from newsweave.nlp.model import BATCH_SIZE, load_model_only, load_nlp
    from newsweave.nlp.stage import mentions_of

    t0 = time.perf_counter()
    bare = load_model_only()
    load_bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = load_nlp()
    kb = current_kb()
    load_full = time.perf_counter() - t0

    # warm both once on a few texts so neither pays first-call costs inside the timing
    list(bare.pipe(texts[:8])), list(full.pipe(texts[:8]))

    def run_bare() -> tuple[float, int]:
        t0 = time.perf_counter()
        n = sum(len(d.ents) for d in bare.pipe(texts, batch_size=BATCH_SIZE))
        return time.perf_counter() - t0, n

    def run_full() -> tuple[float, float, int, list]:
        t0 = time.perf_counter()
        rows: list[DocCluster] = []
        n = 0
        for i, doc in enumerate(full.pipe(texts, batch_size=BATCH_SIZE)):
            ms = mentions_of(doc)
            n += len(ms)
            for c in cluster(ms, kb):
                rows.append(DocCluster(str(i), c.index, c.type, c.kb_id, dict(c.forms)))
        t1 = time.perf_counter()
        ents = resolve(rows, kb)
        t2 = time.perf_counter()
        return t2 - t0, t2 - t1, n, ents

    spacy_s = full_s = float("inf")
    for _ in range(args.rounds):  # alternate, so that drifting machine speed hits both sides alike
        s, n_ents = run_bare()
        spacy_s = min(spacy_s, s)
        f, resolve_s, n_mentions, entities = run_full()
        full_s = min(full_s, f)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# entities benchmark ({platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, spaCy model {bare.meta['name']} {bare.meta['version']})")
    print(f"texts: {len(texts)} ({chars:,} characters) from {args.texts.name}; fastest of {args.rounds} alternating rounds")
    print(f"spaCy alone:            {spacy_s:7.2f} s  ({len(texts) / spacy_s:6.1f} docs/s, {n_ents} entities)")
    print(f"newsweave NER + linking:{full_s:7.2f} s  ({len(texts) / full_s:6.1f} docs/s, {n_mentions} mentions, "
          f"{len(entities)} entities; cross-document resolution {resolve_s:.2f} s)")
    print(f"time ratio (newsweave / spaCy alone): {full_s / spacy_s:.2f}")
    print(f"load: spaCy model {load_bare:.2f} s; newsweave pipeline incl. knowledge base {load_full:.2f} s")
    print(f"peak resident memory of this process: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
