"""A folder of broken files mixed with good ones: every broken one reported with its reason, every
good one stored, the exit status as documented, the database intact, a re-run adds nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import consistent, write

GOOD = "The state unit chief resigned from the party on Friday, citing differences with the leadership."


def make_folder(root: Path) -> dict[str, str]:
    """Write the mixed folder; returns {source: expected reason fragment} for the bad ones."""
    write(root / "good1.txt", f"Leader Quits Party Over Differences | SWS\n\nPATNA: {GOOD}")
    write(root / "nested" / "good2.html", f"<html><head><title>Leader quits</title></head><body><article>"
          f"<p>{GOOD}</p><p>He said he would decide on his next step after talking to supporters this week.</p>"
          "</article></body></html>")
    write(root / "good3.jsonl", json.dumps({"id": "ok", "text": GOOD + " Again."}) + "\n{broken json\n"
          + json.dumps({"id": "nt", "title": "no text"}) + "\n")
    write(root / "good4.csv", f'id,title,text\n1,T,"{GOOD} Third."\n')
    write(root / "empty.txt", "")
    write(root / "blank.txt", "  \n\n \t")
    write(root / "binary.txt", b"\x00\x01\x02 some \x00 bytes")
    write(root / "huge.txt", "word " * 300_000)  # 1.5 MB, over the 1 MB limit the test sets
    write(root / "undecodable.txt", bytes(range(0x80, 0x100)) * 20)
    write(root / "broken.html", "<html><head><title>t</title></head><body><script>var x = 1;</script>")
    write(root / "scan.pdf", b"%PDF-1.5\n%binary")
    write(root / "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / "nocol.csv", "id,title\n1,hello\n")
    os.symlink(root / "loop_b", root / "loop_a")
    os.symlink(root / "loop_a", root / "loop_b")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    (root / "sub").mkdir()
    os.symlink(root, root / "sub" / "back")
    return {
        "empty.txt": "empty file", "blank.txt": "empty file", "binary.txt": "binary data",
        "huge.txt": "too large", "undecodable.txt": "undecodable", "broken.html": "HTML",
        "good3.jsonl": "not JSON", "nocol.csv": "no text column", "loop_a": "symbolic link loop",
        "loop_b": "symbolic link loop", "dangling.txt": "broken symbolic link", "sub/back": "loop",
        "scan.pdf": "PDF", "photo.png": "PNG",
    }


def test_bad_inputs_reported_good_ones_stored(cli, db_url, tmp_path):
    bad = make_folder(tmp_path / "in")
    res = cli("ingest", "--silent", "--json", "--max-size", "1MB", str(tmp_path / "in"))
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    for source, reason in bad.items():
        hits = [ln for ln in lines if f" {source}" in ln]
        assert hits, f"{source} not reported"
        assert any(reason in ln for ln in hits), (source, hits)
    assert any("good3.jsonl (row 3): no text" in ln for ln in lines)
    summary = json.loads(res.stdout)
    assert summary["added"] == 4
    assert {s["source"] for s in summary["skipped"]} == {"scan.pdf", "photo.png"}
    sources = {r["source"] for r in cli.records()}
    assert sources == {"good1.txt", "nested/good2.html", "good3.jsonl#ok", "good4.csv#1"}
    problems = json.loads(cli("problems", "--json").stdout)
    assert {p["source"] for p in problems} >= set(bad)
    assert consistent(db_url)

    # the same folder again: nothing added, nothing changed
    before_docs = cli.records()
    before_problems = len(problems)
    again = cli("ingest", "--silent", "--json", "--max-size", "1MB", str(tmp_path / "in"))
    assert again.exit_code == 1
    assert json.loads(again.stdout)["added"] == 0
    assert cli.records() == before_docs
    assert len(json.loads(cli("problems", "--json").stdout)) == before_problems
    assert consistent(db_url)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_bad_inputs_unreadable_file(cli, tmp_path):
    p = write(tmp_path / "in" / "secret.txt", GOOD)
    p.chmod(0)
    res = cli("ingest", "--silent", str(tmp_path / "in"))
    assert res.exit_code == 1 and "permission denied" in res.stderr.lower()


def test_bad_inputs_unreadable_file_reported(cli, tmp_path, monkeypatch):
    """Whoever runs the tests (root reads anything), a read error is reported, not raised."""
    write(tmp_path / "in" / "secret.txt", GOOD)
    write(tmp_path / "in" / "fine.txt", GOOD + " Fine.")
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    res = cli("ingest", "--silent", str(tmp_path / "in"))
    assert res.exit_code == 1
    assert "failed: secret.txt: cannot read: Permission denied" in res.stderr
    assert [r["source"] for r in cli.records()] == ["fine.txt"]


# -- issue 16: each hostile case, the batch goes on, the good stored, the bad named, a re-run the same --
def _ingest_twice(cli, *paths: str, code: int) -> tuple[dict, list[dict], list[dict]]:
    """Ingest ``paths``; check the exit code, and that a second run changes nothing. Returns the
    first summary, the documents and the problems."""
    res = cli("ingest", "--silent", "--json", *paths)
    assert res.exit_code == code, res.output
    docs = cli.records()
    problems = json.loads(cli("problems", "--json").stdout)
    again = cli("ingest", "--silent", "--json", *paths)
    assert again.exit_code == code and json.loads(again.stdout)["added"] == 0
    assert cli.records() == docs
    assert [(p["source"], p["row"], p["reason"]) for p in json.loads(cli("problems", "--json").stdout)] == \
        [(p["source"], p["row"], p["reason"]) for p in problems]
    return json.loads(res.stdout), docs, problems


def test_bad_inputs_file_name_with_invalid_utf8_kept_escaped(cli, db_url, tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.makedirs(folder)
    for name, content in ((b"bad\xff.txt", f"Leader Quits | SWS\n\nPATNA: {GOOD}"), (b"empty\xfe.txt", ""),
                          (b"good.txt", f"PATNA: {GOOD} Again.")):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
            fh.write(content)
    summary, docs, problems = _ingest_twice(cli, str(tmp_path / "in"), code=1)
    assert summary["added"] == 2
    assert sorted(d["source"] for d in docs) == ["bad\\xff.txt", "good.txt"]
    assert [(p["source"], p["reason"]) for p in problems] == [("empty\\xfe.txt", "empty file")]
    assert consistent(db_url)


def test_bad_inputs_zero_width_and_bidi_make_no_other_person(cli, tmp_path):
    rows = [{"id": "a", "text": "PATNA: Congress leader Ramesh\u200b Kumar resigned from the party on Friday, citing "
                                "differences with the leadership. Kumar said he would decide his next step soon."},
            {"id": "b", "text": "PATNA: Ramesh Kumar joined the Lok Vikas Party on Sunday in the presence of its "
                                "state president. Kumar said workers had been ignored by the Congress."},
            {"id": "c", "text": "PATNA: Former minister Ramesh\u202e Kumar\u202c addressed a rally on Monday in the "
                                "state capital. Ramesh\u2066 Kumar\u2069 said the party would contest every seat."}]
    write(tmp_path / "d.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    _, docs, _ = _ingest_twice(cli, str(tmp_path / "d.jsonl"), code=0)
    assert len(docs) == 3 and all("Ramesh Kumar" in d["text"] for d in docs)
    people = [e for e in cli.records(kind="entity") if e["type"] == "PERSON"]
    assert [(p["name"], sorted(p["aliases"]), len(p["doc_ids"])) for p in people] == [("Ramesh Kumar", ["Kumar"], 3)]


def test_bad_inputs_mixed_encodings_read_part_by_part_with_a_warning(cli, tmp_path):
    write(tmp_path / "in" / "mixed.txt", "Café Owners Protest | SWS\n\nPATNA: Café owners met on Monday.\n".encode()
          + "Señor Gómez said the plan was late.\n".encode("cp1252") + f"{GOOD}\n".encode())
    write(tmp_path / "in" / "rows.jsonl", (json.dumps({"id": "u", "text": f"Café. {GOOD}"}, ensure_ascii=False) + "\n"
                                           ).encode() + json.dumps({"id": "w", "text": f"Señor. {GOOD}"},
                                                                   ensure_ascii=False).encode("cp1252"))
    summary, docs, problems = _ingest_twice(cli, str(tmp_path / "in"), code=0)  # a warning is no failure
    text = {d["source"]: d for d in docs}
    assert "Señor Gómez" in text["mixed.txt"]["text"] and "Café owners" in text["mixed.txt"]["text"]
    assert "Señor" in text["rows.jsonl#w"]["text"] and "Café" in text["rows.jsonl#u"]["text"]
    assert [(p["kind"], p["source"]) for p in problems] == [("warning", "mixed.txt"), ("warning", "rows.jsonl")]
    assert "line 4 is not UTF-8 and was read as cp1252" in problems[0]["reason"]
    assert "line 2 " in problems[1]["reason"]
    assert [w["source"] for w in summary["warned"]] == ["mixed.txt", "rows.jsonl"]


def test_bad_inputs_utf16_without_bom_is_text(cli, tmp_path):
    write(tmp_path / "in" / "le.txt", f"Leader Quits | SWS\n\nPATNA: {GOOD}".encode("utf-16-le"))
    write(tmp_path / "in" / "be.txt", f"Leader Quits | SWS\n\nPATNA: {GOOD} Again.".encode("utf-16-be"))
    _, docs, problems = _ingest_twice(cli, str(tmp_path / "in"), code=0)
    assert sorted(d["source"] for d in docs) == ["be.txt", "le.txt"]
    assert all(GOOD in d["text"] for d in docs) and problems == []


def test_bad_inputs_nul_in_csv_is_the_rows_problem(cli, tmp_path):
    filler = "x" * 3000  # a column the reader keeps as metadata: rows after the first 64 KB too
    rows = [f'{i},"Report {i}. {GOOD}",{filler}' for i in range(1, 31)]
    rows[1] = rows[1].replace("Report", "Rep\x00ort")
    rows[27] = rows[27].replace("Report", "Rep\x00ort")
    write(tmp_path / "in" / "d.csv", "id,text,notes\n" + "\n".join(rows) + "\n")
    assert len("\n".join(rows[:27])) > 65536
    write(tmp_path / "in" / "d.jsonl", json.dumps({"id": "a", "text": GOOD}) + "\n" + '{"id": "b", "text": "x\x00y"}\n')
    summary, docs, problems = _ingest_twice(cli, str(tmp_path / "in"), code=1)
    assert summary["added"] == 29
    assert [(p["source"], p["row"]) for p in problems] == [("d.csv", 2), ("d.csv", 28), ("d.jsonl", 2)]
    assert all("NUL" in p["reason"] for p in problems)


def test_bad_inputs_two_folders_with_one_file_name_two_sources(cli, tmp_path):
    write(tmp_path / "dirA" / "x.txt", "")
    write(tmp_path / "dirB" / "x.txt", f"PATNA: {GOOD}")
    write(tmp_path / "dirB" / "sub" / "x.txt", f"PATNA: {GOOD} Again.")
    _, docs, problems = _ingest_twice(cli, str(tmp_path / "dirA"), str(tmp_path / "dirB"), code=1)
    assert sorted(d["source"] for d in docs) == ["dirB/sub/x.txt", "dirB/x.txt"]
    assert [(p["source"], p["reason"]) for p in problems] == [("dirA/x.txt", "empty file")]


@pytest.mark.parametrize("failure", ["value", "database"])
def test_bad_inputs_one_article_the_database_refuses_rolls_back_alone(store, tmp_path, monkeypatch, failure):
    from sqlalchemy.exc import IntegrityError

    from newsweave.pipeline.runner import Ingest
    from newsweave.store.db import Store

    for name in ("a", "b", "c"):
        write(tmp_path / "in" / f"{name}.txt", f"PATNA: {GOOD} Report {name}.")
    real = Store._add_rows

    def refuse_b(self, conn, batch):
        out = real(self, conn, batch)  # its rows written, then refused: the savepoint takes them back
        if any(r["document"]["source"] == "b.txt" for r in batch):
            raise ValueError("a value the driver cannot send") if failure == "value" else \
                IntegrityError("INSERT", {}, Exception("refused"))
        return out

    monkeypatch.setattr(Store, "_add_rows", refuse_b)
    for _ in range(2):  # a re-run: the same
        runner = Ingest(store, nlp=False)
        summary = runner.run(runner.plan([str(tmp_path / "in")]))
        assert [e.source for e in summary.failed] == ["b.txt"]
        assert "the database refused it" in summary.failed[0].reason
        assert sorted(d["source"] for d in store.iter_documents(columns=("source",))) == ["a.txt", "c.txt"]
        assert [(p["source"], p["times"]) for p in store.problems_list()] == [("b.txt", _ + 1)]
