"""Fetching an article by URL for ``POST /api/documents``: off unless enabled; then through the
one guard newsweave fetches with (:mod:`newsweave.ingest.web`): only http(s) to public addresses,
connected to the addresses checked, every redirect checked again, with a timeout, a total
deadline and a size cap. The server never allows private addresses (the tests' switch is the
command line's only). The API calls :func:`fetch` in a worker thread, never on the event loop."""

from __future__ import annotations

from ..ingest.web import MAX_REDIRECTS, FetchError, FetchRefused, GuardedClient, check_public, get
from ..settings import DEFAULT_FETCH_DEADLINE

__all__ = ["MAX_REDIRECTS", "FetchError", "FetchRefused", "check_public", "fetch"]


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 5 * 1024 * 1024,
          deadline: float = DEFAULT_FETCH_DEADLINE) -> tuple[str, bytes]:
    """(final URL, body) of a public http(s) page, fetched in ``deadline`` seconds at most."""
    with GuardedClient(timeout=timeout, allow_private=False) as client:
        resp = get(client, url, max_bytes=max_bytes, deadline=deadline)
    return resp.url, resp.body
