"""Hostile input, generated (Hypothesis): random Unicode with lone surrogates (as JSON escapes),
control characters, NUL, bidi and zero-width characters, deep nesting, CSV with odd quoting, files
of random bytes, files mixing UTF-8 and cp1252. Through the readers (fast, many examples): no
exception but an InputError escapes, every article is storable, every good row read and every bad
one a problem naming its row. Through the pipeline and the store (few examples): the batch goes
on, every good row stored, every bad one a named problem, nothing an internal error."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.article import Article
from newsweave.chars import BIDI_CONTROLS, ZERO_WIDTH
from newsweave.errors import InputError
from newsweave.ingest.readers import MAX_JSON_DEPTH, read_input
from newsweave.ingest.sources import InputFile

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."
SPECIALS = ZERO_WIDTH + BIDI_CONTROLS + "\u200c\u200d\u2028\u2029\u0085\x00\x1b\x7f\ufffd\u0301\u094d\r\t\"',;|\\{}[]"
INVISIBLE = set(ZERO_WIDTH + BIDI_CONTROLS)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: any code point, lone surrogates included, and the characters that broke readers before
hostile_text = st.text(st.one_of(st.characters(blacklist_categories=()), st.sampled_from(SPECIALS)), max_size=60)
#: text a reader must keep: no NUL and no C0 controls but tab (a file of them is binary), no surrogates
#: (UTF-8 cannot hold them in a file: JSON writes them as escapes)
kept_text = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(
    ZERO_WIDTH + BIDI_CONTROLS + "\u200c\u200d\u2028\u2029\u0301\u094d\t\"',;|\\{}[]")), max_size=60)
deep = st.integers(min_value=MAX_JSON_DEPTH + 1, max_value=5_000).map(lambda n: "[" * n + "]" * n)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                          max_leaves=8)


def read(name: str, data: bytes) -> list[Article | InputError]:
    """Every item the reader gives; a whole-file InputError as the one item."""
    f = InputFile(Path(name), name)
    try:
        return list(read_input(f, data))
    except InputError as err:
        return [err]


def storable(items: list[Article | InputError], source: str) -> None:
    """What a reader gives can be stored: UTF-8 text, no invisible controls, named after its file."""
    for it in items:
        if isinstance(it, Article):
            it.raw.encode("utf-8")
            it.source.encode("utf-8")
            assert it.source == source or it.source.startswith(f"{source}#"), it.source
            assert not INVISIBLE & set(it.raw), it.raw
        else:
            assert it.source == source, it.source
            it.reason.encode("utf-8")


# -- rows with a known verdict -------------------------------------------------------------------
@st.composite
def jsonl_rows(draw) -> tuple[bytes, list[str], list[int]]:
    """(a JSON Lines file, the sources of its good rows, the row numbers of its bad ones)."""
    kinds = draw(st.lists(st.sampled_from(["good", "good", "good", "garbage", "no_text", "not_object", "deep", "nul",
                                           "blank"]), min_size=1, max_size=12))
    lines, good, bad = [], [], []
    for n, kind in enumerate(kinds, 1):
        if kind == "good":  # a surrogate, control character or any other is written as JSON escapes
            extra = draw(st.dictionaries(st.sampled_from(["title", "byline", "outlet", "published", "x"]), json_value,
                                         max_size=3))
            lines.append(json.dumps({**extra, "id": f"r{n}", "text": f"Report {n}. {BODY} {draw(hostile_text)}"}))
            good.append(f"d.jsonl#r{n}")
            continue
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
            continue
        bad.append(n)
        if kind == "garbage":
            lines.append("{" + draw(kept_text).replace("\n", " "))
        elif kind == "no_text":
            lines.append(json.dumps({"id": f"r{n}", "title": draw(hostile_text), "text": draw(st.sampled_from(["", " "]))}))
        elif kind == "not_object":
            lines.append(json.dumps(draw(st.lists(json_value, max_size=3) | st.integers() | hostile_text)))
        elif kind == "deep":
            lines.append('{"text": ' + draw(deep) + "}")
        else:
            lines.append(json.dumps({"id": f"r{n}", "text": BODY})[:-2] + '\x00"}')
    return "\n".join(lines).encode("utf-8"), good, bad


@given(jsonl_rows())
@FAST
def test_fuzz_jsonl_every_good_row_read_every_bad_one_named(case):
    data, good, bad = case
    items = read("d.jsonl", data)
    storable(items, "d.jsonl")
    if not data.strip():  # blank lines only
        assert [(e.row, e.reason[:10]) for e in items if isinstance(e, InputError)] == [(None, "empty file")]
        return
    assert [a.source for a in items if isinstance(a, Article)] == good
    assert [e.row for e in items if isinstance(e, InputError)] == bad


@st.composite
def csv_rows(draw) -> tuple[bytes, list[str], list[int]]:
    """(a CSV file with odd quoting, its good rows' sources, its bad rows' numbers)."""
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    kinds = draw(st.lists(st.sampled_from(["good", "good", "no_text", "nul"]), min_size=1, max_size=10))
    out = io.StringIO()
    w = csv.writer(out, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    w.writerow(["id", "text", "title"])
    good, bad = [], []
    for n, kind in enumerate(kinds, 1):
        title = draw(kept_text)
        if kind == "good":
            w.writerow([f"r{n}", f"Report {n}. {BODY} {draw(kept_text)}", title])
            good.append(f"d.csv#r{n}")
        else:
            bad.append(n)
            w.writerow([f"r{n}", " " if kind == "no_text" else f"Report {n}\x00{BODY}", title])
    return out.getvalue().encode("utf-8"), good, bad


@given(csv_rows())
@FAST
def test_fuzz_csv_every_good_row_read_every_bad_one_named(case):
    data, good, bad = case
    items = read("d.csv", data)
    storable(items, "d.csv")
    assert [a.source for a in items if isinstance(a, Article)] == good
    assert [e.row for e in items if isinstance(e, InputError)] == bad


# -- anything at all -----------------------------------------------------------------------------
NAMES = ["a.txt", "a.html", "a.json", "a.jsonl", "a.csv", "a.tsv", "a.parquet", "a", "a.dat"]


@given(st.sampled_from(NAMES), st.one_of(
    st.binary(max_size=400),
    hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(json_value, max_size=5).map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode()),
    json_value.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    kept_text.map(lambda t: t.encode("utf-16-le")), kept_text.map(lambda t: t.encode("utf-16-be")),
))
@FAST
def test_fuzz_any_bytes_only_input_errors_escape(name, data):
    storable(read(name, data), name)


@st.composite
def mixed_file(draw) -> tuple[bytes, str, bool]:
    """(bytes of UTF-8 and cp1252 segments, the text they spell, whether both encodings are there)."""
    latin = st.text(st.sampled_from("abc XYZ.,\n"), max_size=8)
    accents = st.text(st.sampled_from("ÀÉÍÑÓÚàáçèéíñóöúü"), min_size=1, max_size=3)  # each byte >= 0xC0 in cp1252
    parts = draw(st.lists(st.tuples(st.sampled_from(["utf-8", "cp1252"]), latin, accents, latin), min_size=1, max_size=8))
    data, text = b"", ""
    for enc, a, b, c in parts:
        piece = a + ("€" if enc == "utf-8" else "") + b + c  # a UTF-8 part holds a character cp1252 would not spell so
        data += piece.encode(enc)
        text += piece
    encs = {enc for enc, *_ in parts}
    utf8_parts = sum(enc == "utf-8" for enc, *_ in parts)
    return data, text, encs == {"utf-8", "cp1252"} and utf8_parts * 3 >= len(parts) - utf8_parts


@given(mixed_file())
@FAST
def test_fuzz_mixed_encodings_read_as_written(case):
    data, text, mixed = case
    items = read("m.txt", data)
    storable(items, "m.txt")
    if mixed:
        article, warning = items
        assert isinstance(article, Article) and article.raw == Article("m.txt", "text", text).raw
        assert isinstance(warning, InputError) and warning.kind == "warning" and "cp1252" in warning.reason


# -- through the pipeline and the store ----------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    """One database for every example (opening one costs a second): each example's files have
    names of their own."""
    from newsweave.store import open_store

    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'f.db'}")
    yield s
    s.engine.dispose()


_runs = iter(range(1_000_000))


def _check_pipeline(store, case_jsonl, case_csv, junk, nlp):
    from newsweave.pipeline.runner import Ingest

    (jdata, jgood, jbad), (cdata, cgood, cbad) = case_jsonl, case_csv
    k = next(_runs)
    names = {"d.jsonl": f"j{k}.jsonl", "d.csv": f"c{k}.csv", "junk.txt": f"junk{k}.txt"}
    good = [s.replace(s.split("#")[0], names[s.split("#")[0]], 1) for s in jgood + cgood]
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (("d.jsonl", jdata), ("d.csv", cdata), ("junk.txt", junk)):
            salted = data.replace(b"Report ", f"Report {k}-".encode())  # no content an earlier example stored
            (Path(tmp) / names[name]).write_bytes(salted if name != "junk.txt" else data)
        runner = Ingest(store, nlp=nlp)
        summary = runner.run(runner.plan([tmp]))
    mine = set(names.values())
    stored = [d["source"] for d in store.iter_documents(columns=("source",)) if d["source"].split("#")[0] in mine]
    problems = [p for p in store.problems_list() if p["source"] in mine]
    assert not [p for p in problems if "internal error" in p["reason"] or "refused" in p["reason"]], problems
    named = {(p["source"], p["row"]) for p in problems}
    assert {(names["d.jsonl"], n) for n in jbad} | {(names["d.csv"], n) for n in cbad} <= named
    # every good row stored, or (the cleaner found no article in it) a problem naming it
    for source in good:
        assert source in stored or (source, None) in named, (source, problems)
    assert sorted(s for s in stored if s != names["junk.txt"]) == sorted(s for s in good if s in stored)
    assert summary.files == 3


@given(jsonl_rows(), csv_rows(), st.binary(max_size=200))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_fuzz_ingest_without_nlp_stores_the_good_names_the_bad(fuzz_store, case_jsonl, case_csv, junk):
    _check_pipeline(fuzz_store, case_jsonl, case_csv, junk, nlp=False)


@pytest.mark.slow
@given(jsonl_rows(), csv_rows(), st.binary(max_size=200))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_fuzz_ingest_through_the_whole_pipeline(fuzz_store, case_jsonl, case_csv, junk):
    _check_pipeline(fuzz_store, case_jsonl, case_csv, junk, nlp=True)
