"""Entities: within-document coreference and cross-document resolution."""

from __future__ import annotations

from collections import Counter

import pytest

from newsweave.article import Article
from newsweave.link.kb import KB, Entry
from newsweave.link.resolve import DocCluster, resolve


def people(article: Article) -> dict[str, set[str]]:
    return {c.name: set(c.forms) for c in article.clusters if c.type == "PERSON"}


@pytest.fixture
def linked(pipeline):
    def run(text: str, source: str = "t.txt", outlet: str | None = None) -> Article:
        a = Article(source, "text", text)
        a = pipeline(a)
        return a
    return run


def test_link_gandhis_stay_three_people(linked):
    a = linked("Congress leaders Sonia Gandhi, Rahul Gandhi and Priyanka Gandhi Vadra met party workers in "
               "the city on Monday. Later, Rahul Gandhi said the party would fight the polls alone. "
               "Priyanka Gandhi addressed a rally in the evening, while Sonia Gandhi stayed in the capital.")
    names = people(a)
    gandhis = [n for n in names if "Gandhi" in n]
    assert len(gandhis) == 3, names
    priyanka = next(n for n in gandhis if n.startswith("Priyanka"))
    assert {"Priyanka Gandhi", "Priyanka Gandhi Vadra"} <= names[priyanka]


def test_link_two_people_one_surname(linked):
    a = linked("Ramesh Yadav, a former minister, joined the party on Friday. His cousin Suresh Yadav, "
               "a sitting MLA, stayed away from the event, and later told reporters he had not been invited.")
    names = people(a)
    assert "Ramesh Yadav" in names and "Suresh Yadav" in names


def test_link_surname_and_variant_join_the_full_name(linked):
    a = linked("Former minister Rajneesh Kumar Mishra quit the Lok Vikas Party on Saturday along with his "
               "supporters. Mishra said he had been ignored for years by the leadership of the party. "
               "Speaking to reporters later, Rajnish Kumar Mishra said he would decide his next step soon.")
    names = people(a)
    [(name, forms)] = [(n, f) for n, f in names.items() if "Mishra" in n]
    assert {"Mishra", "Rajnish Kumar Mishra", "Rajneesh Kumar Mishra"} <= forms


def test_link_defined_abbreviation_and_unknown_party(linked):
    a = linked("Three MLAs left the Lok Vikas Party (LVP) on Monday. The LVP said it would replace them "
               "before the by-elections, and LVP workers protested outside the office.")
    [party] = [c for c in a.clusters if c.type == "PARTY"]
    assert party.name == "Lok Vikas Party" and party.forms["LVP"] >= 2


def test_link_titles_stripped_and_outlet_entity(linked):
    a = linked("Speaking in the capital, Union minister Ravi Shankar Prasad Sinha said the bill would pass. "
               "Sinha added that the government had the numbers in both houses of Parliament.",
               source="a.txt")
    names = people(a)
    assert "Ravi Shankar Prasad Sinha" in names and not any(n.startswith("Union") for n in names)


def _kb() -> KB:
    kb = KB()
    kb.add(Entry("party:x", "PARTY", "Example Party", ["Example Party", "EP"]))
    return kb


def dc(doc: str, i: int, typ: str, forms: dict[str, int], kb_id: str | None = None) -> DocCluster:
    return DocCluster(doc, i, typ, kb_id, dict(Counter(forms)))


def test_resolve_variants_across_documents_with_context():
    clusters = [
        dc("d1", 0, "PERSON", {"Rajneesh Kumar": 2, "Kumar": 1}),
        dc("d1", 1, "PARTY", {"Example Party": 1}, "party:x"),
        dc("d2", 0, "PERSON", {"Rajnish Kumar": 1}),
        dc("d2", 1, "PARTY", {"EP": 1}, "party:x"),
        dc("d3", 0, "PERSON", {"Kumar": 3}),
        dc("d3", 1, "PARTY", {"EP": 1}, "party:x"),
    ]
    ents = resolve(clusters, _kb())
    persons = [e for e in ents if e.type == "PERSON"]
    assert len(persons) == 1
    p = persons[0]
    assert p.name == "Rajneesh Kumar" and set(p.aliases) == {"Rajnish Kumar", "Kumar"}
    assert p.doc_ids == ["d1", "d2", "d3"] and p.kb_id is None
    [party] = [e for e in ents if e.type == "PARTY"]
    assert party.name == "Example Party" and party.kb_id == "party:x"


