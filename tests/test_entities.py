"""Entity spans and types decided by evidence (nlp/evidence.py, nlp/components.py), and the
knowledge base's packs: an ambiguous alias is linked only in its pack's world. Every sentence
here was written for these tests; the people, places and parties in them are fictional unless a
real place name is the point."""

from __future__ import annotations

import pytest

from newsweave.errors import ConfigError
from newsweave.link import kb as kbmod
from newsweave.nlp.model import load_nlp


def ents(text: str) -> dict[str, str]:
    """Every linked entity of ``text``: its words -> its label."""
    doc = load_nlp()(text)
    return {e.text: e.label_ for e in doc.ents if e.label_ in ("PERSON", "PARTY", "ORG", "PLACE", "MEDIA")}


def kb_ids(text: str) -> dict[str, str]:
    doc = load_nlp()(text)
    return {e.text: e.kb_id_ for e in doc.ents if e.kb_id_}


def test_entities_office_inside_a_name_splits_it():
    got = ents("Kesarganj MLA Suneeta Pathak resigned from the Lok Vikas Party on Friday.")
    assert got.get("Suneeta Pathak") == "PERSON"
    assert "Kesarganj MLA Suneeta Pathak" not in got and got.get("Kesarganj") == "PLACE"


def test_entities_bracketed_constituencies_are_places_and_their_people_persons():
    got = ents("The rebels who joined on Sunday are Harish Rawal (Sundarpur), Mohan Lal Teotia (Bhimgarh), "
               "Sarita Devi Kohli (Kalanagar) and Jagan Nath Bhamra (Rupaspur).")
    for person in ("Harish Rawal", "Mohan Lal Teotia", "Sarita Devi Kohli", "Jagan Nath Bhamra"):
        assert got.get(person) == "PERSON", (person, got)
    for place in ("Sundarpur", "Bhimgarh", "Kalanagar", "Rupaspur"):
        assert got.get(place) == "PLACE", (place, got)


def test_entities_numbered_list_under_a_heading_of_people():
    got = ents("The Speaker suspended ten members of the House on Friday.\n\nList of suspended MLAs\n\n"
               "1 Devendra Kamathi\n\n2 Ramesh Bhaskaran\n\n3 Kiran Mallur\n\n4 Suhas Pandikar\n\n"
               "After the suspension the members staged a protest.")
    for person in ("Devendra Kamathi", "Ramesh Bhaskaran", "Kiran Mallur", "Suhas Pandikar"):
        assert got.get(person) == "PERSON", (person, got)


def test_entities_constituency_words_make_a_place():
    got = ents("The party lost the by-election to the Kesarganj Assembly constituency, which it had held "
               "since 2012, and will contest the Bhimgarh bypoll next month.")
    assert got.get("Kesarganj") == "PLACE" and got.get("Bhimgarh") == "PLACE", got


def test_entities_government_named_after_its_head_is_a_person():
    got = ents("He was made a cabinet minister in the Harish Rawal government the next day.")
    assert got.get("Harish Rawal") == "PERSON", got


def test_entities_office_before_a_name_the_model_missed():
    got = ents("The seat fell vacant after the death of sitting MLA Samir Kahnu in July.")
    assert got.get("Samir Kahnu") == "PERSON", got


def test_entities_english_word_opening_a_sentence_is_not_part_of_the_name():
    got = ents("Urging Patnekar to stay, the leaders met him at his home on Monday.")
    assert "Urging Patnekar" not in got


def test_entities_country_names_are_places_though_english_words():
    got = ents("After the air strikes on Pakistan, he said India had answered.")
    assert got.get("Pakistan") == "PLACE" and got.get("India") == "PLACE", got


def test_entities_initials_open_a_persons_name_not_a_place():
    got = ents("The four leaders are Sanjay Pathak, MS Kandari, Rekha Joshi and Anil Rawat.")
    assert got.get("MS Kandari") == "PERSON", got


def test_entities_one_type_per_name_in_a_document():
    got = load_nlp()("Those expelled include Rudrapur MLA Rajan Thakral, Tika Ram Maikhola, Jeetu Negiwal, "
                     "Dhiren Chauhal and Manoj Shahani, a party spokesperson said. Maikhola is contesting as "
                     "an independent, and Negiwal said he would too.")
    labels: dict[str, set[str]] = {}
    for e in got.ents:
        labels.setdefault(e.text.split()[-1], set()).add(e.label_)
    assert labels["Maikhola"] == {"PERSON"} and labels["Negiwal"] == {"PERSON"}, labels


def test_kb_ambiguous_alias_needs_its_pack_world():
    us = kb_ids("The Congress passed the spending bill on Tuesday, and the White House in Washington welcomed the vote.")
    assert "Congress" not in us
    india = kb_ids("The Congress expelled MLA Ram Lal from the party in Lucknow on Monday.")
    assert india.get("The Congress") == "party:inc"


