"""Write records as JSON Lines or CSV.

A CSV cell is safe to open in a spreadsheet: a text that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return (which a spreadsheet would run as a formula) is written with a ``'``
before it, as OWASP advises; numbers stay numbers (``-3`` as a number is written as it is). One
cell can be large (an event's ``sources`` over 128 KB): Python's ``csv`` module reads it back after
``csv.field_size_limit(sys.maxsize)``; pandas reads it as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

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
    w = CsvWriter(out, list(columns))
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return len(rows)


#: what a spreadsheet takes a cell beginning with for a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as one CSV cell: a list or an object as JSON text, a text a spreadsheet would take
    for a formula with a ``'`` before it; numbers, booleans and None as they are."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)  # begins with [ or {: never a formula
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """Rows of values as CSV (lines end with ``\\n``), each value a :func:`csv_cell`. A row with a
    carriage return in a cell is quoted in full: Python's csv module quotes a cell for the
    characters of the line ending only, so a lone CR would be left bare and end the row early."""

    def __init__(self, out: IO[str], columns: list[str]):
        options: dict[str, Any] = {"fieldnames": columns, "extrasaction": "ignore", "restval": "", "lineterminator": "\n"}
        self.plain = csv.DictWriter(out, **options)
        self.quoted = csv.DictWriter(out, quoting=csv.QUOTE_ALL, **options)

    def writeheader(self) -> None:
        self.plain.writeheader()

    def writerow(self, row: dict[str, Any]) -> None:
        cells = {k: csv_cell(v) for k, v in row.items()}
        (self.quoted if any(isinstance(v, str) and "\r" in v for v in cells.values()) else self.plain).writerow(cells)


def by_kind(recs: Iterable[Record]) -> Iterator[tuple[type[Record], list[Record]]]:
    """Records grouped by kind, in export order (kinds without records left out)."""
    from ..records import RECORD_TYPES

    groups: dict[str, list[Record]] = {}
    for r in recs:
        groups.setdefault(r.kind, []).append(r)
    for cls in RECORD_TYPES:
        if cls.kind in groups:
            yield cls, groups[cls.kind]


def write_csv_folder(recs: Iterable[Record], folder: Path) -> dict[str, int]:
    """One CSV file per kind in ``folder`` (``document.csv``, ``event.csv``, ...), each with that
    kind's columns in the format's order; lists and objects as JSON text. Returns records per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for cls, group in by_kind(recs):
        with open(folder / f"{cls.kind}.csv", "w", encoding="utf-8", newline="") as fh:
            w = CsvWriter(fh, list(cls.columns()))
            w.writeheader()
            for r in group:
                w.writerow(r.as_dict())
        counts[cls.kind] = len(group)
    return counts


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}
