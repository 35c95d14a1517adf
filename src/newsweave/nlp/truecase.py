"""True-casing for documents written all in lower case.

spaCy's small English model leans on capital letters to find names: in a dump written entirely in
lower case it finds almost none. :func:`truecase` gives the model a copy of such a text with the
case restored where there is evidence for it, **character for character the same length** (every
offset into the copy is an offset into the original):

1. *Names given* (the knowledge base's, see :func:`kb_names`): the longest cased form that matches
   at a word start wins ("uttar pradesh" -> "Uttar Pradesh", "jd(u)" -> "JD(U)", "bjp" -> "BJP").
   A form whose letters the names also give in lower case ("chief minister") is no evidence.
2. *English words* stay as they are; a word the model's own tables do not know as an English word
   (the lemmatizer's noun, verb, adjective and adverb lists, through its inflection rules, plus the
   model's stop words and ``data/lowercase_words.txt``) is most likely a name and gets a capital.
   Not: words shorter than three letters, words with digits, parts of web addresses, e-mail
   addresses, @handles and #hashtags.
3. *Initials*: a run of one- or two-letter tokens that are no stop words, right before a name
   ("hk Patil" -> "HK Patil", "c. r. Patil" -> "C. R. Patil").
4. *Sentence starts* (after . ! ? or a paragraph break, past an opening quotation mark), the
   pronoun "i", weekdays, and months ("may" and "march" only beside a number or after "in",
   "since", "until", "last", "next", "early", "mid", "late").

:func:`is_lowercased` says whether a text needs it: enough letters, and essentially none upper case.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..resources import data_text, per_settings
from ..settings import on_change

MIN_LETTERS = 200  # a text shorter than this says too little about how it was written
MAX_UPPER_SHARE = 0.002  # edited English prose has 2-5 % capitals; a lower-cased dump none
MAX_STRAY_CAPITALS = 3  # a stray acronym ("(PTI)") in a lower-cased text
MIN_NAME_LETTERS = 3  # "ji", "ka", "mr" are not capitalised as unknown words
MIN_PLACE_POPULATION = 100_000  # a place whose name is also an English word must be at least this big

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "april", "june", "july", "august", "september", "october", "november",
          "december")
MONTH_WORDS = ("may", "march")  # also English words: a month only beside a number or after a time word
MONTH_ABBR = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
CLITICS = ("n't", "'s", "'re", "'ve", "'ll", "'d", "'m", "'")
TIME_WORDS = frozenset({"in", "since", "until", "till", "last", "next", "early", "mid", "late", "from"})

_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_WEBBY = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[@#]\w+|\b\w+(?:\.\w+)*\.(?:com|org|net|in|co|uk|gov|nic|io)\b\S*")
_INITIALS = re.compile(r"(?<![\w.'’])(?:[a-z]{1,2}(?:\. ?| ))+(?=[A-Z][a-z])")
_SENT_END = re.compile(r"(?:[.!?…]['\"’”)]*\s+|\n\s*)([\"'“‘(\[]*)(?=\w)")


def is_lowercased(text: str, min_letters: int = MIN_LETTERS) -> bool:
    """A document written all in lower case: at least ``min_letters`` letters and essentially no
    capitals among them (a stray acronym or two in a long text is allowed)."""
    letters = upper = 0
    for c in text:
        if c.isalpha():
            letters += 1
            upper += c.isupper()
    return letters >= min_letters and upper <= max(MAX_STRAY_CAPITALS, letters * MAX_UPPER_SHARE)


@dataclass(slots=True)
class Lexicon:
    """English words as the model's lemmatizer tables know them, plus extra lower-case words."""

    index: dict[str, frozenset[str]] = field(default_factory=dict)  # pos -> lemmas
    exceptions: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # pos -> inflected -> lemmas
    rules: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # pos -> (suffix, replacement)
    plain: frozenset[str] = frozenset()  # stop words and the data file's words

    def is_word(self, word: str) -> bool:
        w = word.lower().replace("’", "'")
        for clitic in CLITICS:
            if w.endswith(clitic) and len(w) > len(clitic):
                w = w[: -len(clitic)]
                break
        if w in self.plain:
            return True
        for pos, lemmas in self.index.items():
            if w in lemmas or w in self.exceptions.get(pos, {}):
                return True
            for old, new in self.rules.get(pos, ()):
                if w.endswith(old) and len(w) > len(old) and w[: len(w) - len(old)] + new in lemmas:
                    return True
        return False

    def only_noun(self, word: str) -> bool:
        """The tables know the word as a noun and as nothing else ("congress", "mango"; not "bank")."""
        w = word.lower()
        return w in self.index.get("noun", ()) and not any(w in v for p, v in self.index.items() if p != "noun")


