"""Near-duplicates: a syndicated copy is linked to its original and is no independent source."""

from __future__ import annotations

from newsweave.link.dedup import THRESHOLD, signature

from conftest import write

WIRE = ("PATNA: Former minister Ramesh Kumar Yadav on Saturday quit the Lok Vikas Party along with 42 "
        "supporters, accusing the party's state leadership of ignoring workers from the districts. Yadav "
        "announced the decision at a press conference at his residence, where he read out his letter to the "
        "party's national leadership. He did not say which party he would join next, but his aides said talks "
        "were on with at least two parties in the state.")


def test_dedup_signature_similarity():
    a, b = signature(WIRE), signature(WIRE.replace("42", "forty-two"))
    c = signature("A different story about a bridge that opened in the city on Monday after years of delay.")
    assert a.jaccard(b) >= THRESHOLD and a.jaccard(c) < 0.2


def test_dedup_syndicated_copy_is_one_source(cli, tmp_path):
    write(tmp_path / "wire.txt", f"date 2026-03-14 Yadav Quits Lok Vikas Party | SWS\n\n{WIRE}")
    write(tmp_path / "copy.txt", f"The Courier\n\nHome\n\nYadav Quits Lok Vikas Party\n\nSWS\n\n{WIRE}\n\n"
          "(This story has not been edited by The Courier staff and is published from a syndicated feed.)")
    write(tmp_path / "own.txt", "date 2026-03-15 Yadav Walks Out | Daily Lamp\n\nPATNA: Ramesh Kumar Yadav quit the "
          "Lok Vikas Party on Saturday along with around 41 supporters, according to party sources.")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    docs = {r["source"]: r for r in cli.records()}
    assert docs["copy.txt"]["copy_of"] == docs["wire.txt"]["doc_id"]
    assert docs["wire.txt"]["copy_of"] is None and docs["own.txt"]["copy_of"] is None
    [ev] = [e for e in cli.records(kind="event") if e["type"] == "leave_party"]
    assert len(ev["sources"]) == 3 and ev["independent_sources"] == 2
    assert {f["value"] for f in ev["followers_reported"]} == {41, 42}
    assert "followers" in {c["field"] for c in ev["conflicts"]}
    copy = next(s for s in ev["sources"] if s["doc_id"] == docs["copy.txt"]["doc_id"])
    assert copy["copy_of"] == docs["wire.txt"]["doc_id"]
    [story] = cli.records(kind="story")  # three outlets, one story; the event belongs to it
    assert len(story["doc_ids"]) == 3 and ev["story_id"] == story["story_id"]
