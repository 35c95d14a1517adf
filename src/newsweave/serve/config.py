"""The server's settings and its one error shape."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

ENV_TOKEN = "NEWSWEAVE_API_TOKEN"
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 422: "invalid", 500: "internal", 503: "unavailable"}
#: a lone surrogate (from a JSON "\\ud800" escape): no UTF-8 has it, so a message never carries one
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Settings:
    db: str | None = None  # SQLAlchemy URL; None: $NEWSWEAVE_DB or ./newsweave.db
    token: str | None = None  # writes need it; None (and $NEWSWEAVE_API_TOKEN unset): no writes
    fetch_urls: bool = False  # POST /api/documents may fetch a URL
    max_body: int = 5 * 1024 * 1024  # bytes per request body
    fetch_timeout: float = 10.0
    search_timeout: float = 2.0  # seconds a search may run (503 after)
    #: threads that answer reads at once (0: the machine's cores, at least 2). More threads than
    #: cores only contend for Python's lock: at 5,000 documents on 2 cores, 20 clients got p99
    #: 194 ms with 2 threads, 553 ms with 8 and 1.1 s with Starlette's default 40
    threads: int = 0

    def __post_init__(self) -> None:
        self.token = self.token or os.environ.get(ENV_TOKEN) or None
        if self.threads < 0:
            raise ValueError(f"threads must be 0 (the machine's cores) or more, not {self.threads}")
        self.threads = self.threads or max(2, os.cpu_count() or 1)


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, details: Any = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code or CODES.get(status, "error")
        self.details = details


def clean(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings U+FFFD, so it encodes as UTF-8."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def error_body(status: int, message: str, code: str | None = None, details: Any = None) -> dict[str, Any]:
    """The one error shape: ``{"error": {"status", "code", "message"[, "details"]}}``."""
    err: dict[str, Any] = {"status": status, "code": code or CODES.get(status, "error"), "message": clean(message)}
    if details is not None:
        err["details"] = clean(details)
    return {"error": err}
