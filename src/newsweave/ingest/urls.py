"""What a page's address tells: the headline its path spells."""

from __future__ import annotations

import re
from urllib.parse import urlparse

_SLUG_NOISE = re.compile(r"^(?:amp|article\d*|story|index|details?|\d{4,}|\d+_\d+|[a-z]\d[\w]*)$")


def url_headline(url: str | None) -> str | None:
    """The headline a page's address spells (``/six-rebel-mlas-join-party-2377755.html`` -> "Six rebel
    mlas join party"): the longest path segment of five words or more, its id, extension and
    ``amp`` dropped; None when the address spells none."""
    if not url:
        return None
    best: list[str] = []
    for seg in urlparse(url).path.split("/"):
        seg = re.sub(r"\.(?:html?|ece|cms|php|aspx?|shtml)$", "", seg.lower())
        words = [re.sub(r"(?<=[a-z]{3})\d{5,}$", "", w) for w in re.split(r"[-_.]+", seg) if w]  # "assembly20190730"
        words = [w for w in words if w and not (re.search(r"\d", w) and re.search(r"[a-z]", w) and len(w) > 6)]  # "th4we9jbc"
        words = re.sub(r"\b(\w+) s\b", r"\1's", " ".join(words)).split()  # "hooda s rally": "hooda's rally"
        while words and (_SLUG_NOISE.match(words[-1]) or (words[-1].isdigit() and len(words) > 1
                                                           and re.fullmatch(r"\d{4,}", words[-2]))):
            words.pop()  # the page's id: "-2377755", "-119081700949_1"
        while words and _SLUG_NOISE.match(words[0]):
            words.pop(0)
        if len(words) > len(best) and sum(bool(re.fullmatch(r"[a-z']+", w)) for w in words) >= 0.7 * len(words):
            best = words
    text = re.sub(r"(?:\s(?:19|20)\d\d\s\d{1,2}\s\d{1,2})+$", "", " ".join(best))  # "... updates 2023 10 08"
    if len(text.split()) < 5:
        return None
    return text[:1].upper() + text[1:]
