"""Benchmark: the server under load. ``--clients`` concurrent clients (20) send ``--requests``
requests (2,000) to a real server (``newsweave serve`` in a process of its own, on 127.0.0.1) over
a database of ``--docs`` documents (5,000): the story list page ``/`` (its pages), ``/api/stories``
(pages and filters) and ``/api/search`` (one, two and three words of the stored titles; ``--long``
of them, one by default, a word repeated 2,000 times). Reports errors (a status other than 200, or no
answer within ``--timeout``), throughput and p50/p95/p99 latency, overall and per kind; the
2,000-word query is also measured alone, after the load. One run; not a test: copy the figures
into docs/benchmarks.md.

    .venv/bin/python bench/bench_serve.py [--docs 5000] [--db /tmp/newsweave-bench/serve-5000.db]

The database is built once and kept (``--db``; reused when it holds ``--docs`` documents): the
varied ECB+ dev texts of ``bench/corpus.py`` (seed 0, as ``corpus.py --docs 5000`` writes them),
ingested 500 at a time. Building 5,000 takes about half an hour on two busy cores. A database
built by an older newsweave is brought up to date (its migrations run) when the server opens it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT, read_texts, varied

CHUNK = 500  # documents per ingest run while building


def build(db: Path, docs: int, texts: Path) -> None:
    """Store ``docs`` varied documents in the SQLite file ``db`` (those missing, 500 a run)."""
    from newsweave.pipeline.runner import Ingest
    from newsweave.store import open_store

    store = open_store(f"sqlite:///{db}")
    have = store.count_documents()
    if have >= docs:
        store.engine.dispose()
        return
    rows = list(varied(read_texts(texts), docs, seed=0))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(0, docs, CHUNK):
            dump = Path(tmp) / f"part-{start}.jsonl"
            dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[start:start + CHUNK]),
                            encoding="utf-8")
            runner = Ingest(store)  # content already stored is recognised and left as it is
            runner.run(runner.plan([str(dump)]))
            print(f"  {store.count_documents()} documents stored ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    store.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from newsweave.cli import main; main()", "--db", f"sqlite:///{db}", "serve",
           "--host", "127.0.0.1", "--port", str(port)]
    log = open(Path(tempfile.gettempdir()) / f"bench-serve-{port}.log", "wb")  # open while the server runs
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=os.environ.copy())


def wait_ready(base: str, proc: subprocess.Popen, limit: float = 300.0) -> None:
    import httpx

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (its log: {tempfile.gettempdir()}/bench-serve-*.log)")
        try:
            if httpx.get(f"{base}/api/stories?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def search_words(db: Path) -> list[str]:
    """Words of the stored story titles (letters only, four or more), most frequent first."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        titles = [t for (t,) in con.execute("SELECT title FROM stories WHERE title IS NOT NULL")]
    finally:
        con.close()
    counts: dict[str, int] = defaultdict(int)
    for t in titles:
        for w in re.findall(r"[^\W\d_]{4,}", t):
            counts[w.lower()] += 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def plan(n: int, words: list[str], stories: int, outlets: list[str], long: int, seed: int = 0
         ) -> list[tuple[str, str]]:
    """``n`` (kind, path) requests, a third of each kind, shuffled, ``long`` of the searches the
    2,000-word query (the same seed, the same plan)."""
    rng = random.Random(seed)
    pages = max(1, min(10, -(-stories // 30)))
    common = words[:200] or ["news"]
    long_q = " ".join([common[0]] * 2000)
    out: list[tuple[str, str]] = []
    for i in range(n):
        kind = ("page", "stories", "search")[i % 3]
        if kind == "page":
            out.append((kind, f"/?page={rng.randint(1, pages)}" if rng.random() < 0.5 else "/"))
        elif kind == "stories":
            r = rng.random()
            if r < 0.5:
                path = f"/api/stories?limit=50&offset={50 * rng.randint(0, max(0, stories // 50))}"
            elif r < 0.75 and outlets:
                path = f"/api/stories?outlet={rng.choice(outlets)}"
            else:
                path = f"/api/stories?since=20{rng.randint(20, 40)}-01-01"
            out.append((kind, path))
        else:
            q = " ".join(rng.sample(common, rng.choice((1, 1, 2, 3))))
            out.append((kind, f"/api/search?q={q}"))
    rng.shuffle(out)
    searches = [i for i, (kind, _) in enumerate(out) if kind == "search"]
    for i in rng.sample(searches, min(long, len(searches))):
        out[i] = ("search, 2,000 words", f"/api/search?q={long_q}")
    return out


async def load(base: str, requests: list[tuple[str, str]], clients: int, timeout: float
               ) -> tuple[float, list[tuple[str, float, str | None]]]:
    """(wall seconds, (kind, seconds, error or None) per request) with ``clients`` at once."""
    import httpx

    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    results: list[tuple[str, float, str | None]] = []

    async def client(http: httpx.AsyncClient) -> None:
        while True:
            try:
                kind, path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            try:
                res = await http.get(base + path, headers={"accept": "text/html"} if kind == "page" else {})
                error = None if res.status_code == 200 else f"HTTP {res.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__} ({exc}) on {path[:60]}"
            results.append((kind, time.perf_counter() - t0, error))

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - t0, results


def pct(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile."""
    xs = sorted(values)
    return xs[max(0, math.ceil(q * len(xs)) - 1)] if xs else float("nan")


def row(name: str, rs: list[tuple[str, float, str | None]], wall: float | None = None) -> str:
    ms = [t * 1000 for _, t, _ in rs]
    errors = sum(e is not None for _, _, e in rs)
    rate = f"{len(rs) / wall:.1f}" if wall else ""
    return (f"| {name} | {len(rs)} | {errors} | {rate} | {pct(ms, 0.5):.0f} | {pct(ms, 0.95):.0f} | "
            f"{pct(ms, 0.99):.0f} | {max(ms, default=float('nan')):.0f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--db", type=Path, help="the SQLite file (default /tmp/newsweave-bench/serve-DOCS.db)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds a client waits for an answer (then an error)")
    ap.add_argument("--long", type=int, default=1,
                    help="how many of the searches are the 2,000-word query (0: none; it is measured alone after the load too)")
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    args = ap.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / "newsweave-bench" / f"serve-{args.docs}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists() and not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    if args.texts.exists():
        build(db, args.docs, args.texts)
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    try:
        wait_ready(base, proc)
        stories = httpx.get(f"{base}/api/stories?limit=1", timeout=30).json()["total"]
        docs = httpx.get(f"{base}/api/documents?limit=1", timeout=30).json()["total"]
        outlets = sorted({o for s in httpx.get(f"{base}/api/stories?limit=200", timeout=30).json()["items"]
                          for o in s["outlets"]})
        words = search_words(db)
        requests = plan(args.requests, words, stories, outlets, args.long)
        for kind in sorted({k for k, _ in requests}):  # one of each first: templates compiled, caches warm
            path = next(p for k, p in requests if k == kind)
            httpx.get(base + path, timeout=args.timeout)
        wall, results = asyncio.run(load(base, requests, args.clients, args.timeout))
        long_q = " ".join([(words or ["news"])[0]] * 2000)
        t0 = time.perf_counter()
        try:
            status = httpx.get(f"{base}/api/search", params={"q": long_q}, timeout=max(args.timeout, 120)).status_code
            alone = f"{(time.perf_counter() - t0) * 1000:.0f} ms (HTTP {status})"
        except httpx.HTTPError as exc:
            alone = f"no answer in {time.perf_counter() - t0:.0f} s ({type(exc).__name__})"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"{docs} documents, {stories} stories; {args.clients} clients, {len(results)} requests in {wall:.1f} s")
    print("| requests | n | errors | requests/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(row("all", results, wall))
    by_kind: dict[str, list[tuple[str, float, str | None]]] = defaultdict(list)
    for r in results:
        by_kind[r[0]].append(r)
    for kind in sorted(by_kind):
        print(row(kind, by_kind[kind]))
    errors = sorted({e for _, _, e in results if e})
    if errors:
        print("errors: " + ", ".join(errors))
    print(f"the 2,000-word search alone, after the load: {alone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