def lexicon_of(nlp) -> Lexicon:
    """The English words of a loaded spaCy pipeline (empty tables when it has no rule lemmatizer)."""
    plain = set(nlp.Defaults.stop_words) | _data_words()
    if "lemmatizer" not in nlp.pipe_names:
        return Lexicon(plain=frozenset(plain))
    lookups = nlp.get_pipe("lemmatizer").lookups
    tables = {name: lookups.get_table(name) if lookups.has_table(name) else {}
              for name in ("lemma_index", "lemma_exc", "lemma_rules")}
    pos = ("noun", "verb", "adj", "adv")
    return Lexicon(index={p: frozenset(tables["lemma_index"].get(p, [])) for p in pos},
                   exceptions={p: dict(tables["lemma_exc"].get(p, {})) for p in pos},
                   rules={p: [tuple(r) for r in tables["lemma_rules"].get(p, [])] for p in pos},
                   plain=frozenset(plain))


@per_settings
def _data_words() -> frozenset[str]:
    text = data_text("lowercase_words.txt")
    return frozenset(w for ln in text.splitlines() if not ln.startswith("#") for w in ln.lower().split())


def kb_names(kb, lexicon: Lexicon) -> list[str]:
    """The knowledge base's cased forms that are evidence of case in a lower-cased text, and the
    names of the world's countries and major languages (pycountry).

    Every form of two words or more; a one-word form when it is no English word ("Modi", "BJP"),
    or, when it is one, only a form the tables know as a noun alone that names a party, person or
    organisation, an outlet's acronym, a country or language, or a place of at least MIN_PLACE_POPULATION
    people ("Congress", "Bihar", "ANI"; not "Bank", "Punch", "Outlook", "UP", "SAD"). Places give
    the gazetteer's main names, not its alternates. Titles: honorifics that are no English word
    ("Shri", "Dr") and acronyms of offices ("MLA", "MP").
    """
    out: list[str] = []
    for e in kb.entries.values():
        prominent = e.type in ("PARTY", "PERSON", "ORG") or e.type == "PLACE" and e.population >= MIN_PLACE_POPULATION
        for form in dict.fromkeys(e.known if e.type == "PLACE" else e.forms):
            if _evidence(form, lexicon, prominent or e.type == "MEDIA" and form.isupper()):
                out.append(form)
    for title in getattr(kb, "titles", {}).values():  # "Shri", "Dr"; office acronyms "MLA", "MP", "CM"
        acronym = title.form.isupper() or re.fullmatch(r"[A-Z]{2,}s", title.form) is not None  # "MLA", "MLAs"
        if title.kind == "honorific" and _evidence(title.form, lexicon, False) or acronym and _evidence(
                title.form, lexicon, True):
            out.append(title.form)
    return out + [c for c in country_names() if _evidence(c, lexicon, True)]


