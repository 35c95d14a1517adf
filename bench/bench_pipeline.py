"""Benchmark: the full ingest pipeline (read, clean, spaCy, entities, quotes, times, events,
storage in SQLite, stories, entity resolution) against the spaCy model alone on the same texts, one
run. The two sides take turns on eighths of the texts, so that a slow spell of a shared machine
falls on both; wall and CPU time are both reported (CPU: this process and newsweave's parse
workers, which serve the whole run and are counted when they stop), and documents a second. spaCy
alone runs as it does by default, in one process, warmed on eight of the texts; newsweave with its
settings (``NEWSWEAVE_NLP_PROCESSES``, default "auto": one worker a core for large inputs), or
``--processes``, warmed by ingesting the bundled sample into the same database first, untimed
(``--cold``: not warmed, the run's one-off set-up counted). ``taskset -c 0`` gives both one core.
Not a test: run it by hand and copy the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_pipeline.py [--texts ../shared/eval/ecbplus/dev.jsonl] [--processes N]
    .venv/bin/python bench/bench_pipeline.py --texts ../shared/eval/india-dev/docs.jsonl --chunks 2

(india-dev in two turns of 18 articles: with the default eight, a turn of five is under the text
that "auto" forks workers for, and newsweave parses in one process.)
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
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--chunks", type=int, default=8, help="run the two sides in turn, this many times")
    ap.add_argument("--processes", help="newsweave's nlp_processes (default: its settings)")
    ap.add_argument("--cold", action="store_true",
                    help="no warm-up run of newsweave before the timed turns (its one-off set-up counted)")
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    from newsweave.ingest.sources import InputFile, iter_inputs
    from newsweave.nlp.model import BATCH_SIZE, load_model_only, load_nlp, usable_cores
    from newsweave.pipeline.runner import Ingest
    from newsweave.settings import Settings, activate
    from newsweave.store import open_store

    settings = Settings.load({"nlp_processes": args.processes})
    activate(settings)

    lines = [line for line in args.texts.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [json.loads(line)["text"] for line in lines]
    bare = load_model_only()
    load_nlp()
    list(bare.pipe(texts[:8]))
    size = -(-len(lines) // args.chunks)
    spacy_wall = spacy_cpu = full_wall = full_cpu = workers_cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        runner = Ingest(store)
        workers = runner.parse_workers()  # started at the first batch that needs them, kept for the run
        workers.__enter__()
        if not args.cold:  # warm, as spaCy alone is above: the bundled sample, stored first and not timed
            for f in iter_inputs([str(SAMPLE)]):
                if isinstance(f, InputFile):
                    runner._file(f)
            runner._flush()
        warm = store.count_documents()
        for k in range(0, len(lines), size):  # interleaved: a slow spell of the machine hits both sides
            w0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
            for _ in bare.pipe(texts[k:k + size], batch_size=BATCH_SIZE):
                pass
            spacy_wall += time.perf_counter() - w0
            spacy_cpu += _cpu(resource.RUSAGE_SELF) - c0
            chunk = Path(tmp) / f"chunk-{k}.jsonl"
            chunk.write_text("\n".join(lines[k:k + size]) + "\n", encoding="utf-8")
            w0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
            runner._file(InputFile(chunk, args.texts.name))
            runner._flush()
            full_wall += time.perf_counter() - w0
            full_cpu += _cpu(resource.RUSAGE_SELF) - c0
        w0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
        runner.resolve_entities(runner.unresolved())  # near-duplicates were linked per batch
        full_wall += time.perf_counter() - w0
        full_cpu += _cpu(resource.RUSAGE_SELF) - c0
        workers.__exit__(None, None, None)  # the workers stop: their CPU time is counted now
        workers_cpu = _cpu(resource.RUSAGE_CHILDREN)
        full_cpu += workers_cpu
        stored = store.count_documents() - warm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cores = usable_cores()
    processes = settings.nlp_processes or f"auto: up to {cores}"
    print(f"texts: {len(texts)} from {args.texts.name}, in {args.chunks} interleaved chunks; documents stored: {stored}")
    print(f"cores: {cores}; newsweave's nlp_processes: {processes}")
    print(f"spaCy alone:         {spacy_wall:7.1f} s wall, {spacy_cpu:7.1f} s CPU, {len(texts) / spacy_wall:5.1f} docs/s")
    print(f"newsweave ingest:    {full_wall:7.1f} s wall, {full_cpu:7.1f} s CPU, {len(texts) / full_wall:5.1f} docs/s"
          + (f" ({workers_cpu:.1f} s CPU in the parse workers)" if workers_cpu else ""))
    print(f"time ratio (newsweave / spaCy alone): {full_wall / spacy_wall:.2f} wall, {full_cpu / spacy_cpu:.2f} CPU")
    print(f"peak resident memory: {peak:.0f} MB" + (f" (and {worker:.0f} MB in the largest parse worker)" if worker else ""))
    return 0


def _cpu(who: int) -> float:
    """CPU seconds of this process (``resource.RUSAGE_SELF``) or of the child processes it has
    waited for (``RUSAGE_CHILDREN``: the parse workers, once stopped)."""
    use = resource.getrusage(who)
    return use.ru_utime + use.ru_stime


if __name__ == "__main__":
    sys.exit(main())
