"""A person's party timeline from merged events (built by hand), across three stories."""

from __future__ import annotations

from newsweave.link.timeline import timeline
from newsweave.records import EventRecord


def ev(eid, etype, party, date, modality="asserted", actor="p1"):
    return EventRecord(event_id=eid, type=etype, actor=actor, party=party, party_name=party.upper(), date=date,
                       modality=modality, attribution=["sources said"] if modality != "asserted" else [])


def test_timeline_three_stories():
    events = [
        ev("e1", "expelled", "bsp", "2017"),                 # story 1 (as background)
        ev("e2", "join_party", "inc", "2018"),               # story 2
        ev("e3", "leave_party", "inc", "2026-01-24"),        # story 3
        ev("e4", "join_party", "asp", None, "speculative"),  # story 3, speculation
        ev("e5", "join_party", "bjp", "2020", actor="p2"),   # someone else
    ]
    t = timeline("p1", events)
    assert [(p["party"], p["start"], p["end"], p["how_ended"]) for p in t["periods"]] == [
        ("bsp", None, "2017", "expelled"), ("inc", "2018", "2026-01-24", "leave_party")]
    assert [(s["party"], s["modality"]) for s in t["possible_steps"]] == [("asp", "speculative")]


def test_timeline_switch_closes_the_open_period():
    t = timeline("p1", [ev("a", "join_party", "x", "2015"), ev("b", "join_party", "y", "2019")])
    assert [(p["party"], p["start"], p["end"], p["how_ended"]) for p in t["periods"]] == [
        ("x", "2015", "2019", "joined another party"), ("y", "2019", None, None)]


def test_timeline_denials_are_left_out():
    t = timeline("p1", [ev("a", "join_party", "x", "2015", "denied")])
    assert t["periods"] == [] and t["possible_steps"] == []
