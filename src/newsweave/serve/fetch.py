"""Fetching an article by URL for ``POST /api/documents``: off unless enabled; then through the
one guard newsweave fetches with (:mod:`newsweave.ingest.web`): only http(s) to public addresses,
every redirect checked again, with a timeout and a size cap. The server never allows private
addresses (the tests' switch is the command line's only)."""

from __future__ import annotations

import httpx

from ..ingest.web import MAX_REDIRECTS, FetchError, FetchRefused, check_public, get

__all__ = ["MAX_REDIRECTS", "FetchError", "FetchRefused", "check_public", "fetch"]


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 5 * 1024 * 1024) -> tuple[str, bytes]:
    """(final URL, body) of a public http(s) page."""
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        resp = get(client, url, allow_private=False, max_bytes=max_bytes)
    return resp.url, resp.body
