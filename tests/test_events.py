"""Political events read off the parse, and their merge across documents."""

from __future__ import annotations

import pytest

from newsweave.link.merge import merge_events, stories
from newsweave.nlp.events import find_events
from newsweave.nlp.model import load_nlp
from newsweave.nlp.quotes import find_quotes
from newsweave.nlp.times import find_times

ANCHOR = "2026-03-14"  # a Saturday


def events(text: str, anchor: str = ANCHOR):
    doc = load_nlp()(text)
    out = find_events(doc, find_quotes(doc), find_times(doc, anchor), anchor)
    return [(e.type, e.actor_text, e.party_text, e.date, e.followers, e.approx, e.modality) for e in out]


def test_events_leave_with_followers_and_date():
    got = events("Former minister Ramesh Kumar Yadav quit the Lok Vikas Party on Saturday along with 40 supporters.")
    assert got == [("leave_party", "Ramesh Kumar Yadav", "Lok Vikas Party", "2026-03-14", 40, False, "asserted")]


def test_events_switch_is_leave_and_join():
    got = events("Former minister Ram Lal quit the Lok Vikas Party and joined the Jan Kranti Dal along with around 300 workers.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("leave_party", "Ram Lal", "Lok Vikas Party"),
                                                  ("join_party", "Ram Lal", "Jan Kranti Dal")]
    assert got[1][4:6] == (300, True)


def test_events_relative_clause_and_passive():
    got = events("Yadav, who was expelled from the Jan Kranti Dal in 2019, joined the Lok Vikas Party in 2020.")
    assert ("expelled", "Yadav", "Jan Kranti Dal", "2019") in [g[:4] for g in got]
    assert ("join_party", "Yadav", "Lok Vikas Party", "2020") in [g[:4] for g in got]


def test_events_active_expulsion_of_two():
    got = events("The Lok Vikas Party on Saturday expelled MLAs Anil Verma and Sunita Devi for anti-party activities.")
    assert {(g[0], g[1], g[2]) for g in got} == {("expelled", "Anil Verma", "Lok Vikas Party"),
                                                 ("expelled", "Sunita Devi", "Lok Vikas Party")}


def test_events_unnamed_group_is_not_pinned_on_a_person():
    got = events("Ramesh Kumar Yadav met party workers on Friday. Six Lok Vikas Party MLAs resigned from the party on Saturday.")
    assert got[0][0] == "leave_party" and got[0][1] == "Six Lok Vikas Party MLAs"


@pytest.mark.parametrize("text, modality", [
    ("Ramesh Kumar Yadav may join the Jan Kranti Dal if his demands are met, sources said.", "speculative"),
    ("Ramesh Kumar Yadav will join the Jan Kranti Dal next week.", "planned"),
    ("Ramesh Kumar Yadav did not join the Jan Kranti Dal.", "denied"),
    ("Ramesh Kumar Yadav joined the Jan Kranti Dal on Saturday.", "asserted"),
])
def test_events_modality(text, modality):
    [got] = events(text)
    assert got[6] == modality


def test_events_attribution_as_written():
    doc = load_nlp()("According to sources close to the minister, Ramesh Kumar Yadav quit the Lok Vikas Party on Saturday.")
    [ev] = find_events(doc, [], find_times(doc, ANCHOR), ANCHOR)
    assert ev.attribution == ["According to sources close to the minister"]


def test_events_planned_rally_with_place():
    doc = load_nlp()("The Jan Kranti Dal is organising a rally in Patna on Sunday.")
    [ev] = find_events(doc, [], find_times(doc, ANCHOR), ANCHOR)
    assert (ev.type, ev.actor_text, ev.place_text, ev.date, ev.modality) == ("rally", "Jan Kranti Dal", "Patna", "2026-03-15", "planned")


def _row(doc: str, outlet: str, followers=None, approx=False, date="2026-03-14", actor_text="Ramesh Yadav", **kw):
    row = {"doc_id": doc, "n": 0, "type": "leave_party", "trigger": "quit", "actor_entity": "e1",
           "actor_entity_name": "Ramesh Yadav", "actor_text": actor_text, "party_entity": "p1",
           "party_entity_name": "Lok Vikas Party", "party_text": "Lok Vikas Party", "post": None, "date": date,
           "date_text": "Saturday", "place_entity": None, "place_entity_name": "Patna", "place_text": "Patna",
           "followers": followers, "approx": approx, "modality": "asserted", "attribution": [], "evidence": f"evidence {doc}",
           "outlet": outlet, "published": "2026-03-14", "title": f"title {doc}", "paragraph": 0}
    row.update(kw)
    return row


def test_merge_one_event_three_outlets_with_number_conflict():
    rows = [_row("a", "Wire", 42), _row("b", "Daily", 41, True, actor_text="Ramesh Yaadav"), _row("c", "Times", 42)]
    [ev] = merge_events(rows)
    assert ev.followers == 42
    assert ev.followers_reported == [{"value": 41, "approx": True, "doc_ids": ["b"]},
                                        {"value": 42, "approx": False, "doc_ids": ["a", "c"]}]
    fields = {c["field"] for c in ev.conflicts}
    assert fields == {"followers", "actor_name"}
    assert [s["doc_id"] for s in ev.sources] == ["a", "b", "c"] and ev.single_source is False


