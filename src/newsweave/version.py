"""The version of newsweave, set here only (pyproject.toml reads it; `newsweave --version` prints it)."""

__version__ = "0.1.0"
