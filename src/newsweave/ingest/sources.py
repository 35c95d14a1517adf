"""Paths in, input files out: folders walked recursively, symlink loops and unreadable paths
reported, never fatal."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..chars import escape_surrogates
from ..errors import InputError
from .decode import CSV_EXT, JSONL_EXT

STDIN = "-"


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # where to read it (``-`` for standard input)
    source: str  # what records call it: the path relative to the ingest root (see :func:`iter_inputs`)


def expected_documents(f: InputFile) -> int:
    """About how many articles ``f`` holds, for progress: a dump's lines (a CSV's less its
    header), else one. Counting lines reads the file once more; standard input counts one."""
    suffix = f.path.suffix.lower()
    if f.source == "stdin" or suffix not in JSONL_EXT | CSV_EXT:
        return 1
    try:
        with open(f.path, "rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 1
    return max(1, lines - (1 if suffix in CSV_EXT else 0))


def _stat_error(source: str, exc: OSError) -> InputError:
    shown = escape_surrogates(source)
    if exc.errno == errno.ELOOP:
        return InputError(shown, "symbolic link loop (the link points back to itself); remove or fix the link")
    if exc.errno == errno.ENOENT:
        if os.path.islink(source) or (exc.filename and os.path.islink(exc.filename)):
            return InputError(shown, "broken symbolic link (its target does not exist)")
        return InputError(shown, "no such file or directory")
    if exc.errno == errno.EACCES:
        return InputError(shown, "permission denied; check the file's permissions")
    return InputError(shown, f"cannot read: {escape_surrogates(exc.strerror or str(exc))}")


def ingest_root(paths: list[str]) -> str:
    """The folder sources are named relative to: the folder named, or a named file's folder; when
    several paths are named, the deepest folder that holds them all, so that ``dirA/x.txt`` and
    ``dirB/x.txt`` stay two sources."""
    places = []
    for given in paths:
        if given == STDIN:
            continue
        p = os.path.abspath(given)
        places.append(p if os.path.isdir(p) else os.path.dirname(p))
    return os.path.commonpath(places) if places else os.getcwd()


def iter_inputs(paths: list[str]) -> Iterator[InputFile | InputError]:
    """Every file named or found below a named folder, in a stable order; problems as errors.

    A file's ``source`` is its path relative to the ingest root (:func:`ingest_root`): for one
    folder named, relative to it; for one file, its name; for several, relative to the folder
    holding them all. A file name's undecodable bytes are written ``\\xNN`` in it
    (:func:`newsweave.chars.escape_surrogates`); the file is read by its real name. Hidden files
    and folders (``.name``) are not read inside a folder.
    """
    root = ingest_root(paths)
    for given in paths:
        if given == STDIN:
            yield InputFile(Path(STDIN), "stdin")
            continue
        path = Path(given)
        try:
            path.stat()
        except OSError as exc:
            yield _stat_error(given, exc)
            continue
        label = Path(os.path.relpath(os.path.abspath(given), root)).as_posix()
        if path.is_dir():
            yield from _walk(path, "" if label == "." else label + "/")
        elif path.is_file():
            yield InputFile(path, escape_surrogates(label))
        else:
            yield InputError(escape_surrogates(given), "not a regular file or folder (a device, socket or pipe)")


def _walk(root: Path, prefix: str) -> Iterator[InputFile | InputError]:
    """The files below ``root``, their sources ``prefix`` + the path relative to ``root``."""
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[InputFile | InputError]:
        inner = folder.relative_to(root).as_posix()
        rel_folder = escape_surrogates(prefix + inner if inner != "." else prefix.rstrip("/") or ".")
        try:
            st = folder.stat()
        except OSError as exc:
            yield _stat_error(rel_folder, exc)
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield InputError(rel_folder, "symbolic link loop (this folder links back to one already read); skipped")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield _stat_error(rel_folder, exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            p = Path(entry.path)
            rel = escape_surrogates(prefix + p.relative_to(root).as_posix())
            try:
                is_dir = entry.is_dir()  # follows links
                is_file = entry.is_file()
                if not (is_dir or is_file):
                    os.stat(entry.path)  # raise the reason a link is unusable
            except OSError as exc:
                yield _stat_error(rel, exc)
                continue
            if is_dir:
                yield from visit(p)
            elif is_file:
                yield InputFile(p, rel)
            else:
                yield InputError(rel, "not a regular file (a device, socket or pipe)")

    yield from visit(root)
