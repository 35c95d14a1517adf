"""The line cleaner: furniture out, every body sentence, subhead and embedded quote in."""

from __future__ import annotations

from newsweave.ingest.clean import byline_name, features
from newsweave.ingest.extract import split_lines

PAGE = """Home > Politics > Minister Quits Party Ahead Of Polls

Minister Quits Party Ahead Of Polls

The state's former finance minister quit the party with 40 supporters, citing neglect.

By: ASHA VERMA
Last Updated: March 15, 2026 09:12:03 IST

PATNA: Former finance minister Ram Kumar Yadav resigned from the Lok Nyay Party on Saturday along with 40 supporters.

Talks with rival camp

He said he had spoken to leaders of the rival camp but had not yet decided where to go next.

Patna, Bihar: After quitting, Ram Kumar Yadav says, “I gave this party twenty years of my life” pic.twitter.com/Ab3dEf9GhQ — SWS (@sws_news) March 14, 2026

Also Read: Another minister may follow, say aides

Share on Facebook | X | WhatsApp

Most Popular

Five things to know about the by-elections
Chief minister inaugurates new bridge

The Daily Ledger is India’s fastest
growing news platform and enjoys the
highest readership among young urban
readers.

© Copyright Ledger Media Pvt Ltd 2026. All rights reserved.
Subscribe to continue reading
Unlock left : 0
"""


def test_clean_drops_page_furniture(process):
    a = process(PAGE)
    for debris in ("Home > Politics", "Also Read", "Share on Facebook", "Most Popular", "Five things to know",
                   "fastest growing", "Copyright", "Subscribe", "Unlock left", "pic.twitter.com", "@sws_news",
                   "ASHA VERMA", "Last Updated"):
        assert debris not in a.text, debris


def test_clean_keeps_body_subheads_and_embedded_quote(process):
    a = process(PAGE)
    assert "resigned from the Lok Nyay Party on Saturday along with 40 supporters." in a.text
    assert "Talks with rival camp" in a.text
    assert "“I gave this party twenty years of my life”" in a.text
    assert "quit the party with 40 supporters, citing neglect." in a.text


def test_clean_records_every_removal_with_reason(process):
    a = process(PAGE)
    reasons = {r.reason for r in a.removed}
    assert {"breadcrumb trail", "byline", "publication date line", "cross-link", "self-promotion",
            "copyright line", "paywall or account prompt", "embedded post tail: signature and date",
            "dateline", "headline"} <= reasons
    assert all(r.text for r in a.removed)


def test_clean_keeps_sentences_that_look_like_furniture(process):
    text = ("Lawmakers met in the capital on Monday to debate the bill for a second time this year.\n\n"
            "By the time the vote came, most opposition members had walked out of the house.\n\n"
            "Published reports said the ruling party had 120 votes in the lower house that day.\n\n"
            "The speaker adjourned the session until the next morning after a long debate.")
    a = process(text)
    assert "By the time the vote came" in a.text
    assert "Published reports said the ruling party" in a.text


def test_clean_repeated_paragraph_kept_once(process):
    para = "The party said it would announce its candidates for all forty seats next week."
    a = process(f"{para}\n\nA second paragraph says something else entirely about the campaign.\n\n{para}")
    assert a.text.count(para) == 1
    assert any(r.reason == "repeated line" for r in a.removed)


def test_clean_trailing_block_ends_when_prose_resumes(process):
    text = ("The minister resigned on Monday after a long meeting with party leaders in the capital.\n\n"
            "Related stories\n\nMinister denies rumours\n\n"
            "Later on Monday, the party's spokesperson told reporters that the resignation had been accepted by the president.")
    a = process(text)
    assert "Minister denies rumours" not in a.text
    assert "the resignation had been accepted by the president" in a.text


def test_split_lines_joins_hard_wrapped_paragraphs():
    lines = split_lines("The party is organising a rally\nin the city on Sunday, its leaders said.\n\nNext paragraph.")
    assert [ln.text for ln in lines] == [
        "The party is organising a rally in the city on Sunday, its leaders said.", "Next paragraph."]


def test_byline_name_accepts_names_rejects_sentences():
    assert byline_name("By: SHIKHA VERMA") == "SHIKHA VERMA"
    assert byline_name("By Anil Kumar and Meera Das") == "Anil Kumar and Meera Das"
    assert byline_name("By the time he arrived, the meeting was over.") is None


def test_features_prose_and_links():
    assert features("He said the party would decide its future course of action soon.").prose
    assert not features("Chief minister inaugurates new bridge").prose
    assert features("https://example.com/a https://example.com/b").link_ratio > 0.5
