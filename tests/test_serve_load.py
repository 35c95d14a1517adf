"""The server under concurrent load, for real: uvicorn on 127.0.0.1 (a free port, in a thread)
over a small database, clients at once on the story list, the story and search endpoints, a story
page and the entity and event lists. Every request answered (200), none slow: the lists read a
page of stored rows, never the whole corpus."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from newsweave.ingest.sources import iter_inputs
from newsweave.pipeline.runner import Ingest
from newsweave.serve import Settings, create_app
from newsweave.store import open_store

from conftest import EXAMPLES, SPELLINGS, jsonl, write


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a real server over the sample corpus and three more articles."""
    import uvicorn

    folder = tmp_path_factory.mktemp("load")
    url = f"sqlite:///{folder / 'load.db'}"
    store = open_store(url)
    Ingest(store).run(iter_inputs([str(EXAMPLES), str(write(folder / "in" / "more.jsonl", jsonl(SPELLINGS)))]))
    config = uvicorn.Config(create_app(Settings(db=url), store), host="127.0.0.1", port=_free_port(),
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        store.engine.dispose()


def _paths(base: str) -> list[str]:
    stories = httpx.get(f"{base}/api/stories", timeout=30).json()["items"]
    entity = httpx.get(f"{base}/api/entities", params={"type": "PERSON"}, timeout=30).json()["items"][0]
    return ["/", "/?page=1", "/api/stories", "/api/stories?limit=1&offset=1", "/api/stories?outlet=Daily%20Lamp",
            f"/api/stories?entity={entity['entity_id']}", "/api/search?q=Joshi", "/api/search?q=minister%20party",
            "/api/search?q=rain%20roads", f"/stories/{stories[0]['story_id']}", f"/api/stories/{stories[-1]['story_id']}",
            "/api/events?limit=5", "/api/entities?q=jo", f"/api/people/{entity['entity_id']}/timeline"]


def _load(base: str, clients: int, requests: int) -> tuple[list[float], list[str]]:
    """(seconds per request, errors): ``requests`` spread over the paths, ``clients`` at once."""
    paths = _paths(base)
    plan = [paths[i % len(paths)] for i in range(requests)]
    per = -(-requests // clients)

    def client(part: list[str]) -> tuple[list[float], list[str]]:
        took, errors = [], []
        with httpx.Client(base_url=base, timeout=30) as http:
            for path in part:
                t0 = time.perf_counter()
                try:
                    res = http.get(path, headers={"accept": "text/html"} if not path.startswith("/api") else {})
                    if res.status_code != 200:
                        errors.append(f"{path}: HTTP {res.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                took.append(time.perf_counter() - t0)
        return took, errors

    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(client, [plan[k * per:(k + 1) * per] for k in range(clients)]))
    return [t for d in done for t in d[0]], [e for d in done for e in d[1]]


def _p99(values: list[float]) -> float:
    xs = sorted(values)
    return xs[max(0, math.ceil(0.99 * len(xs)) - 1)]


def test_serve_load_ten_clients_all_answered_none_slow(server):
    took, errors = _load(server, clients=10, requests=200)
    assert len(took) == 200 and errors == []
    assert _p99(took) < 5.0, f"p99 {_p99(took):.2f} s"


@pytest.mark.slow
def test_serve_load_ten_clients_two_hundred_requests_each(server):
    took, errors = _load(server, clients=10, requests=2000)
    assert len(took) == 2000 and errors == []
    assert _p99(took) < 5.0, f"p99 {_p99(took):.2f} s"
