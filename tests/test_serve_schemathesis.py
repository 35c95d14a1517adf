"""schemathesis over the whole API, from its own OpenAPI document, on a small stored corpus: no
500, every error in the one error shape (as the document says), the security headers on every
response. Bounded: a few examples an operation (``EXAMPLES``; more with $NEWSWEAVE_SCHEMATHESIS_EXAMPLES)."""

from __future__ import annotations

import os

import pytest

from newsweave.pipeline.runner import Ingest
from newsweave.serve import Settings, create_app
from newsweave.store import open_store

from conftest import SPELLINGS, jsonl, new_database

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

TOKEN = "fuzz-token"
EXAMPLES = int(os.environ.get("NEWSWEAVE_SCHEMATHESIS_EXAMPLES", "8"))
SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


#: the app the schema is read from and the cases call; its store is the corpus of :func:`corpus`
APP = create_app(Settings(token=TOKEN, max_body=64 * 1024), store=open_store("sqlite:///:memory:", memory=True))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def corpus(tmp_path_factory):
    """The three :data:`conftest.SPELLINGS` articles, stored, behind :data:`APP`."""
    with new_database(tmp_path_factory.mktemp("fuzz")) as url:
        store = open_store(url)
        Ingest(store).run_bytes("spellings.jsonl", jsonl(SPELLINGS))
        empty, APP.state.store = APP.state.store, store
        yield store
        APP.state.store = empty
        store.engine.dispose()


def one_error_shape(ctx, response, case) -> None:
    """A 4xx or 5xx answer is ``{"error": {"status", "code", "message"}}`` with the response's status."""
    for key, value in SECURITY.items():
        assert response.headers.get(key) == [value] or response.headers.get(key) == value, key
    assert "frame-ancestors 'none'" in str(response.headers.get("content-security-policy"))
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert err["status"] == response.status_code and isinstance(err["code"], str) and err["code"], err
    assert isinstance(err["message"], str) and err["message"], err


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          one_error_shape]

@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_serve_schemathesis_no_500_and_every_error_in_the_one_shape(case):
    headers = {"Authorization": f"Bearer {TOKEN}"} if case.method == "POST" else None
    case.call_and_validate(headers=headers, checks=CHECKS)
