"""Fetching from the web: the one guard every fetch goes through (``newsweave ingest URL``,
``newsweave follow`` and the server's ``POST /api/documents {"url": ...}``), a polite fetcher for
the command line, and the links a feed, a sitemap or a home page gives.

The guard: only http(s), only to public addresses (no loopback, private, link-local, multicast,
reserved, site- or unique-local target, nor an IPv6 address carrying such an IPv4 one: mapped,
compatible, NAT64, 6to4, Teredo, ISATAP), the host resolved once, every address it resolves to
checked and the connection made to those addresses (a name that answers otherwise the second time,
DNS rebinding, reaches nothing new), every redirect checked again, a timeout for each read, a
deadline for the whole fetch (:data:`~newsweave.settings.DEFAULT_FETCH_DEADLINE`, however slowly a
server drips its answer) and a size cap. Tests reach a server on 127.0.0.1 by passing
``allow_private=True``; only the command line reads the tests' switch (:data:`ENV_ALLOW_PRIVATE`),
the server never does.

Polite: robots.txt read once a host (RFC 9309: a 4xx robots.txt allows everything, a 5xx one
disallows everything), a delay between two requests to one host (robots.txt's Crawl-delay when
longer), conditional requests (If-None-Match / If-Modified-Since from the validators the caller
kept), and a user agent naming newsweave and its version (:data:`USER_AGENT`).

The requests are httpx's, not trafilatura's downloader: that one follows redirects itself (no
guard on each hop), takes no per-request headers (no conditional request), and answers None for
every failure (no reason to report). trafilatura reads the feeds and sitemaps; courlan cleans the
links they give.
"""

from __future__ import annotations

import functools
import gzip
import io
import ipaddress
import logging
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx
from courlan import check_url, clean_url, extract_domain
from httpcore import SOCKET_OPTION
from trafilatura.feeds import FeedParameters, determine_feed, find_links
from trafilatura.sitemaps import DETECT_SITEMAP_LINK, SitemapObject, extract_robots_sitemaps

from ..article import Article
from ..errors import InputError
from ..settings import DEFAULT_FETCH_DEADLINE, DEFAULT_MAX_BYTES, human_size
from ..version import __version__
from .decode import decode

log = logging.getLogger(__name__)

#: the token robots.txt rules name, and the User-Agent of every request newsweave makes
AGENT = "newsweave"
USER_AGENT = f"{AGENT}/{__version__} (news article ingestion; robots.txt respected)"
#: tests only: "1" lets the command line fetch from loopback and private addresses (a test's own
#: server on 127.0.0.1); never set it otherwise
ENV_ALLOW_PRIVATE = "NEWSWEAVE_TEST_ALLOW_PRIVATE"
MAX_REDIRECTS = 5
MAX_UNPACKED = 50 * 1024 * 1024  # the most a gzipped sitemap may unpack to (the protocol's own limit)
DEFAULT_DELAY = 1.0  # seconds between two requests to one host
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay longer than this is capped (and said so)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html\b|<head\b|<body\b)", re.I)


def private_allowed_for_tests() -> bool:
    """Whether the tests' switch is on (:data:`ENV_ALLOW_PRIVATE`)."""
    return os.environ.get(ENV_ALLOW_PRIVATE) == "1"


class FetchError(InputError):
    """A URL that was not fetched; ``source`` is the URL, ``reason`` says why, ``status`` is the
    HTTP status it answered (None: no answer)."""

    def __init__(self, url: str, reason: str, *, kind: str = "failed", status: int | None = None):
        super().__init__(url, reason, kind=kind)
        self.status = status


class FetchRefused(FetchError):
    """The guard refused the URL: not http(s), or not a public address."""


class Disallowed(FetchError):
    """robots.txt disallows the URL for newsweave: skipped, not a failure."""

    def __init__(self, url: str, reason: str):
        super().__init__(url, reason, kind="skipped")


class NotHtml(FetchError):
    """The URL answered something other than an HTML page: skipped, not a failure."""

    def __init__(self, url: str, reason: str):
        super().__init__(url, reason, kind="skipped")


