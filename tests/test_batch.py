"""``newsweave batch`` and ``newsweave load``: the same records as ``ingest``, on either engine."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from conftest import EXAMPLES, ROOT, Cli, consistent, new_database, write

HAS_RAY = importlib.util.find_spec("ray") is not None


def _batch(cli: Cli, out, *inputs: str, engine: str = "local", extra: tuple[str, ...] = ()) -> dict:
    res = cli("batch", "--silent", "--json", "--engine", engine, "--output", str(out), *extra, *inputs)
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def _fresh(folder):
    folder.mkdir(parents=True, exist_ok=True)
    return new_database(folder)


def _records(url: str) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in Cli(url).records(kind=None))


def test_batch_local_then_load_gives_the_records_of_ingest(cli, tmp_path):
    summary = _batch(cli, tmp_path / "rows", str(EXAMPLES))
    assert summary["documents"] == 10 and summary["problems"] == 0
    res = cli("load", "--silent", "--json", str(tmp_path / "rows"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["added"] == 10
    with _fresh(tmp_path / "ingested") as url:
        assert Cli(url)("ingest", "--silent", str(EXAMPLES)).exit_code == 0
        assert _records(cli.db_url) == _records(url)
    assert consistent(cli.db_url)


def test_batch_load_twice_changes_nothing(cli, tmp_path):
    _batch(cli, tmp_path / "rows", str(EXAMPLES))
    assert cli("load", "--silent", str(tmp_path / "rows")).exit_code == 0
    before = _records(cli.db_url)
    res = cli("load", "--silent", "--json", str(tmp_path / "rows"))
    summary = json.loads(res.stdout)
    assert summary["added"] == 0 and summary["unchanged"] == 10
    assert _records(cli.db_url) == before


def test_batch_problems_reach_the_database_with_file_and_row(cli, tmp_path):
    body = "The state unit chief resigned from the party on Friday, citing differences with the leadership."
    write(tmp_path / "in" / "dump.jsonl", json.dumps({"id": "a", "text": body}) + "\n{broken\n")
    write(tmp_path / "in" / "empty.txt", "")
    summary = _batch(cli, tmp_path / "rows", str(tmp_path / "in"))
    assert summary["documents"] == 1 and summary["problems"] == 2
    res = cli("load", "--silent", str(tmp_path / "rows"))
    assert res.exit_code == 1
    assert "dump.jsonl (row 2): not JSON" in res.stderr and "empty.txt: empty file" in res.stderr
    problems = cli("problems", "--json")
    assert {p["source"] for p in json.loads(problems.stdout)} == {"dump.jsonl", "empty.txt"}


def test_batch_refuses_a_folder_that_holds_files(cli, tmp_path):
    write(tmp_path / "rows" / "mine.txt", "keep me")
    res = cli("batch", "--silent", "--output", str(tmp_path / "rows"), str(EXAMPLES))
    assert res.exit_code == 2 and "not an empty folder" in res.stderr
    assert (tmp_path / "rows" / "mine.txt").read_text() == "keep me"


def test_batch_load_refuses_a_folder_batch_did_not_write(cli, tmp_path):
    write(tmp_path / "rows" / "x.parquet", b"PAR1")
    res = cli("load", str(tmp_path / "rows"))
    assert res.exit_code == 2 and "not the output of `newsweave batch`" in res.stderr


def test_batch_reads_parquet_shards(cli, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    body = "The state unit chief resigned from the party on Friday, citing differences with the leadership."
    table = pa.Table.from_pylist([{"id": "p1", "text": body, "outlet": "Parquet Post"},
                                  {"id": "p2", "text": None, "outlet": "Parquet Post"}])
    pq.write_table(table, tmp_path / "shard.parquet")
    summary = _batch(cli, tmp_path / "rows", str(tmp_path / "shard.parquet"))
    assert summary["documents"] == 1 and summary["failed"][0]["row"] == 2
    assert cli("load", "--silent", str(tmp_path / "rows")).exit_code == 1
    [doc] = cli.records()
    assert doc["source"] == "shard.parquet#p1"


def test_batch_ray_needs_ray_or_says_how_to_get_it(cli, tmp_path, monkeypatch):
    if HAS_RAY:
        monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails
    res = cli("batch", "--silent", "--engine", "ray", "--output", str(tmp_path / "rows"), str(EXAMPLES))
    assert res.exit_code == 2 and "pip install 'newsweave[ray]'" in res.stderr


@pytest.mark.slow
@pytest.mark.same_on_any_db  # 3 minutes; the database only loads rows both engines wrote alike
@pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed (pip install 'newsweave[ray]')")
def test_batch_same_records_from_local_and_ray_on_1000_documents(shared, tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import write_corpus

    files = write_corpus(tmp_path / "in", 1000, shared / "eval" / "ecbplus" / "dev.jsonl", shards=4)
    got = {}
    for engine in ("local", "ray"):
        with _fresh(tmp_path / engine) as url:
            cli = Cli(url)
            summary = _batch(cli, tmp_path / f"rows-{engine}", *map(str, files), engine=engine,
                             extra=("--workers", "2"))
            assert summary["documents"] == 1000, summary
            assert cli("load", "--silent", str(tmp_path / f"rows-{engine}")).exit_code == 0
            got[engine] = _records(url)
            assert consistent(url)
    import ray

    ray.shutdown()
    assert len(got["local"]) > 1000
    assert got["local"] == got["ray"]
