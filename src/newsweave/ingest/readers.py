"""Readers: one input file's bytes in, :class:`~newsweave.article.Article` objects (or one
:class:`~newsweave.errors.InputError` per bad file or row) out."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import InputError
from .decode import (
    CSV_EXT,
    HTML_EXT,
    JSON_EXT,
    JSONL_EXT,
    PARQUET_EXT,
    TEXT_EXT,
    check_type,
    decode,
)
from .fields import FIELD_NAMES, pick
from .sources import InputFile

HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html\b|<head\b|<body\b|<\?xml[^>]*>\s*<html)", re.I)
JSON_CONTAINERS = ("articles", "data", "items", "records", "docs", "documents", "results")


#: a row that holds a NUL (a zero byte: a file cut short, or padded, as it was written)
NUL_ROW = "holds a NUL character (a zero byte, as a file damaged in writing has); the row is not read"


def read_input(f: InputFile, data: bytes) -> Iterator[Article | InputError]:
    """The articles in one file (or standard input, read as JSONL), and its problems: a bad row
    as an InputError naming it; a file whose parts disagree on their encoding, a warning
    (``kind`` "warning") after its articles."""
    suffix = "" if f.source == "stdin" else Path(f.source).suffix.lower()
    if suffix in PARQUET_EXT or data[:4] == b"PAR1":
        yield from _parquet(f.source, data)
        return
    check_type(data, f.source, suffix)
    decoded = decode(data, f.source, rows=f.source == "stdin" or suffix in JSONL_EXT | CSV_EXT)
    yield from _read_text(f, suffix, decoded.text, decoded.encoding)
    if decoded.warning:
        yield InputError(f.source, decoded.warning, kind="warning")


def _read_text(f: InputFile, suffix: str, text: str, enc: str) -> Iterator[Article | InputError]:
    kind = _kind(suffix, text, f.source)
    if kind == "html":
        yield Article(f.source, "html", text, encoding=enc)
    elif kind == "text":
        yield Article(f.source, "text", text, encoding=enc)
    elif kind == "jsonl":
        yield from _jsonl(f.source, text, enc)
    elif kind == "json":
        yield from _json(f.source, text, enc)
    else:
        yield from _csv(f.source, text, enc, delimiter="\t" if suffix == ".tsv" else None)


def _kind(suffix: str, text: str, source: str) -> str:
    if source == "stdin" or suffix in JSONL_EXT:
        return "jsonl"
    if suffix in JSON_EXT:
        return "json"
    if suffix in CSV_EXT:
        return "csv"
    if suffix in HTML_EXT or HTML_SNIFF.match(text[:2000]):
        return "html"
    if suffix not in TEXT_EXT:  # an unknown extension: look at the content
        first = next((ln for ln in text.split("\n") if ln.strip()), "")
        if first.lstrip().startswith("{"):
            try:
                if isinstance(json.loads(first), dict):
                    return "jsonl"
            except ValueError:
                pass
    return "text"


def row_article(source: str, row: Any, rownum: int, encoding: str | None) -> Article:
    """One dump row as an article: ``source`` becomes ``<path>#<id>`` (else the row number)."""
    if not isinstance(row, dict):
        raise InputError(source, f"not a JSON object but {type(row).__name__}; each row must be an object", row=rownum)
    text, _ = pick(row, "text")
    if not text:
        names = ", ".join(FIELD_NAMES["text"][:5])
        raise InputError(source, f"no text: the row has none of the fields {names}, ... or it is empty", row=rownum)
    rid, _ = pick(row, "id")
    clean = {str(k): v for k, v in row.items() if k is not None}
    if None in row:  # a CSV row with more cells than the header has names
        clean["_extra_cells"] = row[None]
    # a lone surrogate ("\ud800" in JSON) becomes U+FFFD there (newsweave.chars, the Article's door)
    raw = json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)
    return Article(f"{source}#{rid or rownum}", "record", raw, encoding=encoding)


def _rows(source: str, rows: Iterator[tuple[int, Any]], enc: str | None) -> Iterator[Article | InputError]:
    for n, row in rows:
        try:
            yield row_article(source, row, n, enc)
        except InputError as err:
            yield err


