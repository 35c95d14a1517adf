"""JSON under ``/api/``. Lists are paged: ``{"items", "total", "limit", "offset"}``. Records follow
SCHEMA.md (newsweave records v1). Writes (``POST /api/documents``) need the configured token."""

from __future__ import annotations

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
from ..pipeline.runner import Ingest
from ..store import Store
from .config import ApiError, Settings
from .queries import entity_list_page, entity_record, merged_events, person_timeline, search_documents, story_list

router = APIRouter(prefix="/api")
Limit = Query(50, ge=1, le=200, description="items per page")
Offset = Query(0, ge=0, description="items to skip")


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


@router.get("/search", summary="Full-text search over titles and texts")
def search(request: Request, q: str = Query(..., min_length=1, description="words to find"),
           limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    return search_documents(_store(request), q, limit, offset)


def _authorised(request: Request, settings: Settings) -> None:
    if not settings.token:
        raise ApiError(403, "writes are off: start the server with --token (or set NEWSWEAVE_API_TOKEN) to allow them",
                       "writes_disabled")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer "):
        raise ApiError(401, "send the token as 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(given[7:].strip().encode(), settings.token.encode()):
        raise ApiError(403, "the token is not the configured one", "bad_token")


@router.post("/documents", status_code=201, summary="Ingest articles (needs the token)",
             description='A JSON article row (`{"text": ..., "title": ..., "outlet": ..., "published": ...}`, the '
                         'fields a JSONL dump may have), a list of them, or `{"url": ...}` when URL fetching is on.')
async def add_documents(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    _authorised(request, settings)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body:
            raise ApiError(413, f"the request body is over {settings.max_body} bytes")
    try:
        payload = json.loads(body or b"null")
    except ValueError as exc:
        raise ApiError(400, f"the body is not JSON: {exc}") from exc
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
        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
        source = f"api/{stamp}.jsonl"
    # the pipeline (spaCy, the store) runs in a worker thread: the event loop keeps answering reads
    summary = await run_in_threadpool(Ingest(_store(request), max_bytes=settings.max_body).run_bytes, source, data)
    status = 201 if summary.added else (200 if summary.ok else 400)
    return JSONResponse(summary.as_dict() | {"doc_ids": summary.added}, status_code=status)
