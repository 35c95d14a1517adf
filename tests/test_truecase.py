"""True-casing of documents written all in lower case (nlp/truecase.py), and the link stage that
gives the model the true-cased copy."""

from __future__ import annotations

import pytest

from newsweave.nlp import truecase as tc

# a small English lexicon: the real one comes from the model's lemmatizer tables
LEX = tc.Lexicon(
    index={"noun": frozenset({"party", "leader", "rally", "congress", "bank", "seat", "supporter", "vote", "week",
                              "march", "district", "mango", "crowd", "town"}),
           "verb": frozenset({"say", "join", "leave", "address", "win", "bank", "march", "hold", "quit", "vote"}),
           "adj": frozenset({"senior", "big", "local"}), "adv": frozenset({"soon"})},
    exceptions={"verb": {"said": ["say"], "left": ["leave"], "won": ["win"], "held": ["hold"]}},
    rules={"noun": [("s", "")], "verb": [("ed", ""), ("ing", ""), ("s", "")]},
    plain=frozenset({"the", "a", "he", "she", "will", "would", "on", "in", "to", "of", "and", "at", "it", "that", "be",
                     "with", "may", "up", "from", "for", "is", "was", "not", "by", "this", "him", "so", "crore", "lakh"}))

NAMES = ["Uttar Pradesh", "Pradesh", "BJP", "JD(U)", "Lok Janshakti Party", "Chief Minister", "chief minister",
         "Sinn Féin", "Praja Ekta Dal"]


def test_truecase_keeps_length_and_every_character_but_case():
    text = "“i will not quit,” said ramdeen yadav of the bjp in uttar pradesh on 5 march. see www.example.com/x ß"
    out = tc.truecase(text, NAMES, LEX)
    assert len(out) == len(text)
    assert all(a.lower() == b.lower() for a, b in zip(out, text))


def test_truecase_is_lowercased_needs_enough_letters_and_no_capitals():
    dump = "the senior leader said he would address a rally in the district next week. " * 5
    assert tc.is_lowercased(dump)
    assert not tc.is_lowercased(dump.replace("the senior", "The senior"))
    assert not tc.is_lowercased("a short note in lower case")
    assert tc.is_lowercased("a short note in lower case", min_letters=10)
    assert tc.is_lowercased(dump + " (pti)".upper())  # a stray acronym in a long text is allowed


def test_truecase_names_longest_form_first_and_acronyms_upper_case():
    out = tc.truecase("the bjp and the jd(u) held a rally in uttar pradesh with the lok janshakti party.", NAMES)
    assert "BJP" in out and "JD(U)" in out and "Uttar Pradesh" in out and "Lok Janshakti Party" in out


def test_truecase_names_match_whole_words_only():
    out = tc.truecase("the bjpx office and subjp are not names; bjp's office is.", NAMES)
    assert "bjpx" in out and "subjp" in out and "BJP's" in out


def test_truecase_names_also_written_lower_case_are_no_evidence():
    assert "chief minister" in tc.truecase("the chief minister spoke.", NAMES)


def test_truecase_names_without_diacritics_match():
    assert "Sinn Fein" in tc.truecase("a sinn fein councillor spoke.", NAMES)


def test_truecase_unknown_words_capitalised_english_words_kept():
    out = tc.truecase("senior leader ramdeen yadav said supporters would vote for him.", (), LEX)
    assert out == "Senior leader Ramdeen Yadav said supporters would vote for him."


def test_truecase_unknown_words_left_alone_when_numbers_units_links_or_short():
    text = "he won by 35,499 votes and 12kms; see pic.twitter.com/ab12cd or @ramdeen_y and #votekaro ji ka."
    out = tc.truecase(text, (), LEX)
    assert "12kms" in out and "pic.twitter.com/ab12cd" in out and "@ramdeen_y" in out and "#votekaro" in out
    assert " ji ka." in out


def test_truecase_data_words_stay_lower_case():
    assert "5 crore" in tc.truecase("the party spent 5 crore and 2 lakh on the rally.", (), LEX)


def test_truecase_sentence_starts_pronoun_weekdays_months():
    out = tc.truecase("he said i may quit on monday. \"we will march,\" she said. it was held on 5 march and in may.\n"
                      "next week: a rally.", (), LEX)
    assert out.startswith("He said I may quit on Monday.")
    assert "\"We will march,\"" in out
    assert "on 5 March and in May." in out
    assert "\nNext week" in out


def test_truecase_initials_before_a_name():
    out = tc.truecase("senior leader hk ramdeen and c. r. yadav said so.", (), LEX)
    assert "HK Ramdeen" in out and "C. R. Yadav" in out


def test_truecase_without_lexicon_no_unknown_word_capitalised():
    assert tc.truecase("ramdeen yadav spoke.") == "Ramdeen yadav spoke."


@pytest.fixture(scope="module")
def real():
    from newsweave.link.kb import current_kb
    from newsweave.nlp.model import load_nlp

    kb, nlp = current_kb(), load_nlp()
    index, lexicon = tc.tables_for(kb, nlp)
    return kb, index, lexicon


def test_truecase_kb_names_only_names_that_are_evidence(real):
    kb, _, lexicon = real
    names = set(tc.kb_names(kb, lexicon))
    assert {"BJP", "Congress", "Bihar", "Uttar Pradesh", "Narendra Modi", "India"} <= names
    assert not {"UP", "Bank", "Punch", "Outlook"} & names  # English words: no evidence alone


def test_truecase_real_tables_restore_a_political_sentence(real):
    _, index, lexicon = real
    text = "the congress and the bjp fielded candidates in bihar, said nitish kumar on tuesday in patna."
    out = tc.truecase(text, index, lexicon)
    assert out == "The Congress and the BJP fielded candidates in Bihar, said Nitish Kumar on Tuesday in Patna."


def test_truecase_link_stage_gives_model_cased_copy_keeps_stored_text():
    from newsweave.article import Article
    from newsweave.nlp.stage import link_articles

    text = ("senior congress leader ramdeen yadav joined the bjp in lucknow on sunday along with 40 supporters. "
            "\"i have left the congress because it ignored the workers,\" yadav told reporters at the party office. "
            "the bjp state president welcomed him and said more leaders would join the party before the polls.")
    art = Article(source="test#1", raw=text, fmt="text", text=text)
    [art] = link_articles([art])
    assert art.text == text  # stored as given
    names = {f for c in art.clusters for f in c.forms}
    assert "Ramdeen Yadav" in names and "BJP" in names and "Lucknow" in names
    assert any(q.text.startswith("I have left the Congress") for q in art.quotes)


def test_truecase_a_known_name_word_beside_a_name_gets_its_capital():
    idx = tc.name_index(NAMES)
    idx.parts = frozenset({"malik", "shah", "mango"})
    got = tc.truecase("the leader said harendra malik and suresh shah will address the rally at the bank.", idx, LEX)
    assert got == "The leader said Harendra Malik and Suresh Shah will address the rally at the bank."
    assert tc.truecase("suresh mango said the mango was big.", idx, LEX) == "Suresh Mango said the mango was big."
