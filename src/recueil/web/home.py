"""`/`: the search box, the themes as entry points with their counts, the latest documents."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from recueil.search.service import run_search
from recueil.web.base import View
from recueil.web.params import SearchParams

LATEST = 8


class HomeView(View):
    template = "home.html"
    api_fields = ("total", "themes", "latest")

    def data(self, request: Request) -> dict[str, Any]:
        settings, live = self.site.settings, self.site.searcher
        # An empty query lists every document: its facets count documents per theme.
        overview = run_search(
            settings, "", limit=1, facets=True, passages=False, suggest=False, searcher=live
        )
        latest = run_search(
            settings, "", sort="date", limit=LATEST, facets=False, passages=False,
            suggest=False, searcher=live,
        )  # fmt: skip
        counts = dict(overview.result.facets.get("themes", []))
        themes = [
            {
                "code": code, "label": label, "count": counts.get(code, 0),
                "url": SearchParams(themes=(code,)).url(),
            }
            for code, label in self.site.themes()
        ]  # fmt: skip
        return {
            "total": overview.result.total,
            "themes": themes,
            "latest": [hit.as_row() for hit in latest.result.hits],
            "theme_labels": self.site.theme_labels(),
        }
