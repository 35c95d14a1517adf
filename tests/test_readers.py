"""Readers: text, HTML, JSONL/JSON, CSV/TSV, stdin; encodings and mojibake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.errors import InputError, SkippedInput
from newsweave.ingest.decode import decode
from newsweave.ingest.readers import read_input
from newsweave.ingest.sources import InputFile, iter_inputs

from conftest import write

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."

HTML = """<!DOCTYPE html><html><head><title>Leader Resigns From Party - The Courier</title>
<meta property="og:site_name" content="The Courier">
<meta property="article:published_time" content="2026-03-14T18:05:00+05:30">
<meta name="author" content="Meera Das">
<meta property="og:url" content="https://courier.example/politics/leader-resigns">
</head><body><nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<article><h1>Leader Resigns From Party</h1>
<p>PATNA: The state unit chief resigned from the party on Friday, citing differences with the leadership.</p>
<p>He said he would announce his next step after consulting his supporters over the coming week.</p>
<p>Party leaders in the capital said they had tried to persuade him to stay but had failed to do so.</p>
</article><aside><h3>Related stories</h3><ul><li><a href="/x">Another story</a></li></ul></aside>
<footer>© 2026 Courier Media. All rights reserved.</footer></body></html>"""


def read(path: Path, root: Path | None = None):
    root = root or path.parent
    return list(read_input(InputFile(path, path.relative_to(root).as_posix()), path.read_bytes()))


def test_readers_plain_text(tmp_path):
    [a] = read(write(tmp_path / "a.txt", BODY))
    assert a.fmt == "text" and a.source == "a.txt" and a.raw == BODY and len(a.doc_id) == 16


def test_readers_html_through_trafilatura(tmp_path, pipeline):
    [a] = read(write(tmp_path / "page.html", HTML))
    a = pipeline(a)
    assert a.title == "Leader Resigns From Party"
    assert a.outlet == "The Courier"
    assert a.byline == "Meera Das"
    assert a.published == "2026-03-14T18:05:00+05:30"
    assert a.dateline == "Patna"
    assert "consulting his supporters" in a.text
    assert "Another story" not in a.text and "All rights reserved" not in a.text
    assert a.url == "https://courier.example/politics/leader-resigns"


def test_readers_html_sniffed_without_extension(tmp_path):
    [a] = read(write(tmp_path / "saved_page", HTML))
    assert a.fmt == "html"


def test_readers_jsonl_rows_named_by_id_or_row(tmp_path, pipeline):
    rows = [{"id": "x1", "headline": "T1", "body": BODY, "published": "2026-03-14T10:00:00+05:30",
             "newspaper_name": "The Courier", "url": "https://courier.example/a", "section": "politics"},
            {"content": BODY + " More.", "source": {"id": "c", "name": "Daily Lamp"}}]
    p = write(tmp_path / "d" / "dump.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    a, b = read(p, tmp_path)
    assert a.source == "d/dump.jsonl#x1" and b.source == "d/dump.jsonl#2"
    a = pipeline(a)
    assert (a.title, a.outlet, a.published, a.url) == ("T1", "The Courier", "2026-03-14T10:00:00+05:30",
                                                       "https://courier.example/a")
    assert a.meta == {"section": "politics"}
    assert pipeline(b).outlet == "Daily Lamp"


def test_readers_json_array_and_container(tmp_path):
    arr = read(write(tmp_path / "a.json", json.dumps([{"text": BODY}, {"text": BODY + " 2"}])))
    box = read(write(tmp_path / "b.json", json.dumps({"articles": [{"text": BODY}]})))
    assert [x.source for x in arr] == ["a.json#1", "a.json#2"] and len(box) == 1


def test_readers_csv_and_tsv(tmp_path, pipeline):
    c = read(write(tmp_path / "a.csv", f'id,title,text,date,extra\n7,Hello,"{BODY}",2026-03-14,x\n'))
    t = read(write(tmp_path / "b.tsv", f"title\tarticle\nHi\t{BODY}\n"))
    assert c[0].source == "a.csv#7" and t[0].source == "b.tsv#1"
    a = pipeline(c[0])
    assert a.published == "2026-03-14" and a.meta == {"extra": "x"}


def test_readers_row_problems_named_with_row(tmp_path):
    out = read(write(tmp_path / "d.jsonl", f'{{"text": "{BODY}"}}\n{{oops\n{{"title": "x"}}\n[1]\n'))
    assert not isinstance(out[0], InputError)
    errs = [(e.row, e.reason.split(":")[0]) for e in out[1:]]
    assert errs == [(2, "not JSON"), (3, "no text"), (4, "not a JSON object but list; each row must be an object")]


def test_readers_stdin_is_jsonl():
    [a] = list(read_input(InputFile(Path("-"), "stdin"), json.dumps({"id": 5, "text": BODY}).encode()))
    assert a.source == "stdin#5"


@pytest.mark.parametrize("data, enc", [
    ("Café owners said the minister’s plan was late.".encode("cp1252"), "cp1252"),
    ("\ufeffThe minister’s plan.".encode("utf-8"), "utf-8-sig"),
    ("The minister’s plan was late.".encode("utf-16"), "utf-16"),
])
def test_decode_encodings(data, enc):
    d = decode(data, "x.txt")
    assert "minister’s plan" in d.text and not d.text.startswith("\ufeff")


def test_readers_mojibake_repaired(process):
    broken = "The minister said he wonâ€™t quit. â€œWe stay,â€\x9d he told reporters in Patna on Tuesday."
    a = process(broken)
    assert "won’t quit" in a.text and "“We stay,”" in a.text


@pytest.mark.parametrize("name, data", [("x.pdf", b"%PDF-1.7 ..."), ("x.bin", b"\x89PNG\r\n\x1a\nabc"),
                                        ("x.docx", b"PK\x03\x04abc"), ("photo.jpg", b"not really")])
def test_readers_unsupported_types_skipped(tmp_path, name, data):
    with pytest.raises(SkippedInput):
        read(write(tmp_path / name, data))


def test_sources_walk_recursive_sorted_hidden_skipped(tmp_path):
    write(tmp_path / "b" / "2.txt", BODY)
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / ".hidden" / "x.txt", BODY)
    write(tmp_path / ".x.txt", BODY)
    got = [i.source for i in iter_inputs([str(tmp_path)])]
    assert got == ["a.txt", "b/2.txt"]


def test_sources_loops_and_missing(tmp_path):
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    got = {i.source: i.reason for i in iter_inputs([str(tmp_path), str(tmp_path / "nope.txt")]) if isinstance(i, InputError)}
    assert "loop" in got["l1"] and "loop" in got["l2"] and "loop" in got["sub/up"]
    assert "broken symbolic link" in got["dangling.txt"]
    assert got[str(tmp_path / "nope.txt")] == "no such file or directory"


def test_readers_expected_documents_of_a_dump_for_progress(tmp_path):
    from newsweave.ingest.sources import InputFile, expected_documents

    (tmp_path / "a.jsonl").write_text("".join(f'{{"text": "row {i}"}}\n' for i in range(40)), encoding="utf-8")
    (tmp_path / "b.csv").write_text("title,text\n" + "".join(f"t{i},row {i}\n" for i in range(7)), encoding="utf-8")
    (tmp_path / "c.txt").write_text("one article\nof two lines\n", encoding="utf-8")
    got = {n: expected_documents(InputFile(tmp_path / n, n)) for n in ("a.jsonl", "b.csv", "c.txt")}
    assert got == {"a.jsonl": 40, "b.csv": 7, "c.txt": 1}


def test_readers_progress_is_told_of_documents_a_batch_at_a_time(store, tmp_path):
    from newsweave.pipeline.runner import BATCH, Ingest

    rows = "".join(f'{{"id": "r{i}", "text": "Short report number {i} about the weather in the hills."}}\n'
                   for i in range(BATCH + 8))
    (tmp_path / "d.jsonl").write_text(rows, encoding="utf-8")
    runner = Ingest(store, nlp=False)
    told: list[int] = []
    summary = runner.run(runner.plan([str(tmp_path / "d.jsonl")]), advance=told.append)
    assert told == [BATCH, 8] and len(summary.added) == BATCH + 8


def test_readers_jsonl_rows_end_at_newline_only(tmp_path):
    rows = [{"id": "a", "text": f"{BODY}\u2028A second line.\u0085"}, {"id": "b", "text": BODY}]
    p = write(tmp_path / "d.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    got = read(p)
    assert [a.source for a in got] == ["d.jsonl#a", "d.jsonl#b"]  # neither split, numbered as written
    bad = write(tmp_path / "e.jsonl", json.dumps(rows[0], ensure_ascii=False) + "\n{oops\n")
    [_, err] = read(bad)
    assert isinstance(err, InputError) and err.row == 2


def test_readers_lone_surrogate_becomes_a_replacement_character(tmp_path, pipeline):
    p = write(tmp_path / "d.jsonl", '{"id": "a", "text": "' + BODY + ' \\ud800 end"}\n')
    [a] = read(p)
    a.raw.encode("utf-8")  # storable
    assert "\ufffd" in a.raw
    assert "\ufffd" in pipeline(a).text


def test_readers_json_nested_too_deep_is_the_files_problem(tmp_path):
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        read(deep)
    rows = write(tmp_path / "rows.jsonl", json.dumps({"id": "a", "text": BODY}) + "\n"
                 + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    got = read(rows)
    assert got[0].source == "rows.jsonl#a"
    assert isinstance(got[1], InputError) and got[1].row == 2 and "nested too deeply" in got[1].reason


def test_readers_deep_json_file_recorded_and_the_batch_goes_on(cli, tmp_path):
    write(tmp_path / "in" / "a.txt", f"A Headline | SWS\n\nPATNA: {BODY}")
    write(tmp_path / "in" / "deep.json", "[" * 100_000 + "]" * 100_000)
    res = cli("ingest", "--silent", "--json", str(tmp_path / "in"))
    assert res.exit_code == 1, res.output  # one input failed
    assert "deep.json" in res.stderr and "nested too deeply" in res.stderr
    assert [d["source"] for d in cli.records()] == ["a.txt"]
    assert any("nested too deeply" in p["reason"] for p in json.loads(cli("problems", "--json").stdout))


def test_readers_nul_in_a_row_is_that_rows_problem(tmp_path):
    csv_file = write(tmp_path / "d.csv", f'id,text\n1,"{BODY}"\n2,"Bro\x00ken"\n3,"{BODY} Three."\n')
    got = read(csv_file)
    assert [a.source for a in got if not isinstance(a, InputError)] == ["d.csv#1", "d.csv#3"]
    [err] = [e for e in got if isinstance(e, InputError)]
    assert err.row == 2 and "NUL" in err.reason
    with pytest.raises(InputError, match="binary data"):
        read(write(tmp_path / "t.txt", f"{BODY}\x00"))


def test_readers_mixed_encoding_warning_after_the_articles(tmp_path):
    p = write(tmp_path / "m.txt", "Café on line one.\n".encode() + "Señor on line two.\n".encode("cp1252"))
    article, warning = read(p)
    assert article.raw == "Café on line one.\nSeñor on line two.\n" and article.encoding == "utf-8+cp1252"
    assert isinstance(warning, InputError) and warning.kind == "warning" and warning.source == "m.txt"


def test_sources_several_paths_named_relative_to_the_folder_holding_them(tmp_path):
    for folder in ("dirA", "dirB", "deep/dirC"):
        write(tmp_path / folder / "x.txt", BODY)
    got = [i.source for i in iter_inputs([str(tmp_path / "dirA"), str(tmp_path / "dirB"), str(tmp_path / "deep")])]
    assert got == ["dirA/x.txt", "dirB/x.txt", "deep/dirC/x.txt"]
    assert [i.source for i in iter_inputs([str(tmp_path / "dirA")])] == ["x.txt"]  # one folder: as before
    assert [i.source for i in iter_inputs([str(tmp_path / "dirA" / "x.txt"), str(tmp_path / "dirB" / "x.txt")])] == \
        ["dirA/x.txt", "dirB/x.txt"]


def test_sources_undecodable_file_name_escaped_and_read(tmp_path):
    import os

    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(BODY)
    [f] = list(iter_inputs([str(tmp_path)]))
    assert f.source == "bad\\xff.txt"
    [a] = list(read_input(f, f.path.read_bytes()))
    assert a.source == "bad\\xff.txt" and a.raw == BODY
