"""Evaluate newsweave's time expressions (newsweave.nlp.times) on MEANTIME, TempEval-3 style.

    .venv/bin/python bench/eval_times.py [-v] [--out records.jsonl] [--scope annotated|full]

Reads ../shared/eval/meantime/docs.jsonl, runs the NLP pipeline and ``find_times(doc, published)``
on every document, writes newsweave records (SCHEMA.md: one `document` and its `time` records
per article) and scores them with ../shared/eval/score_times.py, whose output it prints (the
last line is `score: <value F1>`).

Scope. MEANTIME annotates time expressions only in the headline and the first sentences of
each article: in docs.jsonl (one sentence a line) no gold expression lies beyond the fifth line,
though the median article has thirteen. By default (``--scope annotated``) the pipeline runs on
those first lines, and the document record carries that text, so that correct expressions in
unannotated sentences are not counted as false positives. ``--scope full`` runs on whole
articles (precision then mostly measures how much of each article the annotators covered).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MEANTIME = SHARED / "eval" / "meantime"
SCORER = SHARED / "eval" / "score_times.py"
ANNOTATED_LINES = 5  # the headline and the first four sentences


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scoped(text: str, scope: str, lines: int) -> str:
    return text if scope == "full" else "\n".join(text.split("\n")[:lines])


def records(rows: list[dict], scope: str, lines: int) -> tuple[list[dict], int]:
    from newsweave.nlp.model import BATCH_SIZE, load_nlp
    from newsweave.nlp.times import find_times

    texts = [scoped(r["text"], scope, lines) for r in rows]
    out: list[dict] = []
    n = 0
    for row, text, doc in zip(rows, texts, load_nlp().pipe(texts, batch_size=BATCH_SIZE)):
        doc_id = str(row["id"])
        out.append({"kind": "document", "doc_id": doc_id, "source": f"docs.jsonl#{row['id']}", "outlet": None,
                    "title": row.get("title"), "byline": None, "published": row.get("published"), "updated": None,
                    "dateline": None, "text": text})
        for t in find_times(doc, row.get("published")):
            out.append({"kind": "time", "doc_id": doc_id, "start": t.start, "end": t.end, "text": t.text,
                        "type": t.type, "value": t.value})
            n += 1
    return out, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="write the records here (default: a temporary file)")
    ap.add_argument("--verbose", "-v", action="store_true", help="have the scorer list every miss and error")
    ap.add_argument("--scope", choices=("annotated", "full"), default="annotated",
                    help="run on the annotated lines only (default) or on whole articles")
    ap.add_argument("--lines", type=int, default=ANNOTATED_LINES, help="lines in the annotated scope")
    args = ap.parse_args()
    docs, gold = MEANTIME / "docs.jsonl", MEANTIME / "gold.jsonl"
    if not (docs.exists() and gold.exists() and SCORER.exists()):
        print(f"skipped: {MEANTIME} or {SCORER} not found (../shared is not beside the repository)")
        return 0
    rows = read_rows(docs)
    t0 = time.perf_counter()
    recs, n = records(rows, args.scope, args.lines)
    took = time.perf_counter() - t0
    if args.out:
        out = args.out
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
            out = Path(fh.name)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    print(f"{len(rows)} documents ({args.scope} scope), {n} time expressions in {took:.1f} s -> {out}")
    cmd = [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(out)] + (["-v"] if args.verbose else [])
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sys.stdout.write(res.stdout)
    sys.stderr.write(res.stderr)
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
