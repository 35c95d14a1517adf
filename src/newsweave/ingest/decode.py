"""Bytes to text: what kind of file is this, and which encoding. Mojibake repair comes later
(in :mod:`newsweave.ingest.extract`), so the stored raw text is what the bytes said (cleaned of
invisible controls at the door, :mod:`newsweave.chars`)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import InputError, SkippedInput

# (magic bytes, offset, what it is): formats newsweave does not read, reported as skipped
MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF", 0, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"PK\x03\x04", 0, "a ZIP archive (or a DOCX/XLSX/EPUB file)"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "a Microsoft Office document"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"\x7fELF", 0, "an executable"),
    (b"ID3", 0, "an MP3 file"),
    (b"ftyp", 4, "an MP4/MOV video"),
    (b"OggS", 0, "an Ogg media file"),
    (b"PAR1", 0, "a Parquet file"),
)

SKIP_EXTENSIONS = {
    ".pdf": "a PDF document", ".png": "a PNG image", ".jpg": "a JPEG image", ".jpeg": "a JPEG image",
    ".gif": "a GIF image", ".webp": "a WebP image", ".svg": "an SVG image", ".ico": "an icon",
    ".bmp": "a bitmap image", ".tif": "a TIFF image", ".tiff": "a TIFF image",
    ".doc": "a Word document", ".docx": "a Word document", ".xls": "a spreadsheet",
    ".xlsx": "a spreadsheet", ".ppt": "a presentation", ".pptx": "a presentation",
    ".odt": "an OpenDocument file", ".epub": "an e-book", ".zip": "a ZIP archive",
    ".gz": "a gzip archive", ".tgz": "a gzip archive", ".bz2": "a bzip2 archive",
    ".xz": "an xz archive", ".7z": "a 7-Zip archive", ".tar": "a tar archive",
    ".mp3": "an audio file", ".wav": "an audio file", ".mp4": "a video", ".mov": "a video",
    ".avi": "a video", ".webm": "a video", ".exe": "an executable", ".so": "a library",
    ".db": "a database", ".sqlite": "a database",
    ".css": "a style sheet", ".js": "a script", ".woff": "a font", ".woff2": "a font", ".ttf": "a font",
}

READS = "plain text, HTML, JSONL/JSON, CSV/TSV and Parquet"

TEXT_EXT = {".txt", ".text", ".md", ".story", ".article", ""}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
JSONL_EXT = {".jsonl", ".ndjson", ".jsonlines"}
JSON_EXT = {".json"}
CSV_EXT = {".csv", ".tsv"}
PARQUET_EXT = {".parquet", ".pq"}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None  # the parts of the file disagree on their encoding: which, and how they were read


def check_type(data: bytes, source: str, suffix: str) -> None:
    """Raise :class:`SkippedInput` for a file of a kind newsweave does not read."""
    for magic, offset, what in MAGIC:
        if data[offset : offset + len(magic)] == magic:
            raise SkippedInput(source, f"{what}; newsweave reads {READS}")
    if suffix in SKIP_EXTENSIONS:
        raise SkippedInput(source, f"{SKIP_EXTENSIONS[suffix]}; newsweave reads {READS}")


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

#: UTF-16 without a byte-order mark: in this share of the code units (or more) one byte, the same one
#: each time, is zero (the high byte of ASCII: spaces, digits, punctuation, Latin letters) ...
UTF16_ZERO_SHARE = 0.1
#: ... and this many at least (a few zero bytes in a short file say nothing)
UTF16_MIN_ZEROS = 8
#: ... and the other byte is zero this rarely (a random or binary file has zeros at both) ...
UTF16_OTHER_ZERO_SHARE = 0.01
#: ... and the characters of the units with a zero byte are mostly text (white space, printable
#: ASCII and Latin-1), not numbers 0-255 (binary 16-bit data)
UTF16_TEXT_SHARE = 0.9
_LATIN1_TEXT = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0xA0, 0x100)))
#: the byte sequence that decides a mixed file's other parts: single-byte Western text pasted into
#: UTF-8 (WHATWG's default legacy encoding); else charset-normalizer's guess; latin-1 reads anything
MIXED_FALLBACKS = ("cp1252",)
#: a file is mixed, not simply in another encoding, when its valid UTF-8 characters (beyond ASCII)
#: are at least this share of its undecodable runs (a legacy file forms valid UTF-8 pairs rarely)
MIXED_MIN_UTF8_SHARE = 0.1
_ESCAPED = re.compile("[\udc80-\udcff]+")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def decode(data: bytes, source: str, *, rows: bool = False) -> Decoded:
    """Decode bytes to text: a BOM, else UTF-16 told by its zero bytes, else strict UTF-8, else
    UTF-8 with the parts that are not decoded on their own (:func:`_mixed`, with a warning), else
    charset-normalizer's best guess. A NUL byte makes a file binary; in a file of rows (``rows``:
    CSV, JSON Lines) it is the problem of the row that holds it, so the reader says which."""
    if not data.strip():
        raise InputError(source, "empty file" if not data else "empty file (only white space)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                raise InputError(source, f"undecodable: starts with a {enc} byte-order mark but is not {enc} ({exc.reason})") from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _not_binary(utf16, source)
    nul = data.find(b"\x00")
    if nul >= 0 and not rows:
        raise InputError(source, f"binary data (it holds NUL bytes, the first at byte {nul}), not text")
    try:
        decoded = Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        mixed = _mixed(data)
        if mixed is None:
            best = from_bytes(data).best()
            if best is None or best.encoding is None:
                raise InputError(source, "undecodable: no text encoding fits these bytes; convert the file to UTF-8") from None
            mixed = Decoded(str(best), best.encoding)
        decoded = mixed
    return _not_binary(decoded, source)


def _not_binary(decoded: Decoded, source: str) -> Decoded:
    sample = decoded.text[:20000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    if controls > max(8, len(sample) // 50):
        raise InputError(source, "binary data (too many control characters), not text")
    return decoded


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 (little- or big-endian) told by where its zero bytes are, when it decodes."""
    sample = data[:65536]
    units = len(sample) // 2
    if units < 2 or len(data) % 2:
        return None
    even, odd = sample[0:units * 2:2], sample[1:units * 2:2]
    for high, low, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        zeros = high.count(0)
        if zeros < max(UTF16_MIN_ZEROS, units * UTF16_ZERO_SHARE) or low.count(0) > units * UTF16_OTHER_ZERO_SHARE:
            continue
        latin1 = [c for c, h in zip(low, high) if h == 0]
        if sum(c in _LATIN1_TEXT for c in latin1) >= len(latin1) * UTF16_TEXT_SHARE:
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError:
                return None
    return None


