"""Quotations and their speakers."""

from __future__ import annotations

import pytest

from newsweave.nlp.model import load_nlp
from newsweave.nlp.quotes import find_quotes, quote_spans


def quotes(text: str):
    return [(q.text, q.speaker_text) for q in find_quotes(load_nlp()(text))]


def test_quotes_pairing_curly_straight_mixed_and_cut_off():
    text = ('He said, “We will win.” Then: "We will fight." And “we stay here" she said.\n\n'
            'Later, Asha Verma says, “I joined this party many years ago, but I was not…')
    got = [text[a:b] for a, b in quote_spans(text)]
    assert got == ["We will win.", "We will fight.", "we stay here", "I joined this party many years ago, but I was not…"]


def test_quotes_speaker_after_and_before():
    got = quotes("Former minister Ramesh Kumar Yadav quit the party on Friday. “I gave this party twenty years, "
                 "and it gave me nothing,” Yadav told reporters.\n\n"
                 "Later, Meera Das said, “The door is still open for him to come back.”")
    assert got == [("I gave this party twenty years, and it gave me nothing,", "Yadav"),
                   ("The door is still open for him to come back.", "Meera Das")]


def test_quotes_pronoun_speaker_is_the_person_before():
    got = quotes("Ramesh Kumar Yadav spoke to workers in Patna on Friday.\n\n"
                 "“We will decide together where we go from here,” he said.")
    assert got == [("We will decide together where we go from here,", "Ramesh Kumar Yadav")]


def test_quotes_unnamed_speaker_kept_as_written_and_referred_back():
    got = quotes("A senior party leader said the exit had been expected. “He had stopped coming to meetings "
                 "months ago,” the leader said.\n\n“Nobody will miss him,” a district office-bearer told the paper.")
    assert got == [("He had stopped coming to meetings months ago,", "A senior party leader"),
                   ("Nobody will miss him,", "a district office-bearer")]


def test_quotes_partial_quote_in_reported_speech():
    got = quotes("In his letter, Ramesh Kumar Yadav wrote that he was leaving the party “for personal reasons”.")
    assert got == [("for personal reasons", "Ramesh Kumar Yadav")]


@pytest.mark.parametrize("text", [
    "The rally will be held in what party workers call the “sugar belt” of the state.",
    "The campaign, dubbed “Jan Samvad Yatra”, begins on Monday in the capital city.",
    "He is known in the district as the “Iron Man” of local politics, his aides said.",
])
def test_quotes_terms_and_names_are_not_quotes(text):
    assert quotes(text) == []


def test_quotes_continuation_keeps_speaker():
    got = quotes("“We will take a decision soon,” Meera Das said. “Our workers will be consulted first.”")
    assert got == [("We will take a decision soon,", "Meera Das"), ("Our workers will be consulted first.", "Meera Das")]


def test_quotes_he_said_is_the_subject_before_not_the_last_name(process):
    a = process("Riverton leaders switch sides\n\nTomas Brandt joined the Harbour Party on Monday in the presence "
                "of Speaker Lena Vogt.\n\n\u201cI was always a Harbour Party soldier,\u201d he said after joining.")
    assert [q.speaker_text for q in a.quotes] == ["Tomas Brandt"]


def test_quotes_short_words_of_a_person_are_quotes_names_and_modifiers_are_not():
    got = quotes("Ramesh Kumar Yadav joined the Jan Kranti Dal to begin a \u201cnew chapter\u201d. He also said "
                 "that the Lok Vikas Party is \u2018losing hope everywhere\u2019. The party expelled him for "
                 "\u2018anti-party\u2019 activities before his \u2018Jan Samvad Yatra\u2019 began.")
    assert ("new chapter", "Ramesh Kumar Yadav") in got
    assert any(t == "losing hope everywhere" for t, _ in got)
    assert not any(t in ("anti-party", "Jan Samvad Yatra") for t, _ in got)


def test_quotes_an_agency_that_reports_is_no_speaker():
    got = quotes("Ramesh Kumar Yadav assured the workers that they will get \u201cdue respect and "
                 "responsibility\u201d in the party, PTI reported.")
    assert got == [("due respect and responsibility", "Ramesh Kumar Yadav")]


def test_quotes_attribution_in_the_sentence_after_a_question():
    got = quotes("\u201cWhy are you getting so excited?\u201d Meera Das said, after arriving in Patna.")
    assert got == [("Why are you getting so excited?", "Meera Das")]


def test_quotes_a_paragraph_after_reported_speech_is_that_speakers():
    got = quotes("Meera Das said she was not under any pressure to join the party.\n\n\u201cI am joining the "
                 "Jan Kranti Dal to develop my constituency. Nobody forced me.\u201d")
    assert got == [("I am joining the Jan Kranti Dal to develop my constituency. Nobody forced me.", "Meera Das")]


