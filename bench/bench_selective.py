"""Measurement for issue 17's first part: how much of the text a parse limited to the sentences
that can carry an event, a quotation or a time expression would leave out, decided from surface
forms alone (the trigger lexicon's inflected forms under the model's lemmatizer tables, a
quotation mark, double or single, a time pattern that matches), and whether every event,
quotation and time expression the full pipeline finds lies in a sentence so chosen. Not a test, and nothing is skipped yet: it says
what skipping would gain and what it would miss. Copy the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_selective.py [--texts ../shared/eval/ecbplus/dev.jsonl] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ecbplus" / "dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0, help="the first N texts only")
    args = ap.parse_args()
    if not args.texts.exists():
        print(f"skipped: {args.texts} not found (../shared is not beside the repository)")
        return 0
    from newsweave.nlp.events import find_events, may_report_event
    from newsweave.nlp.model import load_nlp, pipe
    from newsweave.nlp.quotes import find_quotes
    from newsweave.nlp.times import find_times
    from newsweave.nlp.timex_rules import lexicon

    rows = [json.loads(line) for line in args.texts.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:args.limit] if args.limit else rows
    nlp, lex = load_nlp(), lexicon()
    marks = re.compile("[“”\"‘’']")  # the quotation finder reads double and single marks (told from apostrophes)
    sents = toks = chosen_sents = chosen_toks = 0
    why = {"event": 0, "quote": 0, "time": 0}
    found = {"events": [0, 0], "quotes": [0, 0], "times": [0, 0]}  # [in a chosen sentence, all]
    for row, doc in zip(rows, pipe([r["text"] for r in rows], n_process=1)):
        anchor = row.get("published")
        quotes, times = find_quotes(doc), find_times(doc, anchor)
        events = find_events(doc, quotes, times, anchor)
        chosen: list[tuple[int, int]] = []
        for sent in doc.sents:
            sents += 1
            toks += len(sent)
            text = sent.text
            reasons = [k for k, hit in (("event", may_report_event(text, nlp)),
                                        ("quote", marks.search(text) is not None),
                                        ("time", any(p.regex.search(text) for p in lex.patterns))) if hit]
            for k in reasons:
                why[k] += 1
            if reasons:
                chosen_sents += 1
                chosen_toks += len(sent)
                chosen.append((sent.start_char, sent.end_char))
        for key, starts in (("events", [ev.sent_start for ev in events]), ("quotes", [q.start for q in quotes]),
                            ("times", [t.start for t in times])):
            found[key][0] += sum(any(s <= at < e for s, e in chosen) for at in starts)
            found[key][1] += len(starts)
    print(f"texts: {len(rows)} from {args.texts.name}; sentences {sents}, tokens {toks}")
    print(f"chosen for the parse: {chosen_sents} sentences ({chosen_sents / sents:.0%}), "
          f"{chosen_toks} tokens ({chosen_toks / toks:.0%})")
    print("sentences chosen for: " + ", ".join(f"{k} {n} ({n / sents:.0%})" for k, n in why.items()))
    for key, (inn, total) in found.items():
        print(f"{key} found by the full pipeline in a chosen sentence: {inn}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
