"""The REST API over the sample corpus: every endpoint, paging, 404s, the one error shape, writes
only with the token, the body-size limit and URL fetching refused for non-public addresses."""

from __future__ import annotations

import json
import os
import re

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from newsweave.ingest.sources import iter_inputs
from newsweave.pipeline.runner import Ingest
from newsweave.serve import Settings, create_app
from newsweave.store import open_store

from conftest import EXAMPLES, SPELLINGS, jsonl, new_database

TOKEN = "s3cret-token"
HTML = {"accept": "text/html"}


def _ids(html: str, kind: str) -> list[str]:
    return re.findall(rf'href="/{kind}/([^"/]+)"', html)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    with new_database(tmp_path_factory.mktemp("serve")) as url:
        store = open_store(url)
        Ingest(store).run(iter_inputs([str(EXAMPLES)]))
        store.engine.dispose()
        yield url


def client(db: str, **settings) -> TestClient:
    return TestClient(create_app(Settings(db=db, **settings)))


@pytest.fixture(scope="module")
def api(sample_db: str) -> TestClient:
    return client(sample_db)


def _error(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["status"] == status and err["message"]
    if code:
        assert err["code"] == code
    return err


def test_serve_api_stories_list_filters_and_paging(api):
    body = api.get("/api/stories").json()
    assert body["total"] == 3 and body["limit"] == 50 and body["offset"] == 0
    assert all(s["kind"] == "story" and s["doc_ids"] for s in body["items"])
    one = api.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert one["total"] == 3 and [s["story_id"] for s in one["items"]] == [body["items"][1]["story_id"]]
    assert api.get("/api/stories", params={"outlet": "The Deccan Ledger"}).json()["total"] == 2
    assert api.get("/api/stories", params={"entity": "Sawai Ram Khinchi"}).json()["total"] == 1
    latest = max(s["published"] for s in body["items"])
    recent = api.get("/api/stories", params={"since": latest[:10]}).json()["items"]
    assert recent and len(recent) < 3 and all(s["published"][:10] >= latest[:10] for s in recent)
    assert api.get("/api/stories", params={"until": "2020-01-01"}).json()["total"] == 0
    _error(api.get("/api/stories", params={"limit": 0}), 422, "invalid")


def test_serve_api_story_shows_disagreement(api):
    stories = api.get("/api/stories").json()["items"]
    rai = next(s for s in stories if len(s["doc_ids"]) == 5)
    rep = api.get(f"/api/stories/{rai['story_id']}").json()
    [left] = [e for e in rep["events"] if e["type"] == "leave_party" and not e["background"]]
    followers = next(c for c in left["differ"] if c["field"] == "followers")
    assert {v["value"] for v in followers["values"]} == {41, 42}
    _error(api.get("/api/stories/nosuchstory"), 404, "not_found")


def test_serve_api_events_entities_people_documents(api):
    evs = api.get("/api/events", params={"type": "expelled"}).json()
    assert evs["total"] >= 1 and all(e["type"] == "expelled" for e in evs["items"])
    people = api.get("/api/entities", params={"type": "PERSON", "q": "khinchi"}).json()["items"]
    assert [p["name"] for p in people] == ["Sawai Ram Khinchi"]
    ent = api.get(f"/api/entities/{people[0]['entity_id']}").json()
    assert ent["mentions"] and ent["type"] == "PERSON"
    t = api.get(f"/api/people/{people[0]['entity_id']}/timeline").json()
    assert [p["party_name"] for p in t["periods"]] and t["name"] == "Sawai Ram Khinchi"
    docs = api.get("/api/documents", params={"limit": 4, "offset": 8}).json()
    assert docs["total"] == 10 and len(docs["items"]) == 2
    one = api.get(f"/api/documents/{docs['items'][0]['doc_id']}").json()
    assert one["text"] and "raw" not in one
    for path in ("/api/entities/nobody", "/api/people/nobody/timeline", "/api/documents/0000000000000000"):
        _error(api.get(path), 404, "not_found")
    party = api.get("/api/entities", params={"type": "PARTY"}).json()["items"][0]
    _error(api.get(f"/api/people/{party['entity_id']}/timeline"), 404)


def test_serve_api_search(api):
    res = api.get("/api/search", params={"q": "litchi belt"}).json()
    assert res["total"] >= 1 and "[litchi]" in res["items"][0]["snippet"].lower() and res["items"][0]["story_id"]
    assert api.get("/api/search", params={"q": '"unbalanced AND ('}).status_code == 200  # query syntax is literal
    _error(api.get("/api/search"), 422)


@pytest.fixture(scope="module")
def spellings(tmp_path_factory) -> dict:
    """A client over :data:`conftest.SPELLINGS`, the documents' texts by id, and the person's entity."""
    with new_database(tmp_path_factory.mktemp("spellings")) as url:
        store = open_store(url)
        Ingest(store).run_bytes("spellings.jsonl", jsonl(SPELLINGS))
        texts = {d["doc_id"]: d["text"] for d in store.iter_documents(columns=("doc_id", "text"))}
        store.engine.dispose()
        c = client(url)
        [person] = c.get("/api/entities", params={"type": "PERSON", "q": "meera"}).json()["items"]
        yield {"api": c, "texts": texts, "person": person}


def test_serve_api_search_finds_every_article_mentioning_the_entity_a_name_names(spellings):
    api, texts, person = spellings["api"], spellings["texts"], spellings["person"]
    assert len(person["doc_ids"]) == 2, person  # the two spellings are one person
    for q in ("Joshi", "Meera Joshee", "meera joshi", "JOSHEE"):
        res = api.get("/api/search", params={"q": q}).json()
        assert {r["doc_id"] for r in res["items"]} == set(person["doc_ids"]) and res["total"] == 2, q
        assert [e["entity_id"] for e in res["entities"]] == [person["entity_id"]]
        assert any(q.split()[-1].lower() not in texts[r["doc_id"]].lower() for r in res["items"]), q  # not by text
        assert all(r["outlet"] and r["published"] and r["via"] == [person["entity_id"]] for r in res["items"])
        assert all("[" in r["snippet"] for r in res["items"])
    first, second = (api.get("/api/search", params={"q": "Joshi", "limit": 1, "offset": o}).json() for o in (0, 1))
    assert first["total"] == second["total"] == 2
    assert "Joshi" in texts[first["items"][0]["doc_id"]]  # the text's own match first, then the other spelling
    assert "Joshi" not in texts[second["items"][0]["doc_id"]]
    assert api.get("/api/search", params={"q": "Joshi", "offset": 2}).json()["items"] == []


def test_serve_api_search_of_words_no_entity_has_is_full_text_only(spellings):
    api, texts = spellings["api"], spellings["texts"]
    res = api.get("/api/search", params={"q": "roads"}).json()
    assert res["entities"] == [] and [r["outlet"] for r in res["items"]] == ["Daily Lamp"]
    assert all("roads" in texts[r["doc_id"]] and r["via"] == [] for r in res["items"])
    assert api.get("/api/search", params={"q": "Mr"}).json()["entities"] == []  # too short to be part of a name


def test_serve_pages_search_shows_outlet_date_and_the_entity(spellings):
    api, person = spellings["api"], spellings["person"]
    page = api.get("/search", params={"q": "Joshee"}, headers=HTML).text
    assert f'href="/entity/{person["entity_id"]}"' in page
    assert set(_ids(page, "document")) == set(person["doc_ids"])
    assert "Daily Lamp" in page and "Evening Kite" in page
    assert '<time datetime="2026-04-02T09:30:00+05:30">2 Apr 2026, 09:30</time>' in page
    assert '<time datetime="2026-04-03">3 Apr 2026</time>' in page


def test_serve_api_every_page_and_route_is_in_the_readme():
    from pathlib import Path

    from newsweave.serve.api import router as api_router
    from newsweave.serve.pages import router as pages_router

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    paths = {re.sub(r"\{[^}]+\}", "{id}", r.path) for r in [*api_router.routes, *pages_router.routes]}
    assert {"/", "/people", "/entity/{id}", "/api/search"} <= paths
    missing = [p for p in sorted(paths) if not re.search(rf"`(?:POST )?{re.escape(p)}[`?\s]", readme)]
    assert missing == [], f"not in the README: {missing}"


def test_serve_api_openapi_and_unknown_path(api):
    spec = api.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/documents"} <= set(spec["paths"])
    _error(api.get("/api/nothing-here"), 404)


def test_serve_api_docs_pages_use_only_local_assets(api):
    """/docs names no third-party address: its script and styles are served here (no /redoc: ReDoc
    fetches its logo from a CDN)."""
    resp = api.get("/docs")
    assert resp.status_code == 200 and "text/html" in resp.headers["content-type"]
    assert not re.findall(r"https?://", resp.text)
    assets = re.findall(r'(?:src|href)="([^"]+)"', resp.text)
    assert {a.rsplit(".", 1)[-1] for a in assets} >= {"js", "css"}, assets
    for asset in assets:
        assert asset.startswith("/"), asset
        got = api.get(asset)
        assert got.status_code == 200 and got.content, asset
    assert api.get("/openapi.json").status_code == 200
    assert api.get("/redoc").status_code == 404


ARTICLE = {"title": "Leader joins Lok Vikas Party", "outlet": "Daily Lamp", "published": "2026-04-02",
           "text": "PATNA: Former MLA Anil Verma joined the Lok Vikas Party on Thursday in the presence of its state "
                   "president. Verma said the party would contest every seat in the Kosi region."}


def test_serve_api_writes_need_the_token(sample_db, db_url):
    _error(client(sample_db).post("/api/documents", json=ARTICLE), 403, "writes_disabled")
    w = client(db_url, token=TOKEN)
    _error(w.post("/api/documents", json=ARTICLE), 401)
    _error(w.post("/api/documents", json=ARTICLE, headers={"Authorization": "Bearer wrong"}), 403, "bad_token")
    ok = w.post("/api/documents", json=[ARTICLE], headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201, ok.text and ok.json()["added"] == 1
    again = w.post("/api/documents", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["unchanged"] == 1
    assert w.get("/api/documents").json()["total"] == 1
    _error(w.post("/api/documents", content=b"{not json", headers={"Authorization": f"Bearer {TOKEN}"}), 400)


def test_serve_api_oversize_body_is_413(sample_db):
    small = client(sample_db, token=TOKEN, max_body=1000)
    big = json.dumps(ARTICLE | {"text": "word " * 1000})
    _error(small.post("/api/documents", content=big, headers={"Authorization": f"Bearer {TOKEN}",
                                                                "Content-Type": "application/json"}), 413, "too_large")


@pytest.mark.parametrize("url", ["http://127.0.0.1/a.html", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/", "file:///etc/passwd", "http://localhost:8000/"])
def test_serve_api_url_fetch_refused_for_non_public_targets(sample_db, url):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _error(client(sample_db, token=TOKEN).post("/api/documents", json={"url": url}, headers=auth), 403, "fetch_disabled")
    err = _error(client(sample_db, token=TOKEN, fetch_urls=True).post("/api/documents", json={"url": url}, headers=auth),
                 400, "fetch_refused")
    assert "public" in err["message"] or "http" in err["message"]


def test_serve_pages_render_and_404(api):
    stories = api.get("/api/stories").json()["items"]
    html = {"accept": "text/html"}
    assert "Stories" in api.get("/", headers=html).text
    page = api.get(f"/stories/{stories[0]['story_id']}", headers=html).text
    assert "What happened" in page and "<mark>" in page
    assert "litchi" in api.get("/search", params={"q": "litchi"}, headers=html).text
    missing = api.get("/stories/nosuchstory", headers=html)
    assert missing.status_code == 404 and "<html" in missing.text


def test_serve_pages_people_and_entities_lists(api):
    people = api.get("/people", headers=HTML).text
    assert "Sawai Ram Khinchi" in people and "Devkinandan Rai" in people and "Praja Ekta Dal" not in people
    assert _ids(people, "entity") and set(_ids(people, "people")) <= set(_ids(people, "entity"))
    parties = api.get("/entities", params={"kind": "party"}, headers=HTML).text
    assert "Praja Ekta Dal" in parties and "Sawai Ram Khinchi" not in parties
    every = api.get("/entities", headers=HTML).text
    assert "Praja Ekta Dal" in every and "Sawai Ram Khinchi" in every
    total = api.get("/api/entities", params={"limit": 1}).json()["total"]
    assert f"{total} entities" in every
    bad = api.get("/entities", params={"kind": "planet"}, headers=HTML)
    assert bad.status_code == 400 and "PERSON" in bad.text


def test_serve_pages_entity_page(api):
    [rai] = api.get("/api/entities", params={"type": "PERSON", "q": "Devkinandan"}).json()["items"]
    page = api.get(f"/entity/{rai['entity_id']}", headers=HTML).text
    assert "<h1>Devkinandan Rai</h1>" in page and "Deokinandan Rai" in page  # an alias
    assert f'href="/people/{rai["entity_id"]}"' in page
    assert set(_ids(page, "document")) == set(rai["doc_ids"])
    assert "The Deccan Ledger" in page and '<time datetime="' in page
    assert "left Praja Ekta Dal on" in page and "<mark>" in page
    by_name = api.get("/entity/Devkinandan Rai", headers=HTML)
    assert by_name.status_code == 200 and set(_ids(by_name.text, "document")) == set(rai["doc_ids"])
    missing = api.get("/entity/nobody", headers=HTML)
    assert missing.status_code == 404 and "<html" in missing.text


def test_serve_pages_documents_list_and_document_page(api):
    docs = api.get("/api/documents", params={"limit": 200}).json()["items"]
    listing = api.get("/documents", headers=HTML).text
    listed = re.findall(r'class="doc-link" href="/document/([^"]+)"', listing)
    assert "10 documents" in listing and listed == [d["doc_id"] for d in docs]
    outlet = docs[0]["outlet"]
    mine = api.get("/documents", params={"outlet": outlet}, headers=HTML).text
    assert set(_ids(mine, "document")) == {d["doc_id"] for d in docs if d["outlet"] == outlet}
    rai = next(d for d in docs if "quits PED" in (d["title"] or "") and d["outlet"] == "SWS")
    page = api.get(f"/document/{rai['doc_id']}", headers=HTML).text
    assert rai["title"] in page and "SWS" in page and f'<time datetime="{rai["published"]}">' in page
    assert 'href="/stories/' in page and "left Praja Ekta Dal" in page
    named = re.findall(r'<a href="/entity/[^"]+">([^<]+)</a>', page)
    assert "Devkinandan Rai" in named and "Praja Ekta Dal" in named
    assert rai["text"][:40] in page.replace("&#39;", "'").replace("&#34;", '"')
    assert api.get(f"/document/{rai['doc_id'][:12]}", headers=HTML).status_code == 200  # a prefix will do
    assert api.get("/document/0000000000000000", headers=HTML).status_code == 404


def test_serve_pages_link_to_entities_and_documents(api):
    story = api.get("/api/stories").json()["items"]
    rai = next(s for s in story if len(s["doc_ids"]) == 5)
    page = api.get(f"/stories/{rai['story_id']}", headers=HTML).text
    assert set(rai["doc_ids"]) <= set(_ids(page, "document")) and _ids(page, "entity")
    [person] = api.get("/api/entities", params={"type": "PERSON", "q": "Devkinandan"}).json()["items"]
    timeline = api.get(f"/people/{person['entity_id']}", headers=HTML).text
    assert person["entity_id"] in _ids(timeline, "entity") and set(_ids(timeline, "document")) <= set(person["doc_ids"])
    assert _ids(timeline, "document")
    home = api.get("/", headers=HTML).text
    assert all(f'href="{p}"' in home for p in ("/people", "/entities", "/documents"))


@pytest.mark.parametrize(("iso", "shown"), [
    ("2026-12-02T14:05:09+05:30", "2 Dec 2026, 14:05"), ("2026-12-02T14:05Z", "2 Dec 2026, 14:05"),
    ("2026-03-04", "4 Mar 2026"), ("2026-03", "Mar 2026"), ("2026", "2026")])
def test_serve_pages_times_read_as_dates(iso, shown):
    from newsweave.serve.pages import when

    assert str(when(iso)) == f'<time datetime="{iso}">{shown}</time>'


def test_serve_pages_times_not_iso_stay_as_they_are():
    from newsweave.serve.pages import readable, when

    assert str(when("last <Tuesday>")) == "last &lt;Tuesday&gt;"
    assert str(when(None)) == "" and readable(None) == ""


def test_serve_pages_show_readable_times_with_the_iso_value(api):
    html = HTML
    stories = api.get("/api/stories").json()["items"]
    index = api.get("/", headers=html).text
    first = stories[0]["published"]
    assert f'<time datetime="{first}">' in index
    assert not re.search(r">\s*\d{4}-\d\d-\d\d", index)  # no ISO date shown as text
    story = api.get(f"/stories/{stories[0]['story_id']}", headers=html).text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]*">\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d</time>', story)
    assert not re.search(r">[^<]*\d{4}-\d\d-\d\d", story)


def test_serve_api_unexpected_error_has_the_one_error_shape(sample_db, monkeypatch, caplog):
    from newsweave.serve import api as api_mod

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api_mod, "story_list", broken)
    c = TestClient(create_app(Settings(db=sample_db)), raise_server_exceptions=False)
    resp = c.get("/api/stories")
    err = _error(resp, 500, "internal")
    assert "ZeroDivisionError" in err["message"] and "a bug" not in err["message"]
    assert any("GET /api/stories failed" in r.getMessage() for r in caplog.records)


def test_serve_api_stories_page_reads_only_its_rows(sample_db):
    """GET /api/stories?limit=N reads one page of the stored story records (and a count), nothing else."""
    from sqlalchemy import event

    store = open_store(sample_db)
    c = TestClient(create_app(Settings(db=sample_db), store=store))
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cur, stmt, params, ctx, many: statements.append(" ".join(stmt.split())))
    page = c.get("/api/stories", params={"limit": 2, "offset": 1}).json()
    selects = [s for s in statements if s.upper().startswith("SELECT")]
    assert len(page["items"]) == 2 and page["total"] == 3
    assert selects and all(" FROM stories" in s and " JOIN " not in s for s in selects), selects
    assert any("LIMIT" in s for s in selects)


def test_serve_api_stories_match_the_exported_story_records(sample_db):
    from newsweave.export.records import story_records

    store = open_store(sample_db)
    c = TestClient(create_app(Settings(db=sample_db), store=store))
    served = c.get("/api/stories", params={"limit": 200}).json()["items"]
    exported = {s.story_id: s.as_dict() for s in story_records(store)}
    assert len(served) == len(exported)
    for s in served:
        published = [d["published"] for d in store.iter_documents(columns=("doc_id", "published"))
                     if d["doc_id"] in s["doc_ids"] and d["published"]]
        assert s == exported[s["story_id"]]
        assert s["published"] == min(published, default=None)
    keys = [(s["published"] or "", len(s["doc_ids"])) for s in served]
    assert keys == sorted(keys, reverse=True)


def test_serve_api_event_and_entity_pages_are_slices_of_the_full_lists(sample_db):
    """/api/events and /api/entities page in SQL: each page, filtered or not, is the slice of the
    list every record rebuilt at once gives, in its order, with its total."""
    from newsweave.export.records import entities, event_records

    store = open_store(sample_db)
    c = TestClient(create_app(Settings(db=sample_db), store=store))
    events = [e.as_dict() for e in event_records(store)]
    ents = [e.as_dict() for e in entities(store)]
    actor = next(e["actor"] for e in events if e["actor"])
    for params, want in (({}, events), ({"type": "leave_party"}, [e for e in events if e["type"] == "leave_party"]),
                         ({"actor": actor}, [e for e in events if e["actor"] == actor]),
                         ({"story": events[0]["story_id"]}, [e for e in events if e["story_id"] == events[0]["story_id"]])):
        for limit, offset in ((200, 0), (2, 1), (3, 4)):
            page = c.get("/api/events", params=params | {"limit": limit, "offset": offset}).json()
            assert page["items"] == want[offset:offset + limit] and page["total"] == len(want), params
    for params, want in (({}, ents), ({"type": "person"}, [e for e in ents if e["type"] == "PERSON"]),
                         ({"q": "RAI"}, [e for e in ents if "rai" in e["name"].lower()
                                         or any("rai" in a.lower() for a in e["aliases"])])):
        for limit, offset in ((200, 0), (2, 1), (5, 3)):
            page = c.get("/api/entities", params=params | {"limit": limit, "offset": offset}).json()
            assert page["items"] == want[offset:offset + limit] and page["total"] == len(want), params
    assert want  # the name filter found some


def test_serve_api_documents_page_reads_no_raw_content(sample_db):
    from sqlalchemy import event

    store = open_store(sample_db)
    c = TestClient(create_app(Settings(db=sample_db), store=store))
    everything = c.get("/api/documents", params={"limit": 200}).json()
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cur, stmt, params, ctx, many: statements.append(" ".join(stmt.split())))
    page = c.get("/api/documents", params={"limit": 3, "offset": 2}).json()
    assert page["items"] == everything["items"][2:5] and page["total"] == everything["total"]
    assert statements and not any("raw" in s for s in statements) and any("LIMIT" in s for s in statements)
    outlet = everything["items"][0]["outlet"]
    only = c.get("/api/documents", params={"outlet": outlet.upper()}).json()
    assert only["total"] == sum(d["outlet"] == outlet for d in everything["items"])


SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def _secured(resp) -> str:
    """The response's Content-Security-Policy, after checking every security header is there."""
    for key, value in SECURITY.items():
        assert resp.headers.get(key) == value, (resp.request.url, key)
    csp = resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    return csp


def test_serve_api_security_headers_on_every_response(sample_db):
    c = TestClient(create_app(Settings(db=sample_db, max_body=1000)), raise_server_exceptions=False)
    for resp in (c.get("/", headers=HTML), c.get("/api/stories"), c.get("/static/style.css"), c.get("/openapi.json"),
                 c.get("/api/nothing-here"), c.get("/nothing-here", headers=HTML), c.get("/static-offline-docs/swagger-ui.css"),
                 c.post("/api/documents", content=b"x" * 2000), c.get("/api/documents", params={"offset": -1})):
        csp = _secured(resp)
        assert "script-src" not in csp, resp.request.url  # the pages run no script
    docs = c.get("/docs")
    csp = _secured(docs)
    [script] = re.findall(r"<script>(.*?)</script>", docs.text, re.S)  # Swagger UI's start, allowed by its hash
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in csp


def test_serve_api_search_terms_each_once_and_capped():
    from newsweave.store.search import MAX_QUERY, MAX_TERMS, clip, terms

    assert terms("Patna patna PATNA Rai patna") == ["Patna", "Rai"]
    assert terms(" ".join(f"w{i}" for i in range(100))) == [f"w{i}" for i in range(MAX_TERMS)]
    long = "Patna " * 400
    assert len(clip(long)) <= MAX_QUERY and clip(long).split() == ["Patna"] * len(clip(long).split())
    assert clip("a" * 5 + " " + "b" * MAX_QUERY) == "a" * 5 + " "  # a word cut in two is dropped
    assert terms("") == [] and terms("!!! ???") == []


def test_serve_api_search_with_2000_repeated_words_answers_in_under_a_second(api):
    import time

    for q in (" ".join(["Patna"] * 2000), " ".join(["Rai", "party", "the", "Rai"] * 500)):
        start = time.perf_counter()
        res = api.get("/api/search", params={"q": q})
        took = time.perf_counter() - start
        assert res.status_code == 200 and took < 1.0, (took, res.text[:200])
        assert res.json()["terms"] == list(dict.fromkeys(q.split()))
    assert api.get("/api/search", params={"q": "Rai rai RAI"}).json()["total"] == \
        api.get("/api/search", params={"q": "Rai"}).json()["total"]


#: a statement that never ends on its own (SQLite and PostgreSQL)
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def _endless_search(seen: list):
    """A stand-in for store.search.search whose statement runs until its budget stops it."""
    from sqlalchemy import text

    from newsweave.store.search import SearchAborted, bounded

    def search(conn, q, limit, offset, budget=None):
        try:
            with bounded(conn, budget):
                conn.execute(text(ENDLESS)).scalar()
        except SearchAborted as exc:
            seen.append(exc)
            raise
        return 0, []

    return search


def test_serve_api_search_over_its_time_is_503_in_the_error_shape(sample_db, monkeypatch):
    import time

    from newsweave.serve import queries

    seen: list = []
    monkeypatch.setattr(queries, "search", _endless_search(seen))
    c = client(sample_db, search_timeout=0.3)
    start = time.perf_counter()
    err = _error(c.get("/api/search", params={"q": "Rai"}), 503, "search_timeout")
    assert time.perf_counter() - start < 2.0 and "0.3 s" in err["message"]
    assert c.get("/search", params={"q": "Rai"}, headers=HTML).status_code == 503
    assert len(seen) == 2 and not seen[0].cancelled
    monkeypatch.undo()
    assert c.get("/api/search", params={"q": "Rai"}).status_code == 200  # the connection is fine afterwards


def test_serve_api_search_stops_when_its_client_disconnects(sample_db, monkeypatch):
    """A search whose client goes away stops (the progress handler reads the cancel flag) long
    before its time limit."""
    import asyncio
    import time

    from newsweave.serve import queries

    seen: list = []
    monkeypatch.setattr(queries, "search", _endless_search(seen))
    app = create_app(Settings(db=sample_db, search_timeout=10))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/api/search", "raw_path": b"/api/search", "query_string": b"q=Rai", "root_path": "",
             "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("test", 80)}
    sent: list = []

    async def run() -> float:
        messages = [{"type": "http.request", "body": b"", "more_body": False}]
        hangs_up = time.perf_counter() + 0.3  # the client goes away while the search runs

        async def receive():  # as a server's: a message when there is one, else wait for one
            if messages:
                return messages.pop(0)
            if time.perf_counter() < hangs_up:
                await asyncio.sleep(hangs_up - time.perf_counter())
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        start = time.perf_counter()
        await app(scope, receive, send)
        return time.perf_counter() - start

    took = asyncio.run(run())
    assert took < 5 and len(seen) == 1 and seen[0].cancelled, (took, seen)


def test_serve_api_writes_run_in_the_writer_thread_and_reads_do_not_wait(sample_db, monkeypatch):
    import threading
    import time

    from newsweave.pipeline.runner import Summary
    from newsweave.serve import api as api_mod

    threads: list[str] = []
    busy, most = [0], [0]
    lock = threading.Lock()

    class SlowIngest:  # the pipeline made (a model loaded) and run: slow, and holding the writer
        def __init__(self, store, **kwargs):
            threads.append(threading.current_thread().name)
            time.sleep(1.0)

        def run_bytes(self, source, data):
            with lock:
                busy[0] += 1
                most[0] = max(most[0], busy[0])
            time.sleep(1.0)
            with lock:
                busy[0] -= 1
            return Summary(files=1, added=["d" * 16])

    monkeypatch.setattr(api_mod, "Ingest", SlowIngest)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(Settings(db=sample_db, token=TOKEN))) as c:  # one event loop for every request
        c.get("/api/documents")
        posts = [threading.Thread(target=lambda: c.post("/api/documents", json=ARTICLE, headers=auth)) for _ in range(2)]
        for t in posts:
            t.start()
        time.sleep(0.2)
        waits = []
        while any(t.is_alive() for t in posts):
            start = time.perf_counter()
            assert c.get("/api/documents", params={"limit": 1}).status_code == 200
            waits.append(time.perf_counter() - start)
            time.sleep(0.1)
        for t in posts:
            t.join()
    assert len(waits) >= 5 and max(waits) < 0.5, waits
    assert threads == ["newsweave-writer_0"] * 2 and most[0] == 1  # one writer, one upload at a time