# -- the guard: public addresses only, connected to as checked, in bounded time ---------------------
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052's well-known prefix: the last 32 bits an IPv4 address
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215, local-use: a network's own translator
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # IPv4-compatible (deprecated, RFC 4291 2.5.5.1)
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT's IPv4-translated (RFC 2765)
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")
_UNIQUE_LOCAL = ipaddress.IPv6Network("fc00::/7")
_ISATAP = re.compile(r"^0[02]00:5efe$")  # an ISATAP interface identifier's first half (RFC 5214)


def embedded_ipv4(addr: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, each with the form that carries it: IPv4-mapped
    (``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``), IPv4-translated, NAT64 (``64:ff9b::/96``),
    6to4 (``2002::/16``), Teredo (``2001::/32``: its server, and its client as the bitwise not of the
    last 32 bits) and ISATAP."""
    low = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if addr.ipv4_mapped is not None:
        found.append(("IPv4-mapped", addr.ipv4_mapped))
    if addr in _COMPATIBLE and int(addr) > 1:  # :: and ::1 are themselves
        found.append(("IPv4-compatible", low))
    if addr in _TRANSLATED:
        found.append(("IPv4-translated", low))
    if addr in _NAT64:
        found.append(("NAT64", low))
    if addr.sixtofour is not None:
        found.append(("6to4", addr.sixtofour))
    if addr.teredo is not None:
        server, client = addr.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    if _ISATAP.match(addr.exploded[20:29]):
        found.append(("ISATAP", low))
    return found


def _v4_refusal(addr: ipaddress.IPv4Address) -> str | None:
    for what, flag in (("unspecified", addr.is_unspecified), ("loopback", addr.is_loopback),
                       ("link-local", addr.is_link_local), ("multicast", addr.is_multicast),
                       ("private", addr.is_private), ("reserved", addr.is_reserved), ("not globally reachable", not addr.is_global)):
        if flag:
            return what
    return None


def address_refusal(address: str) -> str | None:
    """Why ``address`` (an IP address as text, an IPv6 zone allowed) is not a public address to
    fetch from, or None when it is. An IPv4 address must be globally reachable (not loopback,
    private, link-local, multicast, reserved, unspecified or shared); an IPv6 address too (nor
    site-local or unique-local), and every IPv4 address it carries (:func:`embedded_ipv4`) as well.
    NAT64's well-known prefix and IPv4-mapped addresses are judged by the IPv4 address they carry;
    local-use NAT64 (``64:ff9b:1::/48``) is a network's own and is refused whole."""
    try:
        addr = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an IP address"
    if isinstance(addr, ipaddress.IPv4Address):
        return _v4_refusal(addr)
    for form, v4 in embedded_ipv4(addr):
        why = _v4_refusal(v4)
        if why:
            return f"{form} {v4}, {why}"
    if addr in _NAT64 or addr.ipv4_mapped is not None:
        return None  # what is reached is the IPv4 address, public (above)
    for what, flag in (("unspecified", addr.is_unspecified), ("loopback", addr.is_loopback),
                       ("link-local", addr.is_link_local), ("site-local", addr in _SITE_LOCAL),
                       ("unique-local", addr in _UNIQUE_LOCAL), ("local-use NAT64", addr in _NAT64_LOCAL),
                       ("multicast", addr.is_multicast), ("private", addr.is_private), ("reserved", addr.is_reserved),
                       ("not globally reachable", not addr.is_global)):
        if flag:
            return what
    return None


def _host_port(url: str) -> tuple[str, int]:
    """(host, port) of ``url`` as httpx connects to them (the host IDNA-encoded); FetchRefused
    when it is not an http(s) URL with a host."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(url, f"only http and https URLs are fetched, not {scheme or 'a URL without a scheme'!r}")
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise FetchRefused(url, f"not a URL that can be fetched: {exc}") from exc
    if not host:
        raise FetchRefused(url, "the URL has no host")
    return host, parsed.port or (443 if scheme == "https" else 80)


class LookupTooSlow(FetchError):
    """A host's lookup that did not answer in the time left to the fetch."""


def _getaddrinfo(url: str, host: str, port: int, timeout: float | None) -> list[Any]:
    """socket.getaddrinfo, given up after ``timeout`` seconds (it takes no timeout of its own: the
    lookup runs in a daemon thread, which ends when the resolver does)."""
    def lookup() -> list[Any]:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)

    if timeout is None:
        return lookup()
    got: list[list[Any] | BaseException] = []

    def run() -> None:
        try:
            got.append(lookup())
        except (OSError, UnicodeError, ValueError) as exc:
            got.append(exc)

    thread = threading.Thread(target=run, name=f"lookup {host}", daemon=True)
    thread.start()
    thread.join(max(timeout, 0.0))
    if not got:
        raise LookupTooSlow(url, f"looking up {host!r} took longer than {max(timeout, 0.0):.1f} s")
    if isinstance(got[0], BaseException):
        raise got[0]
    return got[0]