def test_kb_two_ambiguous_forms_of_one_pack_are_evidence_of_its_world():
    got = kb_ids("The BJP and the Congress both fielded new candidates this time.")
    assert got.get("BJP") == "party:bjp" and got.get("Congress") == "party:inc"


def test_kb_packs_are_selected_by_setting():
    assert "party:inc" in kbmod.load_kb(None, "india").entries
    none = kbmod.load_kb(None, "")
    assert not [e for e in none.entries.values() if e.type in ("PARTY", "PLACE")]
    with pytest.raises(ConfigError, match="no knowledge-base pack named"):
        kbmod.load_kb(None, "atlantis")


def test_kb_every_entry_knows_its_pack():
    kb = kbmod.load_kb()
    assert kb.entries["party:inc"].pack == "india"
    assert kb.entries["place:in-up"].pack == "india"
    assert all(e.pack for e in kb.entries.values())


def test_kb_user_folder_is_a_pack_of_its_own(tmp_path):
    (tmp_path / "pack.toml").write_text('name = "testland"\ncountry = "NZ"\n', encoding="utf-8")
    (tmp_path / "parties.tsv").write_text(
        "# Source: a test\nid\tname\tabbreviations\tforms\tstate_units\twikidata\n"
        "party:tlp\tTest Land Party\tTLP\t\t\t\n", encoding="utf-8")
    kb = kbmod.load_kb(str(tmp_path), "")
    assert kb.entries["party:tlp"].pack == "testland"
    assert any(e.type == "PLACE" for e in kb.entries.values())  # New Zealand's places came with it


def test_entities_a_known_surname_inside_another_persons_name_is_not_that_person():
    got = kb_ids("Sushil Kumar Sinhal said the BJP would win in Bihar, and Modi agreed at a rally in Patna.")
    assert got.get("Modi") == "person:narendra_modi"
    assert not any(k == "person:narendra_modi" for t, k in got.items() if t != "Modi")
    doc = load_nlp()("Former deputy chief minister Sushil Modi said the BJP would win in Bihar.")
    assert not [e for e in doc.ents if e.kb_id_ == "person:narendra_modi"]


def test_kb_outlet_short_names_are_not_linked_outside_their_world():
    got = kb_ids("The patch will be released at 10 a.m. ET on Tuesday, Microsoft said, for Outlook and "
                 "Internet Explorer users in Seattle.")
    assert "ET" not in got and "Outlook" not in got
    india = kb_ids("Speaking to ET in Mumbai, the BJP leader said the party would win Maharashtra.")
    assert india.get("ET") == "media:the-economic-times"


def test_entities_a_known_place_inside_a_longer_name_does_not_cut_it():
    got = ents("The five MLAs are Harish Rawal (Sundar Nagar), Mohan Teotia (48 Bhimgarh), Rekha Kohli "
               "(Kalanagar Town), Jagan Bhamra (Rupaspur Sadar II) and Suman Pathak (Ratangarh).")
    for place in ("Sundar Nagar", "Bhimgarh", "Kalanagar Town", "Rupaspur Sadar II"):
        assert got.get(place) == "PLACE", (place, got)
    assert "Nagar" not in got


def test_kb_an_ambiguous_party_name_inside_a_longer_name_is_not_the_party():
    got = kb_ids("Protesters occupied the Labour Center of Patras on Monday, while in London Labour MPs met.")
    assert "Labour Center" not in got and got.get("Labour") == "party:labour"


def test_model_a_sentence_glued_to_the_one_before_is_its_own_sentence(process):
    a = process("Riverton news\n\nThe vote was held for the Riverton election.The committee met on March 28.The "
                "seven members left. The U.S. envoy and www.Example.org stayed.")
    starts = [s.text.split()[0] for s in a.doc.sents]
    assert starts[-4:] == ["The", "The", "The", "The"]