def _bad_post(c: TestClient, content: bytes):
    return c.post("/api/documents", content=content, headers={"Authorization": f"Bearer {TOKEN}",
                                                             "Content-Type": "application/json"})


@pytest.mark.parametrize(("content", "status"), [
    (b"[" * 10000 + b"]" * 10000, 400), (b'{"text": ' + b"[" * 100000, 400),
    ('{"text": "Señor"}'.encode("latin-1"), 400), (b"\xff\xfe\x00\x00garbage", 400), (b"{not json", 400),
    (b"[1, 2]", 400), (b"[]", 400), (b'"\\ud800"', 400)])
def test_serve_api_bad_bodies_are_4xx_in_the_error_shape(sample_db, content, status):
    c = TestClient(create_app(Settings(db=sample_db, token=TOKEN)), raise_server_exceptions=False)
    _error(_bad_post(c, content), status)


@pytest.mark.parametrize("params", [{"offset": "99999999999999999999"}, {"offset": str(10**9 + 1)},
                                    {"limit": "99999999999999999999"}, {"offset": "1" * 5000}, {"offset": "1e3"}])
def test_serve_api_huge_or_bad_numbers_are_422_in_the_error_shape(api, params):
    for path in ("/api/documents", "/api/stories", "/api/events", "/api/entities"):
        _error(api.get(path, params=params), 422, "invalid")
    _error(api.get("/api/search", params={"q": "Rai", **params}), 422, "invalid")


