"""Live input: web pages fetched (:mod:`newsweave.ingest.web`) and ingested like HTML files, their
URL the source, for ``newsweave ingest URL...`` and ``newsweave follow FEED_OR_SITEMAP...``.

What is kept between runs is in the database (``fetched_urls``): each URL's validators (ETag,
Last-Modified) and the doc_id of the content it gave. So a second run is cheap:

* a page whose content is stored is not asked for again by ``follow`` (unless ``refresh``);
  asked for again (``ingest URL``, ``follow --refresh``), it is asked conditionally, and a 304
  downloads nothing; content that did change is a new document, as for an edited file;
* a feed or a sitemap is asked conditionally once every page it listed was dealt with (stored,
  already stored, or skipped for good): its 304 then means nothing new. One cut short by
  ``--max``, or with a page that failed, is read in full next time, so the rest is done then.

Use: iterate :meth:`Live.pages` or :meth:`Live.follow` into :meth:`Ingest.run`, then call
:meth:`Live.finish` (the validators are kept once the documents are).
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from ..article import Article
from ..errors import InputError
from ..ingest.web import Fetcher, FetchError, Listing, Validators, clean, origin, page_article, read_listing
from ..store import Store

log = logging.getLogger(__name__)

#: a follow source's sitemaps read at most (an index's children included), and home-page feeds
MAX_SITEMAPS = 20
MAX_FEEDS = 3


@dataclass(slots=True)
class WebStats:
    listings: int = 0  # feeds, sitemaps and home pages read
    fetched: int = 0  # pages downloaded
    not_modified: int = 0  # pages and listings that answered 304 Not Modified
    known: int = 0  # pages stored already, not asked for again
    left: int = 0  # pages left for a later run by --max
    requests: int = 0  # every request made (robots.txt included)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class _Read:
    """A leaf listing read this run (a feed, a sitemap without sitemaps in it) and its pages."""

    url: str
    kind: str
    validators: Validators
    pages: list[str] = field(default_factory=list)


class Live:
    def __init__(self, store: Store, fetcher: Fetcher, *, refresh: bool = False):
        self.store = store
        self.fetcher = fetcher
        self.refresh = refresh
        self.stats = WebStats()
        self._rows: dict[str, dict[str, Any]] = {}  # url -> its fetched_urls row, kept by finish()
        self._failed: set[str] = set()  # pages whose fetch failed this run
        self._read: list[_Read] = []

    # -- pages ---------------------------------------------------------------------------------
    def pages(self, urls: Iterable[str]) -> Iterator[Article | InputError]:
        """Each URL's page as an article (or the problem that says why not); a page whose
        content is stored is asked for conditionally, and a 304 yields nothing."""
        chosen: dict[str, None] = {}
        for given in urls:
            url = clean(given)
            if url is None:
                yield InputError(given, "not an http(s) URL")
            else:
                chosen[url] = None
        wanted = list(chosen)
        kept = self.store.fetched(wanted)
        stored = self.store.stored_urls(wanted)
        for url in wanted:
            row = kept.get(url) if url in stored else None
            validators = Validators(row["etag"], row["last_modified"]) if row else None
            try:
                resp = self.fetcher.fetch(url, validators)
            except FetchError as err:
                self._note(err)
                yield err
                continue
            if resp.not_modified:
                self.stats.not_modified += 1
                log.info("%s: not modified", url)
                continue
            self.stats.fetched += 1
            try:
                article = page_article(resp)
            except FetchError as err:
                self._note(err)
                yield err
                continue
            self._rows[url] = {"url": url, "kind": "page", "etag": resp.validators.etag,
                               "last_modified": resp.validators.last_modified, "doc_id": article.doc_id}
            yield article

    def _note(self, err: InputError) -> None:
        if err.kind == "failed":
            self._failed.add(err.source)

    # -- follow --------------------------------------------------------------------------------
    def follow(self, sources: list[str], limit: int | None = None) -> Iterator[Article | InputError]:
        """The pages the feeds, sitemaps and home pages ``sources`` list (a home page: those of
        its feeds, else of the sitemaps its robots.txt names), those stored left out unless
        ``refresh``; at most ``limit`` fetched."""
        found: list[str] = []
        for given in dict.fromkeys(sources):
            url = clean(given)
            if url is None:
                yield InputError(given, "not an http(s) URL of a feed, a sitemap or a site's home page")
                continue
            found += yield from self._discover(url)
        found = list(dict.fromkeys(found))
        known = set() if self.refresh else self.store.stored_urls(found)
        todo = [u for u in found if u not in known]
        self.stats.known = len(found) - len(todo)
        if limit is not None and len(todo) > limit:
            self.stats.left = len(todo) - limit
            todo = todo[:limit]
        yield from self.pages(todo)
        attempted = set(todo)
        for read in self._read:  # a listing all of whose pages were dealt with is asked conditionally next time
            done = all(p in known or (p in attempted and p not in self._failed) for p in read.pages)
            v = read.validators if done else Validators()
            self._rows[read.url] = {"url": read.url, "kind": read.kind, "etag": v.etag,
                                    "last_modified": v.last_modified, "doc_id": None}

    def _discover(self, source: str) -> Generator[InputError, None, list[str]]:
        """The pages ``source`` lists (generator's return value); problems yielded."""
        try:
            listing = self._listing(source)
        except FetchError as err:
            yield err
            return []
        if listing.kind == "none":
            yield InputError(source, "neither a feed nor a sitemap, nor a page that links to one")
            return []
        if listing.kind == "feed":
            return listing.pages
        if listing.kind == "sitemap":
            return (yield from self._sitemaps(listing, source))
        pages: list[str] = []
        for feed in listing.listings[:MAX_FEEDS]:  # a home page: its feeds
            if (got := (yield from self._read_listing(feed))) is not None:
                pages += got.pages
        if pages:
            return pages
        try:  # no feed: the sitemaps its robots.txt names, else the usual place of one
            sitemaps = self.fetcher.sitemaps(source) or [origin(source) + "/sitemap.xml"]
        except FetchError as err:
            yield err
            return []
        for sitemap in sitemaps[:MAX_SITEMAPS]:
            if (got := (yield from self._read_listing(sitemap))) is not None and got.kind == "sitemap":
                pages += yield from self._sitemaps(got, sitemap)
        if not pages:
            yield InputError(source, "a page that links to no feed, and whose site has no sitemap")
        return pages

    def _sitemaps(self, first: Listing, url: str) -> Generator[InputError, None, list[str]]:
        """The pages of a sitemap and of the sitemaps it lists (an index), up to MAX_SITEMAPS."""
        pages, queue, seen = list(first.pages), list(first.listings), {url}
        while queue and len(seen) < MAX_SITEMAPS:
            nxt = queue.pop(0)
            if nxt in seen:
                continue
            seen.add(nxt)
            if (got := (yield from self._read_listing(nxt))) is not None:
                pages += got.pages
                queue += got.listings
        return pages

    def _read_listing(self, url: str) -> Generator[InputError, None, Listing | None]:
        """:meth:`_listing`, a failure yielded as the problem it is (None then)."""
        try:
            return self._listing(url)
        except FetchError as err:
            yield err
            return None

    def _listing(self, url: str) -> Listing:
        """Fetch and read one listing. A leaf listing kept as fully dealt with is asked
        conditionally: its 304 lists no page."""
        kept = None if self.refresh else self.store.fetched([url]).get(url)
        validators = Validators(kept["etag"], kept["last_modified"]) if kept and kept["kind"] != "page" else None
        resp = self.fetcher.fetch(url, validators)
        self.stats.listings += 1
        if resp.not_modified and kept:
            self.stats.not_modified += 1
            log.info("%s: not modified since the last run", url)
            self._read.append(_Read(url, kept["kind"], resp.validators or validators or Validators()))
            return Listing(kept["kind"], [], [])
        listing = read_listing(resp.url, resp.text())
        if listing.kind in ("feed", "sitemap"):
            leaf = listing.kind == "feed" or not listing.listings  # an index is read every time
            self._read.append(_Read(url, listing.kind, resp.validators if leaf else Validators(), listing.pages))
        log.info("%s: a %s listing %d pages", url, listing.kind, len(listing.pages))
        return listing

    def finish(self) -> None:
        """Keep what was fetched this run (call it once the run's documents are stored)."""
        self.store.record_fetches(list(self._rows.values()))
        self._rows = {}
        self.stats.requests = self.fetcher.requests
