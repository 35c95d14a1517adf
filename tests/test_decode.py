"""Bytes to text (ingest/decode.py): encodings told per file (UTF-16 without a BOM, a file whose
parts disagree read part by part, with a warning), NUL bytes; and quotation marks lost to a lossy
encoding ("?I will not contest,? he said."), restored where the pattern is unambiguous, and the
extract stage that applies it with a warning."""

from __future__ import annotations

import json
import struct

import pytest

from newsweave.article import Article
from newsweave.errors import InputError
from newsweave.ingest.decode import decode, restore_lost_quotes
from newsweave.ingest.extract import extract

MIXED = ("Café owners in Patna met on Monday.\n".encode()
         + "Señor Gómez said the plan was late.\n".encode("cp1252")
         + "The minister’s reply came on Tuesday.\n".encode()
         + "Año nuevo, he said.\n".encode("cp1252"))


def test_decode_mixed_utf8_and_cp1252_read_part_by_part_with_a_warning():
    d = decode(MIXED, "m.txt")
    assert d.text == ("Café owners in Patna met on Monday.\nSeñor Gómez said the plan was late.\n"
                      "The minister’s reply came on Tuesday.\nAño nuevo, he said.\n")
    assert d.encoding == "utf-8+cp1252"
    assert d.warning is not None and "lines 2, 4" in d.warning and "cp1252" in d.warning


def test_decode_one_encoding_gives_no_warning():
    assert decode("Café and Señor, all UTF-8.".encode(), "u.txt").warning is None
    legacy = decode(("Señor Gómez said the plan was late, and the café owners agreed. " * 5).encode("cp1252"), "l.txt")
    assert legacy.warning is None and "+" not in legacy.encoding


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [
    "PATNA: The state unit chief resigned from the party on Friday.\nHe said he would decide soon.",
    "पटना: प्रदेश अध्यक्ष ने शुक्रवार को पार्टी से इस्तीफा दे दिया। उन्होंने कहा, 2026 में फैसला होगा।",
])
def test_decode_utf16_without_bom_is_text(text, enc):
    d = decode(text.encode(enc), "w.txt")
    assert d.text == text and d.encoding == enc


def test_decode_nul_bytes_binary_but_in_a_file_of_rows():
    with pytest.raises(InputError, match="binary data"):
        decode(b"some text \x00 and more", "b.txt")
    late = b"word " * 20000 + b"\x00 tail"  # after the first 64 KB too
    with pytest.raises(InputError, match="binary data.*byte 100000"):
        decode(late, "late.txt")
    assert "\x00" in decode(b"id,text\n1,a\x00b\n", "r.csv", rows=True).text  # the reader names the row


def test_decode_sixteen_bit_numbers_are_not_utf16_text():
    data = struct.pack("<2000H", *range(2000))
    with pytest.raises(InputError, match="binary data"):
        decode(data, "n.txt")

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
