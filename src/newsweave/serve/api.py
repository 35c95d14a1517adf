"""JSON under ``/api/``. Lists are paged: ``{"items", "total", "limit", "offset"}``. Records follow
SCHEMA.md (newsweave records v1). Writes (``POST /api/documents``) need the configured token."""

from __future__ import annotations

import asyncio
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import NewsweaveError
from ..export.records import document_page
from ..export.report import story_report
from ..pipeline.runner import Ingest, Summary
from ..store import Store
from ..store.search import Budget
from .config import ApiError, Settings, clean
from .queries import entity_list_page, entity_record, merged_events, person_timeline, search_documents, story_list

router = APIRouter(prefix="/api")
Limit = Query(50, ge=1, le=200, description="items per page")
#: the largest offset (and page number) a list takes: beyond every corpus, inside every database's integers
MAX_OFFSET = 10**9
Offset = Query(0, ge=0, le=MAX_OFFSET, description="items to skip")
#: how often (seconds) a running search looks whether its client is still there
POLL = 0.05


def _store(request: Request) -> Store:
    return request.app.state.store


def listing(items: list[dict[str, Any]], total: int, limit: int, offset: int) -> JSONResponse:
    """A page of records as JSON, written straight from the records' dicts (plain JSON values:
    FastAPI's own encoder, which walks every value, cost more than the page's query)."""
    return JSONResponse({"items": items, "total": total, "limit": limit, "offset": offset})


@router.get("/stories", summary="Stories, newest first", response_model=dict[str, Any])
def stories(request: Request, since: str | None = Query(None, description="first report on or after (YYYY-MM-DD)"),
            until: str | None = Query(None, description="first report on or before (YYYY-MM-DD)"),
            entity: str | None = Query(None, description="an entity id or name the story mentions"),
            outlet: str | None = Query(None, description="an outlet that reports it"),
            limit: int = Limit, offset: int = Offset) -> JSONResponse:
    total, items = story_list(_store(request), since=since, until=until, entity=entity, outlet=outlet,
                              limit=limit, offset=offset)
    return listing([s.as_dict() for s in items], total, limit, offset)


@router.get("/stories/{story_id}", summary="One story: what happened, agreement, disagreement, quotes")
def story(request: Request, story_id: str) -> dict[str, Any]:
    return story_report(_store(request), story_id)


@router.get("/events", summary="Merged events (SCHEMA.md event records)", response_model=dict[str, Any])
def events(request: Request, type: str | None = Query(None, description="event type, e.g. join_party"),
           actor: str | None = Query(None, description="an actor's entity id"),
           story: str | None = Query(None, description="a story id"),
           limit: int = Limit, offset: int = Offset) -> JSONResponse:
    total, items = merged_events(_store(request), etype=type, actor=actor, story=story, limit=limit, offset=offset)
    return listing([e.as_dict() for e in items], total, limit, offset)


@router.get("/entities", summary="People, parties, organisations, places and outlets", response_model=dict[str, Any])
def entities(request: Request, type: str | None = Query(None, description="PERSON, PARTY, ORG, PLACE or MEDIA"),
             q: str | None = Query(None, description="part of a name or alias"),
             limit: int = Limit, offset: int = Offset) -> JSONResponse:
    res = entity_list_page(_store(request), type.upper() if type is not None else None, q, limit=limit, offset=offset)
    return listing([e.as_dict() for e in res["items"]], res["total"], limit, offset)


@router.get("/entities/{entity_id}", summary="One entity with every mention in context")
def entity(request: Request, entity_id: str) -> dict[str, Any]:
    store = _store(request)
    ent = entity_record(store, entity_id)
    return ent.as_dict() | {"mentions": store.entity_mentions(ent.entity_id)}


@router.get("/people/{entity_id}/timeline", summary="A person's party affiliations over time")
def person(request: Request, entity_id: str) -> dict[str, Any]:
    return person_timeline(_store(request), entity_id)


@router.get("/documents", summary="Stored documents (SCHEMA.md document records)", response_model=dict[str, Any])
def documents(request: Request, outlet: str | None = Query(None), limit: int = Limit, offset: int = Offset) -> JSONResponse:
    total, items = document_page(_store(request), outlet=outlet, limit=limit, offset=offset)
    return listing([d.as_dict() for d in items], total, limit, offset)


@router.get("/documents/{doc_id}", summary="One document: metadata, clean text, what cleaning removed")
def document(request: Request, doc_id: str) -> dict[str, Any]:
    row = _store(request).get_document(doc_id)
    return {k: v for k, v in row.items() if k != "raw"}


