"""Person names: a transliteration-aware key, and when two written names may be one person.

The key folds the usual variation of romanised South Asian names (``data/names.toml``): vowel
length (ee/i, oo/u, aa/a), aspiration (kh/k, dh/d, bh/b, sh/s), v/w, ph/f, q/k, z/j, doubled
letters, spacing inside compound names, common short forms (Md/Mohd). Keys are compared exactly;
near-equal keys are compared with rapidfuzz, and callers add context (same party, same story)
before they merge on a near match. No pair of particular names is listed anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from ..resources import data_toml, per_settings
from ..settings import on_change


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no diacritics, straight apostrophes: the form matching compares (cached: it
    runs on every token)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


_WORDS = re.compile(r"\w+")


def name_words(text: str) -> list[str]:
    """The words of a name as they are looked up: :func:`fold`'s form, split at non-word characters."""
    return _WORDS.findall(fold(text))


def bare(text: str) -> str:
    """:func:`fold` without apostrophes: the forms "Peoples' Party" and "People's Party" share."""
    return fold(text).replace("'", "")


@per_settings
def _rules() -> tuple[tuple[tuple[re.Pattern[str], str], ...], dict[str, str]]:
    data = data_toml("names.toml")
    rules = tuple((re.compile(a), b) for a, b in data["rule"])
    return rules, dict(data.get("expand", {}))


@per_settings
def honorific_suffixes() -> frozenset[str]:
    """Words written after a name as a mark of respect ("ji", "sahab"; names.toml)."""
    return frozenset(fold(w) for w in data_toml("names.toml").get("honorific_suffixes", []))


@lru_cache(maxsize=65536)
def part_key(part: str) -> str:
    """The key of one name part ("Naseemuddin" -> "nasimudin")."""
    rules, expand = _rules()
    s = re.sub(r"[^a-z]", "", fold(part))
    s = expand.get(s, s)
    for pat, rep in rules:
        s = pat.sub(rep, s)
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key of a whole name, spaces removed ("Chandra Shekhar Aazad" == "Chandrashekhar Azad")."""
    rules, expand = _rules()
    parts = [expand.get(p, p) for p in re.sub(r"[^a-z ]", " ", fold(name)).split()]
    s = "".join(parts)
    for pat, rep in rules:
        s = pat.sub(rep, s)
    return re.sub(r"(.)\1+", r"\1", s)


on_change(part_key.cache_clear)  # the keys follow names.toml and the user's additions to it
on_change(name_key.cache_clear)


def skeleton(key: str) -> str:
    """Consonants only: what survives vowel variation (Mohammad / Muhammed)."""
    return re.sub(r"[aeiou]", "", key)


def _vowel_variants(ka: str, kb: str) -> bool:
    """Same letters but for at most two vowels written differently (Mohammad / Muhammed);
    a letter added or dropped (Shah / Sahu) is another name."""
    if len(ka) != len(kb) or len(skeleton(ka)) < 3:
        return False
    diff = [(x, y) for x, y in zip(ka, kb) if x != y]
    return len(diff) <= 2 and all(x in "aeiou" and y in "aeiou" for x, y in diff)


def same_name(a: str, b: str) -> bool:
    """The two written names are one name up to transliteration."""
    ka, kb = name_key(a), name_key(b)
    return bool(ka) and (ka == kb or _vowel_variants(ka, kb))


def near_name(a: str, b: str, threshold: float = 88.0) -> bool:
    """Close enough to be one person *when the context agrees* (same party, same story): the
    first parts must match closely too, so that Sonia and Rahul Gandhi never meet here."""
    pa, pb = a.split(), b.split()
    if not pa or not pb:
        return False
    if same_name(a, b):
        return True
    if not near_part(part_key(pa[0]), part_key(pb[0])):
        return False
    return ratio(name_key(a), name_key(b)) >= threshold


def near_part(a: str, b: str) -> bool:
    """Two keys of one name part written a little differently: close by rapidfuzz, or two letters
    swapped ("Keir" / "Kier")."""
    if not a or not b:
        return False
    return ratio(a, b) >= 80 or (len(a) >= 4 and a[0] == b[0] and OSA.distance(a, b) <= 1)