def test_merge_different_years_are_different_events_and_exit_is_expulsion():
    rows = [_row("a", "Wire", date="2019", type="expelled"), _row("a", "Wire", date=None, n=1),
            _row("b", "Daily", date="2026-03-14")]
    evs = merge_events(rows)
    assert sorted((e.type, e.date) for e in evs) == [("expelled", "2019"), ("leave_party", "2026-03-14")]


def test_merge_a_date_the_text_tells_outweighs_publication_dates():
    rows = [_row("a", "Wire", date="2026-03-13", date_text="Friday"),
            _row("b", "Daily", date="2026-03-14", date_text=None), _row("c", "Times", date="2026-03-14", date_text=None)]
    [ev] = merge_events(rows)
    assert ev.date == "2026-03-13" and ev.conflicts == []


def test_merge_a_city_in_its_state_is_no_place_conflict():
    from newsweave.link.kb import load_kb

    rows = [_row("a", "Wire", place_entity_name="Bihar", place_text="Bihar"), _row("b", "Daily"),
            _row("c", "Times", place_entity_name="Bihar", place_text="Bihar")]
    [ev] = merge_events(rows, inside=load_kb().inside)
    assert ev.place == "Patna" and ev.conflicts == []
    rows[1] = _row("b", "Daily", place_entity_name="Lucknow", place_text="Lucknow")
    [ev] = merge_events(rows, inside=load_kb().inside)
    assert ev.place == "Bihar" and [c["field"] for c in ev.conflicts] == ["place"]


def test_merge_stories_group_documents_by_stored_story():
    docs = [{"doc_id": d, "source": d, "title": d, "outlet": o, "published": p} for d, o, p in
            (("a", "Wire", "2026-03-15"), ("b", "Daily", "2026-03-14"), ("c", "Times", None))]
    groups = stories(docs, {"a": "s1", "b": "s1"})
    assert [g.doc_ids for g in groups] == [["b", "a"], ["c"]]  # earliest first; c has no story: its own
    assert groups[0].story_id == "s1" and groups[0].title == "b" and groups[0].outlets == ["Daily", "Wire"]
    assert [g.published for g in groups] == ["2026-03-14", None]  # the first report's


def test_merge_stories_title_is_a_headline_never_a_date_line_or_byline():
    docs = [{"doc_id": d, "source": d, "title": t, "byline": b, "outlet": "Wire", "published": p} for d, t, b, p in
            (("a", "MONDAY, MAY 23, 2026", None, "2026-05-23"), ("b", "By Asha Rao", "Asha Rao", "2026-05-23"),
             ("c", "Riverton mayor quits the Civic Party", None, "2026-05-24"))]
    assert stories(docs, {"a": "s", "b": "s", "c": "s"})[0].title == "Riverton mayor quits the Civic Party"
    lead = {"a": "Riverton mayor quits", "b": "x"}
    only_dates = docs[:2]
    assert stories(only_dates, {"a": "s", "b": "s"}, lambda ids: {d: lead[d] for d in ids})[0].title == "Riverton mayor quits"


def test_events_headline_in_title_case(linked_article):
    a = linked_article("Former Minister Ramesh Kumar Yadav Quits Lok Vikas Party, Cites Neglect | SWS",
                       "PATNA: Ramesh Kumar Yadav said on Saturday that he had been ignored by the leadership for years.")
    heads = [e for e in a.events if e.sent_start == -1]
    assert [(e.type, e.party_text) for e in heads] == [("leave_party", "Lok Vikas Party")]
    assert heads[0].evidence.startswith("Former Minister Ramesh Kumar Yadav Quits")


@pytest.fixture
def linked_article(pipeline):
    from newsweave.article import Article

    def run(title: str, body: str):
        return pipeline(Article("h.txt", "text", f"{title}\n\n{body}"))
    return run