async def searched(request: Request, q: str, limit: int, offset: int) -> dict[str, Any]:
    """:func:`~newsweave.serve.queries.search_documents` in a worker thread, under the server's
    ``search_timeout``, and stopped when the client goes away (:meth:`Budget.stop`: SQLite's
    progress handler sees the flag within a millisecond; PostgreSQL gets a cancel request)."""
    budget, store = Budget(request.app.state.settings.search_timeout), _store(request)

    def run() -> dict[str, Any]:  # the time limit counts from when a reader's thread takes it up
        budget.start()
        return search_documents(store, q, limit, offset, budget)

    task = asyncio.ensure_future(run_in_threadpool(run))
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL)
            if not task.done() and not budget.cancel.is_set() and await request.is_disconnected():
                await run_in_threadpool(budget.stop)  # a PostgreSQL cancel request is a round trip
        return task.result()
    finally:
        if not task.done():  # this request cancelled (the server stopping): its search stops too
            budget.stop()


@router.get("/search", summary="Full-text search over titles and texts",
            description="Each distinct word once (any case), at most 32 of them, from the first 1,000 characters "
                        "(`terms` in the answer: the words searched); a search running over the server's time "
                        "limit (2 s) is stopped with 503.")
async def search(request: Request, q: str = Query(..., min_length=1, description="words to find"),
                 limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    return await searched(request, q, limit, offset)


def _authorised(request: Request, settings: Settings) -> None:
    if not settings.token:
        raise ApiError(403, "writes are off: start the server with --token (or set NEWSWEAVE_API_TOKEN) to allow them",
                       "writes_disabled")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer "):
        raise ApiError(401, "send the token as 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(given[7:].strip().encode(), settings.token.encode()):
        raise ApiError(403, "the token is not the configured one", "bad_token")


#: what POST /api/documents takes, for the OpenAPI document (the body is read as bytes, then as JSON)
ARTICLE_ROW = {"type": "object", "required": ["text"], "additionalProperties": True, "properties": {
    "text": {"type": "string"}, "title": {"type": "string"}, "outlet": {"type": "string"},
    "published": {"type": "string"}, "byline": {"type": "string"}, "url": {"type": "string"}}}
UPLOAD = {"required": True, "content": {"application/json": {"schema": {"anyOf": [
    ARTICLE_ROW, {"type": "array", "items": ARTICLE_ROW, "minItems": 1},
    {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}, "additionalProperties": False}]}}}}


@router.post("/documents", status_code=201, summary="Ingest articles (needs the token)",
             description='A JSON article row (`{"text": ..., "title": ..., "outlet": ..., "published": ...}`, the '
                         'fields a JSONL dump may have), a list of them, or `{"url": ...}` when URL fetching is on.',
             responses={200: {"description": "Nothing added: every article was stored already"}},
             openapi_extra={"requestBody": UPLOAD, "security": [{"bearer": []}]})
async def add_documents(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    _authorised(request, settings)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body:
            raise ApiError(413, f"the request body is over {settings.max_body} bytes")
    payload = await run_in_threadpool(_parsed, bytes(body))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    if isinstance(payload, dict) and set(payload) == {"url"}:
        if not settings.fetch_urls:
            raise ApiError(403, "URL fetching is off: start the server with --fetch-urls to allow it", "fetch_disabled")
        from .fetch import fetch

        try:
            url, data = await run_in_threadpool(fetch, str(payload["url"]), timeout=settings.fetch_timeout,
                                                max_bytes=settings.max_body)
        except NewsweaveError as exc:
            raise ApiError(400, str(exc), "fetch_refused") from exc
        source = url
    else:
        rows = payload if isinstance(payload, list) else [payload]
        if not rows or not all(isinstance(r, dict) for r in rows):
            raise ApiError(400, "send an article object, a list of them, or {\"url\": ...}")
        data = "\n".join(json.dumps(clean(r), ensure_ascii=False) for r in rows).encode("utf-8")
        source = f"api/{stamp}.jsonl"
    # the pipeline (spaCy, the store) runs in the writer thread, one upload at a time: the event
    # loop and the readers never wait for it
    summary = await asyncio.wrap_future(request.app.state.writer.submit(
        _ingest, _store(request), settings.max_body, source, data))
    if not summary.added and not summary.ok:  # nothing stored, and why: an error, in the one shape
        failed = summary.as_dict()["failed"]
        raise ApiError(400, f"no article was stored: {failed[0]['reason']}" + (
            f" (and {len(failed) - 1} more failed; see details)" if len(failed) > 1 else ""), "input_failed",
            details=failed)
    return JSONResponse(summary.as_dict() | {"doc_ids": summary.added}, status_code=201 if summary.added else 200)


def _parsed(body: bytes) -> Any:
    """The body as JSON; any body that is not (bad bytes, bad syntax, nested too deep) a 400."""
    try:
        return json.loads(body or b"null")
    except RecursionError as exc:
        raise ApiError(400, "the body is JSON nested too deep to read") from exc
    except ValueError as exc:  # UnicodeDecodeError included: the body is not UTF-8 (or -16, -32)
        raise ApiError(400, f"the body is not JSON: {exc}") from exc


def _ingest(store: Store, max_bytes: int, source: str, data: bytes) -> Summary:
    """One upload through the pipeline (in the writer thread: the pipeline is made there too)."""
    return Ingest(store, max_bytes=max_bytes).run_bytes(source, data)
