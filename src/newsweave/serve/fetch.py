"""Fetching an article by URL for ``POST /api/documents``: off unless enabled; then only http(s)
to public addresses (no loopback, private, link-local, multicast or reserved targets), every
redirect checked again, with a timeout and a size cap."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import NewsweaveError

MAX_REDIRECTS = 5


class FetchRefused(NewsweaveError):
    """The URL may not be fetched (the reason says why)."""


def check_public(url: str) -> None:
    """Raise FetchRefused unless ``url`` is http(s) and every address its host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {parts.scheme or 'a URL without a scheme'!r}")
    host = parts.hostname
    if not host:
        raise FetchRefused("the URL has no host")
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"cannot resolve {host!r}: {exc}") from exc
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])  # an IPv4/IPv6 sockaddr's host is a str
        if not addr.is_global or addr.is_multicast:
            raise FetchRefused(f"{host!r} resolves to {addr}, which is not a public address")


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 5 * 1024 * 1024) -> tuple[str, bytes]:
    """(final URL, body) of a public http(s) page."""
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_public(url)
            try:
                with client.stream("GET", url, headers={"User-Agent": "newsweave"}) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    if resp.status_code >= 400:
                        raise FetchRefused(f"{url} answered HTTP {resp.status_code}")
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchRefused(f"{url} is larger than {max_bytes} bytes")
                    return url, bytes(body)
            except httpx.HTTPError as exc:
                raise FetchRefused(f"cannot fetch {url}: {exc}") from exc
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")
