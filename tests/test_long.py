"""Long articles in bounded time and memory (nlp/pieces.py, link/coref.py): a text longer than a
piece is parsed piecewise at paragraph breaks with every offset kept in the whole text, and the
within-document clustering looks candidates up instead of comparing every pair. The articles here
are written for these tests (the people and places are fictional); the long one is built from
../shared's texts and skips without them."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from newsweave.article import Mention
from newsweave.link import coref
from newsweave.nlp import pieces
from newsweave.nlp.pieces import split_text

PARAGRAPHS = [
    "Riverton MLA Tomas Brandt joined the Lok Vikas Party on Monday in Eastfield.",
    "\"We will win every seat in the district,\" Brandt said at a rally in Millbrook on Tuesday.",
    "Lena Vogt, the party's state president, welcomed him. Vogt said the party would announce its candidates "
    "in March.",
    "Arun Dasgupta resigned from the Jan Shakti Morcha on Wednesday. Dasgupta said he would decide his next step "
    "after the budget session.",
]


def test_long_split_text_cuts_at_paragraphs_then_sentences_then_anywhere():
    para = "First paragraph here.\n\nSecond one is a little longer. It has two sentences.\n\n"
    text = para + "A very long paragraph. " * 6 + "x" * 70
    got = split_text(text, limit=60)
    assert "".join(p for _, p in got) == text
    assert all(text[s:s + len(p)] == p for s, p in got)  # each piece's start is where it stands
    assert all(len(p) <= 60 for _, p in got)
    assert got[0][1] == "First paragraph here.\n\n"  # a paragraph break first
    assert got[1][1] == "Second one is a little longer. It has two sentences.\n\n"
    assert got[2][1].endswith("paragraph. ") and got[2][1].startswith("A very")  # then a sentence end
    assert got[-2][1] == "x" * 60 or got[-1][1].startswith("x")  # a word longer than a piece: cut hard
    assert split_text("short", limit=60) == [(0, "short")]


def test_long_batches_keep_order_and_the_character_budget():
    texts = ["a" * 40, "b" * 40, "c" * 40, "d" * 150]
    got = pieces.batches(texts, budget=100)
    assert [t for g in got for t in g] == texts
    assert got == [["a" * 40, "b" * 40], ["c" * 40], ["d" * 150]]


def test_long_pieces_keep_every_offset_in_the_whole_text(process, monkeypatch):
    """One article of four paragraphs parsed in pieces of a paragraph or two: what each piece
    finds points into the article's whole text, and the article is one document."""
    text = "\n\n".join(PARAGRAPHS)
    whole = process(text)
    monkeypatch.setattr(pieces, "PIECE_CHARS", 120)
    assert len(split_text(text)) >= 3
    cut = process(text)
    assert isinstance(cut.doc, list) and len(cut.doc) >= 3  # parsed in pieces
    assert cut.text == whole.text
    for m in cut.mentions:
        assert cut.text[m.start:m.end] == m.text
        assert m.sent_start <= m.start < m.end <= m.sent_end
    for q in cut.quotes:
        assert cut.text[q.start:q.end] == q.text
    for t in cut.times:
        assert cut.text[t.start:t.end] == t.text
    for ev in cut.events:
        if ev.sent_start >= 0:
            assert ev.evidence.strip() in cut.text[ev.sent_start:ev.sent_end + 1]
    # the paragraphs say the same things in pieces as whole, but for a bare surname the model left
    # untagged in a later piece: "one sense per discourse" reads one piece
    found, alone = Counter((m.text, m.type) for m in cut.mentions), Counter((m.text, m.type) for m in whole.mentions)
    assert found <= alone
    assert {k for k in alone - found if " " in k[0]} == set()  # every full name found
    assert [(q.start, q.text) for q in cut.quotes] == [(q.start, q.text) for q in whole.quotes]
    assert [(t.start, t.value) for t in cut.times] == [(t.start, t.value) for t in whole.times]
    assert sorted((e.type, e.actor_text) for e in cut.events) == sorted((e.type, e.actor_text) for e in whole.events)
    assert {"Tomas Brandt", "Lena Vogt", "Arun Dasgupta"} <= {c.name for c in cut.clusters}
    brandt = next(c for c in cut.clusters if c.name == "Tomas Brandt")
    assert cut.quotes and cut.quotes[0].cluster == brandt.index  # "Brandt said", a piece after his full name


def _people(n: int) -> list[Mention]:
    """``n`` people, each named in full and then by surname, in a text of made-up names."""
    out: list[Mention] = []
    at = 0
    for i in range(n):
        first, last = f"Q{_word(i)}", f"Z{_word(i * 7 + 3)}"
        for form in (f"{first} {last}", last):
            out.append(Mention(at, at + len(form), form, "PERSON", None, at, at + 80))
            at += 100
    return out


def _word(i: int) -> str:
    """A distinct lower-case word for ``i`` (consonants and vowels, so name keys stay distinct)."""
    letters, vowels, s = "bcdfgklmnprstvz", "aeiou", ""
    while True:
        s += letters[i % 15] + vowels[(i // 15) % 5]
        i //= 75
        if not i:
            return s


def test_long_coref_compares_each_mention_with_few_clusters(monkeypatch):
    """Clustering n people compares each name with the few clusters that can match it: the
    comparisons per mention stay flat from 200 to 1,600 people (every pair would grow eightfold)."""
    from newsweave.link.kb import KB

    calls = Counter()
    same_person = coref._same_person

    def counted(c, name):
        calls["n"] += 1
        return same_person(c, name)

    monkeypatch.setattr(coref, "_same_person", counted)
    per_mention = []
    for n in (200, 1600):
        calls.clear()
        mentions = _people(n)
        clusters = coref.cluster(mentions, KB())
        assert len([c for c in clusters if c.type == "PERSON"]) == n
        assert all(mentions[2 * i].cluster == mentions[2 * i + 1].cluster for i in range(n))  # surname joins
        per_mention.append(calls["n"] / len(mentions))
    assert per_mention[1] <= 2 * per_mention[0] + 1


@pytest.mark.slow
def test_long_an_article_over_a_megabyte_is_stored_with_entities(shared, tmp_path, cli):
    """Over spaCy's nlp.max_length (1,000,000 characters) and under --max-size: one document,
    processed, with its entities."""
    texts = []
    for line in (shared / "eval" / "ecbplus" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"].strip())
    body, size = [], 0
    for t in texts:  # 1.15 MB read: cleaning drops the texts' repeated furniture (about 5 %)
        body.append(t)
        size += len(t) + 2
        if size > 1_150_000:
            break
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(body), encoding="utf-8")
    res = cli("ingest", str(path))
    assert res.exit_code == 0, res.output
    [doc] = cli.records()
    assert len(doc["text"]) > 1_000_000
    assert len(cli.records(kind="entity")) >= 100
    assert "internal error" not in res.output