def test_serve_pages_huge_page_number_is_an_error_page(api):
    for path in ("/", "/documents", "/people", "/entities", "/search?q=Rai"):
        resp = api.get(path, params={"page": "99999999999999999999"}, headers=HTML)
        assert resp.status_code == 422 and "<html" in resp.text, path


def test_serve_api_lone_surrogate_in_a_body_is_stored_as_replacement_character(db_url):
    w = client(db_url, token=TOKEN)
    row = ARTICLE | {"title": "Leader joins \\ud800 party"}
    body = json.dumps(row).replace("\\\\ud800", "\\ud800").encode()  # the escape itself, as a client sends it
    assert b'"Leader joins \\ud800 party"' in body
    resp = _bad_post(w, body)
    assert resp.status_code == 201, resp.text
    [doc] = w.get("/api/documents").json()["items"]
    assert doc["title"] == "Leader joins \ufffd party"


def test_serve_api_error_in_the_error_handler_still_has_the_one_error_shape(sample_db, monkeypatch):
    """The 500 handler failing too (here: the error page cannot render) is still answered in the
    one shape, with the security headers; never the framework's plain text."""
    from newsweave.serve import pages as pages_mod

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pages_mod, "story_list", broken)
    monkeypatch.setattr(pages_mod, "error_page", broken)
    c = TestClient(create_app(Settings(db=sample_db)), raise_server_exceptions=False)
    resp = c.get("/", headers=HTML)
    err = _error(resp, 500, "internal")
    assert resp.headers["content-type"] == "application/json" and "ZeroDivisionError" in err["message"]
    _secured(resp)


