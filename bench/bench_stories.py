"""Benchmark: the cost of story clustering as the corpus grows. Not a test: run it by hand and copy
the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_stories.py [--sizes 1000 10000 100000] [--texts ../shared/eval/ecbplus/dev.jsonl]

Corpus: the real ECB+ texts, parsed once with spaCy for their content words; then repeated and
perturbed into as many documents as asked. Copy ``r`` of a text renames every word of a name
(``lohan`` -> ``lohan~r``, so each copy is a story of its own about other people), drops a random
tenth of the other words, and is published ``r * 120`` days after the base date (outside the time
window of the other copies). Documents go into a fresh SQLite store in batches of 32, as ingest
does, and each batch is clustered (:meth:`StoryIndex.assign`).

Each size runs in a process of its own. Reported per size: milliseconds per document for the
whole run and for its last tenth (what a new document costs once the corpus is that big), the
process's peak RSS (the parsed base texts included) and its growth per 1,000 documents, and the
B-cubed F1 of the stories against the copies' gold stories.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus" / "dev.jsonl"
GOLD = DEFAULT.with_name("dev.gold.jsonl")
BATCH = 32


def base_terms(path: Path) -> list[tuple[str, dict[str, float], set[str]]]:
    """(id, terms, the terms that are names) of every text."""
    from newsweave.link.names import part_key
    from newsweave.link.stories import NAME
    from newsweave.nlp.model import load_nlp
    from newsweave.nlp.terms import NAMED, doc_terms

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    nlp = load_nlp()
    out = []
    for row, doc in zip(rows, nlp.pipe([r["text"] for r in rows], batch_size=64)):
        names = {t.lemma_.lower().strip() for t in doc if t.ent_type_ in NAMED}
        terms = doc_terms(doc)
        for ent in doc.ents:  # the names stories compare, as the pipeline's entity terms
            if ent.label_ in ("PERSON", "ORG", "GPE", "LOC", "NORP") and len(key := part_key(ent[-1].text)) >= 2:
                terms[NAME + key] = terms.get(NAME + key, 0) + 1
                names.add(NAME + key)
        out.append((row["id"], terms, names))
    return out


def corpus(base, size: int, seed: int = 0):
    """``size`` perturbed copies, in a shuffled order within each round: (gold, terms, published)."""
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    rounds = -(-size // len(base))
    n = 0
    for r in range(rounds):
        order = list(range(len(base)))
        rng.shuffle(order)
        for i in order:
            if n == size:
                return
            gid, terms, names = base[i]
            new = {}
            for t, w in terms.items():
                if t in names:
                    new[f"{t}~{r}" if r else t] = w
                elif rng.random() >= 0.1:
                    new[t] = w
            published = (start + timedelta(days=120 * r + rng.randint(0, 3))).isoformat()
            yield f"{gid}~{r}", new, published
            n += 1


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: since exec, unlike ru_maxrss, which a child
    inherits from the parent that forked it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> float:
    pc, gc = defaultdict(set), defaultdict(set)
    for d, s in pred.items():
        pc[s].add(d)
        gc[gold[d]].add(d)
    p = sum(len(pc[pred[d]] & gc[gold[d]]) / len(pc[pred[d]]) for d in pred) / len(pred)
    r = sum(len(pc[pred[d]] & gc[gold[d]]) / len(gc[gold[d]]) for d in pred) / len(pred)
    return 2 * p * r / (p + r)


def run(base, size: int, gold_story: dict[str, str]) -> dict:
    from newsweave.article import Article
    from newsweave.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        index = store.story_index()
        docs = corpus(base, size)
        gold: dict[str, str] = {}
        times: list[float] = []
        while batch := list(islice(docs, BATCH)):
            t0 = time.perf_counter()
            with store.transaction() as conn:
                ids = []
                for name, terms, published in batch:
                    a = Article(f"{name}.txt", "text", name)
                    a.text, a.published, a.terms = name, published, terms
                    store.add_document(conn, a)
                    ids.append(a.doc_id)
                    base_id, r = name.rsplit("~", 1)
                    gold[a.doc_id] = f"{gold_story[base_id]}~{r}"
                index.assign(conn, ids)
            times.append((time.perf_counter() - t0) / len(ids))
            done = len(gold)
            if size >= 10000 and done % 10000 < BATCH:  # progress: the window of the last 10k documents
                window = times[-(10000 // BATCH):]
                print(f"{size}: {done} docs, last 10k {1000 * sum(window) / len(window):.1f} ms/doc, "
                      f"rss {peak_rss_mb()} MB", file=sys.stderr, flush=True)
        pred = index.story_map()
        store.engine.dispose()
    tail = times[-max(1, len(times) // 10):]
    return {"docs": size, "ms_per_doc": round(1000 * sum(times) / len(times), 2),
            "ms_per_doc_last_tenth": round(1000 * sum(tail) / len(tail), 2),
            "rss_peak_mb": peak_rss_mb(),
            "bcubed_f1": round(bcubed(pred, gold), 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child: parsed base texts (pickle)
    args = ap.parse_args()
    if not args.texts.exists() or not GOLD.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    gold_story = {json.loads(line)["id"]: json.loads(line)["story"]
                  for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()}
    if args.one:
        base = pickle.loads(args.one.read_bytes())
        start_rss = peak_rss_mb()
        res = run(base, args.sizes[0], gold_story)
        res["rss_growth_mb_per_1k_docs"] = round((res["rss_peak_mb"] - start_rss) / (args.sizes[0] / 1000), 2)
        print(json.dumps(res), flush=True)
        return 0
    t0 = time.perf_counter()
    base = base_terms(args.texts)
    print(f"parsed {len(base)} texts in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with tempfile.NamedTemporaryFile(suffix=".pickle") as fh:
        fh.write(pickle.dumps(base))
        fh.flush()
        for size in args.sizes:
            subprocess.run([sys.executable, __file__, "--texts", str(args.texts), "--one", fh.name,
                            "--sizes", str(size)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
