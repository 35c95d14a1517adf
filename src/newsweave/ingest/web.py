"""Fetching from the web: the one guard every fetch goes through (``newsweave ingest URL``,
``newsweave follow`` and the server's ``POST /api/documents {"url": ...}``), a polite fetcher for
the command line, and the links a feed, a sitemap or a home page gives.

The guard: only http(s), only to public addresses (no loopback, private, link-local, multicast or
reserved target), every redirect checked again, a timeout and a size cap. Tests reach a server on
127.0.0.1 by passing ``allow_private=True``; only the command line reads the tests' switch
(:data:`ENV_ALLOW_PRIVATE`), the server never does.

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

import gzip
import io
import ipaddress
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from courlan import check_url, clean_url, extract_domain
from trafilatura.feeds import FeedParameters, determine_feed, find_links
from trafilatura.sitemaps import DETECT_SITEMAP_LINK, SitemapObject, extract_robots_sitemaps

from ..article import Article
from ..errors import InputError
from ..settings import DEFAULT_MAX_BYTES, human_size
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


def check_public(url: str, *, allow_private: bool = False) -> None:
    """Raise FetchRefused unless ``url`` is http(s) and every address its host resolves to is
    public (``allow_private``: any address; for tests only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(url, f"only http and https URLs are fetched, not {parts.scheme or 'a URL without a scheme'!r}")
    host = parts.hostname
    if not host:
        raise FetchRefused(url, "the URL has no host")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise FetchRefused(url, f"cannot resolve {host!r}: {exc}") from exc
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])  # an IPv4/IPv6 sockaddr's host is a str
        if not addr.is_global or addr.is_multicast:
            raise FetchRefused(url, f"{host!r} resolves to {addr}, which is not a public address")


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


def get(client: httpx.Client, url: str, *, headers: dict[str, str] | None = None, allow_private: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES, before: Callable[[str], None] = lambda url: None) -> Response:
    """One guarded GET: every hop of a redirect checked by :func:`check_public` (and by
    ``before``, which may wait or refuse), the body capped at ``max_bytes``. An HTTP error or a
    network failure is a FetchError naming the URL."""
    asked = url
    for _ in range(MAX_REDIRECTS + 1):
        check_public(url, allow_private=allow_private)
        before(url)
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
        except httpx.HTTPError as exc:
            raise FetchError(url, f"cannot fetch: {exc or type(exc).__name__}") from exc
    raise FetchError(asked, f"more than {MAX_REDIRECTS} redirects")


class Fetcher:
    """Polite GETs for the command line: robots.txt, a delay a host, conditional requests.
    Counts what it did in ``requests`` and ``not_modified``."""

    def __init__(self, *, delay: float = DEFAULT_DELAY, timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                 allow_private: bool = False, sleep: Callable[[float], None] = time.sleep):
        self.delay = delay
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self._sleep = sleep
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
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
                   allow_private=self.allow_private, max_bytes=self.max_bytes, before=self._polite)
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
            resp = get(self._client, site + "/robots.txt", allow_private=self.allow_private,
                       max_bytes=512 * 1024, before=lambda u: self._wait(origin(u)))
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
