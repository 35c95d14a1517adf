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
