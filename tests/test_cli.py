"""The command line: exit codes, output formats, documentation."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from newsweave.cli import app

from conftest import ROOT, write

BODY = "The state unit chief resigned from the party on Friday, citing differences with the leadership."


def test_cli_ingest_exit_0_and_summary_json(cli, tmp_path):
    write(tmp_path / "a.txt", f"A Headline About A Resignation | SWS\n\n{BODY}")
    res = cli("ingest", "--silent", "--json", str(tmp_path))
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["added"] == 1 and summary["failed"] == []


def test_cli_ingest_exit_1_when_something_failed(cli, tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", "")
    res = cli("ingest", "--silent", str(tmp_path))
    assert res.exit_code == 1
    assert "failed: b.txt: empty file" in res.stderr


def test_cli_skipped_only_is_exit_0(cli, tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "p.pdf", b"%PDF-1.4")
    res = cli("ingest", "--silent", str(tmp_path))
    assert res.exit_code == 0 and "skipped: p.pdf: a PDF document" in res.stderr


def test_cli_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["ingest"]).exit_code == 2
    assert runner.invoke(app, ["--db", "not a url", "docs"]).exit_code == 2
    assert runner.invoke(app, ["--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "docs"]).exit_code == 2
    assert runner.invoke(app, ["--db", f"sqlite:///{tmp_path}/x.db", "ingest", "--max-size", "lots", "x"]).exit_code == 2
    assert runner.invoke(app, ["--db", f"sqlite:///{tmp_path}/x.db", "export", "--format", "xml"]).exit_code == 2


def test_cli_max_size(cli, tmp_path):
    write(tmp_path / "a.txt", BODY * 20)
    res = cli("ingest", "--silent", "--max-size", "1KB", str(tmp_path))
    assert res.exit_code == 1 and "too large" in res.stderr and "--max-size" in res.stderr


def test_cli_stdin_jsonl(cli):
    res = cli("ingest", "--silent", "-", input=json.dumps({"id": "r1", "text": BODY}) + "\n")
    assert res.exit_code == 0, res.output
    assert [r["source"] for r in cli.records()] == ["stdin#r1"]


def test_cli_docs_doc_and_removed(cli, tmp_path):
    write(tmp_path / "a.txt", f"A Headline About A Resignation | SWS\n\nPATNA: {BODY}\n\nMost Popular\n\nOther news")
    cli("ingest", "--silent", str(tmp_path))
    rows = json.loads(cli("docs", "--json").stdout)
    assert rows[0]["outlet"] == "SWS" and rows[0]["dateline"] == "Patna"
    assert cli("docs", "--csv").stdout.startswith("doc_id,outlet,published,dateline,title,source")
    table = cli("docs", "--table").stdout
    assert "doc_id" in table and "SWS" in table and "─" in table
    one = json.loads(cli("doc", rows[0]["doc_id"][:8], "--json", "--removed").stdout)
    assert {r["reason"] for r in one["removed"]} >= {"headline", "dateline", "end-of-article list heading"}
    shown = cli("doc", "a.txt", "--removed").stdout
    assert "end-of-article list heading" in shown and "resigned from the party" in shown
    missing = cli("doc", "nosuchid")
    assert missing.exit_code == 1 and "no document" in missing.stderr


def test_cli_export_csv_and_file(cli, tmp_path):
    write(tmp_path / "in" / "a.txt", BODY)
    cli("ingest", "--silent", str(tmp_path / "in"))
    out = tmp_path / "r.csv"
    assert cli("export", "--format", "csv", "--output", str(out)).exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("kind,doc_id,source,outlet,title,byline,published,updated,dateline,text")


def test_cli_reprocess_keeps_ids(cli, tmp_path):
    write(tmp_path / "a.txt", BODY)
    cli("ingest", "--silent", str(tmp_path))
    before = cli.records()
    res = cli("reprocess", "--silent")
    assert res.exit_code == 0 and "reprocessed 1 documents" in res.stdout
    assert cli.records() == before


def test_cli_problems_listed(cli, tmp_path):
    write(tmp_path / "a.txt", "")
    cli("ingest", "--silent", str(tmp_path))
    rows = json.loads(cli("problems", "--json").stdout)
    assert rows[0]["source"] == "a.txt" and rows[0]["reason"] == "empty file"


def test_cli_every_command_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert commands
    for name in commands:
        assert re.search(rf"`newsweave[^`]*\b{name}\b", readme), f"command {name} is not in the README"


def test_cli_exit_codes_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2"):
        assert re.search(rf"\|\s*{code}\s*\|", readme), f"exit status {code} is not in the README table"


def test_cli_entities_and_entity(cli, tmp_path):
    write(tmp_path / "a.txt", "Party Chief Quits | SWS\n\nPATNA: Former minister Rajneesh Kumar Mishra quit the "
          "Lok Vikas Party (LVP) on Saturday. Mishra said the LVP had ignored him for years.")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    ents = json.loads(cli("entities", "--json").stdout)
    person = next(e for e in ents if e["type"] == "PERSON")
    assert person["name"] == "Rajneesh Kumar Mishra" and "Mishra" in person["aliases"]
    assert json.loads(cli("entities", "--type", "party", "--json").stdout)[0]["name"] == "Lok Vikas Party"
    assert cli("entities", "--type", "thing").exit_code == 2
    shown = json.loads(cli("entity", "mishra", "--json").stdout)[0]
    assert [m["text"] for m in shown["mentions"]] == ["Rajneesh Kumar Mishra", "Mishra"]
    assert shown["mentions"][1]["sentence"].startswith("Mishra said the LVP")
    by_short = cli("entity", "LVP")  # a party found by its short form
    assert by_short.exit_code == 0 and by_short.stdout.startswith("Lok Vikas Party (PARTY")
    assert json.loads(cli("entity", "LVP", "--json").stdout)[0]["aliases"] == ["LVP"]
    assert cli("entity", "nobody at all").exit_code == 1


def test_cli_events_merged_and_per_document(cli, tmp_path):
    write(tmp_path / "a.txt", "Minister Quits Party | SWS\n\nPATNA: Former minister Ramesh Kumar Yadav quit the Lok Vikas "
          "Party on Saturday along with 40 supporters.")
    write(tmp_path / "b.txt", "Yadav Leaves Party | Daily Lamp\n\nPATNA: Former minister Ramesh Kumar Yadav quit the Lok Vikas "
          "Party on Saturday along with around 41 supporters, an aide said.")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    merged = json.loads(cli("events", "--json").stdout)
    leave = [e for e in merged if e["type"] == "leave_party"]
    assert len(leave) == 1 and {f["value"] for f in leave[0]["followers_reported"]} == {40, 41}
    assert "followers" in {c["field"] for c in leave[0]["conflicts"]}
    shown = cli("events", "--table").stdout
    assert "outlets differ on followers" in shown and "SWS" in shown
    piped = [json.loads(line) for line in cli("events").stdout.splitlines()]  # JSON lines when piped
    assert piped == merged
    table = cli("events", "--csv").stdout.splitlines()
    assert table[0].startswith("kind,event_id,story_id,type,actor") and len(table) == len(merged) + 1
    rows = json.loads(cli("events", "--per-document", "--json").stdout)
    assert {r["doc_id"] for r in rows} == {e["doc_id"] for e in leave[0]["sources"]}


def test_cli_person_and_stories(cli, seeds):
    assert cli("ingest", "--silent", str(seeds)).exit_code == 0
    [t] = json.loads(cli("person", "nasimuddin siddiqui", "--json").stdout)
    parties = [(p["party_name"], p["start"], p["end"]) for p in t["periods"]]
    assert ("Bahujan Samaj Party", None, "2017") in parties
    assert ("Indian National Congress", "2018", "2026-01-24") in parties
    assert any(s["modality"] == "speculative" for s in t["possible_steps"])
    [story] = json.loads(cli("stories", "--json").stdout)
    assert len(story["doc_ids"]) == 2 and set(story["outlets"]) == {"IANS", "The Sunday Guardian"}
    assert cli("person", "nobody at all").exit_code == 1


def test_cli_verbose_logs_each_step_and_quiet_only_errors(cli, tmp_path):
    write(tmp_path / "a.txt", "Council Meets | SWS\n\nThe council met on Monday and agreed on the budget, its members said.")
    loud = cli("-v", "ingest", "--silent", str(tmp_path))
    logged = " ".join(loud.stderr.split())
    assert loud.exit_code == 0 and "batch of 1: 1 stored" in logged and "entities:" in logged
    hushed = cli("--quiet", "reprocess")
    assert hushed.exit_code == 0 and "INFO" not in hushed.stderr and "batch of" not in hushed.stderr


def test_cli_help_loads_no_heavy_module():
    """--help (the group's and every command's) and --version answer without loading spaCy, the
    database layer, the web framework or the pipeline: those load when a command runs."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "import typer\n"
        "from typer.testing import CliRunner\n"
        "from newsweave.cli import app\n"
        "r = CliRunner()\n"
        "cmds = sorted(typer.main.get_command(app).commands)\n"
        "codes = [r.invoke(app, ['--help']).exit_code, r.invoke(app, ['--version']).exit_code]\n"
        "codes += [r.invoke(app, [c, '--help']).exit_code for c in cmds]\n"
        "heavy = ('spacy', 'sqlalchemy', 'fastapi', 'pyarrow', 'trafilatura', 'dateparser', 'datasketch', 'ray')\n"
        "print(json.dumps([sorted(set(codes)), cmds, sorted(m for m in heavy if m in sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    codes, cmds, loaded = json.loads(out)
    assert codes == [0] and len(cmds) >= 10 and loaded == [], (codes, cmds, loaded)


