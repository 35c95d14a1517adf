"""The web pages in a real browser: Debian's chromium driven by Playwright, against `newsweave
serve` on 127.0.0.1 with a temporary database. Screenshots go to a temporary folder, or to
$NEWSWEAVE_SCREENSHOTS (docs/screenshots is made that way)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsweave.ingest.sources import iter_inputs
from newsweave.pipeline.runner import Ingest
from newsweave.store import open_store

from conftest import EXAMPLES, SHARED, SPELLINGS, jsonl, new_database, write

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``newsweave serve`` in a thread, on 127.0.0.1, over a database of the given inputs."""

    def __init__(self, db: str):
        import uvicorn

        from newsweave.serve import Settings, create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def _db(tmp_path_factory, name: str, paths: list[Path]) -> Iterator[str]:
    with new_database(tmp_path_factory.mktemp(name)) as url:
        store = open_store(url)
        Ingest(store).run(iter_inputs([str(p) for p in paths]))
        store.engine.dispose()
        yield url


def _shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("NEWSWEAVE_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_serve_browser_sample_story_disagreement_then_person(browser, tmp_path_factory, tmp_path):
    shots = _shots(tmp_path)
    with _db(tmp_path_factory, "sample", [EXAMPLES]) as db, Server(db) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(srv.url + "/")
        assert page.locator("ol.stories > li").count() == 3
        page.get_by_role("link", name=re.compile("Devkinandan Rai quits PED")).click()
        page.wait_for_selector("h1")
        story_url = page.url
        differ = page.locator(".differ").filter(has_text="followers").first
        text = differ.inner_text()
        assert "42" in text and "41" in text and "The Deccan Ledger" in text and "SWS" in text
        assert page.locator("mark").count() > 0  # evidence highlighted in the reports
        page.screenshot(path=str(shots / "sample-story.png"), full_page=True)
        page.get_by_role("link", name=re.compile("party timeline")).first.click()
        page.wait_for_selector("svg")
        assert page.locator("svg rect.bar").count() >= 1
        page.screenshot(path=str(shots / "sample-person.png"), full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        for url in (page.url, story_url, srv.url + "/"):
            phone.goto(url)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1, url  # no sideways scrolling
        phone.close()
        page.close()


def test_serve_browser_seeds_story_and_timeline(browser, tmp_path_factory, tmp_path):
    seeds = SHARED / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared is not beside the repository")
    shots = _shots(tmp_path)
    with _db(tmp_path_factory, "seeds", [seeds]) as db, Server(db) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(srv.url + "/")
        page.locator("a.story-link").first.click()
        page.wait_for_selector(".differ")
        followers = page.locator(".differ p").filter(has_text="followers")
        values = followers.locator(".value")
        pairs = {values.nth(i).locator("b").inner_text(): values.nth(i).locator(".badge").all_inner_texts()
                 for i in range(values.count())}
        assert pairs == {"72": ["IANS"], "73": ["The Sunday Guardian"]}
        page.screenshot(path=str(shots / "story.png"), full_page=True)
        page.get_by_role("link", name=re.compile("Siddiqui: party timeline")).first.click()
        page.wait_for_selector("svg")
        items = page.locator("ol.periods li").all_inner_texts()
        assert any("Bahujan Samaj Party" in i and "2017" in i for i in items)
        assert any("Indian National Congress" in i and "2018" in i and "24 Jan 2026" in i for i in items)
        assert any("speculative" in i and "Azad Samaj Party" in i for i in items)  # ASP(KR)
        assert page.locator("svg rect.bar.speculative").count() >= 1
        page.screenshot(path=str(shots / "person.png"), full_page=True)
        page.close()


def _offline(page, srv: Server) -> list[str]:
    """Abort every request to anywhere but the test server; returns the list of those refused."""
    refused: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(srv.url + "/"):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return refused


def test_serve_browser_api_docs_render_with_the_network_off(browser, tmp_path_factory, tmp_path):
    with _db(tmp_path_factory, "docs", [EXAMPLES / "sws_2026-03-14_rai_quits_ped.txt"]) as db, Server(db) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = _offline(page, srv)
        page.goto(srv.url + "/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        assert "newsweave" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_selector(".opblock-tag", timeout=20000)
        assert page.locator(".opblock-summary-path").filter(has_text="/api/stories").count() >= 1
        page.get_by_text("/api/stories/{story_id}").first.click()  # an operation opens
        page.wait_for_selector(".opblock.is-open .parameters", timeout=20000)
        page.screenshot(path=str(_shots(tmp_path) / "api-docs.png"))
        assert refused == []
        page.close()


def test_serve_browser_people_entities_documents_pages_and_their_links(browser, tmp_path_factory, tmp_path):
    shots = _shots(tmp_path)
    with _db(tmp_path_factory, "pages", [EXAMPLES]) as db, Server(db) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = _offline(page, srv)
        page.goto(srv.url + "/")
        page.get_by_role("navigation", name="Site").get_by_role("link", name="People").click()
        page.wait_for_selector("h1:text('People')")
        names = page.locator("a.entity-link").all_inner_texts()
        assert {"Devkinandan Rai", "Sawai Ram Khinchi"} <= set(names) and "Praja Ekta Dal" not in names
        page.get_by_role("link", name="Devkinandan Rai", exact=True).click()
        page.wait_for_selector("h1:text('Devkinandan Rai')")
        entity_url = page.url
        assert "/entity/" in entity_url and "Deokinandan Rai" in page.locator("dl").inner_text()
        assert page.locator("ol.docs > li").count() == 8 and page.locator("ol.docs mark").count() >= 1
        assert page.locator("ol.docs time").count() == 8
        page.screenshot(path=str(shots / "entity.png"), full_page=True)
        sws = page.locator("ol.docs > li").filter(has=page.locator(".badge", has_text=re.compile("^SWS$")))
        sws.filter(has_text="quits PED along with 42 supporters").locator("a.doc-link").click()
        page.wait_for_selector("h1")
        document_url = page.url
        assert "/document/" in document_url and "42 supporters" in page.locator("h1").inner_text()
        assert page.locator(".badge").first.inner_text() == "SWS" and page.locator("h1 + .meta time").count() == 1
        assert "Praja Ekta Dal" in page.locator("ul.named").inner_text()
        assert "left Praja Ekta Dal" in page.locator("ul.events").inner_text()
        page.screenshot(path=str(shots / "document.png"), full_page=True)
        page.locator("ul.named").get_by_role("link", name="Praja Ekta Dal").click()
        page.wait_for_selector("h1:text('Praja Ekta Dal')")
        assert page.locator("dl").get_by_text("party").count() == 1
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Entities").click()
        page.wait_for_selector("nav.kinds")
        page.locator("nav.kinds").get_by_role("link", name="place").click()
        page.wait_for_selector("h1:text('Entities: place')")
        assert "Patna" in page.locator("ol.entities").inner_text()
        assert "Devkinandan Rai" not in page.locator("ol.entities").inner_text()
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Documents").click()
        page.wait_for_selector("h1:text('Documents')")
        assert page.locator("ol.docs > li").count() == 10 and page.locator("ol.docs time").count() >= 9
        page.screenshot(path=str(shots / "documents.png"), full_page=True)
        page.get_by_label("Outlet").fill("The Deccan Ledger")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/documents?outlet=*")
        outlets = set(page.locator("ol.docs .badge").all_inner_texts())
        assert outlets == {"The Deccan Ledger"}
        assert refused == []
        person_url = srv.url + "/people/" + entity_url.rsplit("/", 1)[1]
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        for url in (person_url, entity_url, document_url, srv.url + "/people", srv.url + "/entities",
                    srv.url + "/documents", srv.url + "/search?q=Rai"):
            phone.goto(url)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url  # no sideways scrolling
        phone.goto(person_url)
        assert phone.locator("figure.timeline.narrow").is_visible()
        assert not phone.locator("figure.timeline.wide").is_visible()
        assert _clipped_svg_text(phone, "narrow") == []
        phone.screenshot(path=str(shots / "person-phone.png"), full_page=True)
        phone.close()
        page.goto(person_url)
        assert page.locator("figure.timeline.wide").is_visible()
        assert not page.locator("figure.timeline.narrow").is_visible()
        assert _clipped_svg_text(page, "wide") == []
        page.close()


def _clipped_svg_text(page, layout: str) -> list[str]:
    """The texts of a timeline drawing that stick out of it or are drawn under 10 px high."""
    return page.evaluate("""layout => {
        const svg = document.querySelector(`figure.timeline.${layout} svg`), box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.left < box.left - 1 || r.right > box.right + 1 || r.height < 10;
        }).map(t => t.textContent);
    }""", layout)


def test_serve_browser_search_by_a_spelling_finds_the_person_everywhere(browser, tmp_path_factory, tmp_path):
    dump = write(tmp_path / "in" / "spellings.jsonl", jsonl(SPELLINGS))
    with _db(tmp_path_factory, "spellings", [dump]) as db, Server(db) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = _offline(page, srv)
        page.goto(srv.url + "/")
        page.get_by_role("searchbox", name="Search articles").fill("Joshee")
        page.get_by_role("button", name="Search").click()
        page.wait_for_selector("ol.results")
        hits = page.locator("ol.results > li")
        assert hits.count() == 2
        assert sorted(hits.locator(".badge").all_inner_texts()) == ["Daily Lamp", "Evening Kite"]
        assert hits.locator("time").all_inner_texts() == ["3 Apr 2026", "2 Apr 2026, 09:30"]
        assert "Meera Joshi" in hits.nth(1).locator("mark").inner_text()  # found by the other spelling
        page.screenshot(path=str(_shots(tmp_path) / "search.png"), full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(page.url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.close()
        page.locator("p.named-by a").click()
        page.wait_for_selector("h1")
        assert page.locator("ol.docs > li").count() == 2
        page.locator("ol.docs > li").filter(has_text="Daily Lamp").locator("a.doc-link").click()
        page.wait_for_selector("h1:text('Meera Joshi joins Lok Vikas Party')")
        assert page.locator("h1 + .meta time").get_attribute("datetime") == "2026-04-02T09:30:00+05:30"
        assert refused == []
        page.close()
