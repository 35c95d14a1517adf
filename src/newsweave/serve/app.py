"""The FastAPI application: settings, one error shape for every error, the body-size limit, the
API router, the pages and the API's documentation pages (served from local files)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import NotFoundError
from ..store import Store, open_store
from ..version import __version__
from .config import ApiError, Settings, error_body

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings()
    # /docs (Swagger UI) from fastapi-offline's own copy of its script and styles, served under
    # /static-offline-docs: no CDN, so it works offline and tells no third party. No /redoc: ReDoc
    # loads its logo from cdn.redoc.ly whatever it is given
    app = FastAPIOffline(redoc_url=None, title="newsweave", version=__version__,
                         description="News articles from many outlets as one source-attributed record of what "
                                     "happened. Records follow newsweave records v1 (SCHEMA.md). Every error has "
                                     'one shape: {"error": {"status", "code", "message"}}.')
    app.state.settings = settings
    app.state.store = store or open_store(settings.db)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > settings.max_body:
            return JSONResponse(error_body(413, f"the request body is {length} bytes; the limit is {settings.max_body}"),
                                status_code=413)
        return await call_next(request)

    def render_error(request: Request, status: int, message: str, code: str | None = None, details: Any = None):
        if _wants_html(request):
            from .pages import error_page

            return error_page(request, status, message)
        return JSONResponse(error_body(status, message, code, details), status_code=status)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return render_error(request, exc.status, exc.message, exc.code)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return render_error(request, 404, str(exc))

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

    from .api import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
