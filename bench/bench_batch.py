"""Benchmark: ingest throughput on 1 and 2 cores, `ingest` against `batch` + `load`, local
against Ray, on the same input. Not a test: run it by hand and copy the figures into
docs/benchmarks.md.

    .venv/bin/python bench/bench_batch.py [--docs 2000] [--texts ../shared/eval/ecbplus/dev.jsonl]

Input: ``--docs`` documents from bench/corpus.py (real ECB+ texts varied), in 8 JSONL shards.
Each run is the newsweave command in a process of its own, pinned with ``taskset`` to one core
(``cpu0``) or two (``cpu0,1``), into a fresh SQLite database. Reported per run: wall seconds,
documents per second, and the peak of the summed resident memory of the command and every
process under it (Ray's workers included), sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT, write_corpus

BIN = Path(sys.executable).parent / "newsweave"


def _tree_rss_mb(root: int) -> float:
    """Summed RSS of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            status = Path(f"/proc/{d}/statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = int(status[1]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total / 1024 / 1024


def timed(cmd: list[str], cores: str) -> tuple[float, float]:
    """(wall seconds, peak tree RSS in MB) of one command pinned to ``cores``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(["taskset", "-c", cores, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, errs = proc.communicate()
    done.set()
    th.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{errs.decode()[-2000:]}")
    return time.perf_counter() - t0, round(peak)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--runs", nargs="+", default=["ingest-1", "local-1", "ray-1", "ray-2"])
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = [str(f) for f in write_corpus(root / "in", args.docs, args.texts, shards=8)]
        for run in args.runs:
            kind, n = run.split("-")
            cores = "0" if n == "1" else "0,1"
            db = f"sqlite:///{root / run}.db"
            if kind == "ingest":
                wall, peak = timed([str(BIN), "--db", db, "ingest", "--silent", *files], cores)
                row = {"run": run, "cores": int(n), "seconds": round(wall, 1), "peak_mb": peak}
            else:
                out = root / f"rows-{run}"
                wall, peak = timed([str(BIN), "batch", "--silent", "--engine", kind, "--workers", n,
                                    "--output", str(out), *files], cores)
                lwall, lpeak = timed([str(BIN), "--db", db, "load", "--silent", str(out)], cores)
                row = {"run": run, "cores": int(n), "batch_seconds": round(wall, 1), "load_seconds": round(lwall, 1),
                       "seconds": round(wall + lwall, 1), "peak_mb": peak, "load_peak_mb": lpeak}
                shutil.rmtree(out)
            row["docs_per_s"] = round(args.docs / row["seconds"], 1)
            if "batch_seconds" in row:
                row["batch_docs_per_s"] = round(args.docs / row["batch_seconds"], 1)
            print(json.dumps(row), flush=True)
            results.append(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