def test_cli_db_plain_path_is_an_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("The state unit chief resigned from the party on Friday, citing differences "
                                    "with the leadership.", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["--db", "news.db", "ingest", "a.txt", "--silent"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "news.db").is_file()
    res = runner.invoke(app, ["--db", "news.db", "docs", "--json"])
    assert res.exit_code == 0 and '"a.txt"' in res.output, res.output


def test_cli_read_command_refuses_a_missing_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["docs"], ["events"], ["stories"], ["export", "--format", "jsonl"], ["problems"]):
        res = CliRunner().invoke(app, ["--db", "mistyped.db", *command])
        assert res.exit_code == 2, (command, res.output)
        assert "there is no database at" in res.output and "ingest PATH" in res.output, res.output
    assert not (tmp_path / "mistyped.db").exists()  # nothing made by a read


def test_cli_serve_says_where_it_listens_and_when_the_port_is_taken(cli, monkeypatch):
    import socket

    import uvicorn

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        res = cli("serve", "--port", str(port))
        assert res.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in res.output and "--port" in res.output
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    res = cli("serve", "--port", str(port))
    assert res.exit_code == 0, res.output
    assert f"at http://127.0.0.1:{port}/" in res.output and calls[0]["access_log"] is False
    res = cli("-v", "serve", "--port", str(port))
    assert "every request logged" in res.output and calls[1]["access_log"] is True


