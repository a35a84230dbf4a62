"""`/sante` and `/healthz`: 200 with the live index generation and the document count.

For monitoring and load balancers: JSON only, and open even when the site
asks for a password (it shows counts, never a document).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recueil import __version__
from recueil.errors import RecueilError
from recueil.web.base import Site


def status(site: Site) -> tuple[int, dict[str, Any]]:
    from recueil.index import info

    try:
        index = info(site.settings)
    except RecueilError as exc:
        return 503, {
            "statut": "indisponible", "code": exc.code, "message": exc.message,
            "version": __version__,
        }  # fmt: skip
    return 200, {
        "statut": "ok",
        "version": __version__,
        "generation": index.generation,
        "moteur": index.engine,
        "documents": index.documents,
        "construit_le": index.built_at,
    }


class HealthView:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def json(self, request: Request) -> Response:
        code, body = await run_in_threadpool(status, self.site)
        return JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})
