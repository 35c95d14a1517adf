"""Paths in, input files out: folders walked recursively, symlink loops and unreadable paths
reported, never fatal."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .decode import CSV_EXT, JSONL_EXT

STDIN = "-"


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # where to read it (``-`` for standard input)
    source: str  # what records call it: the path relative to the ingest root




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
    if exc.errno == errno.ELOOP:
        return InputError(source, "symbolic link loop (the link points back to itself); remove or fix the link")
    if exc.errno == errno.ENOENT:
        if os.path.islink(source) or (exc.filename and os.path.islink(exc.filename)):
            return InputError(source, "broken symbolic link (its target does not exist)")
        return InputError(source, "no such file or directory")
    if exc.errno == errno.EACCES:
        return InputError(source, "permission denied; check the file's permissions")
    return InputError(source, f"cannot read: {exc.strerror or exc}")


def iter_inputs(paths: list[str]) -> Iterator[InputFile | InputError]:
    """Every file named or found below a named folder, in a stable order; problems as errors.

    A file's ``source`` is its path relative to the folder that was named (or its name when a
    file was named directly). Hidden files and folders (``.name``) are not read inside a folder.
    """
    for given in paths:
        if given == STDIN:
            yield InputFile(Path(STDIN), "stdin")
            continue
        path = Path(given)
        try:
            st = path.stat()
        except OSError as exc:
            yield _stat_error(given, exc)
            continue
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield InputFile(path, path.name)
        else:
            yield InputError(given, "not a regular file or folder (a device, socket or pipe)")
        del st


def _walk(root: Path) -> Iterator[InputFile | InputError]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[InputFile | InputError]:
        rel_folder = folder.relative_to(root).as_posix()
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
            yield _stat_error(rel_folder or str(root), exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            p = Path(entry.path)
            rel = p.relative_to(root).as_posix()
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