@pytest.mark.parametrize("text, want", [
    # nominalisation
    ("Anil Verma returned to the Lok Vikas Party in 2020. His exit from the Jan Kranti Dal in 2019 had been bitter.",
     ("leave_party", "Anil Verma", "Jan Kranti Dal", "2019", "asserted")),
    # snap ties with
    ("Anil Verma snapped ties with the Lok Vikas Party on Saturday.",
     ("leave_party", "Anil Verma", "Lok Vikas Party", "2026-03-14", "asserted")),
    # be inducted into: the party takes him in
    ("Anil Verma was inducted into the Jan Kranti Dal on Saturday in Patna.",
     ("inducted", "Anil Verma", "Jan Kranti Dal", "2026-03-14", "asserted")),
    # is set to
    ("Anil Verma is set to join the Jan Kranti Dal on Monday.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "2026-03-16", "planned")),
    # suspension, passive
    ("Anil Verma was suspended from the Lok Vikas Party on Saturday for six years.",
     ("suspended", "Anil Verma", "Lok Vikas Party", "2026-03-14", "asserted")),
])
def test_events_constructions(text, want):
    doc = load_nlp()(text)
    evs = find_events(doc, find_quotes(doc), find_times(doc, ANCHOR), ANCHOR)
    got = [(e.type, e.actor_text, e.party_text, e.date, e.modality) for e in evs]
    assert want in got, got


def test_events_posts_appointed_and_resigned():
    doc = load_nlp()("Meera Das was appointed state president of the Lok Vikas Party on Saturday. "
                     "A day earlier, Anil Verma resigned as the party's general secretary.")
    evs = find_events(doc, [], find_times(doc, ANCHOR), ANCHOR)
    got = {(e.type, e.actor_text) for e in evs}
    assert {("appointed", "Meera Das"), ("resigned_post", "Anil Verma")} <= got
    appointed = next(e for e in evs if e.type == "appointed")
    assert "president" in appointed.post and appointed.date == "2026-03-14"


@pytest.mark.parametrize("phrase, value, approx", [
    ("along with nearly two dozen supporters", 24, True),
    ("along with dozens of supporters", None, False),
    ("with over 500 workers", 500, True),
])
def test_events_follower_counts(phrase, value, approx):
    [ev] = [e for e in find_events(load_nlp()(f"Anil Verma quit the Lok Vikas Party on Saturday {phrase}."))]
    assert (ev.followers, ev.approx if value is not None else False) == (value, approx)


def _asserted(a) -> set[tuple[str, str, str | None]]:
    return {(e.type, e.actor_text, e.party_text) for e in a.events if e.sent_start >= 0 and e.actor_start is not None}


def test_events_group_with_named_members_gives_each_member_the_event(process):
    a = process("Riverton leaders switch sides\n\nSix rebel Civic Party MLAs, including Tomas Brandt, Lena Vogt "
                "and Arun Dasgupta, joined the Harbour Party on Saturday.")
    assert {("join_party", n, "Harbour Party") for n in ("Tomas Brandt", "Lena Vogt", "Arun Dasgupta")} <= _asserted(a)


def test_events_members_listed_after_the_group_get_its_event(process):
    a = process("Riverton leaders switch sides\n\nFour MLAs joined the Harbour Party on Monday. The MLAs who joined "
                "are Tomas Brandt, Lena Vogt and Arun Dasgupta.")
    assert {("join_party", n, "Harbour Party") for n in ("Tomas Brandt", "Lena Vogt", "Arun Dasgupta")} <= _asserted(a)


def test_events_a_conjunct_is_not_taken_for_the_name_before_it(process):
    a = process("Riverton leaders switch sides\n\nThree MLAs, Tomas Brandt, Lena Vogt and Arun Dasgupta, joined "
                "the Harbour Party on Monday.")
    actors = [e.actor_text for e in a.events if e.actor_start is not None and e.sent_start >= 0]
    assert len(actors) == len(set(actors)) == 3


def test_events_he_in_what_a_surname_wrote_is_that_person(process):
    a = process("Riverton leaders switch sides\n\nFarhan Qureshi quit the Civic Party on Monday. In his letter, "
                "addressed to party chief Lena Vogt and leader Tomas Brandt, Qureshi wrote that he was resigning "
                "from the Civic Party with his supporters.")
    actors = {e.actor_text for e in a.events if e.type == "leave_party"}
    assert actors <= {"Farhan Qureshi", "Qureshi"} and actors


def test_events_a_house_or_cabinet_is_no_party(process):
    a = process("Riverton leaders switch sides\n\nTomas Brandt resigned from the Riverland Legislative Assembly on "
                "Monday. Lena Vogt quit the Cabinet on Tuesday. The Harbour Party joined the Riverland Democratic "
                "Alliance on Wednesday, and Arun Dasgupta left the Civic Party.")
    parties = {(e.type, e.party_text) for e in a.events if e.type in ("leave_party", "join_party")}
    assert ("leave_party", "Civic Party") in parties
    assert not any("Assembly" in (p or "") or "Cabinet" in (p or "") for _, p in parties)


def test_events_the_days_news_is_dated_by_publication_background_is_not(process):
    a = process("Tomas Brandt joins Harbour Party\n\nPublished: 14 March 2026\n\nTomas Brandt has joined the Harbour "
                "Party, leaving the Civic Party. Lena Vogt, who had left the Civic Party, welcomed him.")
    dates = {(e.actor_text, e.type): e.date for e in a.events if e.sent_start >= 0}
    assert dates.get(("Tomas Brandt", "join_party")) == "2026-03-14"
    assert dates.get(("Lena Vogt", "leave_party")) in (None,)  # past perfect: background, undated


def test_events_a_team_that_suspends_is_no_party_a_party_unit_is(process):
    a = process("Riverton news\n\nThe Riverton Lions suspended striker Tomas Brandt for two games on Monday. "
                "The Civic Party\u2019s Riverland unit on Tuesday suspended Lena Vogt for six years.")
    got = {(e.type, e.actor_text, e.party_text) for e in a.events if e.type in ("suspended", "expelled")}
    assert got == {("suspended", "Lena Vogt", "The Civic Party")} or got == {("suspended", "Lena Vogt", "Civic Party")}


def test_events_expelled_by_a_party_officer_is_expelled_from_that_party(process):
    a = process("Riverton news\n\nThe Civic Party (CVP) met in Riverton on Monday. Tomas Brandt and Lena Vogt "
                "were expelled for six years by CVP state president Arun Dasgupta.")
    got = {(e.type, e.actor_text) for e in a.events if e.type == "expelled" and e.party_text}
    assert got == {("expelled", "Tomas Brandt"), ("expelled", "Lena Vogt")}


def test_events_a_group_named_again_later_gives_its_members_every_event(process):
    a = process("Riverton leaders switch sides\n\nA group of eight Civic Party MLAs, who merged with the Harbour "
                "Party, left for Riverton on Monday. The MLAs, led by Leader of Opposition Tomas Brandt, met the "
                "Speaker and gave him a letter about them breaking away from the Civic Party. The MLAs include "
                "Lena Vogt, Arun Dasgupta and Meera Pillai.")
    got = _asserted(a)
    for name in ("Lena Vogt", "Arun Dasgupta", "Meera Pillai"):
        assert ("join_party", name, "Harbour Party") in got and ("leave_party", name, "Civic Party") in got
    assert any(t == "join_party" and "Tomas Brandt" in n for t, n, _ in got)


def test_events_they_is_the_group_that_reports_it(process):
    a = process("Riverton leaders switch sides\n\nTwo more rebel Civic Party leaders and former ministers Lena "
                "Vogt and Ravi Menon announced on Monday that they will join the Harbour Party.")
    got = {(e.type, e.actor_text, e.party_text, e.modality) for e in a.events if e.actor_start is not None}
    assert {("join_party", n, "Harbour Party", "planned") for n in ("Lena Vogt", "Ravi Menon")} <= got


def test_events_a_suspended_group_and_its_list_in_any_order(process):
    a = process("Riverton leaders switch sides\n\nIn a blow to the Civic Party, its six suspended MLAs on "
                "Saturday joined the Harbour Party. The six Civic Party MLAs are Lena Vogt (Riverton), Arun "
                "Dasgupta (Eastbank) and Meera Pillai (Northgate). Tomas Brandt and Ravi Menon are also among the "
                "suspended MLAs.")
    got = _asserted(a)
    for name in ("Lena Vogt", "Arun Dasgupta", "Meera Pillai"):
        assert ("suspended", name, "Civic Party") in got and ("join_party", name, "Harbour Party") in got
    # named only as "among the suspended MLAs": suspended, and not said to have joined
    assert ("suspended", "Ravi Menon", "Civic Party") in got and ("join_party", "Ravi Menon", "Harbour Party") not in got


def test_events_a_group_with_a_new_number_is_a_new_group(process):
    a = process("Riverton leaders switch sides\n\nTwo Civic Party MLAs, including Tomas Brandt, resigned from the "
                "party on Monday. Earlier, three Civic Party MLAs, Lena Vogt, Arun Dasgupta and Meera Pillai, "
                "joined the Harbour Party.")
    got = _asserted(a)
    assert ("join_party", "Lena Vogt", "Harbour Party") in got
    assert not any(n == "Tomas Brandt" and t == "join_party" for t, n, _ in got)


def test_events_their_parties_are_each_ones_own(process):
    a = process("Riverton leaders switch sides\n\nLok Vikas Party legislator from Eastbank, Anil Verma, the Jan "
                "Kranti Dal's Sunita Devi from Northgate and Ravi Menon from Westfield quit their parties on Monday.")
    got = {(t, n, p) for t, n, p in _asserted(a) if t == "leave_party"}
    assert got == {("leave_party", "Anil Verma", "Lok Vikas Party"), ("leave_party", "Sunita Devi", "Jan Kranti Dal"),
                   ("leave_party", "Ravi Menon", "Jan Kranti Dal")}


def test_events_who_inducts_is_not_who_is_inducted(process):
    a = process("Riverton leaders switch sides\n\nTomas Brandt joined the Harbour Party on Monday. Harbour Party "
                "chief Lena Vogt formally inducted Brandt into the party.")
    got = {(e.type, e.actor_text) for e in a.events if e.type in ("inducted", "join_party")}
    assert ("inducted", "Brandt") in got or ("inducted", "Tomas Brandt") in got
    assert not any("Vogt" in (n or "") for _, n in got)


def test_events_he_inside_a_quotation_is_not_its_speaker(process):
    a = process("Riverton leaders switch sides\n\nAnil Verma spoke in Patna on Monday. \u201cI am delighted that "
                "Ravi Menon has returned to the Jan Kranti Dal. He has now joined the party for good,\u201d Verma said.")
    joins = {n for t, n, _ in _asserted(a) if t == "join_party"}
    assert "Ravi Menon" in joins and not any("Verma" in n for n in joins)


def test_events_an_appointment_takes_its_party_from_the_post(process):
    a = process("Riverton leaders switch sides\n\nSenior leader Anil Verma was appointed as the working president "
                "of the Jan Kranti Dal on Monday.")
    got = {(e.type, e.actor_text, e.party_text) for e in a.events if e.type == "appointed"}
    assert got == {("appointed", "Anil Verma", "Jan Kranti Dal")}


def test_events_a_party_merged_into_another_is_no_join_of_itself(process):
    a = process("Riverton leaders switch sides\n\nFormer chief minister Anil Verma merged his party, the Lok Vikas "
                "Party, with the Jan Kranti Dal on Monday. The Lok Vikas Party expelled its MLA Ravi Menon from "
                "the party last week.")
    got = _asserted(a)
    assert ("join_party", "Anil Verma", "Jan Kranti Dal") in got
    assert ("join_party", "Anil Verma", "Lok Vikas Party") not in got
    assert ("expelled", "Ravi Menon", "Lok Vikas Party") in got


@pytest.mark.parametrize("text, want", [
    # a verb of calling with a word of denial denies the report
    ("Lok Vikas Party chief Anil Verma on Friday termed reports that he is likely to join the Jan Kranti Dal "
     "as completely baseless.", ("join_party", "Anil Verma", "Jan Kranti Dal", "denied")),
    # "no plan of X leaving" is a denial, not a plan
    ("An aide said there was no plan of Anil Verma leaving the Lok Vikas Party.",
     ("leave_party", "Anil Verma", "Lok Vikas Party", "denied")),
    # a rumoured plan is speculation
    ("Lok Vikas Party leader Anil Verma sidestepped queries about his rumoured plan to join hands with the Jan "
     "Kranti Dal.", ("join_party", "Anil Verma", "Jan Kranti Dal", "speculative")),
    # a conjunct does not take the meaning of the verb it hangs on
    ("Anil Verma, who was considered close to the leadership and had left the Lok Vikas Party in 2019, joined "
     "the Jan Kranti Dal.", ("leave_party", "Anil Verma", "Lok Vikas Party", "asserted")),
    # a hedge on what an event named by a noun will do leaves the event told
    ("Anil Verma quit the Lok Vikas Party. His entry into the Jan Kranti Dal is likely to come as a boost for "
     "the party.", ("join_party", "Anil Verma", "Jan Kranti Dal", "asserted")),
    # ... a hedge on its happening does not
    ("Anil Verma quit the Lok Vikas Party. His entry into the Jan Kranti Dal is likely to happen on Monday.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "speculative")),
    # the future of reported speech: a plan when announced, a guess when a report says so
    ("Lok Vikas Party leader Anil Verma announced that he would join the Jan Kranti Dal in a few days.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "planned")),
    ("Reporters had earlier reported that Lok Vikas Party leader Anil Verma would join the Jan Kranti Dal.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "speculative")),
    # "misleading that X has joined" denies it
    ("\u201cThis news is completely misleading that Anil Verma has joined the Jan Kranti Dal,\u201d an aide said.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "denied")),
    # a headline's "X to join Y" is to come; what unnamed sources say is a guess
    ("Lok Vikas Party leader Anil Verma to join Jan Kranti Dal today, sources say.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "speculative")),
    ("Lok Vikas Party leader Anil Verma to join Jan Kranti Dal", ("join_party", "Anil Verma", "Jan Kranti Dal", "planned")),
    # a wish to join is a plan
    ("Lok Vikas Party leader Anil Verma expressed his desire to join the Jan Kranti Dal.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "planned")),
    # "quit the party to join X": the one who quits joins (a party does not)
    ("Lok Vikas Party leader Anil Verma quit the party to join the Jan Kranti Dal.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "asserted")),
    # joining today is the day's news, not a plan
    ("Lok Vikas Party leader Anil Verma is joining the Jan Kranti Dal today, an aide said.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "asserted")),
])
def test_events_modality_by_scope(process, text, want):
    a = process("Riverton leaders switch sides\n\n" + text)
    assert want in {(e.type, e.actor_text, e.party_text, e.modality) for e in a.events}


def test_events_the_object_of_inspired_to_join_acts(process):
    a = process("Riverton leaders switch sides\n\nAnil Verma met Ravi Menon on Monday. Work done by Ravi Menon "
                "inspired Anil Verma to join the Jan Kranti Dal, he said.")
    joins = {n for t, n, _ in _asserted(a) if t == "join_party"}
    assert "Anil Verma" in joins and "Ravi Menon" not in joins


def test_events_a_join_told_as_fact_implies_leaving_the_party_described(process):
    a = process("Riverton leaders switch sides\n\nLok Vikas Party MLA Anil Verma joined the Jan Kranti Dal on "
                "Monday. Former Lok Vikas Party leader Ravi Menon joined the Jan Kranti Dal too.")
    leaves = {(n, p) for t, n, p in _asserted(a) if t == "leave_party"}
    assert ("Anil Verma", "Lok Vikas Party") in leaves and not any(n == "Ravi Menon" for n, _ in leaves)


def test_events_a_group_most_mentioned_keeps_its_members(process):
    a = process("Riverton leaders switch sides\n\nA group of eight Civic Party MLAs, who merged with the Harbour "
                "Party, met the Governor. The Civic Party is now reduced to five legislators. The MLAs include "
                "Lena Vogt, Ravi Menon and Meera Pillai.")
    assert {("join_party", n, "Harbour Party") for n in ("Lena Vogt", "Ravi Menon", "Meera Pillai")} <= _asserted(a)


def test_events_defect_to_joins_and_losing_the_whip_is_a_suspension(process):
    a = process("Riverton leaders switch sides\n\nHarbour Party MP Lena Vogt has become the second Harbour Party MP "
                "to defect to the Civic Party. The Civic Party said on Monday that its MPs must back the budget. "
                "The two MPs who have lost the whip are Ravi Menon and Meera Pillai.")
    got = _asserted(a)
    assert ("join_party", "Lena Vogt", "Civic Party") in got
    assert {("suspended", n, "Civic Party") for n in ("Ravi Menon", "Meera Pillai")} <= got


@pytest.mark.parametrize("text, want", [
    ("The Jan Kranti Dal on Monday denied the reports that Lok Vikas Party leader Anil Verma has joined the Jan "
     "Kranti Dal.", ("join_party", "Anil Verma", "Jan Kranti Dal", "denied")),
    ("Lok Vikas Party leader Anil Verma on Monday rubbished the reports that he would be joining the Jan Kranti Dal.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "denied")),
    ("The Jan Kranti Dal on Saturday claimed that Lok Vikas Party leader Anil Verma has joined it.",
     ("join_party", "Anil Verma", "Jan Kranti Dal", "asserted")),
])
def test_events_denied_reports_and_the_party_that_says_it(process, text, want):
    a = process("Riverton leaders switch sides\n\n" + text)
    assert want in {(e.type, e.actor_text, e.party_text, e.modality) for e in a.events}


def test_entities_a_lower_case_form_of_the_knowledge_base_is_a_party(process):
    a = process("Delhi leaders switch sides\n\nFormer AAP MLA Anil Verma joined the saffron party on Monday.")
    assert ("join_party", "Anil Verma", "saffron party") in _asserted(a)


@pytest.mark.parametrize("text, want", [
    # "he" is the subject before, not the last name written
    ("Tomas Brandt met Lena Vogt and Arun Dasgupta in Riverton on Monday. He joined the Harbour Party later that day.",
     {("join_party", "Tomas Brandt", "Harbour Party")}),
    # a clause after a time word has the sentence's subject
    ("Two weeks after resigning from the Lok Vikas Party as its working president, Anil Verma joined the Jan Kranti "
     "Dal.", {("leave_party", "Anil Verma", "Lok Vikas Party"), ("join_party", "Anil Verma", "Jan Kranti Dal")}),
    # a description is the person in view
    ("Former minister Ravi Menon resigned from the Lok Vikas Party on Wednesday. The 63-year-old leader joined the "
     "Jan Kranti Dal on Thursday.", {("join_party", "Ravi Menon", "Jan Kranti Dal")}),
], ids=["he-is-the-subject-before", "after-resigning-x-joined", "the-63-year-old-leader"])
def test_events_the_actor_is_the_person_in_view(process, text, want):
    assert want <= _asserted(process("Riverton leaders switch sides\n\n" + text))


def test_events_all_four_is_the_people_just_named(process):
    a = process("Riverton leaders switch sides\n\nLok Vikas Party legislator Anil Verma, the Jan Kranti Dal's Sunita "
                "Devi and Ravi Menon quit their parties on Monday. All three are expected to join the Civic Party.")
    got = {(e.type, e.actor_text, e.party_text, e.modality) for e in a.events if e.actor_start is not None}
    assert {("join_party", n, "Civic Party", "planned") for n in ("Anil Verma", "Sunita Devi", "Ravi Menon")} <= got


def test_events_followers_among_those_who_go_along(process):
    a = process("Riverton leaders switch sides\n\nFormer minister Ramesh Kumar Yadav will join the Jan Kranti Dal "
                "along with his son and the 57 corporators of his ward committee.")
    [ev] = [e for e in a.events if e.type == "join_party" and e.actor_start is not None]
    assert ev.followers == 57


def test_events_a_main_verb_left_without_subject_takes_the_name_right_before_it():
    """A parse that hangs the name elsewhere ("MLA X Y Monday quit": no subject), built by hand."""
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    from newsweave.nlp.refer import name_before

    words = ["MLA", "Tomas", "Brandt", "Monday", "quit", "the", "party"]
    doc = Doc(Vocab(), words=words, heads=[4, 2, 0, 4, 4, 6, 4], deps=["dep", "compound", "appos", "npadvmod",
              "ROOT", "det", "dobj"], pos=["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "DET", "NOUN"],
              sent_starts=[True] + [False] * 6)
    doc.ents = [Span(doc, 1, 3, "PERSON"), Span(doc, 3, 4, "DATE")]
    assert name_before(doc[4]).text == "Brandt"
    assert name_before(doc[6]) is None  # not a main verb


def test_events_a_group_counted_as_part_of_a_party_and_listed_after_a_lost_space(process):
    a = process("Riverton news\n\nThe Lok Vikas Party has suspended three of its MLAs from the party for anti-party "
                "activities.The disciplinary committee had issued a notice to the three MLAs on March 28.The three "
                "legislators include Tomas Brandt (Riverton), Lena Vogt (Eastfield) and Arun Dasgupta (Millbrook).")
    suspended = {n for t, n, p in _asserted(a) if t == "suspended" and p == "Lok Vikas Party"}
    assert {"Tomas Brandt", "Lena Vogt", "Arun Dasgupta"} <= suspended


def test_events_a_listing_with_a_description_after_each_name_names_them_all(process):
    a = process("Riverton news\n\nThree Lok Vikas Party MLAs quit the party on Friday. The three MLAs include Tomas "
                "Brandt, a two-time MLA from Riverton, Lena Vogt, a three-time MLA from Eastfield, and Arun Dasgupta.")
    leaves = {n for t, n, _ in _asserted(a) if t == "leave_party"}
    assert {"Tomas Brandt", "Lena Vogt", "Arun Dasgupta"} <= leaves


def test_events_the_party_joined_after_quitting_another_is_not_the_one_quit(process):
    a = process("Riverton leaders switch sides\n\nAnil Verma, who was suspended from the Jan Kranti Dal on Thursday, "
                "had quit the Lok Vikas Party along with 43 MLAs to join the regional party in October.")
    joins = {p for t, n, p in _asserted(a) if t == "join_party" and n == "Anil Verma"}
    assert joins == {"Jan Kranti Dal"}


def test_events_he_follows_x_and_y_in_joining_gives_them_the_join_too(process):
    a = process("Riverton leaders switch sides\n\nLok Vikas Party MLA Anil Verma joined the Jan Kranti Dal on Monday. He "
                "follows the former MLA Ravi Menon and ex-minister Sunita Rao in joining the Jan Kranti Dal.")
    joins = {n for t, n, p in _asserted(a) if t == "join_party" and p == "Jan Kranti Dal"}
    assert {"Anil Verma", "Ravi Menon", "Sunita Rao"} <= joins


def test_events_a_name_hung_on_the_seat_before_it_is_still_listed():
    got = events("The Bahujan Samaj Party (BSP) suspended six MLAs in Lucknow on Monday. Roopik Gorari (Sadabad, "
                 "Hathras) and Manlal Ghatani (Purwa, Unnao) are also among the suspended MLAs.")
    actors = {a for t, a, *_ in got if t == "suspended"}
    assert {"Roopik Gorari", "Manlal Ghatani"} <= actors, got


def test_events_the_speaker_after_a_list_is_no_item_of_it():
    got = events("The Bharatiya Janata Party (BJP) has expelled six rebels in Uttarakhand. Those expelled include "
                 "Balinder Tambaria, Jagendra Kesela and Ishkishore Gorwal, Pradesh BJP media in-charge Satpal "
                 "Ghatani Kesela said.")
    actors = {a for t, a, *_ in got if t == "expelled"}
    assert {"Balinder Tambaria", "Ishkishore Gorwal"} <= actors and "Satpal Ghatani Kesela" not in actors, got


@pytest.mark.parametrize("text, etype, actor, party", [
    # a gerund's owner does it
    ("Congress leader Roopdeep Nagondia quit on Monday. Political circles predict that Roopdeep Nagondia's joining "
     "into the BJP would boost the party's performance.", "join_party", "Roopdeep Nagondia", "BJP"),
    # "who" right after a name is that person, however the parse hangs the clause
    ("Congress MLA Balbir Kulondia joined the BJP on Monday. It was a homecoming for Kulondia who was with the BJP "
     "earlier before switching over to the Congress ahead of the 2017 polls.", "join_party", "Kulondia", "Congress"),
    # "him" in a quotation with no person subject before it is the person the quotation last named
    ("Senior BJP leader Ravindra Tomsal was appointed working president of the BJP on Monday. \"The BJP won under the "
     "leadership of Harpal Gorwal. But since the PM appointed him home minister, the party needed a new president,\" "
     "BJP leader Satik Ghatani told reporters.", "appointed", "Harpal Gorwal", None),
    # a verb the tagger read as a plural noun, as headlines make it do
    ("Vedkant Ranari merges Jharkhand Vikas Morcha with BJP, leaders welcome the move",
     "join_party", "Vedkant Ranari", "BJP"),
    # the post right after the person appointed, however the parse hung it
    ("\"The BJP won under the leadership of Harpal Gorwal. But since PM appointed him home minister, Harpal Gorwal "
     "ji himself said the party needs a new president,\" BJP leader Satik Ghatani told reporters.", "appointed",
     "Harpal Gorwal", None),
])
def test_events_the_actor_is_found_however_the_sentence_is_built(text, etype, actor, party):
    got = events(text)
    assert any(t == etype and a == actor and (party is None or p == party) for t, a, p, *_ in got), got


def test_events_a_run_of_names_after_a_group_and_a_dash_are_its_members():
    got = events("The Rashtriya Janata Dal (RJD) in Bihar suffered a setback. On August 20, three MLAs, including "
                 "Kamendra Savani, joined the JD(U). Earlier on August 17, three RJD MLAs- Tejpreet Bararia (Gaighat "
                 "MLA), Satansh Shirone (Patepur MLA) and Jaijeet Savewala (Kanti MLA)- had joined the JD(U). The RJD "
                 "had expelled these three legislators from the party for six years.")
    joined = {a for t, a, *_ in got if t == "join_party"}
    expelled = {a for t, a, *_ in got if t == "expelled"}
    assert {"Tejpreet Bararia", "Satansh Shirone", "Jaijeet Savewala"} <= joined, got
    assert {"Tejpreet Bararia", "Satansh Shirone", "Jaijeet Savewala"} <= expelled and "Kamendra Savani" not in expelled, got


def test_events_party_right_after_the_verb_when_the_parse_lost_the_object():
    # the parse hangs "Party" on "hours" (a compound) and gives "joined" no object
    got = events("Kamla Devi Rawat joined the Lok Vikas Party hours later.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("join_party", "Kamla Devi Rawat", "Lok Vikas Party")]
    assert events("Kamla Devi Rawat joined the protest hours later.") == []
    assert events("Kamla Devi Rawat left the Lok Vikas Party office hours later.") == []


def test_events_a_party_chief_who_expels_gives_the_party():
    got = events("Lok Vikas Party president Ram Lal on Monday expelled MLA Sita Devi in Lucknow for anti-party "
                 "activities. Sita Devi had met BJP leaders in Lucknow last week.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("expelled", "Sita Devi", "Lok Vikas Party")]
    # a person the sentence does not describe by a party gives none: no event
    assert events("Speaker Ram Lal suspended MLA Sita Devi from the Assembly in Lucknow on Monday.") == []


def test_events_a_post_taken_away_is_no_expulsion():
    assert events("The Lok Vikas Party sacked Ram Lal as Bihar's deputy chief minister in Patna.") == []
    assert events("The Lok Vikas Party sacked Ram Lal from the post of state president in Patna.") == []
    got = events("The Lok Vikas Party expelled Ram Lal from the party in Patna.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("expelled", "Ram Lal", "Lok Vikas Party")]


def test_events_wanting_to_join_is_a_plan():
    got = events("There are 20 MLAs who want to join the Lok Vikas Party, Ram Lal said in Patna.")
    assert [(t, p, m) for t, _, p, *_, m in got] == [("join_party", "Lok Vikas Party", "planned")]


def test_events_a_hint_of_leaving_is_speculation():
    got = events("In Patna, Ram Lal met the chief minister, dropping an indication that he is parting ways "
                 "with the Lok Vikas Party.")
    assert [(t, a, p, m) for t, a, p, *_, m in got] == [("leave_party", "Ram Lal", "Lok Vikas Party", "speculative")]


@pytest.mark.parametrize("text, date", [
    ("Lok Vikas Party MLA Ram Lal on Monday became the third legislator in Bihar to defect to the Jan Kranti Dal.",
     "2026-03-09"),
    ("Ram Lal has become the latest MLA to defect to the Jan Kranti Dal.", ANCHOR),
    ("Ram Lal was the first MLA to join the Jan Kranti Dal in 2019.", "2019"),
    ("Ram Lal quit the Lok Vikas Party in Patna. He is the fourth MLA in Bihar to have joined the Jan Kranti Dal "
     "since July.", "any"),
])
def test_events_the_nth_to_join_is_the_subject_of_the_copula(text, date):
    got = [g for g in events(text) if g[0] == "join_party"]
    assert [(t, a, p, m) for t, a, p, *_, m in got] == [("join_party", "Ram Lal", "Jan Kranti Dal", "asserted")]
    assert date == "any" or got[0][3] == date  # the copula's date ("on Monday became"), its tense's


def test_events_the_post_after_as_wins_over_the_appointees_description():
    doc = load_nlp()("In Patna, the Lok Vikas Party appointed Ram Lal, its chief whip in the Assembly, as new state "
                     "president on Monday.")
    [ev] = find_events(doc, [], find_times(doc, ANCHOR), ANCHOR)
    assert (ev.type, ev.actor_text, ev.post) == ("appointed", "Ram Lal", "new state president")


def test_events_his_in_a_reported_clause_is_that_clauses_subject():
    got = events("Lok Vikas Party president Keshav Rawat said in Patna that Ram Lal had written a letter and "
                 "expressed his desire to return to the Lok Vikas Party.")
    assert [(t, a, m) for t, a, *_, m in got] == [("join_party", "Ram Lal", "planned")]
    got = events("Keshav Rawat said in Patna that he would quit the Lok Vikas Party.")
    assert [(t, a) for t, a, *_ in got] == [("leave_party", "Keshav Rawat")]


def test_events_the_party_left_is_the_one_party_its_sentence_named():
    got = events("Ram Lal, who had floated his own outfit, the Jan Kranti Dal, in 2018, was seen in Patna. Ram Lal "
                 "returned to the Lok Vikas Party on Saturday, two years after he had left the party over differences.")
    assert ("leave_party", "Ram Lal", "Lok Vikas Party") in [(t, a, p) for t, a, p, *_ in got]


def test_events_suspended_as_a_partys_member_gives_the_party():
    got = events("Ram Lal has been suspended as a Lok Vikas Party MLA in Patna after a complaint was made to the police.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("suspended", "Ram Lal", "Lok Vikas Party")]
    assert events("Ram Lal has been suspended as the Lok Vikas Party's state president in Patna.") == []


def test_events_a_party_named_beside_a_nested_office_is_still_the_party():
    # "minister" inside "led by Chief minister X" does not make "the Shiv Sena faction" a post
    got = events("Hundreds of people from the Worli area of Mumbai joined the Shiv Sena faction led by Chief "
                 "minister Eknath Shinde on Sunday.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("join_party", "Hundreds of people", "Shiv Sena")]


def test_events_him_as_the_object_is_not_the_verbs_own_subject():
    got = events("Ram Lal met Shyam Lal in Patna on Sunday. On Monday, Lok Vikas Party president Keshav Rawat "
                 "expelled him.")
    assert [(t, a, p) for t, a, p, *_ in got] == [("expelled", "Ram Lal", "Lok Vikas Party")]
