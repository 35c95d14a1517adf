"""Quotation marks lost to a lossy encoding ("?I will not contest,? he said."), restored where the
pattern is unambiguous (ingest/decode.py), and the extract stage that applies it with a warning."""

from __future__ import annotations

import json

from newsweave.article import Article
from newsweave.ingest.decode import restore_lost_quotes
from newsweave.ingest.extract import extract

DAMAGED = ("?We will not leave the alliance,? the party?s spokesperson said on Sunday.\n\n"
           "Asked whether he would contest, Ramdeen Yadav said: ?I haven?t decided yet.?\n\n"
           "Supporters called the town the ?pink city? of the district.")


def test_decode_restores_quotes_and_apostrophes_in_damaged_text():
    fixed = restore_lost_quotes(DAMAGED)
    assert fixed.text == ("“We will not leave the alliance,” the party’s spokesperson said on Sunday.\n\n"
                          "Asked whether he would contest, Ramdeen Yadav said: “I haven’t decided yet.”\n\n"
                          "Supporters called the town the “pink city” of the district.")
    assert (fixed.quotes, fixed.apostrophes) == (3, 2)


def test_decode_restore_keeps_length():
    assert len(restore_lost_quotes(DAMAGED).text) == len(DAMAGED)


def test_decode_real_questions_stay_in_an_undamaged_text():
    text = ("Will the party field him again? Nobody knows. Why? The leadership has not met.\n"
            "Is a merger on the cards? Perhaps, said a senior leader.")
    fixed = restore_lost_quotes(text)
    assert fixed.text == text and (fixed.quotes, fixed.apostrophes) == (0, 0)


def test_decode_question_inside_a_quotation_stays_a_question():
    text = "?Will you stand again? Will you retire?? a reporter asked. The minister?s aide said nothing."
    assert restore_lost_quotes(text).text == (
        "“Will you stand again? Will you retire?” a reporter asked. The minister’s aide said nothing.")


def test_decode_question_before_a_capitalised_word_is_not_a_closing_mark():
    text = "?Can the minister say which rule forbids it? Nobody can. It was a ?show? of strength."
    assert restore_lost_quotes(text, damaged=True).text == (
        "“Can the minister say which rule forbids it? Nobody can. It was a “show” of strength.")


def test_decode_intact_curly_quotes_mean_no_repair():
    text = "“We will win,” he said. ?Really? Then why?s the office empty? asked a rival."
    assert restore_lost_quotes(text).text == text


def test_decode_one_sign_is_not_damage():
    text = "The district?s collector met the delegation. Was the meeting fruitful? Both sides said yes."
    assert restore_lost_quotes(text).text == text


def test_decode_web_addresses_untouched():
    text = "?Read the notice,? he said, at https://example.org/notice.php?id=12&lang=en and site.aspx?ref=x today."
    fixed = restore_lost_quotes(text).text
    assert "notice.php?id=12" in fixed and "site.aspx?ref=x" in fixed and fixed.startswith("“Read the notice,”")


def test_decode_name_apostrophes_before_a_capital():
    assert restore_lost_quotes("D?Souza and O?Brien met ?the leaders? today.").text == (
        "D’Souza and O’Brien met “the leaders” today.")


def test_extract_restores_lost_quotes_in_body_and_headline_with_a_warning():
    row = {"id": "x1", "title": "?We stay,? says party?s chief", "text": DAMAGED}
    art = extract(Article(source="dump.jsonl#x1", fmt="record", raw=json.dumps(row)))
    assert art.title == "“We stay,” says party’s chief"
    assert any(ln.text.startswith("“We will not leave the alliance,”") for ln in art.lines)
    assert any("'?'" in w and "3 quotations" in w for w in art.warnings)


def test_extract_leaves_real_questions_alone_without_warning():
    text = "Will the alliance hold? The party has not said. What next? A meeting on Monday."
    art = extract(Article(source="a.txt", fmt="text", raw=text))
    assert " ".join(ln.text for ln in art.lines) == text
    assert not art.warnings
