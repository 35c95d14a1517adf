"""The model's attribute ruler and lemmatizer replaced by faster ones (newsweave.nlp.fast): every
token's tag, POS, dependency, morphology and lemma as the model's own components give them."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.pipeline import AttributeRuler, Lemmatizer

from newsweave.nlp.fast import FastAttributes, FastLemmas, speed_up
from newsweave.nlp.model import load_nlp, model_name

#: written for these tests: the ruler's two-token patterns ("ai n't", "gon na", "let 's", "y' all",
#: "c'm on", "got ta", "there is"), its dependency tests (I/you/it as subject and object, "but" as
#: an adverb, auxiliaries, "do"/"have" as main verbs), a regular expression ("nothin'"), spaces
SENTENCES = [
    "He ain't gonna win, y'all know it. There is a man here, and there were two more.",
    "Let's go! I told you it was him; you told me it wasn't. But he left anyway.",
    "C'mon, we gotta go. Nothin' works and nuthin' will. She does what they did, and has what we had.",
    "That is the one that they chose. These are those whose votes counted.\n\nA new paragraph   starts here.",
    "Ravi Verma quit the Janata Morcha on Tuesday, saying he had been sidelined for months.",
    "",
    " ",
]


def _analyses(nlp, texts):
    return [[(t.text, t.tag_, t.pos_, t.dep_, str(t.morph), t.lemma_) for t in doc] for doc in nlp.pipe(texts)]


@pytest.fixture(scope="module")
def both():
    stock, fast = spacy.load(model_name()), spacy.load(model_name())
    speed_up(fast)
    return stock, fast


def test_fast_components_replace_the_models_in_place(both):
    stock, fast = both
    assert fast.pipe_names == stock.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), FastAttributes)
    assert isinstance(fast.get_pipe("lemmatizer"), FastLemmas)
    assert isinstance(fast.get_pipe("lemmatizer").lookups.get_table("lemma_index")["noun"], list)  # the model's own tables as they were
    assert isinstance(load_nlp().get_pipe("attribute_ruler"), FastAttributes)


def test_fast_components_give_the_models_analyses_on_written_sentences(both):
    stock, fast = both
    assert _analyses(fast, SENTENCES) == _analyses(stock, SENTENCES)
    assert [t.lemma_ for t in fast("He ain't gonna win.")][1:4] == ["be", "not", "go"]  # the ruler's lemmas kept


def test_fast_components_keep_the_models_own_for_patterns_they_cannot_read():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"SHAPE": "Xxxx"}]], {"POS": "PROPN"})  # a test of SHAPE: not one this ruler reads
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    speed_up(nlp)
    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), Lemmatizer)


@pytest.mark.slow
def test_fast_components_give_the_models_analyses_on_india_dev_and_ecbplus(shared, both):
    stock, fast = both
    texts = [json.loads(line)["text"] for name in ("india-dev/docs.jsonl", "ecbplus/dev.jsonl")
             for line in (shared / "eval" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 800
    differ = [(x, y) for a, b in zip(_analyses(stock, texts), _analyses(fast, texts)) for x, y in zip(a, b) if x != y]
    assert not differ[:10]