def resolve(url: str, host: str, port: int, *, allow_private: bool = False,
            timeout: float | None = None) -> tuple[str, ...]:
    """Every address ``host`` resolves to (one lookup, in ``timeout`` seconds), each checked by
    :func:`address_refusal`: FetchRefused naming the first that is not public (``allow_private``:
    none checked; tests only)."""
    try:
        infos = _getaddrinfo(url, host, port, timeout)
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchRefused(url, f"cannot resolve {host!r}: {exc}") from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))  # an IPv4/IPv6 sockaddr's host is a str
    if not addresses:
        raise FetchRefused(url, f"{host!r} resolves to no address")
    if not allow_private:
        for address in addresses:
            why = address_refusal(address)
            if why:
                raise FetchRefused(url, f"{host!r} resolves to {address} ({why}), which is not a public address")
    return addresses


def check_public(url: str, *, allow_private: bool = False) -> tuple[str, ...]:
    """The addresses to connect to for ``url``: FetchRefused unless it is http(s) and every address
    its host resolves to is public (``allow_private``: any address; for tests only)."""
    host, port = _host_port(url)
    return resolve(url, host, port, allow_private=allow_private)


#: when the fetch under way must be done (time.monotonic()); None: no deadline
_DEADLINE: ContextVar[float | None] = ContextVar("newsweave_fetch_deadline", default=None)


def _clip(timeout: float | None, late: type[httpcore.TimeoutException]) -> float | None:
    """An operation's timeout cut to what is left of the fetch's deadline; ``late`` raised when
    nothing is."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise late("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake waits no longer than the deadline
    of the fetch that uses it: a server sending a byte every few seconds cannot hold a fetch."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _clip(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """httpcore's connections, made to the addresses the guard checked for a host (``pins``), not
    to whatever a second lookup would answer: a name that resolves to a public address for the
    check and to 127.0.0.1 for the connection (DNS rebinding) reaches only the public one. A host
    with no pin is resolved and checked here, once. TLS still names the host (SNI, certificate)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.pins: dict[tuple[str, int], tuple[str, ...]] = {}
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        addresses = self.pins.get((host, port))
        if addresses is None:
            addresses = resolve(f"{host}:{port}", host, port, allow_private=self.allow_private,
                                timeout=_clip(timeout, httpcore.ConnectTimeout))
        failed: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # in the resolver's order, as socket.create_connection tries them
            try:
                stream = self._backend.connect_tcp(address, port, _clip(timeout, httpcore.ConnectTimeout),
                                                   local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failed = exc
                continue
            return _DeadlineStream(stream)
        assert failed is not None  # resolve() gives one address or more
        raise failed

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the guarded fetcher connects over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's TLS settings (certificates verified against certifi's roots), made once: loading
    the roots takes a tenth of a second, and the server makes a client for every URL it fetches."""
    return httpx.create_ssl_context()


class GuardedClient(httpx.Client):
    """An httpx client for :func:`get`: redirects not followed (``get`` checks each hop), every
    connection made to an address :func:`check_public` checked, no proxy from the environment (a
    proxy would resolve the name itself). ``allow_private``: tests only."""

    def __init__(self, *, timeout: float = 10.0, allow_private: bool = False):
        self.allow_private = allow_private
        self._pinned = _PinnedBackend(allow_private)
        transport = httpx.HTTPTransport(verify=_tls())
        transport._pool = httpcore.ConnectionPool(ssl_context=_tls(), network_backend=self._pinned)
        super().__init__(timeout=timeout, follow_redirects=False, transport=transport)

    def pin(self, url: str, timeout: float | None = None) -> None:
        """Check ``url`` (:func:`check_public`, the lookup in ``timeout`` seconds); its connection
        goes to the addresses checked."""
        host, port = _host_port(url)
        self._pinned.pins[host, port] = resolve(url, host, port, allow_private=self.allow_private, timeout=timeout)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies the version it sent (ETag, Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request's headers."""
        h = {}
        if self.etag:
            h["If-None-Match"] = self.etag
        if self.last_modified:
            h["If-Modified-Since"] = self.last_modified
        return h

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 (not modified since the validators sent)
    body: bytes
    content_type: str  # the media type, lower case, without parameters
    charset: str | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return self.decoded()[0]

    def decoded(self) -> tuple[str, str]:
        """(text, encoding) of the body: in the charset the server named when the bytes fit it,
        else as a file's are decoded; a gzipped body (a ``sitemap.xml.gz``) unpacked first."""
        body = self.body
        if body[:2] == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
                    body = gz.read(MAX_UNPACKED + 1)
            except (OSError, EOFError) as exc:
                raise FetchError(self.url, f"broken gzip data: {exc}") from exc
            if len(body) > MAX_UNPACKED:
                raise FetchError(self.url, f"unpacks to more than {human_size(MAX_UNPACKED)}")
        if self.charset:
            try:
                return body.decode(self.charset), self.charset
            except (LookupError, UnicodeDecodeError):
                pass
        try:
            got = decode(body, self.url)
        except InputError as exc:
            raise FetchError(self.url, exc.reason) from exc
        return got.text, got.encoding


