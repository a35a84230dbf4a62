"""Search requests and results, engine-neutral (no engine imported here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recueil.index.types import Filters
from recueil.querylang import Node
from recueil.values import Value

SORTS = ("relevance", "date", "oldest", "title")

__all__ = ["SORTS", "Filters", "Hit", "SearchRequest", "SearchResult"]


class SearchRequest(Value):
    """One search: the parsed query (None: every document), filters, order and page."""

    __slots__ = ("facets", "filters", "limit", "page", "passages", "query", "sort")
    query: Node | None
    filters: Filters
    sort: str
    page: int
    limit: int | None  # None: every hit
    facets: bool
    passages: bool

    def __init__(
        self,
        query: Node | None,
        filters: Filters | None = None,
        sort: str = "relevance",
        page: int = 1,
        limit: int | None = 10,
        facets: bool = True,
        passages: bool = True,
    ) -> None:
        self._set(
            query=query, filters=filters if filters is not None else Filters(), sort=sort,
            page=page, limit=limit, facets=facets, passages=passages,
        )  # fmt: skip


@dataclass
class Hit:
    id: int
    rank: int
    score: float | None
    title: str
    doc_type: str | None
    date: str | None
    year: int | None
    cite: str | None
    themes: list[str]
    source: str
    filename: str | None
    entities: list[str]
    passage: str = ""
    # (start, end) of the matched words inside ``passage``.
    marks: list[tuple[int, int]] = field(default_factory=list)
    # The page the passage starts on, for documents of several pages.
    page: int | None = None

    def as_row(self) -> dict[str, Any]:
        """Every field, for --json/--nl/--csv."""
        return {
            "rank": self.rank, "id": self.id, "score": self.score, "title": self.title,
            "doc_type": self.doc_type, "date": self.date, "year": self.year,
            "cite": self.cite, "themes": self.themes, "source": self.source,
            "filename": self.filename, "entities": self.entities, "passage": self.passage,
            "page": self.page,
        }  # fmt: skip


@dataclass
class SearchResult:
    total: int
    page: int
    limit: int | None
    hits: list[Hit]
    # facet name -> [(value, count)], most frequent first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        if not self.limit:
            return 1
        return max(1, -(-self.total // self.limit))
