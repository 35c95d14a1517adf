"""The model's attribute ruler and rule lemmatizer, the same results in a fraction of the time.

spaCy's ``attribute_ruler`` runs a :class:`~spacy.matcher.Matcher` of 179 patterns over every
token (en_core_web_sm), and its ``lemmatizer`` builds a Python ``Token`` for every token to look
up a cache: 2.5 of the model's 11.6 s on a 250 KB article. Nearly all of the ruler's patterns look
at one token's tag, lower-case form, dependency label and whether it is a space, so what they set
is a function of those four values: :class:`FastAttributes` works it out once per combination
(applying the matching patterns in the ruler's order, later ones winning, as the ruler does) and
leaves only the few patterns of two tokens to a Matcher of their own. :class:`FastLemmas` reads
each token's (form, POS, morphology) from the document's arrays and asks a twin of the model's
lemmatizer (its tables, the word lists as sets) only for a combination it has not seen. Both take their patterns and tables from the
loaded model (nothing of their own), and :func:`speed_up` keeps the model's components when their
patterns use anything else (another model, another language).
"""

from __future__ import annotations

import re
from typing import Any, cast

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs  # the attribute ruler's own

#: the token attributes a one-token pattern may test, in the order of a token's key
KEY_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_KEY_IDS = [TAG, LOWER, DEP, IS_SPACE]


class Unsupported(ValueError):
    """A pattern tests something :class:`FastAttributes` does not read (the model's ruler stays)."""


def _test(spec: Any) -> Any:
    """One attribute's test of a one-token pattern as a function of the attribute's value."""
    if not isinstance(spec, dict):
        return lambda v: v == spec
    if len(spec) != 1:
        raise Unsupported(f"a test of {sorted(spec)}")
    (op, arg), = spec.items()
    if op == "IN":
        wanted = set(arg)
        return lambda v: v in wanted
    if op == "NOT_IN":
        unwanted = set(arg)
        return lambda v: v not in unwanted
    if op == "REGEX":
        pattern = re.compile(arg)
        return lambda v: v is not None and bool(pattern.search(v))
    raise Unsupported(f"the operator {op}")


class FastAttributes:
    """The attribute ruler's patterns, applied as it applies them (see the module's docstring)."""

    def __init__(self, nlp: Language, patterns: list[dict[str, Any]]):
        self.vocab = nlp.vocab
        #: each one-token pattern as (its place in the ruler, its tests, what it sets)
        self.single: list[tuple[int, list[tuple[int, Any]], dict[Any, Any]]] = []
        #: the other patterns, in a Matcher of their own: (place, what it sets, which token)
        self.matcher = Matcher(nlp.vocab, validate=False)
        self.multi: list[tuple[int, dict[Any, Any], int]] = []
        #: a token's lower-case form matters only when a test can match it (one of the forms the
        #: tests name, or one a test's regular expression finds): any other form is keyed as 0,
        #: which the tests take as None (equal to nothing, in nothing)
        self.lowers: set[int] = set()
        self.lower_regexes: list[re.Pattern[str]] = []
        for order, p in enumerate(patterns):
            attrs, index = normalize_token_attrs(nlp.vocab, p["attrs"]), p.get("index", 0)
            for pattern in p["patterns"]:
                if len(pattern) == 1 and index in (0, -1):
                    tests = []
                    for attr, spec in pattern[0].items():
                        if attr not in KEY_ATTRS:
                            raise Unsupported(f"a test of {attr}")
                        tests.append((KEY_ATTRS.index(attr), _test(spec)))
                        if attr == "LOWER":
                            self._add_lowers(spec)
                    self.single.append((order, tests, attrs))
                else:
                    if not -len(pattern) <= index < len(pattern):
                        raise Unsupported(f"a pattern's token {index} outside its {len(pattern)} tokens")
                    self.matcher.add(str(len(self.multi)), [pattern])
                    self.multi.append((order, attrs, index))
        self._keeps: dict[int, bool] = {}  # a form's hash -> whether it stays in the key
        #: a token's key -> the one-token patterns it matches (place, what it sets) and their sum
        self.merged: dict[tuple[int, ...], tuple[list[tuple[int, dict[Any, Any]]], dict[Any, Any]]] = {}

    def _add_lowers(self, spec: Any) -> None:
        """The forms a LOWER test names (or its regular expression) among those kept in a key."""
        if isinstance(spec, str):
            self.lowers.add(self.vocab.strings.add(spec))
        elif spec.get("REGEX") is not None:
            self.lower_regexes.append(re.compile(spec["REGEX"]))
        else:  # IN, NOT_IN: the forms listed (any other form is in none of them)
            self.lowers.update(self.vocab.strings.add(v) for v in next(iter(spec.values())))

    def _kept(self, forms: list[int]) -> list[int]:
        """Those of these lower-case forms (hashes) that a test can match."""
        keeps, strings = self._keeps, self.vocab.strings
        for h in forms:
            if h not in keeps:
                keeps[h] = h in self.lowers or any(r.search(strings[h]) for r in self.lower_regexes)
        return [h for h in forms if keeps[h]]

    def _for_key(self, key: tuple[int, ...]) -> tuple[list[tuple[int, dict[Any, Any]]], dict[Any, Any]]:
        """The one-token patterns a token of this key matches ((order, attributes) each, in the
        ruler's order) and what they set together."""
        strings = self.vocab.strings
        values = (strings[key[0]], strings[key[1]] if key[1] else None, strings[key[2]], bool(key[3]))
        hits = [(order, attrs) for order, tests, attrs in self.single
                if all(test(values[i]) for i, test in tests)]
        merged: dict[Any, Any] = {}
        for _, attrs in hits:
            merged.update(attrs)
        return hits, merged

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array(_KEY_IDS)
        arr[~numpy.isin(arr[:, 1], self._kept(numpy.unique(arr[:, 1]).tolist())), 1] = 0
        keys = arr.tolist()
        extra: dict[int, list[tuple[int, dict[Any, Any]]]] = {}
        if self.multi:  # the two-token patterns, found before anything is set (as the ruler does)
            for match_id, start, end in self.matcher(doc, allow_missing=True):
                order, attrs, index = self.multi[int(self.vocab.strings[match_id])]
                i = (start if index >= 0 else end) + index
                extra.setdefault(i, []).append((order, attrs))
        merged = self.merged
        for i, key in enumerate(keys):
            k = tuple(key)
            found = merged.get(k)
            if found is None:
                found = merged[k] = self._for_key(k)
            hits, attrs = found
            if i in extra:  # every pattern that matched here, in the ruler's order
                attrs = {}
                for _, a in sorted(hits + extra[i], key=lambda h: h[0]):
                    attrs.update(a)
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc


