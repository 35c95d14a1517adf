"""Data packs: one folder of data files per world newsweave knows (``data/packs/<name>/``, with
``pack.toml`` naming its country), the shipped ones and the user's (``--kb PATH``), and which a run
uses (``packs`` in the settings: ``--packs``, ``NEWSWEAVE_KB_PACKS``). The knowledge base (:mod:`newsweave.link.kb`) and the
outlet table (:mod:`newsweave.resources`) are built from them."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .errors import ConfigError
from .settings import ENV, current

ENV_KB = ENV["kb"]
ENV_PACKS = ENV["packs"]
DATA_FILES = (".tsv", ".txt", ".toml")


@dataclass(frozen=True, slots=True)
class Pack:
    """One world's data: a name, the country whose places it brings (ISO 3166-1), its files."""

    name: str
    country: str | None
    description: str
    where: str
    files: dict[str, str]


def _read_folder(folder: Traversable, where: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(DATA_FILES)}


def _pack(name: str, files: dict[str, str], where: str) -> Pack:
    meta: dict = {}
    if "pack.toml" in files:
        try:
            meta = tomllib.loads(files["pack.toml"])
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}/pack.toml: not valid TOML: {exc}") from exc
    country = meta.get("country") or None
    return Pack(meta.get("name", name), country.upper() if country else None, meta.get("description", ""), where, files)


@lru_cache(maxsize=1)
def shipped_packs() -> dict[str, Pack]:
    """The packs shipped in ``newsweave/data/packs``, by name."""
    root = resources.files("newsweave").joinpath("data", "packs")
    out = {}
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.is_dir():
            where = f"newsweave/data/packs/{folder.name}"
            out[folder.name] = _pack(folder.name, _read_folder(folder, where), where)
    return out


@lru_cache(maxsize=8)
def selected_packs(names: str | None = None, overlay: str | None = None) -> tuple[Pack, ...]:
    """The packs a run uses: the shipped ones named (``None``: all of them), then the user's
    folders (``os.pathsep``-separated)."""
    shipped = shipped_packs()
    if names is None:
        chosen = list(shipped.values())
    else:
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in shipped]
        if unknown:
            raise ConfigError(f"{ENV_PACKS}: no knowledge-base pack named {', '.join(unknown)}; "
                              f"the shipped packs are {', '.join(shipped)}")
        chosen = [shipped[n] for n in wanted]
    for folder in filter(None, (overlay or "").split(os.pathsep)):
        path = Path(folder)
        if not path.is_dir():
            raise ConfigError(f"{ENV_KB}: {folder} is not a folder; it should hold parties.tsv, people.tsv, ...")
        chosen.append(_pack(path.name or folder, _read_folder(path, folder), folder))
    return tuple(chosen)


def pack_settings() -> tuple[str | None, str | None]:
    """(packs, overlay folders) as this run's settings give them."""
    settings = current()
    return settings.packs, settings.kb
