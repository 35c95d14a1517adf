"""Write records as JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from ..records import SCHEMA_FIELDS, Record


def write_jsonl(recs: Iterable[Record], out: IO[str]) -> int:
    n = 0
    for rec in recs:
        out.write(json.dumps(rec.as_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(recs: Iterable[Record], out: IO[str]) -> int:
    """One row per record, a ``kind`` column first; lists and objects as JSON text."""
    rows = [r.as_dict() for r in recs]
    columns: dict[str, None] = {"kind": None}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        columns.update(dict.fromkeys(SCHEMA_FIELDS.get(kind, ())))
    for r in rows:
        columns.update(dict.fromkeys(r))
    w = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in r.items()})
    return len(rows)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}