@pytest.mark.parametrize("text, name", [
    ("He had been picked over his rival Lokansh Navesh in the Congress.", "Lokansh Navesh"),
    ("Earlier, Congress MLA from Manavadar Mandeep Navdeep had also quit the party.", "Mandeep Navdeep"),
    ("Shiv Sena candidate Navpreet Surpreet won the seat by a margin of 51,000 votes.", "Navpreet Surpreet"),
    ("The BJP MLA from Tehri constituency Manwant Kamnath joined the Congress.", "Manwant Kamnath"),
    ("The Satik Tejik-led Jharkhand Mukti Morcha formed the government with the Congress.", "Satik Tejik"),
    ("He joined the Congress in presence of Shivik Balnath, Leader of Opposition in the Punjab Assembly.",
     "Shivik Balnath"),
    ("The Goa MLAs, led by Leader of Opposition Satinder Kamvir, met the Speaker on Wednesday.", "Satinder Kamvir"),
    ("Earlier three BJP sitting MLAs, Navwant Surwant, Vedwant Yashwant and Balwant Yashwant, left the BJP.",
     "Navwant Surwant"),
    ("Two-time Assam MLA, Haransh Dholari, resigned from the Congress party on Friday.", "Haransh Dholari"),
    ("NCP MLAs -- Satesh Ghatote, Devdeep Nagewala and Tejkant Kulala, and Congress legislator Ramik Shirane "
     "handed over their resignation letters.", "Satesh Ghatote"),
    ("A day ahead of the meeting, Jamnagar (Rural) MLA Vallabh Keshwala Monday quit the party.", "Vallabh Keshwala"),
    ("Earlier, three RJD MLAs - Tejpreet Bararia (Gaighat MLA) and Jaijeet Gorondia Savewala (Kanti MLA) - had "
     "joined.", "Jaijeet Gorondia Savewala"),
])
def test_entities_the_words_around_an_unknown_name_make_it_a_person(text, name):
    got = ents(text)
    assert got.get(name) == "PERSON", got


def _name(model: str | None, **votes: float):
    from collections import Counter

    from newsweave.nlp.evidence import Name

    return Name(0, 2, Counter({**({model: 1.0} if model else {}), **votes}), model=model, model_vote=1.0 if model else 0.0)


def test_evidence_model_labels_of_one_name_count_two_votes_at_most():
    from newsweave.nlp.evidence import decide

    titled = _name("PERSON", PERSON=4.0)  # "MLA X": the model's vote and an office's
    group = [titled] + [_name("ORG") for _ in range(6)]  # the model's same guess at the same string, six times
    assert decide([group])[id(titled)] == "PERSON"
    alone = [_name("ORG"), _name("ORG")]
    assert decide([alone])[id(alone[0])] == "ORG"  # no evidence against the model: its label stands


def test_evidence_a_name_shaped_as_peoples_votes_person_once_per_name():
    from newsweave.nlp.evidence import decide

    shaped = [_name("ORG"), _name("ORG")]
    for n in shaped:
        n.shaped = True
    plain = [_name("ORG")]
    assert decide([shaped])[id(shaped[0])] == "ORG"  # 1.5 once, against the model's two
    shaped[1].votes["PERSON"] += 1  # and one cue ("X joined") tips it
    assert decide([shaped, plain]) == {id(shaped[0]): "PERSON", id(shaped[1]): "PERSON", id(plain[0]): "ORG"}


def test_entities_a_surname_after_an_office_is_the_known_person_holding_it():
    got = kb_ids("Deputy Chief Minister Udhayanidhi Stalin spoke first, and MK Stalin followed. Later Chief Minister "
                 "Stalin wrote to the Centre, and Stalin said the state would not yield.")
    doc = load_nlp()("Deputy Chief Minister Udhayanidhi Stalin spoke first, and MK Stalin followed. Later Chief "
                     "Minister Stalin wrote to the Centre, and Stalin said the state would not yield.")
    lone = [e.kb_id_ for e in doc.ents if e.text == "Stalin"]
    assert got["Udhayanidhi Stalin"] != got["MK Stalin"] and lone == [got["MK Stalin"]] * 2, lone


def test_entities_two_model_processes_find_what_one_finds():
    """``nlp_processes = 2``: spaCy hands each document back from its worker serialised, so the
    components' caches must not stay in ``doc.user_data`` (a frozenset of words cannot be sent)."""
    from newsweave.nlp.model import pipe

    texts = [f"Suneeta Pathak of the Lok Vikas Party met Arvind Rao in Kesarganj on day {n}. "
             "the word lower appears here." for n in range(6)]
    one = [[(e.text, e.label_) for e in doc.ents] for doc in pipe(texts, n_process=1)]
    two = [[(e.text, e.label_) for e in doc.ents] for doc in pipe(texts, n_process=2)]
    assert two == one and any(one)


