"""A corpus generator for scale tests: real news texts varied, never invented words.

    .venv/bin/python bench/corpus.py --docs 1000 --output /tmp/corpus.jsonl [--texts ../shared/eval/ecbplus/dev.jsonl]

Copy ``r`` of a text (r = 0, 1, ...) keeps its sentences in order but drops each one after the
first with probability 0.1, is published ``r * 120`` days after 2020-01-01 (plus 0-3 days), and
is credited to one of five fictional outlets. Every copy is a different document (its content
hash differs), made only of the real text's sentences. The same seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus" / "dev.jsonl"
OUTLETS = ("Copydesk Daily", "Wire Mirror", "The Reprint", "Echo Ledger", "Second Edition")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def varied(texts: list[dict], docs: int, seed: int = 0) -> Iterator[dict]:
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    r = 0
    n = 0
    while True:
        order = list(range(len(texts)))
        rng.shuffle(order)
        for i in order:
            if n == docs:
                return
            base = texts[i]
            paras = []
            for para in base["text"].split("\n"):
                sents = [s for j, s in enumerate(SENTENCE.split(para)) if s and (j == 0 or rng.random() >= 0.1)]
                if sents:
                    paras.append(" ".join(sents))
            published = start + timedelta(days=120 * r + rng.randint(0, 3))
            yield {"id": f"{base['id']}~{r}", "title": base.get("title"), "text": "\n".join(paras),
                   "published": published.isoformat(), "outlet": OUTLETS[rng.randrange(len(OUTLETS))]}
            n += 1
        r += 1


def read_texts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_corpus(path: Path, docs: int, texts: Path = DEFAULT, seed: int = 0, shards: int = 1) -> list[Path]:
    """``docs`` varied documents as JSONL, in ``shards`` files (``path`` is a file, or a folder
    when ``shards`` > 1); returns the files."""
    rows = list(varied(read_texts(texts), docs, seed))
    if shards == 1:
        files = [path]
    else:
        path.mkdir(parents=True, exist_ok=True)
        files = [path / f"shard-{k:03d}.jsonl" for k in range(shards)]
    per = -(-len(rows) // len(files))
    for k, f in enumerate(files):
        f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[k * per:(k + 1) * per]),
                     encoding="utf-8")
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--shards", type=int, default=1, help="write this many JSONL files into --output (a folder)")
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    files = write_corpus(args.output, args.docs, args.texts, args.seed, args.shards)
    print(f"wrote {args.docs} documents to {len(files)} file(s) under {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
