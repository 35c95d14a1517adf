"""Serve: a REST API (``/api/``, OpenAPI at ``/openapi.json``) and server-rendered pages over the
same database (``newsweave serve``)."""

from .app import create_app
from .config import Settings

__all__ = ["Settings", "create_app"]
