"""Stories: the clustering rule on hand-built links, the incremental index on hand-built terms,
and whole articles (written for these tests) through the pipeline."""

from __future__ import annotations

import json

import pytest

from newsweave.article import Article
from newsweave.link.stories import (
    Idf,
    StoryParams,
    cluster_block,
    date_line,
    date_terms,
    entity_terms,
    event_conflict,
    line_date,
    prepare,
    profile,
    scale,
    shared,
    similarity,
    story_id,
    vector,
    within_window,
)

from conftest import write

P = StoryParams()


def _edges(pairs: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for (a, b), s in pairs.items():
        out.setdefault(a, {})[b] = s
        out.setdefault(b, {})[a] = s
    return out


def test_stories_cluster_block_joins_or_starts():
    edges = _edges({("a", "b"): 0.5, ("b", "c"): 0.45, ("a", "c"): 0.4, ("c", "d"): 0.05})
    sigma = {d: 0.3 for d in "abcd"}
    roots = cluster_block(list("abcd"), edges, sigma, P)
    assert roots == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_stories_cluster_block_a_report_that_links_two_stories_joins_them():
    edges = _edges({("a", "b"): 0.05, ("c", "a"): 0.5, ("c", "b"): 0.5})
    sigma = {d: 0.3 for d in "abc"}
    assert cluster_block(["a", "b", "c"], edges, sigma, P) == {"a": "a", "b": "a", "c": "a"}
    weak = _edges({("a", "b"): 0.05, ("c", "a"): 0.5, ("c", "b"): 0.1})  # 0.1/0.3 < merge: b stays apart
    assert cluster_block(["a", "b", "c"], weak, sigma, P)["b"] == "b"


def test_stories_scale_is_the_kth_neighbour_never_below_the_floor():
    assert scale([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], P) == 0.5
    assert scale([0.9, 0.3], P) == 0.3  # fewer than k: the weakest it has
    assert scale([0.1], P) == P.floor and scale([], P) == P.floor


def test_stories_window_undated_documents_cluster_with_all():
    assert within_window("2026-03-14", "2026-04-01T10:00:00+05:30", 90)
    assert not within_window("2026-03-14", "2025-01-01", 90)
    assert within_window(None, "2025-01-01", 90) and within_window("2026-03-14", "2025-01-01", None)


def test_stories_event_conflict_needs_events_on_both_sides():
    assert event_conflict({"event:join_party:rai": 1}, {"event:expelled:sahni": 1})
    assert not event_conflict({"event:join_party:rai": 1}, {"event:join_party:rai": 1, "x": 1})
    assert not event_conflict({"event:join_party:rai": 1}, {"bridge": 1})


def test_stories_event_conflict_same_actor_other_event_is_no_conflict():
    assert not event_conflict({"event:rally:rai": 1}, {"event:join_party:rai": 1}, by_actor=True)
    assert event_conflict({"event:rally:rai": 1}, {"event:join_party:rai": 1})
    assert event_conflict({"event:join_party:rai": 1}, {"event:join_party:sahni": 1}, by_actor=True)


def test_stories_similarity_one_actors_two_events_apart_only_months_apart():
    words = {"rally": 2, "rohtak": 2, "votes": 2}
    rally = _profile(words | {"event:rally:rai": 1}, "2026-03-01")
    join = _profile(words | {"event:join_party:rai": 1}, "2026-03-03")
    later = _profile(words | {"event:join_party:rai": 1}, "2026-11-03")
    assert similarity(rally, later, P) == pytest.approx(P.event_conflict * similarity(rally, join, P))


def _profile(tf: dict[str, float], published: str | None = None):
    return profile(prepare(tf), Idf({t: 1 for t in tf}, 100), published, P)


def test_stories_similarity_months_apart_about_other_people_is_less():
    words = {"coach": 3, "fired": 2, "season": 2}
    a = _profile(words | {"name:okafor": 6, "name:pirates": 4, "name:lions": 1}, "2026-01-10")
    b = _profile(words | {"name:mensah": 6, "name:hawks": 4, "name:lions": 1}, "2026-09-10")
    c = _profile(words | {"name:okafor": 5, "name:pirates": 2}, "2026-09-10")
    soon = _profile(words | {"name:mensah": 6, "name:hawks": 4}, "2026-01-12")
    assert similarity(a, c, P) > 0.99  # a follow-up about the same people: the words decide
    assert similarity(a, soon, P) > 0.99  # the same days: other people may lead another report
    assert similarity(a, b, P) == pytest.approx(P.name_conflict)  # another coach fired, months later


def test_stories_entity_terms_key_a_name_by_its_last_word():
    class C:
        def __init__(self, name, type_, n):
            self.name, self.type, self.forms = name, type_, {name: n}

    terms = entity_terms([C("Coach Ravi Kant", "PERSON", 2), C("Kant", "PERSON", 1), C("Monday", "DATE", 3)])
    assert len(terms) == 1 and next(iter(terms.values())) == 3


def test_stories_similarity_undated_text_naming_a_later_year_is_another_story():
    words = {"flood": 3, "kosi": 2, "relief": 2}
    dated = _profile(words, "2019-08-01")
    later = _profile(words | {"since:2023": 1})  # undated, writes out 2023
    same = _profile(words | {"since:2020": 1})  # a text may name next year's event
    assert similarity(dated, later, P) == 0 and similarity(dated, same, P) > 0.99


def test_stories_shared_neighbours_weigh_links():
    # a, b, c report one event and have the same neighbours; d is a look-alike with its own (e, f)
    edges = _edges({("a", "b"): 0.6, ("a", "c"): 0.6, ("b", "c"): 0.6, ("c", "d"): 0.6,
                    ("d", "e"): 0.6, ("d", "f"): 0.6, ("e", "f"): 0.6})
    w = shared(edges, list("abcdef"), StoryParams(shared_k=2))
    assert w["a"]["b"] > w["c"]["d"]  # as similar, but fewer neighbours in common


def test_stories_date_line_is_only_a_date():
    for line in ("MONDAY, MAY 23, 2005", "Posted 11/27/2005 7:21 AM", "10 June 2013 Last updated at 14:00 GMT"):
        assert date_line(line), line
    for line in ("Ten killed as bus falls into gorge on May 23", "By Asha Rao", "2005"):
        assert not date_line(line) or line == "2005", line
    assert line_date("Monday, May 23, 2005") == "2005-05-23" and line_date("Posted 11/27/2005") == "2005-11-27"
    assert line_date("04/09/2012") is None  # day and month cannot be told apart


def test_stories_date_terms_only_for_undated_documents():
    assert date_terms("2026-03-14", "Saturday, March 14, 2026", "x", []) == {}
    assert date_terms(None, "Saturday, March 14, 2026", "x", []) == {"date:2026-03-14": 1.0}


def test_stories_vector_is_unit_length_and_weighs_rare_words():
    v = vector({"rare": 1, "common": 1}, {"rare": 1, "common": 50}, 100)
    assert abs(sum(w * w for w in v.values()) - 1) < 1e-9 and v["rare"] > v["common"]


def _doc(store, conn, name: str, terms: dict[str, float], published: str | None = None) -> str:
    a = Article(f"{name}.txt", "text", f"{name} {sorted(terms)}")
    a.text, a.published, a.terms = a.raw, published, terms
    store.add_document(conn, a)
    return a.doc_id


BRIDGE = {"bridge": 3, "collapse": 2, "river": 2, "ganga": 2, "rescue": 1}
FLOOD = {"flood": 3, "rain": 2, "village": 2, "kosi": 2, "relief": 1}


def test_stories_index_incremental_and_stable(store):
    index = store.story_index()
    with store.transaction() as conn:
        a = _doc(store, conn, "a", BRIDGE, "2026-03-01")
        b = _doc(store, conn, "b", FLOOD | {"tent": 1}, "2026-03-01")
        index.assign(conn, [a, b])
    first = index.story_map()
    assert first[a] != first[b] and first[a] == story_id(a)
    with store.transaction() as conn:
        c = _doc(store, conn, "c", BRIDGE | {"toll": 1}, "2026-03-02")
        d = _doc(store, conn, "d", FLOOD | {"boat": 1}, "2026-03-02")
        e = _doc(store, conn, "e", BRIDGE | {"probe": 1}, "2029-03-02")  # years later: another story
        assert index.assign(conn, [c, d, e]) > 0
        assert index.assign(conn, [c, d, e]) == 0  # assigned once
    m = index.story_map()
    assert m[a] == m[c] == first[a] and m[b] == m[d] == first[b] and m[e] not in (m[a], m[b])


def test_stories_reprocess_keeps_them(store):
    index = store.story_index()
    with store.transaction() as conn:
        ids = [_doc(store, conn, n, BRIDGE | {n: 1}) for n in ("p", "q")]
        index.assign(conn, ids)
        before = index.story_map(conn)
        order = index.reset(conn)
        assert order == ids and index.story_map(conn) == {}
        index.assign(conn, order)
    assert index.story_map() == before and len(set(before.values())) == 1


# -- whole articles ------------------------------------------------------------------------------
JOIN = ("PATNA: Former minister Ramesh Kumar Yadav joined the Lok Vikas Party on Saturday at a rally at the "
        "Gandhi Maidan, where party president Sunita Devi welcomed him and about 200 of his supporters. "
        "Yadav said the party alone spoke for farmers of the Kosi region and promised to campaign in every "
        "district before the assembly election. Devi said the party would give him a role in the campaign.")
JOIN2 = ("Ramesh Kumar Yadav, a former minister, became a member of the Lok Vikas Party on Saturday. He was "
         "welcomed into the party by its president Sunita Devi at a rally at Gandhi Maidan in Patna, attended "
         "by around 200 of his supporters. Yadav promised to tour every district of the Kosi region.")
BRIDGE_ART = ("PATNA: Ramesh Kumar Yadav and Sunita Devi on Saturday inspected the site of the bridge over the "
              "Gandak river that collapsed last week, and demanded a judicial inquiry into the contractor's "
              "work. The two leaders met families of the three labourers killed when a span fell into the "
              "water, and said the state should pay each family compensation without delay.")
BRIDGE_ART2 = ("Two opposition leaders, Sunita Devi and Ramesh Kumar Yadav, visited the collapsed Gandak river "
               "bridge on Saturday. A span of the bridge fell into the water last week, killing three labourers. "
               "They demanded a judicial inquiry and compensation for the families of the dead labourers.")


@pytest.mark.slow
def test_stories_two_events_same_people_same_day(cli, tmp_path):
    write(tmp_path / "a1.txt", f"date 2026-03-14 Yadav Joins Lok Vikas Party | Daily Lamp\n\n{JOIN}")
    write(tmp_path / "a2.txt", f"date 2026-03-14 Yadav joins LVP at Patna rally | The Courier\n\n{JOIN2}")
    write(tmp_path / "b1.txt", f"date 2026-03-14 Yadav, Devi visit collapsed bridge | Daily Lamp\n\n{BRIDGE_ART}")
    write(tmp_path / "b2.txt", f"date 2026-03-14 Leaders demand probe into bridge collapse | The Courier\n\n{BRIDGE_ART2}")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    source = {d["doc_id"]: d["source"] for d in cli.records()}
    groups = sorted(sorted(source[d] for d in s["doc_ids"]) for s in cli.records(kind="story"))
    assert groups == [["a1.txt", "a2.txt"], ["b1.txt", "b2.txt"]]


@pytest.mark.slow
def test_stories_person_timeline_across_three_stories(cli, tmp_path):
    write(tmp_path / "2019.txt", "date 2019-05-02 Jan Kranti Dal expels Anil Verma | Daily Lamp\n\nPATNA: The Jan "
          "Kranti Dal on Thursday expelled former MLA Anil Verma for anti-party activities. The party's state "
          "president said Verma had campaigned against the party's candidate in the Lok Sabha election.")
    write(tmp_path / "2020.txt", "date 2020-08-10 Anil Verma joins Lok Vikas Party | The Courier\n\nPATNA: Former "
          "MLA Anil Verma joined the Lok Vikas Party on Monday in the presence of its president at the party "
          "office. Verma said the party would win the assembly election in the Kosi region.")
    write(tmp_path / "2026.txt", "date 2026-01-24 Anil Verma quits Lok Vikas Party | Daily Lamp\n\nPATNA: Former "
          "MLA Anil Verma quit the Lok Vikas Party on Saturday, saying he had been sidelined. His supporters "
          "said he may join the Praja Ekta Dal next month.")
    assert cli("ingest", "--silent", str(tmp_path)).exit_code == 0
    assert len(cli.records(kind="story")) == 3
    res = cli("person", "Anil Verma", "--json")
    assert res.exit_code == 0, res.output
    [t] = json.loads(res.stdout)
    assert [(p["party_name"], p["start"], p["end"], p["how_ended"]) for p in t["periods"]] == [
        ("Jan Kranti Dal", None, "2019-05-02", "expelled"), ("Lok Vikas Party", "2020-08-10", "2026-01-24", "leave_party")]
    assert [(s["type"], s["modality"]) for s in t["possible_steps"]] == [("join_party", "speculative")]


@pytest.mark.slow
def test_stories_sample_corpus_and_story_command(cli):
    from conftest import EXAMPLES

    assert cli("ingest", "--silent", str(EXAMPLES)).exit_code == 0
    source = {d["doc_id"]: d["source"].split("_", 2)[-1] for d in cli.records()}
    stories = cli.records(kind="story")
    groups = sorted(sorted(source[d] for d in s["doc_ids"]) for s in stories)
    assert sorted(map(len, groups)) == [2, 3, 5]
    rai = next(s for s in stories if len(s["doc_ids"]) == 5)
    assert all("rai" in source[d] or "nic-20260315" in source[d] for d in rai["doc_ids"])
    res = cli("story", rai["story_id"][:6], "--json")
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    [left] = [e for e in rep["events"] if e["type"] == "leave_party" and not e["background"]]
    differ = {c["field"]: {v["value"]: v["outlets"] for v in c["values"]} for c in left["differ"]}
    assert set(differ["followers"]) == {41, 42} and "The Deccan Ledger" in differ["followers"][41]
    assert set(differ["actor_name"]) == {"Devkinandan Rai", "Deokinandan Rai"}
    assert left["independent_sources"] == 4 and len(rep["documents"]) == 5  # the syndicated copy counts once
    assert any(e["background"] and e["type"] == "expelled" for e in rep["events"])
    assert rep["quotes"][0]["speaker"] == "Devkinandan Rai"
    text = cli("story", rai["story_id"])
    assert text.exit_code == 0 and "What happened" in text.stdout and "differ" in text.stdout
    assert cli("story", "nosuchstory").exit_code == 1


def _full_story_rows(store, ident: str):
    """One story's record, documents, events and quotes picked out of every record rebuilt at once
    (the whole corpus read, as the reports were made before they read stored rows)."""
    from newsweave.export.records import documents, quotes, stories_and_events
    from newsweave.export.report import find_story

    stories, events = stories_and_events(store)
    story = find_story(stories, ident)
    members = set(story.doc_ids)
    docs = sorted(({"doc_id": d.doc_id, "source": d.source, "outlet": d.outlet, "published": d.published,
                    "title": d.title, "copy_of": d.copy_of} for d in documents(store) if d.doc_id in members),
                  key=lambda d: d["doc_id"])
    evs = [e for e in events if members & {s["doc_id"] for s in e.sources}]
    return story, docs, evs, [q for q in quotes(store) if q.doc_id in members]


def test_stories_stored_records_and_story_rows_equal_a_full_rebuild(cli, tmp_path):
    """After each of several ingests, the stored story records are those rebuilt from every
    document, and a story's report reads exactly the rows the whole corpus would give it."""
    from newsweave.export.records import story_records
    from newsweave.export.report import story_report, story_rows
    from newsweave.store import open_store

    quote = ' Yadav said, "The farmers of the Kosi region have waited too long for a party of their own."'
    articles = [f"date 2026-03-14 Yadav Joins Lok Vikas Party | Daily Lamp\n\n{JOIN}{quote}",
                f"date 2026-03-14 Yadav, Devi visit collapsed bridge | Daily Lamp\n\n{BRIDGE_ART}",
                f"date 2026-03-14 Yadav joins LVP at Patna rally | The Courier\n\n{JOIN2}",
                f"date 2026-03-15 Yadav Joins Lok Vikas Party | Evening Kite\n\n{JOIN}{quote} (agencies)",
                f"date 2026-03-14 Leaders demand probe into bridge collapse | The Courier\n\n{BRIDGE_ART2}"]
    for i, text in enumerate(articles):
        assert cli("ingest", "--silent", str(write(tmp_path / f"in{i}" / f"a{i}.txt", text))).exit_code == 0
        store = open_store(cli.db_url, create=False)
        full = sorted((s.as_dict() for s in story_records(store)), key=lambda s: s["story_id"])
        total, rows = store.story_page()
        assert total == len(full) and sorted(rows, key=lambda s: s["story_id"]) == [
            {k: v for k, v in s.items() if k != "kind"} for s in full], f"after article {i}"
        for s in full:
            story, docs, evs, qs = story_rows(store, s["story_id"][:8])
            assert (story, sorted(docs, key=lambda d: d["doc_id"]), evs, qs) == _full_story_rows(store, s["story_id"])
            assert story_report(store, s["story_id"])["documents"]
        store.engine.dispose()
    assert any(d["copy_of"] for s in full for d in story_rows(store, s["story_id"])[1])  # a copy among them
    assert any(story_rows(store, s["story_id"])[3] for s in full)  # a quote
    assert any(story_rows(store, s["story_id"])[2] for s in full)  # and events
