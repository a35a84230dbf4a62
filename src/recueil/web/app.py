"""The ASGI application: routes, error pages, middleware.

``create_app(settings)`` builds the site over one home; ``app_from_environment``
is the factory uvicorn's worker processes call (``recueil serve --workers N``),
reading the same RECUEIL_* variables as the CLI.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from recueil.catalogue.db import open_catalogue
from recueil.config import Settings, resolve_settings
from recueil.errors import NotFoundError, QueryError, RecueilError, SearchIndexError
from recueil.web import french
from recueil.web.base import HERE, Site, WebError, bad_request, not_found, render
from recueil.web.document import DocumentView
from recueil.web.health import HealthView
from recueil.web.home import HomeView
from recueil.web.middleware import AccessControl, RequestLog, SecurityHeaders
from recueil.web.results import ResultsView
from recueil.web.themes import ThemesView

ENV_TOKEN = "RECUEIL_WEB_TOKEN"
log = logging.getLogger("recueil.web")


def _as_web_error(exc: Exception) -> WebError:
    if isinstance(exc, WebError):
        return exc
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return not_found()
        if exc.status_code == 405:
            return WebError(405, "Action impossible", "Ce site se consulte seulement.")
        return WebError(exc.status_code, "Requête refusée", "La requête n'a pas pu être servie.")
    if isinstance(exc, QueryError):
        said = french.query_error(exc.message)
        return bad_request(said.message, said.hint, exc.code)
    if isinstance(exc, NotFoundError):
        return not_found("Ce document n'existe pas.", code=exc.code)
    if isinstance(exc, SearchIndexError):
        return WebError(
            503, "Recherche indisponible",
            "L'index de recherche n'est pas prêt (absent, ou en cours de construction).",
            "Réessayez dans un instant ; l'administrateur peut lancer « recueil index rebuild ».",
            exc.code,
        )  # fmt: skip
    code = exc.code if isinstance(exc, RecueilError) else ""
    return WebError(
        500, "Erreur du serveur", "Une erreur inattendue est survenue ; elle a été consignée.",
        "Réessayez ; si elle se répète, prévenez l'administrateur du site.", code,
    )  # fmt: skip


async def error_page(request: Request, exc: Exception) -> Response:
    error = _as_web_error(exc)
    if error.status >= 500:
        log.error("%s %s: %r", request.method, request.url.path, exc, exc_info=exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse(error.as_json(), status_code=error.status)
    return render(request, "error.html", {"error": error}, status=error.status)


def routes(site: Site) -> list[Route | Mount]:
    home, results, document = HomeView(site), ResultsView(site), DocumentView(site)
    themes, health = ThemesView(site), HealthView(site)
    return [
        Route("/", home.html),
        Route("/recherche", results.html),
        Route("/document/{id:int}", document.html),
        Route("/document/{id:int}/original", document.original),
        Route("/themes", themes.html),
        Route("/api/search", results.json),
        Route("/api/document/{id:int}", document.json),
        Route("/api/themes", themes.json),
        Route("/api/accueil", home.json),
        Route("/sante", health.json),
        Route("/healthz", health.json),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def create_app(settings: Settings, *, token: str | None = None) -> ASGIApp:
    """The read-only site over one home; ``token`` protects every page (HTTP Basic/Bearer).

    The middleware wraps Starlette from outside, so that even its last-resort error
    page gets the security headers and its log line.
    """
    from recueil.search.acronyms import load_acronyms
    from recueil.search.live import LiveSearcher

    catalogue = open_catalogue(settings, migrate=False)
    site = Site(settings, catalogue, load_acronyms(settings), LiveSearcher(settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        site.searcher.close()
        catalogue.close()

    handlers: dict[Any, Any] = {Exception: error_page, HTTPException: error_page}
    handlers[WebError] = error_page
    handlers[RecueilError] = error_page
    app = Starlette(routes=routes(site), exception_handlers=handlers, lifespan=lifespan)
    app.state.site = site
    inner: ASGIApp = AccessControl(app, token) if token else app
    return RequestLog(SecurityHeaders(inner))


def configure_log() -> None:
    """Request lines on stderr, whatever the root logger's level."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def app_from_environment() -> ASGIApp:
    """The site of RECUEIL_HOME / RECUEIL_DATABASE_URL / RECUEIL_WEB_TOKEN (uvicorn factory)."""
    configure_log()
    return create_app(resolve_settings(), token=os.environ.get(ENV_TOKEN) or None)
