"""Bytes to text: what kind of file is this, and which encoding. Mojibake repair comes later
(in :mod:`newsweave.ingest.extract`), so the stored raw text is what the bytes said."""

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


def check_type(data: bytes, source: str, suffix: str) -> None:
    """Raise :class:`SkippedInput` for a file of a kind newsweave does not read."""
    for magic, offset, what in MAGIC:
        if data[offset : offset + len(magic)] == magic:
            raise SkippedInput(source, f"{what}; newsweave reads {READS}")
    if suffix in SKIP_EXTENSIONS:
        raise SkippedInput(source, f"{SKIP_EXTENSIONS[suffix]}; newsweave reads {READS}")


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, source: str) -> Decoded:
    """Decode bytes to text: a BOM, else strict UTF-8, else charset-normalizer's best guess."""
    if not data.strip():
        raise InputError(source, "empty file" if not data else "empty file (only white space)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                raise InputError(source, f"undecodable: starts with a {enc} byte-order mark but is not {enc} ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise InputError(source, "binary data (it holds NUL bytes), not text")
    try:
        decoded = Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise InputError(source, "undecodable: no text encoding fits these bytes; convert the file to UTF-8") from None
        decoded = Decoded(str(best), best.encoding)
    sample = decoded.text[:20000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    if controls > max(8, len(sample) // 50):
        raise InputError(source, "binary data (too many control characters), not text")
    return decoded


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