def test_serve_api_upload_storing_nothing_is_400_in_the_error_shape(db_url):
    w = client(db_url, token=TOKEN)
    err = _error(_bad_post(w, json.dumps([{"title": "no text"}, {"text": ""}]).encode()), 400, "input_failed")
    assert "no text" in err["message"] and "1 more" in err["message"]
    assert [d["row"] for d in err["details"]] == [1, 2] and all(d["reason"] for d in err["details"])


def test_serve_api_openapi_gives_every_error_the_one_shape(api):
    spec = api.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "422" not in op["responses"], (method, path)
            for status in ("4XX", "5XX"):
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path)
    post = spec["paths"]["/api/documents"]["post"]
    assert post["requestBody"]["required"] and post["security"] == [{"bearer": []}]


def test_serve_api_search_snippet_marks_the_words_where_most_of_them_are():
    from newsweave.store.search import snippet

    text = ("PATNA: Former minister Meera Joshi joined the Lok Vikas Party on Thursday. " + "Filler words here. " * 20
            + "Joshi said the party would contest every seat in the Kosi region. " + "More filler. " * 20)
    got = snippet(text, ["kosi", "PARTY", "joshi"])
    assert got.startswith(" … ") and got.endswith(" … ") and "[Joshi] said the [party]" in got and "[Kosi]" in got
    assert snippet("Señor Ramírez said", ["senor", "RAMIREZ"]) == "[Señor] [Ramírez] said"
    assert snippet("Nothing to see", ["absent"]) == "Nothing to see"


