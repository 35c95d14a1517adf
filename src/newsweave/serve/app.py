"""The FastAPI application: settings, one error shape for every error, the body-size limit, the
security headers, the writer thread, the API router, the pages and the API's documentation pages
(served from local files)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import NotFoundError
from ..store import Store, open_store
from ..store.search import SearchAborted
from ..version import __version__
from .config import ApiError, Settings, error_body

HERE = Path(__file__).resolve().parent
#: the Swagger UI script and styles fastapi-offline ships, served under /static-offline-docs
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
log = logging.getLogger(__name__)

#: every response's Content-Security-Policy (the pages have no scripts; /docs has its own, below)
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
#: the headers every response carries (a route may set its own Content-Security-Policy)
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "no-referrer"}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


class Guard:
    """The outermost layer, around the framework's own: the security headers on every response,
    a body over ``max_body`` (by its Content-Length) refused with 413, and an error that escapes
    every handler (the 500 handler's own included) answered in the one error shape, so the
    framework's plain-text "Internal Server Error" is never sent."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        length = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            await self._answer(secured, 413, f"the request body is {int(length)} bytes; the limit is {self.max_body}")
            return
        try:
            await self.app(scope, receive, secured)
        except Exception as exc:
            if started:  # answered (the 500 handler logged it); the server logs it again and closes
                raise
            log.error("%s %s failed outside every handler: %s", scope.get("method"), scope.get("path"),
                      type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
            await self._answer(secured, 500, f"internal error ({type(exc).__name__}); it is logged on the server, "
                                             "please report it")

    @staticmethod
    async def _answer(send: Send, status: int, message: str) -> None:
        body = json.dumps(error_body(status, message)).encode("ascii")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


#: the one error shape, as the OpenAPI document gives it
ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["status", "code", "message"],
    "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
                   "details": {"type": "array", "items": {"type": "object"}}}}}}


class App(FastAPI):
    """FastAPI with :class:`Guard` around its middleware stack, and an OpenAPI document that gives
    every operation's errors (4XX, 5XX) the one error shape (FastAPI's own 422 shape is not used)."""

    def build_middleware_stack(self) -> ASGIApp:
        return Guard(super().build_middleware_stack(), self.state.settings.max_body)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            spec = super().openapi()
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            schemas["Error"] = ERROR_SCHEMA
            spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer",
                                                                 "description": "the server's --token (writes)"}}
            error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for operations in spec.get("paths", {}).values():
                for op in operations.values():
                    responses = op.setdefault("responses", {})
                    responses.pop("422", None)
                    responses["4XX"] = error | {"description": "The request cannot be answered (the one error shape)"}
                    responses["5XX"] = error | {"description": "The server failed, or a search ran out of time"}
        return self.openapi_schema or {}


def _with_hashed_scripts(page: HTMLResponse) -> HTMLResponse:
    """A documentation page with a Content-Security-Policy that runs its own inline scripts (by
    their SHA-256) and scripts from this server, nothing else."""
    html = bytes(page.body).decode("utf-8")
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
                      for s in re.findall(r"<script>(.*?)</script>", html, re.S))
    csp = (f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings()
    # one writer thread (Datasette's way): uploads run the pipeline there one at a time, and the
    # event loop and the readers' threads never wait for a write
    def writer() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-writer")

    @asynccontextmanager
    async def lifespan(this: FastAPI) -> AsyncIterator[None]:
        idle, this.state.writer = this.state.writer, writer()  # a server run has its own (a test runs many)
        idle.shutdown(wait=False)
        # the readers' threads (Starlette runs every plain route and search there): as many as
        # settings.threads, not anyio's 40, which only queue for the interpreter's lock
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield
        this.state.writer.shutdown(wait=True)  # a write in hand is finished, not cut

    # /docs (Swagger UI) from fastapi-offline's own copy of its script and styles, served under
    # /static-offline-docs: no CDN, so it works offline and tells no third party. No /redoc: ReDoc
    # loads its logo from cdn.redoc.ly whatever it is given
    app = App(docs_url=None, redoc_url=None, lifespan=lifespan, title="newsweave", version=__version__,
              description="News articles from many outlets as one source-attributed record of what "
                          "happened. Records follow newsweave records v1 (SCHEMA.md). Every error has "
                          'one shape: {"error": {"status", "code", "message"}}.')
    app.state.settings = settings
    app.state.store = store or open_store(settings.db)
    app.state.writer = writer()

    def render_error(request: Request, status: int, message: str, code: str | None = None, details: Any = None):
        if _wants_html(request):
            from .pages import error_page

            return error_page(request, status, message)
        return JSONResponse(error_body(status, message, code, details), status_code=status)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return render_error(request, exc.status, exc.message, exc.code, exc.details)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return render_error(request, 404, str(exc))

    @app.exception_handler(SearchAborted)
    async def search_aborted(request: Request, exc: SearchAborted):
        return render_error(request, 503, str(exc), "cancelled" if exc.cancelled else "search_timeout")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return render_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(map(str, e.get("loc", ()))), "problem": e.get("msg")} for e in exc.errors()]
        return render_error(request, 422, "the request is not valid: " + "; ".join(
            f"{d['where']}: {d['problem']}" for d in details), details=details)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.error("%s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc,
                  exc_info=(type(exc), exc, exc.__traceback__))
        return render_error(request, 500, f"internal error ({type(exc).__name__}); it is logged on the server, "
                                          "please report it")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_hashed_scripts(get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            swagger_js_url=f"{root}/static-offline-docs/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/static-offline-docs/swagger-ui.css",
            swagger_favicon_url=f"{root}/static-offline-docs/favicon.png", swagger_ui_parameters=app.swagger_ui_parameters))

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def docs_oauth2_redirect() -> HTMLResponse:
        return _with_hashed_scripts(get_swagger_ui_oauth2_redirect_html())

    from .api import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static-offline-docs", StaticFiles(directory=DOCS_ASSETS), name="static-offline-docs")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
