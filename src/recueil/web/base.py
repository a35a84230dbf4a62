"""What every page shares: the site's state, the templates, and the View base class.

A view computes one dict of plain data (``data``); ``html`` renders it with
the view's template and ``json`` returns it (``api_fields`` picks what the JSON
API shows), so the page and the API always say the same thing. ``data`` is
blocking (index and catalogue reads) and runs in Starlette's thread pool.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.search.live import LiveSearcher
from recueil.web import french
from recueil.web.highlight import highlight_words, marked

HERE = Path(__file__).parent
THEMES_TTL = 30.0  # seconds the theme labels are kept (they change with the theme data only)


class WebError(Exception):
    """An answer other than 200, with a French title, message and hint."""

    def __init__(
        self, status: int, title: str, message: str, hint: str = "", code: str = ""
    ) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.hint, self.code = (
            status, title, message, hint, code,
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        return {
            "erreur": {
                "statut": self.status, "code": self.code or None, "titre": self.title,
                "message": self.message, "conseil": self.hint or None,
            }
        }  # fmt: skip


def bad_request(message: str, hint: str = "", code: str = "") -> WebError:
    return WebError(400, "Requête incorrecte", message, hint, code)


def not_found(message: str = "Cette page n'existe pas.", code: str = "") -> WebError:
    return WebError(404, "Page introuvable", message, "Revenez à l'accueil pour chercher.", code)


@dataclass
class Site:
    """State kept across requests: settings, the open catalogue, the live index kept open
    (``searcher``, passed to every search call), acronyms, theme labels."""

    settings: Settings
    catalogue: Catalogue
    acronyms: dict[str, str]
    searcher: LiveSearcher
    _themes: list[tuple[str, str]] = field(default_factory=list)
    _themes_at: float = -THEMES_TTL
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def themes(self) -> list[tuple[str, str]]:
        """(code, label) of every theme of the catalogue, in the theme data's order."""
        from sqlalchemy import select

        from recueil.catalogue.models import Theme

        with self._lock:
            if time.monotonic() - self._themes_at < THEMES_TTL:
                return self._themes
        with self.catalogue.session() as session:
            rows = session.execute(
                select(Theme.code, Theme.label).order_by(Theme.position, Theme.code)
            ).all()
        with self._lock:
            self._themes = [(code, label) for code, label in rows]
            self._themes_at = time.monotonic()
            return self._themes

    def theme_labels(self) -> dict[str, str]:
        return dict(self.themes())


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # everything from documents is escaped, whatever the template
        auto_reload=False,  # templates ship with the package: no stat per request
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_fr"] = french.french_date
    env.filters["doc_type"] = french.doc_type_label
    env.filters["date_source"] = french.date_source_label
    env.filters["size"] = french.size_label
    env.filters["marked"] = marked
    env.filters["marked_words"] = highlight_words
    env.globals["FACET_LABELS"] = french.FACET_LABELS
    env.globals["ENTITY_LABELS"] = french.ENTITY_LABELS
    env.globals["TAG_SOURCES"] = french.TAG_SOURCES
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status)


class View(ABC):
    """One kind of page: ``data`` feeds both the HTML page and the JSON API."""

    template: ClassVar[str]
    api_fields: ClassVar[tuple[str, ...] | None] = None  # None: every key of the data

    def __init__(self, site: Site) -> None:
        self.site = site

    @abstractmethod
    def data(self, request: Request) -> dict[str, Any]:
        """The page's data (each page defines it)."""

    async def html(self, request: Request) -> Response:
        # Data and rendering in one trip to the thread pool: the event loop never blocks.
        return await run_in_threadpool(self.page, request)

    def page(self, request: Request) -> Response:
        started = time.perf_counter()
        data = self.data(request)
        response = render(request, self.template, data)
        # The view's own time (data and HTML), and its search call's when it made one.
        view_ms = (time.perf_counter() - started) * 1000
        response.headers.append("Server-Timing", f"view;dur={view_ms:.2f}")
        if "search_ms" in data:
            response.headers.append("Server-Timing", f"search;dur={data['search_ms']:.2f}")
        return response

    async def json(self, request: Request) -> Response:
        data = await run_in_threadpool(self.data, request)
        if self.api_fields is not None:
            data = {key: data[key] for key in self.api_fields}
        return JSONResponse(data)
