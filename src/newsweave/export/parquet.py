"""Records as typed Parquet files, one per kind (``document.parquet``, ``event.parquet``, ...).

Each file's columns are its kind's fields in the format's order, typed from the record classes:
text as strings, counts and offsets as integers, flags as booleans, lists of ids as lists of
strings, and the nested lists (an event's sources, its conflicts, the followers each source
reported) as lists of structs, so pandas, DuckDB or Spark read them without parsing JSON. A
conflict's values are written as text: a field's values differ in type from field to field
(followers are numbers, dates text).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..records import Record
from .writers import by_kind

if typing.TYPE_CHECKING:
    import pyarrow as pa


def _nested() -> dict[tuple[str, str], pa.DataType]:
    """The nested fields' types (kind, field) -> Arrow type, as docs/schema.md describes them."""
    import pyarrow as pa

    ids = pa.list_(pa.string())
    return {
        ("event", "sources"): pa.list_(pa.struct([("doc_id", pa.string()), ("outlet", pa.string()),
                                                  ("evidence", pa.string()), ("copy_of", pa.string())])),
        ("event", "conflicts"): pa.list_(pa.struct([("field", pa.string()), ("values", pa.list_(pa.struct(
            [("value", pa.string()), ("doc_ids", ids)])))])),
        ("event", "followers_reported"): pa.list_(pa.struct([("value", pa.int64()), ("approx", pa.bool_()),
                                                             ("doc_ids", ids)])),
    }


def _arrow_type(kind: str, name: str, hint: Any) -> pa.DataType:
    import pyarrow as pa

    nested = _nested()
    if (kind, name) in nested:
        return nested[(kind, name)]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return _arrow_type(kind, name, args[0])
    if typing.get_origin(hint) is list and args == [str]:
        return pa.list_(pa.string())
    scalar = {str: pa.string(), int: pa.int64(), bool: pa.bool_(), float: pa.float64()}
    if hint in scalar:
        return scalar[hint]
    raise TypeError(f"{kind}.{name}: no Parquet type for {hint!r}; add it to newsweave.export.parquet")


def arrow_schema(cls: type[Record]) -> pa.Schema:
    """The Parquet schema of one kind: ``kind`` first, then its fields in the format's order."""
    import pyarrow as pa

    hints = typing.get_type_hints(cls)
    written = set(cls.columns())
    return pa.schema([("kind", pa.string()), *((f.name, _arrow_type(cls.kind, f.name, hints[f.name]))
                                               for f in fields(cls) if f.name in written)])


def _row(rec: Record, columns: list[str]) -> dict[str, Any]:
    values = rec.as_dict()
    if rec.kind == "event":
        values["conflicts"] = [{"field": c["field"], "values": [{"value": str(v["value"]), "doc_ids": v["doc_ids"]}
                                                                for v in c["values"]]} for c in values["conflicts"]]
    return {c: values.get(c) for c in columns}


def write_parquet_folder(recs: Iterable[Record], folder: Path) -> dict[str, int]:
    """One Parquet file per kind in ``folder``; returns records per kind (kinds without records
    get no file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for cls, group in by_kind(recs):
        schema = arrow_schema(cls)
        pq.write_table(pa.Table.from_pylist([_row(r, schema.names) for r in group], schema=schema),
                       folder / f"{cls.kind}.parquet")
        counts[cls.kind] = len(group)
    return counts
