"""The search page's parameters: read and checked from the query string, and written back.

``/recherche?q=…&theme=…&cite=…&type=…&annee=…&tri=…&page=…``: theme, cite,
type and annee may repeat (any of the values, as on the CLI); q, tri and
page may not. Bad values are a 400 with a French message, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote_plus

from starlette.datastructures import QueryParams

from recueil.index import Filters
from recueil.web.base import WebError, bad_request

MAX_QUERY = 2000  # characters, as the query language allows
MAX_VALUES = 50  # values of one repeatable parameter
MAX_VALUE = 200  # characters of one filter value
MAX_PAGE = 1000
PER_PAGE = 10

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SORTS = {"pertinence": "relevance", "date": "date", "ancien": "oldest", "titre": "title"}
SORT_LABELS = {
    "pertinence": "Pertinence",
    "date": "Date (récent d'abord)",
    "ancien": "Date (ancien d'abord)",
    "titre": "Titre",
}
REPEATABLE = {"theme": "themes", "cite": "cites", "type": "types", "annee": "years"}
# Facet name (as the index names it) -> parameter of the page.
FACET_PARAMS = {"themes": "theme", "cites": "cite", "types": "type", "years": "annee"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    themes: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    tri: str = "pertinence"
    page: int = 1

    @property
    def sort(self) -> str:
        return SORTS[self.tri]

    @property
    def filters(self) -> Filters:
        return Filters(themes=self.themes, cites=self.cites, doc_types=self.types, years=self.years)

    def values(self, param: str) -> tuple[str, ...]:
        return tuple(str(v) for v in getattr(self, REPEATABLE[param]))

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [("q", self.q)] if self.q else []
        for param in REPEATABLE:
            pairs.extend((param, value) for value in self.values(param))
        if self.tri != "pertinence":
            pairs.append(("tri", self.tri))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def url(self, path: str = "/recherche") -> str:
        pairs = self.pairs()
        return f"{path}?{'&'.join(_encoded(k, v) for k, v in pairs)}" if pairs else path

    def with_page(self, page: int) -> SearchParams:
        return replace(self, page=page)

    def with_sort(self, tri: str) -> SearchParams:
        return replace(self, tri=tri, page=1)

    def with_query(self, q: str) -> SearchParams:
        return replace(self, q=q, page=1)

    def toggled(self, param: str, value: str) -> SearchParams:
        """These parameters with one filter value added, or removed if it was there."""
        field = REPEATABLE[param]
        current = self.values(param)
        kept = tuple(v for v in current if v != value)
        chosen = kept if len(kept) < len(current) else (*current, value)
        if param == "annee":
            return replace(self, page=1, years=tuple(int(v) for v in chosen))
        return replace(self, page=1, **{field: chosen})  # type: ignore[arg-type]

    def toggle_links(self) -> Callable[[str, str], str]:
        """A fast ``toggled(param, value).url()`` for the hundred facet links of a page."""
        head = [_encoded("q", self.q)] if self.q else []
        tail = [_encoded("tri", self.tri)] if self.tri != "pertinence" else []
        groups = {param: [_encoded(param, v) for v in self.values(param)] for param in REPEATABLE}

        def link(param: str, value: str) -> str:
            pair = _encoded(param, value)
            parts = list(head)
            for name, encoded in groups.items():
                if name != param:
                    parts.extend(encoded)
                elif pair in encoded:
                    parts.extend(e for e in encoded if e != pair)
                else:
                    parts.extend([*encoded, pair])
            parts.extend(tail)
            return "/recherche?" + "&".join(parts) if parts else "/recherche"

        return link

    def is_active(self, param: str, value: str) -> bool:
        return value in self.values(param)


def _shown(text: str) -> str:
    """A bad value as echoed in an error message: short, without control characters."""
    return _CONTROL.sub("", text)[:40]


@lru_cache(maxsize=4096)
def _encoded(name: str, value: str) -> str:
    """One ``name=value`` of a link; a results page writes a hundred of them."""
    return f"{name}={quote_plus(value)}"


def _single(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise bad_request(
            f"Le paramètre « {name} » est donné {len(values)} fois.",
            "Donnez-le une seule fois ; seuls theme, cite, type et annee se répètent.",
        )
    return values[0] if values else None


def _page(text: str | None) -> int:
    if text is None or text == "":
        return 1
    # ASCII digits only: "¹" or "٣" pass str.isdigit() but are no page number.
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= MAX_PAGE:
        raise bad_request(
            f"« {_shown(text)} » n'est pas un numéro de page valable.",
            f"La page est un nombre de 1 à {MAX_PAGE}.",
        )
    return int(text)


def _repeatable(params: QueryParams, name: str) -> tuple[str, ...]:
    values = [_CONTROL.sub(" ", v).strip() for v in params.getlist(name)]
    values = [v for v in values if v]
    if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE for v in values):
        raise bad_request(
            f"Trop de valeurs, ou des valeurs trop longues, pour « {name} ».",
            f"Au plus {MAX_VALUES} valeurs de {MAX_VALUE} caractères.",
        )
    return tuple(dict.fromkeys(values))


def _years(values: tuple[str, ...]) -> tuple[int, ...]:
    for value in values:
        if not re.fullmatch(r"[0-9]{4}", value):
            raise bad_request(
                f"« {_shown(value)} » n'est pas une année.", "Écrivez l'année ainsi : 2022."
            )
    return tuple(int(v) for v in values)


def parse(params: QueryParams) -> SearchParams:
    """The checked parameters of a search, or a WebError (400)."""
    # Control characters (terminal escapes, NUL) mean nothing in a search: they become spaces.
    q = _CONTROL.sub(" ", _single(params, "q") or "").strip()
    if len(q) > MAX_QUERY:
        raise bad_request(
            f"La recherche est trop longue ({len(q)} caractères, {MAX_QUERY} au plus).",
            "Raccourcissez-la ; les filtres réduisent aussi les résultats.",
            code="E310",
        )
    tri = _single(params, "tri") or "pertinence"
    if tri not in SORTS:
        raise bad_request(
            f"Tri inconnu : « {_shown(tri)} ».", "Choisissez pertinence, date, ancien ou titre."
        )
    return SearchParams(
        q=q,
        themes=_repeatable(params, "theme"),
        cites=_repeatable(params, "cite"),
        types=_repeatable(params, "type"),
        years=_years(_repeatable(params, "annee")),
        tri=tri,
        page=_page(_single(params, "page")),
    )


__all__ = ["PER_PAGE", "SearchParams", "WebError", "parse"]