def get(client: GuardedClient, url: str, *, headers: dict[str, str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
        deadline: float = DEFAULT_FETCH_DEADLINE, before: Callable[[str], None] = lambda url: None) -> Response:
    """One guarded GET: every hop of a redirect checked by :func:`check_public` and connected to
    the addresses checked (and passed by ``before``, which may wait or refuse), the body capped at
    ``max_bytes``, the whole of it (lookups, connections, redirects and reads; not the time
    ``before`` waits) done in ``deadline`` seconds. An HTTP error, a network failure or a fetch
    over its deadline is a FetchError naming the URL."""
    asked = url
    left = deadline
    for _ in range(MAX_REDIRECTS + 1):
        started = time.monotonic()
        try:
            client.pin(url, timeout=left)
        except LookupTooSlow as exc:
            raise _late(url, deadline) from exc
        left -= time.monotonic() - started
        before(url)
        started = time.monotonic()
        token = _DEADLINE.set(started + left)
        try:
            with client.stream("GET", url, headers={"User-Agent": USER_AGENT, **(headers or {})}) as resp:
                if resp.is_redirect and "location" in resp.headers:
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code >= 400:
                    raise FetchError(url, f"answered HTTP {resp.status_code} {resp.reason_phrase}".rstrip(),
                                     status=resp.status_code)
                body = bytearray()
                if resp.status_code != 304:
                    for chunk in resp.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchError(url, f"larger than {human_size(max_bytes)}; raise the limit with --max-size")
                media, _, params = resp.headers.get("content-type", "").partition(";")
                charset = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.I)
                return Response(url, resp.status_code, bytes(body), media.strip().lower(),
                                charset[1] if charset else None,
                                Validators(resp.headers.get("etag"), resp.headers.get("last-modified")))
        except httpx.TimeoutException as exc:
            if time.monotonic() >= started + left:
                raise _late(url, deadline) from exc
            raise FetchError(url, f"cannot fetch: {exc or type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"cannot fetch: {exc or type(exc).__name__}") from exc
        finally:
            _DEADLINE.reset(token)
            left -= time.monotonic() - started
        if left <= 0:
            raise _late(url, deadline)
    raise FetchError(asked, f"more than {MAX_REDIRECTS} redirects")


def _late(url: str, deadline: float) -> FetchError:
    return FetchError(url, f"took longer than {deadline:g} s, the most one fetch may take (connecting, redirects "
                           "and reading together)")


class Fetcher:
    """Polite GETs for the command line: robots.txt, a delay a host, conditional requests.
    Counts what it did in ``requests`` and ``not_modified``."""

    def __init__(self, *, delay: float = DEFAULT_DELAY, timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                 deadline: float = DEFAULT_FETCH_DEADLINE, allow_private: bool = False,
                 sleep: Callable[[float], None] = time.sleep):
        self.delay = delay
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.allow_private = allow_private
        self._sleep = sleep
        self._client = GuardedClient(timeout=timeout, allow_private=allow_private)
        self._last: dict[str, float] = {}  # host -> when its last request started (monotonic)
        self._robots: dict[str, RobotFileParser] = {}  # origin -> its rules
        self._robots_txt: dict[str, str] = {}  # origin -> its robots.txt as read
        self._host_delay: dict[str, float] = {}
        self.requests = 0
        self.not_modified = 0

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, validators: Validators | None = None) -> Response:
        """GET ``url`` (conditionally, with ``validators``); a 304 is a Response whose
        ``not_modified`` is true. Raises FetchError (Disallowed for robots.txt)."""
        resp = get(self._client, url, headers=validators.headers() if validators else None,
                   max_bytes=self.max_bytes, deadline=self.deadline, before=self._polite)
        self.not_modified += resp.not_modified
        return resp

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of ``url``'s site names."""
        site = origin(url)
        self._rules(site)
        return robots_sitemaps(self._robots_txt.get(site, ""), site)

    def _rules(self, site: str) -> RobotFileParser:
        rules = self._robots.get(site)
        if rules is None:
            rules = self._robots[site] = self._read_robots(site)
        return rules

    def _polite(self, url: str) -> None:
        site = origin(url)
        rules = self._rules(site)
        if not rules.can_fetch(AGENT, url):
            raise Disallowed(url, f"robots.txt of {site} disallows it for {AGENT}")
        self._wait(site)

    def _wait(self, site: str) -> None:
        gap = self._host_delay.get(site, self.delay)
        last = self._last.get(site)
        if last is not None:
            left = last + gap - time.monotonic()
            if left > 0:
                self._sleep(left)
        self._last[site] = time.monotonic()
        self.requests += 1

    def _read_robots(self, site: str) -> RobotFileParser:
        rules = RobotFileParser(site + "/robots.txt")
        try:
            resp = get(self._client, site + "/robots.txt", max_bytes=512 * 1024, deadline=self.deadline,
                       before=lambda u: self._wait(origin(u)))
        except FetchError as exc:
            if exc.status and exc.status < 500:
                rules.allow_all = True  # type: ignore[attr-defined]  # RFC 9309 2.3.1.3: no robots.txt, no rules
                return rules
            if exc.status:  # RFC 9309 2.3.1.4: unreachable, so everything is disallowed for now
                rules.disallow_all = True  # type: ignore[attr-defined]  # as RobotFileParser.read() does on a 401
                log.warning("%s/robots.txt %s: nothing there is fetched this run", site, exc.reason)
                return rules
            raise FetchError(exc.source, f"robots.txt: {exc.reason}") from exc
        text = self._robots_txt[site] = resp.text() if resp.body.strip() else ""
        rules.parse(text.splitlines())
        rules.modified()
        crawl_delay = rules.crawl_delay(AGENT)
        if crawl_delay is not None and float(crawl_delay) > self.delay:
            wait = min(float(crawl_delay), MAX_CRAWL_DELAY)
            if wait < float(crawl_delay):
                log.warning("%s asks for %s s between requests; waiting %s s", site, crawl_delay, wait)
            self._host_delay[site] = wait
        return rules


