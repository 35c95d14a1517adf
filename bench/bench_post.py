"""Benchmark: what one POST /api/documents costs on a database of ``--stored`` documents (2,000 by
default) against the same POST on an empty database. The cross-document step is incremental
(copies by index, entities resolved with what the new document may join, its story joined), so the
cost of a write should not grow with the corpus. One run; not a test: copy the figures into
docs/benchmarks.md.

    .venv/bin/python bench/bench_post.py [--stored 2000] [--posts 21] [--texts ../shared/eval/ecbplus/dev.jsonl]

The stored corpus is ``bench/corpus.py``'s varied ECB+ texts; the posted articles are later
variations of the same texts, none of them stored. Each side posts the same articles: the large side
to one server (its caches warm, as a running server's are, after one warm-up post), the empty side
each into a new empty database; the medians are compared, of wall time and of CPU time (this
process's, the server's included: what the write costs, less the machine's other load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT, read_texts, varied

TOKEN = "bench-token"


def _client(url: str):
    from fastapi.testclient import TestClient

    from newsweave.serve import Settings, create_app

    return TestClient(create_app(Settings(db=url, token=TOKEN)))


def _post(client, row: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one POST (the CPU time of this process: the server runs in it)."""
    t0, c0 = time.perf_counter(), time.process_time()
    res = client.post("/api/documents", json=row, headers={"Authorization": f"Bearer {TOKEN}"})
    took = time.perf_counter() - t0, time.process_time() - c0
    assert res.status_code == 201, res.text
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stored", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=21)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--db", type=Path, help="keep the stored corpus in this SQLite file (reused when it exists; "
                                            "the posts go to a copy of it)")
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    from newsweave.pipeline.runner import Ingest
    from newsweave.store import open_store

    rows = list(varied(read_texts(args.texts), args.stored + args.posts, seed=1))
    stored, posted = rows[:args.stored], rows[args.stored:]
    with tempfile.TemporaryDirectory() as tmp:
        big = args.db or Path(tmp) / "big.db"
        store = open_store(f"sqlite:///{big}")
        if store.count_documents() < args.stored:
            dump = Path(tmp) / "stored.jsonl"
            dump.write_text("".join(json.dumps(r) + "\n" for r in stored), encoding="utf-8")
            t0 = time.perf_counter()
            runner = Ingest(store)
            runner.run(runner.plan([str(dump)]))
            print(f"stored {store.count_documents()} documents in {time.perf_counter() - t0:.0f} s")
        n_stored = store.count_documents()
        store.engine.dispose()
        if args.db:  # post to a copy: the kept corpus stays as built (a later run's articles would
            import shutil  # otherwise find their earlier variations stored, as near-duplicates)

            shutil.copyfile(big, Path(tmp) / "posted.db")
            big = Path(tmp) / "posted.db"
        stamp = f" (bench run {time.time():.0f})"  # posted articles are new to a reused --db as well
        posted = [r | {"text": r["text"] + stamp} for r in posted]
        warm = _client(f"sqlite:///{tmp}/warm.db")
        _post(warm, posted[0] | {"id": "warm-up", "text": posted[0]["text"] + " (warm-up)"})  # the model loads once
        server = _client(f"sqlite:///{big}")  # one server on the large database, as in use: its caches warm
        _post(server, posted[0] | {"id": "warm-up", "text": posted[0]["text"] + " (warm-up)"})
        empty, full = [], []
        for i, row in enumerate(posted):  # taking turns: a slow spell of the machine falls on both sides
            empty.append(_post(_client(f"sqlite:///{tmp}/empty-{i}.db"), row))
            full.append(_post(server, row))
    for i, what in enumerate(("wall", "CPU")):
        e, f = statistics.median(x[i] for x in empty), statistics.median(x[i] for x in full)
        print(f"one POST, median of {len(posted)}, {what} time: empty database {e * 1000:.0f} ms, "
              f"{n_stored} stored documents {f * 1000:.0f} ms; ratio {f / e:.2f}")
    print("each post, wall (ms): empty " + " ".join(f"{x[0] * 1000:.0f}" for x in empty)
          + " | stored " + " ".join(f"{x[0] * 1000:.0f}" for x in full))
    return 0


if __name__ == "__main__":
    sys.exit(main())
