"""Bytes to text: what kind of file is this, and which encoding. Mojibake repair comes later
(in :mod:`newsweave.ingest.extract`), so the stored raw text is what the bytes said."""

from __future__ import annotations

import codecs
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