def test_serve_api_search_of_32_common_words_in_long_articles_answers_in_under_a_second(tmp_path):
    """Every word of five 60 KB articles is one of the query's 32 (FTS5's snippet() took 17 s here)."""
    import random
    import time

    words = [f"word{i}" for i in range(32)]
    rng = random.Random(1)
    rows = [{"title": f"Long {k}", "outlet": "Daily Lamp", "text": " ".join(rng.choice(words) for _ in range(9000))}
            for k in range(5)]
    with new_database(tmp_path) as url:
        store = open_store(url)
        Ingest(store, nlp=False).run_bytes("long.jsonl", jsonl(rows))
        c = TestClient(create_app(Settings(db=url), store=store))
        start = time.perf_counter()
        res = c.get("/api/search", params={"q": " ".join(words * 3)})
        took = time.perf_counter() - start
        assert res.status_code == 200 and took < 1.0, (took, res.text[:300])
        assert res.json()["total"] == 5 and all("[word" in r["snippet"] for r in res.json()["items"])
        store.engine.dispose()


async def _reader_threads() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def test_serve_app_answers_reads_on_as_many_threads_as_settings_say(sample_db: str):
    with client(sample_db, threads=3) as c:
        assert c.portal.call(_reader_threads) == 3
        assert c.get("/api/stories").status_code == 200
    with client(sample_db) as c:  # by default the machine's cores, at least 2
        assert c.portal.call(_reader_threads) == max(2, os.cpu_count() or 1)
    with pytest.raises(ValueError, match="threads"):
        Settings(db=sample_db, threads=-1)


def test_serve_api_search_time_limit_counts_from_when_a_thread_takes_it_up(sample_db, monkeypatch):
    """One reader's thread, held 0.8 s by a first search; a second search waiting for it still
    has its whole 0.5 s when it starts (the wait is not its cost)."""
    import threading
    import time

    from newsweave.serve import queries

    real, calls = queries.search, []

    def slow_first(conn, q, limit, offset, budget=None):
        calls.append(q)
        if len(calls) == 1:
            time.sleep(0.8)  # holds the thread, checks no budget
        return real(conn, q, limit, offset, budget)

    monkeypatch.setattr(queries, "search", slow_first)
    with client(sample_db, threads=1, search_timeout=0.5) as c:
        statuses: list[int] = []
        first = threading.Thread(target=lambda: statuses.append(c.get("/api/search", params={"q": "Rai"}).status_code))
        first.start()
        time.sleep(0.2)
        second = c.get("/api/search", params={"q": "Joshi"})
        first.join()
    assert statuses == [503]  # its own 0.8 s of work: over the limit
    assert second.status_code == 200 and calls == ["Rai", "Joshi"]