def test_resolve_never_merges_two_people_of_one_document():
    clusters = [
        dc("d1", 0, "PERSON", {"Ramesh Yadav": 1}),
        dc("d1", 1, "PERSON", {"Ramesh Yaadav": 1}),  # the text kept them apart
        dc("d2", 0, "PERSON", {"Suresh Yadav": 1}),
    ]
    ents = resolve(clusters, _kb())
    assert sorted(e.name for e in ents) == ["Ramesh Yaadav", "Ramesh Yadav", "Suresh Yadav"]
    assert all(len(e.members) == 1 for e in ents)
    # a third document's spelling still joins one of them: only the document that kept them apart decides
    ents = resolve([*clusters, dc("d3", 0, "PERSON", {"Ramesh Yadav": 2})], _kb())
    assert sorted(len(e.members) for e in ents) == [1, 1, 2]


def test_resolve_entity_ids_stable():
    clusters = [dc("d1", 0, "PERSON", {"Asha Verma": 1}), dc("d2", 0, "PERSON", {"Asha Verma": 2})]
    a = resolve(clusters, _kb())
    b = resolve(list(reversed(clusters)), _kb())
    assert [e.entity_id for e in a] == [e.entity_id for e in b]


def test_resolve_variants_in_reports_of_one_story_join():
    clusters = [dc("d1", 0, "PERSON", {"Kalidas Kolambkar": 2}), dc("d2", 0, "PERSON", {"Kalidas Kolamkar": 1})]
    apart = [e for e in resolve(clusters, _kb()) if e.type == "PERSON"]
    assert len(apart) == 2  # no shared context, no story: two names
    [one] = [e for e in resolve(clusters, _kb(), {"d1": "s1", "d2": "s1"}) if e.type == "PERSON"]
    assert {one.name, *one.aliases} == {"Kalidas Kolambkar", "Kalidas Kolamkar"}


def test_resolve_shortened_names_in_one_story_join_the_full_name():
    clusters = [dc("d1", 0, "PERSON", {"Aslam Ali": 1}), dc("d2", 0, "PERSON", {"Aslam Ali Chaudhary": 1}),
                dc("d3", 0, "PERSON", {"Mujtaba Siddiqi": 1}), dc("d2", 1, "PERSON", {"Mohammad Mujtaba Siddiqi": 1})]
    ents = resolve(clusters, _kb(), {"d1": "s", "d2": "s", "d3": "s"})
    names = sorted(sorted([e.name, *e.aliases]) for e in ents)
    assert names == [["Aslam Ali", "Aslam Ali Chaudhary"], ["Mohammad Mujtaba Siddiqi", "Mujtaba Siddiqi"]]


def test_resolve_story_never_joins_two_people_one_document_names():
    clusters = [dc("d1", 0, "PERSON", {"Ramesh Yadav": 1}), dc("d1", 1, "PERSON", {"Ramesh Yaadav Rao": 1}),
                dc("d2", 0, "PERSON", {"Ramesh Yadaw": 1})]
    ents = resolve(clusters, _kb(), {"d1": "s", "d2": "s"})
    assert not any({"Ramesh Yadav", "Ramesh Yaadav Rao"} <= {e.name, *e.aliases} for e in ents)


def test_resolve_place_spellings_in_one_story_join():
    clusters = [dc("d1", 0, "PLACE", {"Bholana": 1}), dc("d2", 0, "PLACE", {"Bhalauna": 1}),
                dc("d3", 0, "PLACE", {"Bholana": 1}), dc("d4", 0, "PLACE", {"Bhagalpura": 1})]
    ents = resolve(clusters, _kb(), {"d1": "s", "d2": "s", "d4": "s"})
    groups = sorted(sorted([e.name, *e.aliases]) for e in ents)
    assert groups == [["Bhagalpura"], ["Bhalauna", "Bholana"]]


def test_resolve_surname_of_two_people_is_no_alias_of_either():
    clusters = [dc("d1", 0, "PERSON", {"Devika Rane": 1, "Rane": 2}), dc("d2", 0, "PERSON", {"Mohan Rane": 1, "Rane": 1}),
                dc("d3", 0, "PERSON", {"Asha Kulkarni": 1, "Kulkarni": 1})]
    ents = {e.name: e for e in resolve(clusters, _kb())}
    assert "Rane" not in ents["Devika Rane"].aliases and "Rane" not in ents["Mohan Rane"].aliases
    assert ents["Asha Kulkarni"].aliases == ["Kulkarni"]