def test_model_auto_processes_the_cores_for_long_texts_from_the_main_thread_only(monkeypatch):
    """``nlp_processes = "auto"``: one worker a core this process may run on, once the texts are
    long enough to pay for starting them; never from another thread (a server's)."""
    import os
    import threading

    from newsweave.nlp import model

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    long = ["Word " * (model.AUTO_MIN_CHARS // 10)] * 2
    assert model.auto_processes(long) == 3 and model.auto_processes(["A short one."] * 8) == 1
    got: list[int] = []
    thread = threading.Thread(target=lambda: got.append(model.auto_processes(long)))
    thread.start()
    thread.join()
    assert got == [1]


def test_entities_token_lists_match_the_tokens():
    from newsweave.nlp.text import words

    doc = load_nlp()("The Lok Vikas Party expelled 12 MLAs on Monday.\n\nTwelve more left! \"We go,\" said Ravi Datta.")
    w = words(doc)
    assert w.text == [t.text for t in doc] and w.lower == [t.lower_ for t in doc]
    assert w.pos == [t.pos_ for t in doc] and w.like_num == [t.like_num for t in doc]
    assert w.sent_start == [bool(t.is_sent_start) for t in doc]
    assert [w.sentence(t.i) for t in doc] == [(t.sent.start, t.sent.end) for t in doc]


def test_entities_titles_remembered_for_each_world_apart():
    ruler = load_nlp().get_pipe("newsweave_entities")
    kept = ruler.worlds
    try:
        answers = {}
        for worlds in (frozenset({"uk"}), frozenset({"india"}), frozenset({"uk"}), frozenset({"india"})):
            ruler.worlds = worlds
            answers.setdefault(worlds, set()).add(ruler.is_title("MS"))
            assert ruler.is_title("MS") == ruler.kb.is_title("MS", worlds)
        assert all(len(a) == 1 for a in answers.values())  # the same answer each time a world comes back
    finally:
        ruler.worlds = kept


def test_entities_same_spans_whatever_came_before():
    uk = "Writing in The Guardian, a Plaid Cymru MS said the Welsh Government had forgotten rural voters."
    india = "The four leaders are Sanjay Pathak, MS Kandari, Rekha Joshi and Anil Rawat."
    alone = {text: kb_ids(text) | ents(text) for text in (uk, india)}
    for text in (uk, india, uk, india):  # a document of one world after a document of the other
        assert kb_ids(text) | ents(text) == alone[text]


def _spans_after_abbreviations(text: str, given: list[tuple[int, int, str, str]]) -> set[tuple[str, str]]:
    """The entity component's abbreviation step on ``text`` with these (start, end, label, kb_id)
    spans given by hand: what it returns, as (words, label)."""
    from spacy.tokens import Span

    nlp = load_nlp()
    doc = nlp.make_doc(text)
    spans = [Span(doc, s, e, label=label, kb_id=kb) for s, e, label, kb in given]
    return {(s.text, s.label_) for s in nlp.get_pipe("newsweave_entities")._abbreviations(doc, spans)}


def test_entities_an_abbreviation_spelling_a_place_and_a_party_makes_them_one_name():
    text = "He quit the Vindhya Kisan Manch (VKM) in May. The VKM said nothing."
    got = _spans_after_abbreviations(text, [(3, 4, "PLACE", "place:x"), (4, 6, "PARTY", "")])
    assert got == {("Vindhya Kisan Manch", "PARTY"), ("VKM", "PARTY")}


def test_entities_an_abbreviation_of_the_party_alone_leaves_the_place_apart():
    text = "He quit the Vindhya Kisan Manch (KM) in May."
    got = _spans_after_abbreviations(text, [(3, 4, "PLACE", "place:x"), (4, 6, "PARTY", "")])
    assert ("Vindhya", "PLACE") in got and ("Kisan Manch", "PARTY") in got and ("KM", "PARTY") in got
    known = _spans_after_abbreviations(text.replace("(KM)", "(VKM)"),
                                       [(3, 4, "PLACE", "place:x"), (4, 6, "PARTY", "party:km")])
    assert ("Vindhya", "PLACE") in known  # a party the knowledge base knows keeps its own name


def test_entities_initials_of_capitalised_words():
    from newsweave.nlp.components import _initials_of

    assert _initials_of("RKM", "Rajasthan Kisan Manch")
    assert _initials_of("PWPI", "Peasants and Workers Party of India")
    assert _initials_of("UPCC", "Uttar Pradesh Congress-Committee")
    assert not _initials_of("RK", "Rajasthan Kisan Manch")
    assert not _initials_of("KM", "Rajasthan Kisan Manch")


def test_entities_an_office_after_the_one_appointed_makes_a_person():
    got = ents("In Patna, the party chief on Wednesday appointed Harsh Vardhan Pathak president of the party’s "
               "Bihar unit.")
    assert got.get("Harsh Vardhan Pathak") == "PERSON"


def test_entities_a_first_name_after_a_kin_word_is_not_the_known_person_of_that_name():
    # "Akhilesh" alone is a form of the India pack's Akhilesh Yadav
    assert "Akhilesh" not in kb_ids("On June 22, 2018, Tiwari and his son Akhilesh floated a political outfit in Jaipur.")
    got = kb_ids("Mulayam Singh Yadav and his son Akhilesh Yadav met in Lucknow. His son Akhilesh later spoke.")
    assert got.get("Akhilesh") == got.get("Akhilesh Yadav") == "person:akhilesh_yadav"