def test_cli_events_show_modality(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Ravi Kant, a leader of the Lok Vikas Party, joined the Jan Morcha in Patna on "
                                    "Monday. Sources said his brother may join the Jan Morcha next month.",
                                    encoding="utf-8")
    assert cli("ingest", str(tmp_path / "a.txt"), "--silent").exit_code == 0
    res = cli("events", "--table")
    assert res.exit_code == 0 and "[asserted]" in res.output, res.output


def test_cli_list_commands_share_output_options(cli, tmp_path):
    """docs, entities, stories, problems, events: a table on a terminal, JSON lines when piped (as here),
    or --json, --nl, --csv, --table; two of them at once is refused."""
    write(tmp_path / "a.txt", f"A Headline About A Resignation | SWS\n\nPATNA: {BODY}")
    cli("ingest", "--silent", str(tmp_path))
    for command in ("docs", "entities", "stories", "problems", "events"):
        piped = cli(command)
        assert piped.exit_code == 0, piped.output
        lines = [json.loads(line) for line in piped.stdout.splitlines()]
        assert lines == [json.loads(line) for line in cli(command, "--nl").stdout.splitlines()]
        assert json.loads(cli(command, "--json").stdout) == lines
        assert cli(command, "--csv").stdout.count("\n") == len(lines) + 1
        assert cli(command, "--table").exit_code == 0
        both = cli(command, "--json", "--csv")
        assert both.exit_code == 2 and "give one of --json, --nl, --csv, --table" in both.output
    assert [d["outlet"] for d in (json.loads(line) for line in cli("docs").stdout.splitlines())] == ["SWS"]