def test_resolve_survives_names_without_letters():
    odd = ["'", "- -", "123 456", "A", "’s Kumar", "Ám Ón", "X Y"]
    clusters = [dc(f"d{i}", 0, typ, {name: 1}) for i, name in enumerate(odd) for typ in ("PERSON", "PLACE")]
    ents = resolve(clusters, _kb(), {f"d{i}": "s" for i in range(len(odd))})
    assert ents


def test_link_one_person_spelt_two_ways_in_one_article(linked):
    a = linked("Former minister Naresh Agarwal joined the Lok Vikas Party on Monday. Naresh Agrawal said he had "
               "been ignored for years, and Agarwal's son will contest the next election.")
    [(name, forms)] = [(n, f) for n, f in people(a).items() if n.startswith("Naresh")]
    assert {"Naresh Agarwal", "Naresh Agrawal"} <= forms


def test_coref_a_long_surname_with_two_slips_is_one_persons_in_one_article():
    from newsweave.link.coref import _misspelt

    assert _misspelt("Vallabh Keshwaliya", "Vallabh Keshwadia")  # two slips after "Kes"
    assert not _misspelt("Sanjay Singh", "Sanjay Sinha")  # short words: two slips make another name
    assert not _misspelt("Vallabh Keshwaliya", "Vallabh Kotwaliya")  # the first letters differ


def test_resolve_one_name_typed_two_ways_is_one_entity_of_the_commoner_type():
    clusters = [dc("d1", 0, "PERSON", {"Virendra Sachdev": 3}), dc("d2", 0, "ORG", {"Virendra Sachdev": 1}),
                dc("d3", 0, "PERSON", {"Virendra Sachdev": 1})]
    [ent] = resolve(clusters, _kb())
    assert ent.type == "PERSON" and ent.doc_ids == ["d1", "d2", "d3"]


def test_link_dateline_place_is_an_entity_of_the_article(linked):
    a = linked("Party leaders meet\n\nKESARGANJ: Three MLAs left the Lok Vikas Party on Monday and said they would "
               "announce their next step after talks with workers in the coming week.")
    assert a.dateline == "Kesarganj"
    assert [c.forms for c in a.clusters if c.type == "PLACE"] == [{"Kesarganj": 1}]


def test_resolve_a_kb_form_left_unlinked_never_joins_the_entry():
    kb = KB()
    kb.add(Entry("org:court", "ORG", "High Court of Riverland", ["High Court"], pack="riverland"))
    kb.add(Entry("party:rp", "PARTY", "Riverland People's Party", ["RPP"], pack="riverland"))
    clusters = [dc("a", 0, "ORG", {"High Court": 2}, "org:court"),  # a Riverland report: linked
                dc("b", 0, "ORG", {"High Court": 1}),  # elsewhere: judged another court
                dc("c", 0, "ORG", {"High Court": 1}),
                dc("d", 0, "ORG", {"Harbour Board": 1}), dc("e", 0, "ORG", {"Harbour Board": 2}),
                dc("f", 0, "PARTY", {"RPP": 1}, "party:rp"), dc("f", 1, "ORG", {"High Court": 1})]  # missed
    groups = sorted(sorted(f"{m.doc_id}{m.cluster}" for m in e.members) for e in resolve(clusters, kb))
    assert groups == [["a0", "f1"], ["b0", "c0"], ["d0", "e0"], ["f0"]]


def test_resolve_a_seat_written_before_a_name_is_not_the_persons_name():
    clusters = [
        dc("d1", 0, "PERSON", {"Tomas Brandt": 2, "Brandt": 1}),
        dc("d1", 1, "PLACE", {"Riverton North": 1}),
        dc("d1", 2, "PARTY", {"Example Party": 1}, "party:x"),
        dc("d2", 0, "PERSON", {"Riverton North Tomas Brandt": 1, "Tomas Brandt": 1, "Brandt": 2}),
        dc("d2", 1, "PARTY", {"EP": 1}, "party:x"),
    ]
    [person] = [e for e in resolve(clusters, _kb()) if e.type == "PERSON"]
    assert person.name == "Tomas Brandt" and "Riverton North Tomas Brandt" not in person.aliases