class FastLemmas:
    """The model's rule lemmatizer, asked once per (form, POS, morphology) it has not seen."""

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.seen: dict[tuple[int, int, int], int] = {}
        # the model's lemmatizer looks a candidate form up in a list of each POS's words (up to
        # tens of thousands: 110 us a word); its twin here has them as sets, its other tables
        # the same, and the model's own tables stay as they are for whatever else reads them
        self.twin = type(lemmatizer)(lemmatizer.vocab, None, name=lemmatizer.name, mode=lemmatizer.mode,
                                     overwrite=lemmatizer.overwrite)
        tables = Lookups()
        for name in lemmatizer.lookups.tables:
            table = lemmatizer.lookups.get_table(name)
            tables.add_table(name, {k: set(v) for k, v in table.items()} if name == "lemma_index" else dict(table))
        self.twin.initialize(lookups=tables)

    @property
    def lookups(self) -> Any:
        """The lemmatizer's tables (what other components read of it)."""
        return self.lemmatizer.lookups

    @property
    def mode(self) -> str:
        return self.lemmatizer.mode

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lem = self.lemmatizer
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = arr[:, 3].tolist()
        seen, strings, keep, twin = self.seen, doc.vocab.strings, not lem.overwrite, self.twin
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and keep:
                continue  # set before (the attribute ruler's "gonna" -> "go")
            value = seen.get((orth, pos, morph))
            if value is None:
                value = seen[orth, pos, morph] = strings.add(twin.lemmatize(doc[i])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64).reshape(-1, 1))  # type: ignore[arg-type]
        return doc


def speed_up(nlp: Language) -> None:
    """The model's ``attribute_ruler`` and rule ``lemmatizer`` replaced by :class:`FastAttributes`
    and :class:`FastLemmas` with the same patterns and tables; each kept as it is when its
    patterns or mode are other than these read."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = cast(AttributeRuler, nlp.get_pipe("attribute_ruler"))
        try:
            fast = FastAttributes(nlp, list(ruler.patterns))
        except Unsupported:
            pass
        else:
            _swap(nlp, "attribute_ruler", fast)
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = cast(Lemmatizer, nlp.get_pipe("lemmatizer"))
        if lemmatizer.mode == "rule":
            _swap(nlp, "lemmatizer", FastLemmas(lemmatizer))


def _swap(nlp: Language, name: str, component: Any) -> None:
    """The pipe ``name`` runs ``component`` (the name, its place and its config kept)."""
    # Language keeps its (name, component) pairs, disabled ones (the model's senter) among them;
    # replace_pipe would need a registered factory that rebuilds the component from config
    names = [n for n, _ in nlp._components]
    nlp._components[names.index(name)] = (name, component)