def origin(url: str) -> str:
    """scheme://host[:port] of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# -- pages -------------------------------------------------------------------------------------
def page_article(resp: Response) -> Article:
    """The fetched page as an HTML article whose source (and URL, unless the page names its own)
    is the URL it came from; NotHtml for anything else."""
    media = resp.content_type
    if media not in HTML_TYPES and not (media in ("", "application/octet-stream") and _HTML_SNIFF.match(resp.body[:2000])):
        raise NotHtml(resp.url, f"not an HTML page (Content-Type: {media or 'none'})")
    if not resp.body.strip():
        raise FetchError(resp.url, "empty page")
    text, encoding = resp.decoded()
    return Article(resp.url, "html", text, encoding=encoding, url=resp.url)


def clean(url: str) -> str | None:
    """A URL as given on the command line, cleaned by courlan (host lower-cased, tracking
    parameters dropped, the fragment cut), or None when it is not an http(s) URL."""
    url = url.strip()
    if not is_url(url):
        return None
    cleaned = clean_url(url)
    return urldefrag(cleaned)[0] if cleaned else None


def is_url(text: str) -> bool:
    return bool(re.match(r"https?://[^/\s]", text.strip(), re.I))


def page_url(link: str, base: str) -> str | None:
    """A link a feed or sitemap gives, as the page to fetch: absolute, cleaned and checked by
    courlan (no spam, no navigation pages, no images or documents), without its fragment; None
    when it is not one. A site's home page is no article. courlan finds no domain in an address
    literal or a bare host name (127.0.0.1, localhost): those links are only cleaned."""
    absolute = urldefrag(urljoin(base, link.strip()))[0]
    checked = check_url(absolute)
    if checked:
        url = checked[0]
    else:
        host = urlsplit(absolute).hostname or ""
        if not (_is_address(host) or (host and "." not in host)):
            return None
        url = clean(absolute) or ""
    return url if url and urlsplit(url).path.strip("/") else None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _site(url: str) -> str:
    """The site a URL belongs to: its registered domain (courlan), else its host."""
    host = urlsplit(url).hostname or ""
    return (extract_domain(url, fast=True) if not _is_address(host) else None) or host


def _unique(links: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(u for u in links if u))


@dataclass(frozen=True, slots=True)
class Listing:
    """What a fetched feed, sitemap or home page lists: pages, and more listings to read."""

    kind: str  # "feed", "sitemap", "page" (a home page: its feeds), "none" (lists nothing)
    pages: list[str]
    listings: list[str]


def read_listing(url: str, text: str) -> Listing:
    """A feed's pages (RSS, Atom, JSON Feed), a sitemap's pages and its sitemaps (XML or text),
    or the feeds a home page links to. Read by trafilatura; the links cleaned by :func:`page_url`."""
    host = urlsplit(url).hostname or ""
    params = FeedParameters(origin(url), _site(url) or host, url)
    body = text.strip()
    if _SITEMAP.match(body) or _LINE_OF_URLS.match(body):  # first: an XML sitemap is a "potential feed" too
        sitemap = _Sitemap(url, index=bool(_INDEX.match(body)))
        sitemap.current_url = url
        sitemap.content = body
        sitemap.process()
        return Listing("sitemap", _unique(sitemap.urls), _unique(sitemap.sitemap_urls))
    if _FEED.search(body[:2000]) or body.startswith("{"):
        return Listing("feed", _unique(page_url(u, url) for u in find_links(body, params)), [])
    if _HTML_SNIFF.match(body[:2000].encode("utf-8", "replace")):
        feeds = [u for u in determine_feed(body, params) if urlsplit(u).hostname]
        return Listing("page", [], _unique(feeds))
    return Listing("none", [], [])


def robots_sitemaps(robots_txt: str, origin: str) -> list[str]:
    """The sitemaps a robots.txt names (trafilatura reads it)."""
    return _unique(extract_robots_sitemaps(robots_txt, origin))


_SITEMAP = re.compile(r"^.{0,5}<\?xml[^>]*>\s*(?:<!--.*?-->\s*)*<(?:[\w.-]+:)?(?:sitemapindex|urlset)\b"
                      r"|^<(?:[\w.-]+:)?(?:sitemapindex|urlset)\b", re.S)
_INDEX = re.compile(r"^.{0,5}(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:[\w.-]+:)?sitemapindex\b", re.S)
_LINE_OF_URLS = re.compile(r"^https?://\S+\s*$", re.M)
_FEED = re.compile(r"<(?:rss|feed|rdf:RDF)\b")  # RSS, Atom, RSS 1.0 (a JSON Feed is an object)


class _Sitemap(SitemapObject):
    """trafilatura's sitemap reader, fed with what the guarded fetcher got; its links cleaned
    by :func:`page_url` and kept on the sitemap's own site (the sitemaps protocol's rule)."""

    def __init__(self, url: str, index: bool):
        super().__init__(origin(url), _site(url), [])
        self.index = index  # a sitemap index lists sitemaps only, whatever their names

    def handle_link(self, link: str) -> None:
        if link == self.current_url:
            return
        if self.index or DETECT_SITEMAP_LINK.search(link):
            absolute = urldefrag(urljoin(self.current_url, link.strip()))[0]
            if _site(absolute) == self.domain:
                self.sitemap_urls.append(absolute)
            return
        url = page_url(link, self.current_url)
        if url and _site(url) == self.domain:
            self.urls.append(url)
