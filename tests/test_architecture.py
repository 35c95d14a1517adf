"""The package's layers (README, "Architecture"): the import-linter contracts in pyproject.toml hold,
and no module imports itself through others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _import_circles() -> list[list[str]]:
    """Strongly connected components of more than one module in newsweave's import graph (Tarjan)."""
    import grimp

    graph = grimp.build_graph("newsweave")
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for m in edges:
        if m not in index:
            visit(m)
    return found


def test_architecture_has_no_import_circle():
    assert _import_circles() == []


def test_architecture_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    run = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "BROKEN" not in run.stdout


def test_architecture_link_is_pure():
    """link/ neither imports spaCy nor SQLAlchemy, even indirectly (also an import-linter contract)."""
    import grimp

    graph = grimp.build_graph("newsweave", include_external_packages=True)
    for banned in ("spacy", "sqlalchemy"):
        chains = graph.find_shortest_chains(importer="newsweave.link", imported=banned)
        assert not chains, f"link reaches {banned}: {sorted(chains)[:3]}"
