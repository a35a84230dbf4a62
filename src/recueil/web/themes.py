"""`/themes`: documents per theme and per year, for the network's observation work.

Counts come from the search itself (an empty query filtered on each theme,
its year facet), so a bar and the search it links to always agree. The chart
is SVG drawn here, one small chart per theme on a shared scale, each bar a
link; the same numbers are in a table.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from recueil.index import Filters
from recueil.search.service import run_search
from recueil.web.base import Site, View
from recueil.web.params import SearchParams

SLOT = 44  # horizontal room of one year's bar, in SVG units
BAR = 30
CHART_HEIGHT = 120  # room for the tallest bar
TOP = 18  # room above a bar for its number
BOTTOM = 22  # room below for the year


def counts_by_theme(site: Site) -> list[dict[str, Any]]:
    """(theme, total, {year: count}) for every theme of the catalogue."""
    rows = []
    for code, label in site.themes():
        outcome = run_search(
            site.settings, "", filters=Filters(themes=(code,)), limit=1,
            facets=True, passages=False, suggest=False, searcher=site.searcher,
        )  # fmt: skip
        years = {
            int(year): count
            for year, count in outcome.result.facets.get("years", [])
            if str(year).isdigit()
        }
        rows.append({"code": code, "label": label, "total": outcome.result.total, "years": years})
    return rows


def chart(row: dict[str, Any], years: list[int], top: int) -> dict[str, Any]:
    """Geometry of one theme's bars, on the scale shared by every theme (``top``)."""
    bars = []
    for i, year in enumerate(years):
        count = row["years"].get(year, 0)
        height = round(CHART_HEIGHT * count / top) if top else 0
        if count and height < 2:
            height = 2
        x = i * SLOT + (SLOT - BAR) // 2
        bars.append(
            {
                "year": year, "count": count, "x": x, "width": BAR, "height": height,
                "y": TOP + CHART_HEIGHT - height, "label_x": x + BAR // 2,
                "url": SearchParams(themes=(row["code"],), years=(year,)).url(),
            }
        )  # fmt: skip
    return {
        "width": max(1, len(years)) * SLOT,
        "height": TOP + CHART_HEIGHT + BOTTOM,
        "baseline": TOP + CHART_HEIGHT,
        "year_y": TOP + CHART_HEIGHT + BOTTOM - 6,
        "bars": bars,
    }


class ThemesView(View):
    template = "themes.html"
    api_fields = ("years", "themes")

    def data(self, request: Request) -> dict[str, Any]:
        rows = counts_by_theme(self.site)
        years = sorted({year for row in rows for year in row["years"]})
        top = max((count for row in rows for count in row["years"].values()), default=0)
        themes = []
        for row in rows:
            dated = sum(row["years"].values())
            themes.append(
                {
                    "code": row["code"], "label": row["label"], "total": row["total"],
                    "undated": max(0, row["total"] - dated),
                    "years": {str(y): row["years"].get(y, 0) for y in years},
                    "url": SearchParams(themes=(row["code"],)).url(),
                    "chart": chart(row, years, top),
                }
            )  # fmt: skip
        return {"years": years, "themes": themes}
