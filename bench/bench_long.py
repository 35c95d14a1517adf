"""Benchmark: one long article at a time through the whole ingest (reading, cleaning, spaCy in
pieces, entities, quotes, times, events, stories, storage in SQLite, entity resolution), and the
spaCy model alone on the same text, for articles of 25 KB to 1 MB. Each size runs in a process of
its own, so that its peak resident memory is its own; the model is loaded and warmed before the
clock starts. The articles are built at run time from ../shared's texts (the India dev set, then
the ECB+ dev texts, paragraphs joined by blank lines), never stored.
Not a test: run it by hand and copy the figures into docs/benchmarks.md ("Long articles").

    .venv/bin/python bench/bench_long.py [--sizes 25,100,250,500,1024] [--no-model-alone]

Acceptance (issue 16): a 1 MB article in under 60 s of CPU and 1.5 GB peak, and the CPU time per
KB flat from 25 KB to 1 MB. CPU seconds are the measure to trust on a shared machine; the model
alone on the same text shows how fast the machine was.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
SOURCES = (SHARED / "india-dev" / "docs.jsonl", SHARED / "ecbplus" / "dev.jsonl")
CPU_LIMIT, RSS_LIMIT_MB = 60.0, 1536


def article(kb: int) -> str:
    """An article of ``kb`` KB (UTF-8) of real news paragraphs."""
    texts = [json.loads(line)["text"].strip() for p in SOURCES
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    want, out, size = kb * 1024, [], 0
    while size < want:
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8")) + 2
            if size >= want:
                break
    text = "\n\n".join(out)
    return text.encode("utf-8")[:want].decode("utf-8", "ignore")


def child(kb: int, alone: bool) -> dict:
    """In a process of its own: the ingest of one article of ``kb`` KB (or, with ``alone``, the
    model alone over its pieces)."""
    text = article(kb)
    if alone:
        from newsweave.nlp.model import load_model_only
        from newsweave.nlp.pieces import batches, split_text

        nlp = load_model_only()
        list(nlp.pipe(["A warm-up sentence by Meera Joshi in Patna."]))
        w0, c0 = time.perf_counter(), time.process_time()
        for group in batches([p for _, p in split_text(text)]):
            for _ in nlp.pipe(group, batch_size=len(group)):
                pass
    else:
        from newsweave.ingest.sources import InputFile
        from newsweave.pipeline.runner import Ingest
        from newsweave.store import open_store

        tmp = Path(tempfile.mkdtemp())
        warm, long = tmp / "warm.txt", tmp / "long.txt"
        warm.write_text("Meera Joshi joined the Lok Vikas Party in Patna on Monday.\n\n\"We will win,\" she said.",
                        encoding="utf-8")
        long.write_text(text, encoding="utf-8")
        runner = Ingest(open_store(f"sqlite:///{tmp}/bench.db"))
        runner._file(InputFile(warm, "warm.txt"))
        runner._flush()
        w0, c0 = time.perf_counter(), time.process_time()
        runner._file(InputFile(long, "long.txt"))
        runner._flush()
        runner.resolve_entities(runner.unresolved())
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {"kb": kb, "chars": len(text), "cpu": cpu, "wall": wall,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run(kb: int, alone: bool) -> dict:
    args = [sys.executable, __file__, "--child", str(kb)] + (["--alone"] if alone else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="25,100,250,500,1024", help="article sizes in KB, comma-separated")
    ap.add_argument("--no-model-alone", action="store_true", help="skip the model-alone runs")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--alone", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not all(p.exists() for p in SOURCES):
        print(f"skipped: {', '.join(str(p) for p in SOURCES)} not found (../shared is not beside the repository)")
        return 0
    if args.child is not None:
        print(json.dumps(child(args.child, args.alone)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().split()[:3]}")
    print("| article | characters | CPU s | wall s | peak MB | CPU ms per KB | model alone CPU s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for kb in sizes:
        full = run(kb, alone=False)
        bare = None if args.no_model_alone else run(kb, alone=True)
        rows.append(full)
        per_kb = 1000 * full["cpu"] / kb
        print(f"| {kb} KB | {full['chars']:,} | {full['cpu']:.1f} | {full['wall']:.1f} | {full['rss_mb']:,.0f} | "
              f"{per_kb:.0f} | {bare['cpu']:.1f} | {full['cpu'] / bare['cpu']:.2f} |" if bare else
              f"| {kb} KB | {full['chars']:,} | {full['cpu']:.1f} | {full['wall']:.1f} | {full['rss_mb']:,.0f} | "
              f"{per_kb:.0f} | — | — |", flush=True)
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().split()[:3]}")
    per = [r["cpu"] / r["kb"] for r in rows]
    top = max(rows, key=lambda r: r["kb"])
    print(f"CPU per KB, largest over smallest article: {per[-1] / per[0]:.2f}; "
          f"{top['kb']} KB: {top['cpu']:.1f} s CPU (limit {CPU_LIMIT:.0f}), {top['rss_mb']:,.0f} MB peak "
          f"(limit {RSS_LIMIT_MB:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