def test_cli_events_filters(cli, tmp_path):
    write(tmp_path / "a.txt", "Ravi Kant, a former minister, joined the Jan Morcha in Patna on 12 March 2026 with "
                              "40 supporters. Meena Devi quit the Lok Vikas Party on 3 January 2025.")
    cli("ingest", "--silent", str(tmp_path))

    def types(*args: str) -> list[str]:
        res = cli("events", "--json", *args)
        assert res.exit_code == 0, res.output
        return sorted(e["type"] for e in json.loads(res.stdout))

    everything = types()
    assert "join_party" in everything and "leave_party" in everything
    assert types("--type", "join_party") == ["join_party"]
    assert types("--actor", "ravi kant") == ["join_party"] and types("--actor", "Meena") == ["leave_party"]
    assert types("--party", "Lok Vikas") == ["leave_party"]
    assert types("--since", "2026") == ["join_party"] and types("--until", "2025-12") == ["leave_party"]
    assert len(types("--limit", "1")) == 1 and types("--outlet", "No Such Outlet") == []
    assert cli("events", "--type", "joined").exit_code == 2


def test_cli_db_after_the_command_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "--db", "here.db", "a.txt", "--silent"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "here.db").is_file() and not (tmp_path / "newsweave.db").exists()
    res = runner.invoke(app, ["docs", "--db", "here.db", "--json"])
    assert res.exit_code == 0 and '"a.txt"' in res.output, res.output
    # the command's own --db is the one used
    res = runner.invoke(app, ["--db", "other.db", "docs", "--db", "here.db", "--json"])
    assert res.exit_code == 0 and '"a.txt"' in res.output, res.output
    assert runner.invoke(app, ["events", "--db", "missing.db"]).exit_code == 2


def test_cli_every_command_takes_db():
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert any("--db" in p.opts for p in command.params), name


def test_cli_stories_filters(cli, tmp_path):
    write(tmp_path / "a.txt", "Kant Joins Front | SWS\n\nPublished: 12 March 2026\n\nPATNA: Ravi Kant, a former "
                              "minister, joined the Jan Morcha in Patna on Monday with 40 supporters.")
    write(tmp_path / "b.txt", "Devi Quits | Daily Lamp\n\nPublished: 3 January 2025\n\nGAYA: Meena Devi quit the "
                              "Lok Vikas Party on Friday, saying the party had ignored farmers for years.")
    cli("ingest", "--silent", str(tmp_path))

    def titles(*args: str) -> list[str]:
        res = cli("stories", "--json", *args)
        assert res.exit_code == 0, res.output
        return sorted(s["title"] for s in json.loads(res.stdout))

    assert titles() == ["Devi Quits", "Kant Joins Front"]
    assert titles("--outlet", "sws") == ["Kant Joins Front"]
    assert titles("--since", "2026") == ["Kant Joins Front"] and titles("--until", "2025-06") == ["Devi Quits"]
    assert titles("--type", "leave_party") == ["Devi Quits"] and titles("--actor", "ravi") == ["Kant Joins Front"]
    assert titles("--party", "Lok Vikas") == ["Devi Quits"] and len(titles("--limit", "1")) == 1
    assert cli("stories", "--type", "joined").exit_code == 2


def test_cli_help_shows_no_placeholder_for_a_flag():
    import typer.main

    runner = CliRunner()
    names = ["", *typer.main.get_command(app).commands]  # type: ignore[attr-defined]
    for name in names:
        res = runner.invoke(app, [*([name] if name else []), "--help"])
        assert res.exit_code == 0 and "<bool>" not in res.output, name
        assert "--db" in res.output, name


def test_cli_db_naming_no_file_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    for url in ("sqlite://", "sqlite:///"):
        res = CliRunner().invoke(app, ["--db", url, "ingest", "a.txt", "--silent"])
        assert res.exit_code == 2 and "names no file" in res.output, (url, res.output)


def test_cli_csv_output_neutralises_formula_cells(capsys):
    from newsweave.cli import Listing, _emit

    rows = [{"doc_id": "d1", "title": '=HYPERLINK("http://evil.example","x")', "n": -3, "tags": ["-a"]},
            {"doc_id": "d2", "title": "@cmd", "n": 2.5, "tags": []}]
    _emit(Listing(rows, ("doc_id", "title", "n", "tags")), "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["doc_id,title,n,tags", '''d1,"'=HYPERLINK(""http://evil.example"",""x"")",-3,"[""-a""]"''',
                     "d2,'@cmd,2.5,[]"]