def test_quotes_was_quoted_as_saying_and_a_tweet_that_read():
    got = quotes("\u201cOur performance was not that bad,\u201d Alok Verma was quoted as saying. Meera Das "
                 "posted on Monday. Her first tweet read: \u201cWill be sending my resignation to the chief.\u201d")
    assert got == [("Our performance was not that bad,", "Alok Verma"),
                   ("Will be sending my resignation to the chief.", "Meera Das")]


def test_quotes_it_was_announced_names_no_speaker(process):
    a = process("Riverton leaders switch sides\n\nTomas Brandt walked onto the stage and it was announced that "
                "\u201cthe leader has returned home today\u201d.")
    assert [q.speaker_text for q in a.quotes] == [None]


@pytest.mark.parametrize("who", ["The MP", "The Riverton MP", "The Labour leader"])
def test_quotes_a_description_as_speaker_is_the_person_in_view(process, who):
    a = process(f"Tomas Brandt quits\n\nTomas Brandt quit the party on Monday. Brandt had served for ten years.\n\n"
                f"{who} said the move took \u201ca lot of soul searching\u201d.")
    assert [q.speaker_text for q in a.quotes] == ["Brandt"]  # the mention of him in view


@pytest.mark.parametrize("text, speakers", [
    # "X said she was delighted ... / She said": a paraphrase, then the quotation (not the one reported on)
    ("Riverton MP joins Labour\n\nTomas Brandt, the Riverton MP, has joined Labour. Brandt met the press on Monday and "
     "Brandt spoke again later.\n\nWelcoming his new MP, Labour leader Lena Vogt said she was delighted Brandt had "
     "crossed the floor.\n\nShe said: \u201cI would like to welcome him.\u201d", ["Lena Vogt"]),
    # "He said ... / He met X ... / In his letter to X he said": the one the earlier "he" was
    ("Tomas Brandt quits\n\nTomas Brandt quit the party on Monday.\n\nHe said the party had changed. He met Lena "
     "Vogt at her office.\n\nIn his letter to the leader Lena Vogt he said: \u201cI am leaving for good.\u201d",
     ["Tomas Brandt"]),
    # "he said after joining the party": the one told joining it; "he further said": the same
    ("Riverton MLA joins the Jan Kranti Dal\n\nRiverton MLA Tomas Brandt quit the Lok Vikas Party and joined the Jan "
     "Kranti Dal on Monday. \u201cHe told me he is resigning,\u201d Speaker Lena Vogt confirmed.\n\n\u201cI am leaving "
     "because of infighting,\u201d he said after joining the party.\n\n\u201cOnly this party can help my people,\u201d "
     "he further said.", ["Lena Vogt", "Tomas Brandt", "Tomas Brandt"]),
    # "The Riverton MP crossed the floor. / She said": the description's person
    ("Riverton MP defects\n\nLabour MP Lena Vogt has defected to the Greens. The Riverton MP crossed the floor on "
     "Monday.\n\nShe said: \u201cI have carefully considered this decision.\u201d", ["Lena Vogt"]),
    # a phrase quoted in reported speech is the reporter's, not the nearer subject's
    ("Riverton MP defects\n\nTomas Brandt has defected to the Greens. The MP for Riverton said he quit over the way "
     "Lena Vogt was pursuing a \u201cdamaging policy\u201d.", ["Tomas Brandt"]),
    # single quotation marks: a phrase with no reporting verb, a statement running on into the next paragraph
    ("Riverton MP defects\n\nLabour MP Lena Vogt has defected to the Greens, hitting out at the \u2018broken promises "
     "of a tired and chaotic government\u2019.\n\nThe Riverton MP crossed the floor on Monday.\n\nShe said: \u2018I have "
     "carefully considered this decision. The change cannot be ignored.\n\n\u2018For me the deciding factors have "
     "been housing and the Minister\u2019s record.\u2019", ["Lena Vogt"] * 3),
    # "The Green leader, Lena Vogt, said ... / She said": the name in apposition
    ("Riverton MP defects\n\nTomas Brandt has joined the Greens. Brandt spoke on Monday and Brandt left.\n\nThe Green "
     "leader, Lena Vogt, said she was delighted Brandt was joining.\n\nShe said: \u201cHe brings ten years of "
     "experience.\u201d", ["Lena Vogt"]),
    # "The Green leader said:" gives the next paragraph its speaker
    ("Riverton MP defects\n\nTomas Brandt has joined the Greens. Lena Vogt welcomed the new member.\n\nThe Green "
     "leader said:\n\n\u201cI would like to welcome Tomas to the party.\u201d", ["Lena Vogt"]),
    # "One Green MP ... said / The MP said": that MP, unnamed, not someone named before
    ("Riverton MPs suspended\n\nTomas Brandt said the party had acted. One Green MP on the left of the party said those "
     "suspended faced an inquiry.\n\nThe MP said the move was meant to create a \u201cclimate of fear\u201d in the party.",
     ["One Green MP on the left of the party"]),
])
def test_quotes_speakers_by_evidence_not_nearness(process, text, speakers):
    assert [q.speaker_text for q in process(text).quotes] == speakers