#: why a JSON value nested thousands deep is not read (Python's parser recurses: a RecursionError)
DEEP_JSON = "nested too deeply to read (a JSON value inside thousands of arrays or objects)"
#: the deepest nesting read: far beyond any article row's, far below what recursion over it can take
MAX_JSON_DEPTH = 100


def _loads(source: str, text: str, row: int | None = None) -> Any:
    """``json.loads``, its failures as the input's (a RecursionError too), and a value nested
    deeper than MAX_JSON_DEPTH refused (reading its fields would recurse as deep)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError(source, f"not readable JSON: {DEEP_JSON}", row=row) from None
    if _too_deep(value):
        raise InputError(source, f"not readable JSON: {DEEP_JSON}", row=row)
    return value


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests more than MAX_JSON_DEPTH arrays or objects (no recursion)."""
    level: list[Any] = [value]
    for _ in range(MAX_JSON_DEPTH + 1):
        level = [v for x in level if isinstance(x, list | dict) for v in (x.values() if isinstance(x, dict) else x)]
        if not level:
            return False
    return True


def _jsonl(source: str, text: str, enc: str) -> Iterator[Article | InputError]:
    def parsed() -> Iterator[tuple[int, Any]]:
        # rows end at "\n" only: U+2028, U+0085 and the like are characters inside a JSON string
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            if "\x00" in line:
                yield n, InputError(source, NUL_ROW, row=n)
                continue
            try:
                yield n, _loads(source, line, n)
            except json.JSONDecodeError as exc:
                yield n, InputError(source, f"not JSON: {exc.msg} at column {exc.colno}", row=n)
            except InputError as err:
                yield n, err

    for n, row in parsed():
        if isinstance(row, InputError):
            yield row
        else:
            yield from _rows(source, iter([(n, row)]), enc)


def _json(source: str, text: str, enc: str) -> Iterator[Article | InputError]:
    try:
        data = _loads(source, text)
    except json.JSONDecodeError as exc:
        # a .json file may well be JSON Lines
        if exc.msg == "Extra data":
            yield from _jsonl(source, text, enc)
            return
        raise InputError(source, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if isinstance(data, dict):
        inner = next((data[k] for k in JSON_CONTAINERS if isinstance(data.get(k), list)), None)
        data = inner if inner is not None else [data]
    if not isinstance(data, list):
        raise InputError(source, "JSON holds neither an article object nor a list of them")
    yield from _rows(source, enumerate(data, 1), enc)


def _parquet(source: str, data: bytes) -> Iterator[Article | InputError]:
    """A Parquet file's rows, read a row group at a time (a column per field, as in a CSV)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(data))
        names = [n.lower() for n in pf.schema_arrow.names]
    except (pa.ArrowException, OSError) as exc:
        raise InputError(source, f"not a readable Parquet file: {exc}") from exc
    if not any(n in FIELD_NAMES["text"] for n in names):
        shown = ", ".join(pf.schema_arrow.names[:8]) or "nothing"
        raise InputError(source, f"no text column: the file has {shown}; name the article column text, body or content")
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                n += 1
                yield from _rows(source, iter([(n, {k: _plain(v) for k, v in row.items()})]), None)
    except (pa.ArrowException, OSError) as exc:
        yield InputError(source, f"broken Parquet after this row, the rest of the file is not read: {exc}", row=n + 1)


def _plain(value: Any) -> Any:
    """A Parquet cell as JSON can hold it (timestamps and dates become ISO text)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _csv(source: str, text: str, enc: str, delimiter: str | None) -> Iterator[Article | InputError]:
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    if not any(str(h).lower().strip() in FIELD_NAMES["text"] for h in header):
        shown = ", ".join(header[:8]) or "nothing"
        raise InputError(source, f"no text column: the header has {shown}; name the article column text, body or content")
    n = 0
    try:
        for n, row in enumerate(reader, 1):
            if any("\x00" in str(v) for v in row.values() if v):
                yield InputError(source, NUL_ROW, row=n)
                continue
            yield from _rows(source, iter([(n, row)]), enc)
    except csv.Error as exc:
        yield InputError(source, f"broken CSV after this row, the rest of the file is not read: {exc}", row=n + 1)
