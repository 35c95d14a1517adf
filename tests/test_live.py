"""Live input (`ingest URL`, `follow`) against a site this test serves on 127.0.0.1: an RSS feed
of 20 article pages, a sitemap index, a home page linking its feed, robots.txt disallowing one
folder, ETag/Last-Modified answered with 304s, a 404 and a PDF. The pages are fictional news
written here."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsweave.ingest.web import (
    ENV_ALLOW_PRIVATE,
    USER_AGENT,
    Fetcher,
    FetchRefused,
    Response,
    Validators,
    check_public,
    page_url,
    read_listing,
)
from newsweave.version import __version__

OUTLET = "The Riverton Ledger"
PEOPLE = ["Asha Verma", "Rohan Dalvi", "Meera Kashyap", "Tarun Bhosle", "Kavita Rane", "Imran Sheikh", "Lata Gokhale",
          "Nikhil Pawar", "Sunita Jadhav", "Vikram Sathe"]
PARTIES = ["Lok Vikas Party", "Jan Morcha", "Kisan Ekta Dal", "Nagarik Samaj Party"]
PLACES = ["Riverton", "Eastbrook", "Millford", "Stonegate", "Ashwood"]
ACTS = [("quit", "resigned from"), ("joins", "joined"), ("backs", "announced support for"), ("rebels", "rebelled against"),
        ("expelled", "was expelled from")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TOPICS = ["seat sharing", "the farm loan waiver", "candidate lists", "the municipal budget", "ward boundaries"]


def article(i: int) -> tuple[str, str]:
    """The path and HTML of fictional article ``i``: its own person, party, place and day."""
    name, party, other = PEOPLE[i % 10], PARTIES[i % 4], PARTIES[(i + 1) % 4]
    place, day, topic = PLACES[i % 5], DAYS[i % 7], TOPICS[(i * 3) % 5]
    short, verb = ACTS[i % 5]
    surname = name.split()[1]
    title = f"{surname} {short} {party} in {place}"
    body = [
        f"{place.upper()}: {name}, a district leader of the {party}, {verb} the {party} on {day}, "
        f"{12 + i} days before the council election in ward {30 + i}.",
        f"\u201cI have worked in {place} for {5 + i} years and the workers deserve to be heard on {topic},\u201d "
        f"{surname} told reporters outside the party office on Station Road.",
        f"Leaders of the {other} said {surname} had met them twice this month. About {40 + 7 * i} supporters "
        f"gathered at the {place} market on {day} evening, and a second meeting was called for ward {30 + i}.",
    ]
    slug = "-".join(title.lower().split())
    html = (f"<!DOCTYPE html><html><head><title>{title} | {OUTLET}</title>"
            f'<meta property="og:site_name" content="{OUTLET}"></head><body><article><h1>{title}</h1>'
            + "".join(f"<p>{p}</p>" for p in body) + "</article></body></html>")
    return f"/politics/{slug}-{1000 + i}.html", html


@dataclass
class Site:
    """What the test server serves, and what it was asked."""

    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML
    hits: Counter = field(default_factory=Counter)  # path -> GETs
    not_modified: Counter = field(default_factory=Counter)  # path -> 304s answered
    agents: set[str] = field(default_factory=set)
    times: list[tuple[float, str]] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def feed(self, paths: list[str]) -> str:
        items = "".join(f"<item><title>Item {n}</title><link>{self.url(p)}?utm_source=rss#top</link></item>"
                        for n, p in enumerate(paths))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{OUTLET}</title>'
                f"<link>{self.url('/')}</link><description>Politics</description>{items}</channel></rss>")


FEED_PAGES = [article(i) for i in range(20)]
ARCHIVE = [article(i) for i in range(20, 23)]


def serve_site() -> Site:
    site = Site()
    site.pages.update(dict(FEED_PAGES + ARCHIVE))
    site.pages["/private/draft-9.html"] = article(40)[1]
    return site


class Handler(BaseHTTPRequestHandler):
    site: Site
    last_modified = email.utils.formatdate(time.time() - 86400, usegmt=True)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # http.server calls it by this name
        site = self.site
        path = self.path.split("?")[0]
        site.hits[path] += 1
        site.agents.add(self.headers.get("User-Agent", ""))
        site.times.append((time.monotonic(), path))
        feed_paths = [p for p, _ in FEED_PAGES]
        if path == "/robots.txt":
            return self._send(200, "text/plain", f"User-agent: *\nDisallow: /private/\nSitemap: {site.url('/sitemap.xml')}\n",
                              conditional=False)
        if path == "/feed.xml":
            return self._send(200, "application/rss+xml", site.feed(feed_paths))
        if path == "/mixed.xml":
            return self._send(200, "application/rss+xml", site.feed(["/gone.html", feed_paths[0], "/private/draft-9.html",
                                                                      "/report.pdf"]))
        if path == "/sitemap.xml":
            return self._send(200, "application/xml", '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns='
                              '"http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
                              f"{site.url('/sitemap-archive.xml')}</loc></sitemap></sitemapindex>")
        if path == "/sitemap-archive.xml":
            locs = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p, _ in ARCHIVE)
            return self._send(200, "application/xml", '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                              f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}'
                              f"<url><loc>{site.url('/private/draft-9.html')}</loc></url></urlset>")
        if path == "/":
            return self._send(200, "text/html", f'<!DOCTYPE html><html><head><title>{OUTLET}</title><link rel="alternate" '
                              f'type="application/rss+xml" href="/feed.xml"></head><body><p>Front page</p></body></html>')
        if path == "/report.pdf":
            return self._send(200, "application/pdf", "%PDF-1.4 not really", conditional=False)
        if path in site.pages:
            return self._send(200, "text/html; charset=utf-8", site.pages[path])
        self._send(404, "text/html", "<html><body>Not found</body></html>", conditional=False)

    def _send(self, status: int, ctype: str, body: str, conditional: bool = True) -> None:
        data = body.encode("utf-8")
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if conditional and (self.headers.get("If-None-Match") == etag
                            or self.headers.get("If-Modified-Since") == self.last_modified):
            self.site.not_modified[self.path.split("?")[0]] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if conditional and status == 200:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", self.last_modified)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def site() -> Iterator[Site]:
    s = serve_site()
    handler = type("SiteHandler", (Handler,), {"site": s})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


@pytest.fixture
def private_ok(monkeypatch):
    """The tests' switch: this test's server is on 127.0.0.1."""
    monkeypatch.setenv(ENV_ALLOW_PRIVATE, "1")


def run_json(cli, *args: str) -> tuple[int, dict, str]:
    res = cli(*args[:1], "--silent", "--json", "--delay", "0", *args[1:])
    return res.exit_code, json.loads(res.stdout), res.stderr


def page_hits(site: Site) -> int:
    return sum(n for p, n in site.hits.items() if p.startswith("/politics/"))


# -- end to end (spaCy) ----------------------------------------------------------------------------
def test_live_follow_feed_stores_20_and_a_second_run_adds_0(cli, site, private_ok):
    code, first, err = run_json(cli, "follow", site.url("/feed.xml"))
    assert code == 0, err
    assert first["added"] == 20 and first["failed"] == [] and first["web"]["fetched"] == 20
    assert len(cli.records()) == 20
    assert page_hits(site) == 20 and site.agents == {USER_AGENT} and __version__ in USER_AGENT

    code, second, err = run_json(cli, "follow", site.url("/feed.xml"))
    assert code == 0, err
    assert second["added"] == 0 and second["web"]["fetched"] == 0
    assert page_hits(site) == 20  # no page asked for again
    assert site.not_modified["/feed.xml"] == 1  # the feed asked conditionally: 304
    assert len(cli.records()) == 20

    code, third, err = run_json(cli, "follow", "--refresh", site.url("/feed.xml"))
    assert code == 0, err
    assert third["added"] == 0 and third["web"]["not_modified"] == 20  # every page asked conditionally
    assert sum(n for p, n in site.not_modified.items() if p.startswith("/politics/")) == 20
    assert len(cli.records()) == 20


def test_live_ingest_url_stores_one_and_an_unchanged_refetch_changes_nothing(cli, site, private_ok):
    path = FEED_PAGES[3][0]
    code, summary, err = run_json(cli, "ingest", site.url(path) + "?utm_campaign=x")
    assert code == 0 and summary["added"] == 1, err
    [doc] = cli.records()
    assert doc["source"] == site.url(path) and doc["outlet"] == OUTLET  # tracking parameter dropped (courlan)
    assert doc["url"] == site.url(path)  # the page names no URL of its own: where it was fetched
    assert "Station Road" in doc["text"]
    code, again, err = run_json(cli, "ingest", site.url(path))
    assert code == 0 and again["added"] == 0 and again["web"]["not_modified"] == 1, err
    assert site.not_modified[path] == 1 and len(cli.records()) == 1


def test_live_404_disallowed_and_not_html_are_problems_and_the_batch_goes_on(cli, site, private_ok):
    code, summary, err = run_json(cli, "follow", site.url("/mixed.xml"))
    assert code == 1  # the 404 failed
    assert summary["added"] == 1
    assert [f["source"] for f in summary["failed"]] == [site.url("/gone.html")]
    assert "404" in summary["failed"][0]["reason"]
    skipped = {s["source"]: s["reason"] for s in summary["skipped"]}
    assert "robots.txt" in skipped[site.url("/private/draft-9.html")]
    assert "not an HTML page" in skipped[site.url("/report.pdf")]
    assert f"failed: {site.url('/gone.html')}: answered HTTP 404" in err
    assert site.hits["/private/draft-9.html"] == 0  # never asked for
    problems = {p["source"] for p in json.loads(cli("problems", "--json").stdout)}
    assert site.url("/gone.html") in problems


def test_live_follow_home_page_finds_its_feed_and_max_leaves_the_rest(cli, site, private_ok):
    code, first, err = run_json(cli, "follow", "--max", "5", site.url("/"))
    assert code == 0 and first["added"] == 5 and first["web"]["left"] == 15, err
    code, second, err = run_json(cli, "follow", site.url("/"))  # the feed read in full again: the rest
    assert code == 0 and second["added"] == 15 and second["web"]["known"] == 5, err
    assert page_hits(site) == 20


def test_live_follow_sitemap_index(cli, site, private_ok):
    code, summary, err = run_json(cli, "follow", site.url("/sitemap.xml"))
    assert code == 0 and summary["added"] == 3, err
    assert [s["source"] for s in summary["skipped"]] == [site.url("/private/draft-9.html")]
    assert {d["source"] for d in cli.records()} == {site.url(p) for p, _ in ARCHIVE}


def test_live_private_address_refused_without_the_switch(cli, site, monkeypatch):
    monkeypatch.delenv(ENV_ALLOW_PRIVATE, raising=False)
    res = cli("ingest", "--silent", "--delay", "0", site.url(FEED_PAGES[0][0]))
    assert res.exit_code == 1 and "not a public address" in res.stderr
    res = cli("follow", "--silent", "--delay", "0", site.url("/feed.xml"))
    assert res.exit_code == 1 and "not a public address" in res.stderr
    assert sum(site.hits.values()) == 0


# -- the fetcher and the readers (no spaCy) -----------------------------------------------------------
def test_live_guard_refuses_private_addresses_unless_allowed():
    for url in ("http://127.0.0.1:8000/a.html", "http://10.1.2.3/", "http://[::1]/", "http://localhost/"):
        with pytest.raises(FetchRefused, match="not a public address"):
            check_public(url)
        check_public(url, allow_private=True)
    with pytest.raises(FetchRefused, match="only http and https"):
        check_public("file:///etc/passwd", allow_private=True)


def test_live_fetcher_waits_between_requests_to_one_host(site):
    waits: list[float] = []
    with Fetcher(delay=5.0, allow_private=True, sleep=waits.append) as fetcher:
        fetcher.fetch(site.url(FEED_PAGES[0][0]))
        fetcher.fetch(site.url(FEED_PAGES[1][0]))
    assert fetcher.requests == 3  # robots.txt once, then the two pages
    assert len(waits) == 2 and all(4.0 < w <= 5.0 for w in waits)


def test_live_fetcher_real_delay_spaces_requests(site):
    with Fetcher(delay=0.2, allow_private=True) as fetcher:
        for p, _ in FEED_PAGES[:2]:
            fetcher.fetch(site.url(p))
    starts = [t for t, _ in site.times]
    assert len(starts) == 3 and all(b - a >= 0.18 for a, b in zip(starts, starts[1:]))


def test_live_read_listing_feed_sitemap_and_home_page():
    base = "https://riverton-ledger.example"
    site = Site(base=base)
    feed = read_listing(base + "/feed.xml", site.feed(["/politics/a-minister-quits-101.html", "/politics/x-102.html"]))
    assert feed.kind == "feed"
    assert feed.pages == [base + "/politics/a-minister-quits-101.html", base + "/politics/x-102.html"]  # no home page, no utm
    index = read_listing(base + "/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                         f'schemas/sitemap/0.9"><sitemap><loc>{base}/sm-1.xml</loc></sitemap><sitemap><loc>{base}/sitemap?page=2</loc>'
                         '</sitemap></sitemapindex>')
    assert index.kind == "sitemap" and index.pages == []
    assert index.listings == [base + "/sm-1.xml", base + "/sitemap?page=2"]  # an index lists sitemaps, whatever their names
    urlset = read_listing(base + "/sm-1.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                          f'sitemap/0.9"><url><loc>{base}/politics/b-7.html</loc></url><url><loc>https://elsewhere.example'
                          "/politics/c-8.html</loc></url></urlset>")
    assert urlset.pages == [base + "/politics/b-7.html"]  # another site's page is no part of this sitemap
    home = read_listing(base + "/", '<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" '
                        'href="/atom.xml"></head><body><p>Front page</p></body></html>')
    assert home.kind == "page" and home.listings == [base + "/atom.xml"]
    assert read_listing(base + "/x", "just some words").kind == "none"


def test_live_gzipped_sitemap_is_unpacked():
    xml = '<?xml version="1.0"?><urlset><url><loc>https://riverton-ledger.example/politics/d-9.html</loc></url></urlset>'
    resp = Response("https://riverton-ledger.example/sitemap.xml.gz", 200, gzip.compress(xml.encode()), "application/gzip",
                    None, Validators())
    assert read_listing(resp.url, resp.text()).pages == ["https://riverton-ledger.example/politics/d-9.html"]


def test_live_page_url_hygiene():
    base = "https://riverton-ledger.example/feed.xml"
    assert page_url("/politics/a-1.html?utm_source=rss&id=4#comments", base) == \
        "https://riverton-ledger.example/politics/a-1.html?id=4"
    assert page_url("https://riverton-ledger.example/", base) is None  # the home page is no article
    assert page_url("/images/photo.jpg", base) is None
    assert page_url("http://127.0.0.1:8080/politics/a-1.html", base) == "http://127.0.0.1:8080/politics/a-1.html"