@lru_cache(maxsize=1)
def country_names() -> tuple[str, ...]:
    """Names of countries ("India", "Sri Lanka"; pycountry's common names) and of the major
    languages ("Hindi", "Tamil"; ISO 639-1), as news writes them."""
    import pycountry

    names = []
    for c in pycountry.countries:
        names += [n for n in (getattr(c, "common_name", None), c.name) if n and "," not in n and "(" not in n]
    names += [lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2") and re.fullmatch(r"[A-Z][a-z]+", lang.name)]
    return tuple(dict.fromkeys(names))


def _evidence(form: str, lexicon: Lexicon, prominent: bool) -> bool:
    if not any(c.isupper() for c in form):
        return False
    word = form[4:] if form[:4].lower() == "the " else form  # "The Wire", "the Congress": the word decides
    if not re.fullmatch(r"\w+", word) or not lexicon.is_word(word):
        return True
    return prominent and lexicon.only_noun(word) and word.lower() not in lexicon.plain


@lru_cache(maxsize=2)
def tables_for(kb, nlp) -> tuple[NameIndex, Lexicon]:
    """The name index and the lexicon for a knowledge base and a loaded pipeline, built once."""
    lexicon = lexicon_of(nlp)
    idx = name_index(kb_names(kb, lexicon))
    idx.parts = person_parts(kb, lexicon)
    return idx, lexicon


on_change(tables_for.cache_clear)  # the lexicon follows the lowercase words file


def person_parts(kb, lexicon: Lexicon) -> frozenset[str]:
    """Lower-case words of the knowledge base's people's names that can only be a name or a noun
    ("malik", "shah"; not "will", "may"): beside a name word they are part of the name."""
    words = {w.lower() for e in kb.entries.values() if e.type == "PERSON" for f in e.forms
             for w in re.findall(r"[A-Za-z]{3,}", f) if w[:1].isupper()}
    return frozenset(w for w in words if w not in lexicon.plain and (not lexicon.is_word(w) or lexicon.only_noun(w)))


@dataclass(slots=True)
class NameIndex:
    """Cased names by their first word (lower case): [(lower form, cased form)], longest first;
    and the words of people's names ("shah", "malik") that are nouns or no words at all."""

    by_first: dict[str, list[tuple[str, str]]]
    parts: frozenset[str] = frozenset()


def name_index(names: Iterable[str]) -> NameIndex:
    """An index of cased forms for :func:`truecase` (build it once for many texts)."""
    variants: dict[str, set[str]] = defaultdict(set)
    for form in names:
        form = form.strip()
        if len(form) < 2:
            continue
        low = _lower(form)
        variants[low].add(form)
        plain = _plain(form)
        if plain != form and len(plain) == len(form):
            variants[_lower(plain)].add(plain)
    by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for low, forms in variants.items():
        if low in forms:  # the names also write it in lower case: no evidence
            continue
        m = _LETTERS.match(low)  # a form that starts with a digit ("10 Downing Street") is never looked up
        if m is None:
            continue
        cased = max(sorted(forms), key=lambda f: sum(c.isupper() for c in f))  # "SEBI" over "Sebi"
        by_first[m.group()].append((low, cased))
    for v in by_first.values():
        v.sort(key=lambda p: -len(p[0]))
    return NameIndex(dict(by_first))


def truecase(text: str, names: Iterable[str] | NameIndex = (), lexicon: Lexicon | None = None) -> str:
    """``text`` with its case restored from the evidence above; the same length as ``text``.

    ``names``: cased forms of names, or a :func:`name_index` of them (the knowledge base's, see
    :func:`kb_names`; forms seen cased elsewhere in the corpus, such as a cased headline's names,
    work the same way). ``lexicon``: the English words (see :func:`lexicon_of`); without it no
    unknown word is capitalised.
    """
    idx = names if isinstance(names, NameIndex) else name_index(names)
    low = _lower(text)
    out = list(text)
    web = [(m.start(), m.end()) for m in _WEBBY.finditer(low)]
    words = list(_WORD.finditer(low))
    named_until = -1
    for k, m in enumerate(words):
        i, w = m.start(), m.group()
        if _inside(i, web):
            continue
        if i >= named_until and (i == 0 or not low[i - 1].isalnum()):
            letters = _LETTERS.match(w)
            assert letters is not None  # a _WORD match starts with letters
            hit = _match(low, i, idx.by_first.get(letters.group(), ()))
            if hit is not None:
                _apply(out, i, hit)
                named_until = i + len(hit)
                continue
        if i < named_until:
            continue
        if w == "i" or w.startswith(("i'", "i’")) and w[2:] in ("m", "ve", "d", "ll"):
            out[i] = "I"
        elif w in WEEKDAYS or w in MONTHS or (w in MONTH_WORDS or w in MONTH_ABBR) and _month_context(words, k, low):
            _capital(out, i)
        elif (lexicon is not None and len(w) >= MIN_NAME_LETTERS and not lexicon.is_word(w)
              and not _glued(low, m.start(), m.end())):
            _capital(out, i)
    if lexicon is not None:
        for m in _INITIALS.finditer("".join(out)):  # "hk Patil", "c. r. Patil"
            if not any(t in lexicon.plain for t in re.findall(r"[a-z]+", m.group())):
                for j in range(m.start(), m.end()):
                    _capital(out, j)
    for _ in range(2):  # "ganesh Naik", "Manoj shah": a word of a known person's name beside a name word
        for k, m in enumerate(words):
            if m.group() in idx.parts and out[m.start()].islower() and (
                    k > 0 and _name_word(out, words[k - 1], low) and words[k - 1].end() + 1 == m.start()
                    or k + 1 < len(words) and _name_word(out, words[k + 1], low) and m.end() + 1 == words[k + 1].start()):
                _capital(out, m.start())
    for m in _SENT_END.finditer(low):
        if not _inside(m.end(), web):
            _capital(out, m.end())
    first = re.search(r"\w", low)
    if first:
        _capital(out, first.start())
    return "".join(out)


def _name_word(out: list[str], m: re.Match, low: str) -> bool:
    """The word was given a capital as (part of) a name, and is not merely a sentence's first."""
    return out[m.start()].isupper() and len(m.group()) >= MIN_NAME_LETTERS and low[max(0, m.start() - 2):m.start()].strip() not in (".", "!", "?")


def _match(low: str, i: int, candidates) -> str | None:
    for key, cased in candidates:
        end = i + len(key)
        if low.startswith(key, i) and (end == len(low) or not low[end].isalnum()):
            return cased
    return None


def _apply(out: list[str], i: int, cased: str) -> None:
    for j, c in enumerate(cased):
        if c != out[i + j] and c.lower() == out[i + j].lower() and len(c) == 1:
            out[i + j] = c


def _capital(out: list[str], i: int) -> None:
    if i < len(out):
        up = out[i].upper()
        if len(up) == 1:
            out[i] = up


def _month_context(words, k: int, low: str) -> bool:
    """A month name that is also a word ("may", "march") or an abbreviation ("jan"): beside a number,
    or (not an abbreviation) after a time word ("in march", "since may")."""
    m = words[k]
    after = low[m.end():m.end() + 4].lstrip(" ,.")
    before = low[max(0, m.start() - 4):m.start()].rstrip(" ,")
    if after[:1].isdigit() or before[-1:].isdigit():
        return True
    return m.group() in MONTH_WORDS and k > 0 and words[k - 1].group() in TIME_WORDS


def _glued(low: str, start: int, end: int) -> bool:
    """A letter run glued to digits or to a dot-joined name ("5km", "covid19", "pic.twitter")."""
    return (start > 0 and (low[start - 1].isdigit() or low[start - 1] in "./_")) or (
        end < len(low) and (low[end].isdigit() or low[end] in "_/" or low[end] == "." and end + 1 < len(low) and low[end + 1].isalnum()))


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in spans)


def _lower(s: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer stays as it is)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _plain(s: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKD", c)[0] if len(unicodedata.normalize("NFKD", c)) > 1
                   and all(unicodedata.combining(x) for x in unicodedata.normalize("NFKD", c)[1:]) else c for c in s)
