"""The cross-document step is incremental: a new document's copies are found by index, its entities
resolved with the stored clusters they may join, and the result is what resolving the whole corpus
at once gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, write

ARTICLES = [
    "Minister Quits | SWS\n\nPATNA: Former minister Rajneesh Kumar Mishra quit the Lok Vikas Party (LVP) on "
    "Saturday. Mishra said the LVP had ignored him. Party leader Sunita Devi Rao called it sad.",
    "Mishra Joins Front | Daily Lamp\n\nPATNA: Rajneesh Mishra joined the Jan Morcha on Monday in Patna. "
    "Mishra thanked the Jan Morcha president, Anil Kumar Sahu.",
    "Front Welcomes Leaders | Evening Star\n\nGAYA: Anil Kumar Sahu welcomed Rajneesh Kumar Mishra and "
    "Suresh Mishra to the Jan Morcha. Sahu said more would follow. Sunita Devi Rao of the LVP disagreed.",
    "Second Mishra Speaks | SWS\n\nPATNA: Suresh Mishra, a farmer leader, said on Tuesday that he had left "
    "the LVP too. Rao said the party was united.",
]


def _entities(cli: Cli) -> dict[tuple[str, str], tuple]:
    return {(r["type"], r["name"]): (tuple(sorted(r["aliases"])), tuple(r["doc_ids"]))
            for r in cli.records(kind="entity")}


def test_crossdoc_entities_one_by_one_equal_all_at_once(tmp_path):
    for i, text in enumerate(ARTICLES):
        write(tmp_path / "all" / f"a{i}.txt", text)
        write(tmp_path / f"part{i}" / f"a{i}.txt", text)
    together = Cli(f"sqlite:///{tmp_path / 'together.db'}")
    assert together("ingest", "--silent", str(tmp_path / "all")).exit_code == 0
    apart = Cli(f"sqlite:///{tmp_path / 'apart.db'}")
    for i in range(len(ARTICLES)):
        res = apart("-v", "ingest", "--silent", str(tmp_path / f"part{i}"))
        assert res.exit_code == 0
        if i:  # after the first, each run resolves its own document with what it may join
            assert "clusters of 1 new documents resolved with" in " ".join(res.stderr.split())
    assert _entities(apart) == _entities(together)
    people = {name for (typ, name) in _entities(apart) if typ == "PERSON"}
    assert {"Rajneesh Kumar Mishra", "Suresh Mishra", "Anil Kumar Sahu", "Sunita Devi Rao"} <= people


def test_crossdoc_a_copy_found_by_index(tmp_path):
    body = " ".join(a.split("\n\n", 1)[1] for a in ARTICLES)
    write(tmp_path / "a" / "one.txt", f"Leaders Leave LVP | SWS\n\n{body}")
    write(tmp_path / "b" / "two.txt", f"Leaders Leave LVP | Daily Lamp\n\n{body} More soon.")
    cli = Cli(f"sqlite:///{tmp_path / 'x.db'}")
    for folder in ("a", "b"):
        assert cli("-v", "ingest", "--silent", str(tmp_path / folder)).exit_code == 0
    one, two = sorted(cli.records(kind="document"), key=lambda r: r["source"])
    # undated both: the original is the first by id, whichever came second
    assert {one["copy_of"], two["copy_of"]} == {None, min(one["doc_id"], two["doc_id"])}


@pytest.mark.slow
def test_crossdoc_india_dev_in_six_runs_equals_one(shared: Path, tmp_path):
    rows = (shared / "eval" / "india-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    one = Cli(f"sqlite:///{tmp_path / 'one.db'}")
    assert one("ingest", "--silent", str(shared / "eval" / "india-dev" / "docs.jsonl")).exit_code == 0
    six = Cli(f"sqlite:///{tmp_path / 'six.db'}")
    for n in range(6):
        part = write(tmp_path / f"p{n}.jsonl", "".join(rows[n * 6:(n + 1) * 6]))
        assert six("ingest", "--silent", str(part)).exit_code == 0
    assert _entities(six) == _entities(one)

    def events(cli: Cli) -> list[str]:
        return sorted(json.dumps([r["type"], r["actor_name"], r["party_name"], r["date"], r["modality"]])
                      for r in cli.records(kind="event"))

    assert events(six) == events(one)
    stored, full = _stored_and_full(six.db_url)
    assert stored == full


DISAGREE = [
    "Leader Joins Front | SWS\n\nPATNA: Former minister Harendra Prasad Kushwaha joined the Jan Morcha on "
    "Monday along with 72 supporters. Kushwaha said the Lok Vikas Party had ignored him.",
    "Kushwaha In Front | Daily Lamp\n\nPATNA: Harendra Prasad Kushwaha joined the Jan Morcha on Monday with "
    "73 supporters. The Jan Morcha president welcomed him.",
    "Lok Vikas Party Loses Leader | Evening Star\n\nGAYA: Suresh Mishra, a farmer leader, quit the Lok Vikas "
    "Party on Tuesday. Mishra said the party had lost its way.",
]


def _stored_and_full(url: str) -> tuple[list[dict], list[dict]]:
    """The merged events as stored, and as merging every stored row at once gives them."""
    from newsweave.link.kb import current_kb
    from newsweave.link.merge import merge_events, story_of
    from newsweave.store import open_store

    store = open_store(url, create=False)
    with store.engine.connect() as conn:
        stored = store.merged.records(conn)
    full = merge_events(store.event_rows(), store.copies(), current_kb().inside)
    stories = store.story_index().story_map()
    for ev in full:
        ev.story_id = story_of(ev, stories)

    def key(records: list) -> list[dict]:
        return sorted((r.as_dict() | {"doc_ids": r.doc_ids} for r in records), key=lambda r: r["event_id"])

    return key(stored), key(full)


def test_crossdoc_stored_events_one_by_one_equal_a_full_merge(tmp_path):
    articles = [*ARTICLES, *DISAGREE]
    for i, text in enumerate(articles):
        write(tmp_path / "all" / f"a{i}.txt", text)
        write(tmp_path / f"part{i}" / f"a{i}.txt", text)
    apart = Cli(f"sqlite:///{tmp_path / 'apart.db'}")
    for i in range(len(articles)):
        assert apart("ingest", "--silent", str(tmp_path / f"part{i}")).exit_code == 0
        stored, full = _stored_and_full(apart.db_url)
        assert stored == full, f"after article {i}"
    together = Cli(f"sqlite:///{tmp_path / 'together.db'}")
    assert together("ingest", "--silent", str(tmp_path / "all")).exit_code == 0
    assert _stored_and_full(together.db_url)[0] == stored
    joins = [e for e in stored if e["type"] == "join_party" and e["actor_name"] == "Harendra Prasad Kushwaha"]
    assert len(joins) == 1 and joins[0]["conflicts"][0]["field"] == "followers"


def test_crossdoc_entity_words_follow_every_resolution(tmp_path):
    """The words of every entity's names (what a search finds entities by) are those of the stored
    names, after each article ingested one by one (entities joined and resolved again)."""
    from sqlalchemy import select

    from newsweave.link.names import name_words
    from newsweave.store import open_store

    cli = Cli(f"sqlite:///{tmp_path / 'w.db'}")
    for i, text in enumerate([*ARTICLES, *DISAGREE]):
        assert cli("ingest", "--silent", str(write(tmp_path / f"p{i}" / f"a{i}.txt", text))).exit_code == 0
        store = open_store(cli.db_url, create=False)
        w = store.tables["entity_words"]
        with store.engine.connect() as conn:
            stored = {(a, b) for a, b in conn.execute(select(w.c.word, w.c.entity_id))}
        want = {(word, e["entity_id"]) for e in store.iter_entities() for n in [e["name"], *e["aliases"]]
                for word in name_words(n)}
        store.engine.dispose()
        assert stored == want and want, f"after article {i}"


def test_crossdoc_merged_events_readable_in_sql(tmp_path):
    import sqlite3

    for i, text in enumerate(DISAGREE):
        write(tmp_path / "in" / f"a{i}.txt", text)
    cli = Cli(f"sqlite:///{tmp_path / 'x.db'}")
    assert cli("ingest", "--silent", str(tmp_path / "in")).exit_code == 0
    con = sqlite3.connect(tmp_path / "x.db")
    left = con.execute("SELECT actor_name, party_name FROM events_merged WHERE type = 'leave_party'").fetchall()
    assert ("Suresh Mishra", "Lok Vikas Party") in left
    values = con.execute(
        "SELECT c.value, c.outlets FROM event_conflicts c JOIN events_merged e ON e.event_id = c.event_id "
        "WHERE e.actor_name = 'Harendra Prasad Kushwaha' AND c.field = 'followers' ORDER BY c.value").fetchall()
    assert [(v, json.loads(o)) for v, o in values] == [("72", ["SWS"]), ("73", ["Daily Lamp"])]
    outlets = con.execute("SELECT outlet FROM event_outlets WHERE actor_name = 'Harendra Prasad Kushwaha' "
                          "AND type = 'join_party' ORDER BY outlet").fetchall()
    assert outlets == [("Daily Lamp",), ("SWS",)]
    assert con.execute("SELECT count(*) FROM events_pending").fetchone() == (0,)
