"""`/recherche` and `/api/search`: results, facets, paging, "Vouliez-vous dire", acronyms."""

from __future__ import annotations

import re
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recueil.errors import QueryError
from recueil.search.service import SearchOutcome, run_search
from recueil.web import french
from recueil.web.base import Site, View, bad_request
from recueil.web.params import FACET_PARAMS, PER_PAGE, SORT_LABELS, SearchParams, parse

FACET_SHOWN = 12  # values of one facet on the page (the most frequent)
PAGES_AROUND = 2  # page links either side of the current page


def searched(site: Site, params: SearchParams) -> SearchOutcome:
    """The same call as `recueil search`, a query error turned into a French 400."""
    try:
        return run_search(
            site.settings, params.q, filters=params.filters, sort=params.sort,
            page=params.page, limit=PER_PAGE, facets=True, passages=True, searcher=site.searcher,
        )  # fmt: skip
    except QueryError as exc:
        said = french.query_error(exc.message)
        raise bad_request(said.message, said.hint, exc.code) from exc


def facet_label(site: Site, facet: str, value: str) -> str:
    if facet == "themes":
        return site.theme_labels().get(value, value)
    if facet == "types":
        return french.doc_type_label(value)
    return value


def facet_rows(
    site: Site, params: SearchParams, facets: dict[str, list[tuple[str, int]]]
) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values with their count, whether chosen, and the link that toggles them."""
    rows: dict[str, list[dict[str, Any]]] = {}
    toggle = params.toggle_links()
    for facet, param in FACET_PARAMS.items():
        counts = dict(facets.get(facet, []))
        values = list(counts)[:FACET_SHOWN]
        values += [v for v in params.values(param) if v not in values]  # chosen, even at 0
        if facet == "years":
            values.sort(key=lambda v: v, reverse=True)
        rows[facet] = [
            {
                "value": value, "label": facet_label(site, facet, value),
                "count": counts.get(value, 0), "active": params.is_active(param, value),
                "url": toggle(param, value),
            }
            for value in values
        ]  # fmt: skip
    return rows


def acronym_rows(site: Site, query: str) -> list[dict[str, str]]:
    """The acronyms of the query that were expanded (PRE : programme de réussite éducative)."""
    seen = dict.fromkeys(w for w in re.findall(r"[\w+]+", query) if w in site.acronyms)
    return [{"acronym": word, "expansion": site.acronyms[word]} for word in seen]


def paging(params: SearchParams, pages: int) -> dict[str, Any]:
    low, high = max(1, params.page - PAGES_AROUND), min(pages, params.page + PAGES_AROUND)
    return {
        "previous": params.with_page(params.page - 1).url() if params.page > 1 else None,
        "next": params.with_page(params.page + 1).url() if params.page < pages else None,
        "pages": [
            {"number": n, "url": params.with_page(n).url(), "current": n == params.page}
            for n in range(low, high + 1)
        ],
    }


class ResultsView(View):
    template = "results.html"

    def data(self, request: Request) -> dict[str, Any]:
        params = parse(request.query_params)
        started = time.perf_counter()
        outcome = searched(self.site, params)
        search_ms = (time.perf_counter() - started) * 1000
        result = outcome.result
        suggestion = None
        if outcome.suggestion:
            suggestion = {
                "query": outcome.suggestion,
                "total": outcome.suggestion_total,
                "url": params.with_query(outcome.suggestion).url(),
            }
        active = [
            {"param": param, "value": value, "label": facet_label(self.site, facet, value),
             "remove_url": params.toggled(param, value).url()}
            for facet, param in FACET_PARAMS.items()
            for value in params.values(param)
        ]  # fmt: skip
        hits = [{**hit.as_row(), "marks": hit.marks} for hit in result.hits]
        return {
            "query": params.q,
            "params": params,
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "per_page": PER_PAGE,
            "sort": params.tri,
            "sorts": [
                {
                    "code": code,
                    "label": label,
                    "url": params.with_sort(code).url(),
                    "current": code == params.tri,
                }
                for code, label in SORT_LABELS.items()
            ],
            "hits": hits,
            "facets": facet_rows(self.site, params, result.facets),
            "active_filters": active,
            "suggestion": suggestion,
            "acronyms": acronym_rows(self.site, params.q),
            "paging": paging(params, result.pages),
            "document_query": f"?q={_quote(params.q)}" if params.q else "",
            "themes": self.site.theme_labels(),
            "search_ms": search_ms,
        }

    async def json(self, request: Request) -> Response:
        data = await run_in_threadpool(self.data, request)
        # The hits carry exactly the fields of `recueil search --json` (id included).
        hits = [{k: v for k, v in hit.items() if k != "marks"} for hit in data["hits"]]
        facets = {
            name: [{k: row[k] for k in ("value", "label", "count", "active")} for row in rows]
            for name, rows in data["facets"].items()
        }
        return JSONResponse(
            {
                "query": data["query"], "total": data["total"], "page": data["page"],
                "pages": data["pages"], "per_page": data["per_page"], "sort": data["sort"],
                "hits": hits, "facets": facets, "suggestion": data["suggestion"],
                "acronyms": data["acronyms"],
            }
        )  # fmt: skip


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
