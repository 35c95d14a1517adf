"""Stage 4: storage. SQLAlchemy 2 Core over SQLite (default, WAL) or PostgreSQL (by URL)."""

from .bulk import in_parts
from .db import Store, open_store

__all__ = ["Store", "in_parts", "open_store"]
