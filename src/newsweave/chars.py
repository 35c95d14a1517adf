"""The characters text is cleaned of at the door, in one place.

Every :class:`~newsweave.article.Article` is made through :func:`normalise_text` (its raw content)
and :func:`escape_surrogates` (its source), whatever read it: a file, a dump row, standard input,
an upload, a fetched page. So "Ramesh\\u200b Kumar" and "Ramesh Kumar" are one name, a bidi
override cannot reorder a name on screen, and nothing the database cannot encode gets that far.

- ``ZERO_WIDTH`` and ``BIDI_CONTROLS`` are removed wherever they are: they change no reading of
  the text, but split a name in two (or show it reversed).
- ``JOINERS`` (ZWNJ, ZWJ) are meaningful in Indic and Arabic-script text (conjuncts, half forms)
  and in emoji sequences; one is removed only where neither neighbour is a character of such a
  script (from ``JOINING_SCRIPTS_FROM`` on, General Punctuation aside): between Latin letters,
  spaces or punctuation.
- A lone UTF-16 surrogate (``"\\ud800"`` in JSON) is no character and has no UTF-8 form: in text
  it becomes U+FFFD; in a source (a file name's undecodable bytes, which Python holds as
  U+DC80-U+DCFF) each byte is written ``\\xNN``, as ``ls -b`` shows it (``bad\\xff.txt``).
- Then NFC.
"""

from __future__ import annotations

import re
import unicodedata

#: zero width space, word joiner, invisible operators, BOM / zero width no-break space, soft hyphen
ZERO_WIDTH = "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"
#: Unicode's Bidi_Control characters: marks (ALM, LRM, RLM), embeddings and overrides, isolates
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: zero width non-joiner, zero width joiner
JOINERS = "\u200c\u200d"
#: a joiner beside a character from this code point on (Greek and every script after it, emoji) is kept
JOINING_SCRIPTS_FROM = 0x0370
#: ... unless that character is General Punctuation (spaces, dashes, the zero-width characters)
GENERAL_PUNCTUATION = range(0x2000, 0x2070)

#: a UTF-16 surrogate alone: no character, and no UTF-8 encoding of it
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

_DROP = dict.fromkeys(map(ord, ZERO_WIDTH + BIDI_CONTROLS))
_JOINER = re.compile(f"[{JOINERS}]")


def _scripted(c: str) -> bool:
    o = ord(c)
    return o >= JOINING_SCRIPTS_FROM and o not in GENERAL_PUNCTUATION


def _joiner(m: re.Match[str]) -> str:
    s, i = m.string, m.start()
    if (i > 0 and _scripted(s[i - 1])) or (i + 1 < len(s) and _scripted(s[i + 1])):
        return m.group()
    return ""


def normalise_text(text: str) -> str:
    """``text`` without zero-width and bidi controls (joiners only outside the scripts that use
    them), lone surrogates as U+FFFD, in NFC. Text that is already clean comes back as it is."""
    if text.isascii():
        return text
    text = LONE_SURROGATE.sub("\ufffd", text).translate(_DROP)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINER.sub(_joiner, text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _escape(m: re.Match[str]) -> str:
    o = ord(m.group())
    return f"\\x{o - 0xDC00:02x}" if 0xDC80 <= o <= 0xDCFF else f"\\u{o:04x}"


def escape_surrogates(name: str) -> str:
    """A source name the database can store: a file name's undecodable bytes (U+DC80-U+DCFF, as
    ``os.fsdecode`` gives them) written ``\\xNN``, any other lone surrogate ``\\uNNNN``."""
    return name if name.isascii() else LONE_SURROGATE.sub(_escape, name)