def _mixed(data: bytes) -> Decoded | None:
    """A file mostly UTF-8 with parts in a single-byte encoding (a cp1252 paragraph pasted in):
    the UTF-8 read as UTF-8, each run of bytes that is not UTF-8 in the first of MIXED_FALLBACKS
    that reads every run (else charset-normalizer's guess for them, else latin-1), and a warning
    naming the lines. None when the file is not UTF-8 at all (too few valid UTF-8 characters)."""
    text = data.decode("utf-8", "surrogateescape")  # bytes that are not UTF-8 as U+DC80-U+DCFF
    runs = [(m.start(), bytes(ord(c) - 0xDC00 for c in m.group())) for m in _ESCAPED.finditer(text)]
    good = len(_VALID_NON_ASCII.findall(text))
    if not runs or good == 0 or good < len(runs) * MIXED_MIN_UTF8_SHARE:
        return None
    guess = from_bytes(b" ".join(r for _, r in runs)).best()
    candidates = [*MIXED_FALLBACKS, *([guess.encoding] if guess is not None and guess.encoding else []), "latin-1"]
    enc = next(e for e in candidates if _reads_all(e, [r for _, r in runs]))
    lines: list[int] = []
    line, at = 1, 0
    for pos, _ in runs:
        line += text.count("\n", at, pos)
        at = pos
        if not lines or lines[-1] != line:
            lines.append(line)
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    warning = (f"mixed encodings: line{'s' if len(lines) > 1 else ''} {shown} {'are' if len(lines) > 1 else 'is'} "
               f"not UTF-8 and {'were' if len(lines) > 1 else 'was'} read as {enc}, the rest as UTF-8; check "
               "them, and save the file as UTF-8")
    out = _ESCAPED.sub(lambda m: bytes(ord(c) - 0xDC00 for c in m.group()).decode(enc), text)
    return Decoded(out, f"utf-8+{enc}", warning)


def _reads_all(enc: str, runs: list[bytes]) -> bool:
    try:
        for r in runs:
            r.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# -- quotation marks lost to an encoding ------------------------------------------------------------
# Some dumps were written through an encoding without curly quotes, each one replaced by "?":
# "?I will not contest,? he said." / "don?t". Where the pattern is unambiguous they are restored.

MIN_DAMAGE = 2  # this many signs (an opening "?", one that pairs, an apostrophe) before a text is judged damaged
CURLY = "“”‘’"
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:php|aspx?|html?|jsp)\?\S*")
_OPEN = re.compile(r"(?:^|(?<=\s))\?(?=[^\W\d_]|…|\.\.\.)", re.M)  # a real question mark never sits before a word
_CLOSE = re.compile(r"(?<=[^\s?])\?(?=[\s,.;:)]|$)|(?<=\?)\?(?=[\s,.;:)]|$)", re.M)
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])\?(?=(?:s|t|ll|re|ve|d|m)\b)|(?<=\b[ODL])\?(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class QuoteRepair:
    text: str
    quotes: int = 0  # quotations whose marks were restored (the opening one, and the closing one where it pairs)
    apostrophes: int = 0


def restore_lost_quotes(text: str, damaged: bool | None = None) -> QuoteRepair:
    """Curly quotation marks and apostrophes written as "?" by a lossy encoding, restored (the text
    keeps its length). An opening "?" (at a line start or after a space, right before a letter: a
    real question mark never sits there) is an opening quotation mark, paired with a closing "?"
    (after a letter or punctuation, before a space, punctuation or the line end) in the same
    paragraph where one fits (see :func:`_pairs`), so a question inside the quotation stays a
    question. A "?" inside a word before s/t/ll/re/ve/d/m ("don?t", "party?s") or after an O, D or
    L before a capital ("D?Souza") is an apostrophe. Web addresses are left alone. All this only
    when ``damaged``, or (None) when the text shows it: no intact curly quote, and MIN_DAMAGE signs
    or more (opening marks, pairs, apostrophes). Every other question mark stays."""
    if "?" not in text:
        return QuoteRepair(text)
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    outside = lambda m: not any(a <= m.start() < b for a, b in urls)  # noqa: E731
    opens = [m.start() for m in _OPEN.finditer(text) if outside(m)]
    closes = [m.start() for m in _CLOSE.finditer(text) if outside(m)]
    apostrophes = [m.start() for m in _APOSTROPHE.finditer(text) if outside(m)]
    pairs = _pairs(text, opens, closes)
    if damaged is None:
        damaged = not any(c in text for c in CURLY) and len(opens) + len(pairs) + len(apostrophes) >= MIN_DAMAGE
    if not damaged:
        return QuoteRepair(text)
    out = list(text)
    for o in opens:  # an opening quotation mark, paired or not (a quotation may run on to the next paragraph)
        out[o] = "“"
    for _, c in pairs:
        out[c] = "”"
    for a in apostrophes:
        out[a] = "’"
    return QuoteRepair("".join(out), len(opens), len(apostrophes))


def _pairs(text: str, opens: list[int], closes: list[int]) -> list[tuple[int, int]]:
    """Each opening "?" with its closing one, before the next opening and within the paragraph:
    the first after punctuation ("…,? he said"), else the first after a letter that a lower-case
    word, punctuation or the line end follows ("the ?Dalit capital? of"); a "?" after a letter that a
    capitalised word follows may end a real question inside the quotation, and is left alone."""
    out = []
    for k, o in enumerate(opens):
        limit = min(opens[k + 1:] + [_paragraph_end(text, o)])
        inside = [c for c in closes if o < c < limit]
        after_punct = [c for c in inside if not text[c - 1].isalnum()]
        plain = [c for c in inside if re.match(r"\?(?:\s+[^\W\d_]*[a-z]|[.,;:)]|\s*$)", text[c:c + 40], re.M)
                 and not text[c + 1:c + 40].lstrip()[:1].isupper()]
        found = after_punct or plain
        close = found[0] if found else None
        if close is not None:
            out.append((o, close))
    return out


def _paragraph_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end
