"""Search as a library call: parse, expand acronyms, query the index, suggest.

The CLI is a thin layer over ``run_search`` and ``similar``; a script or a
web page can call them the same way. ``Filters``, ``Hit`` and
``SearchResult`` are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from recueil import querylang as q
from recueil.config import Settings
from recueil.errors import QueryError
from recueil.search.acronyms import expand_acronyms, load_acronyms
from recueil.search.live import LiveSearcher, shared
from recueil.search.searcher import IndexSearcher, open_searcher
from recueil.search.types import Filters, Hit, SearchRequest, SearchResult

T = TypeVar("T")

# "Did you mean" is offered when a query finds fewer documents than this.
FEW_RESULTS = 3


@dataclass
class SearchOutcome:
    query: str
    result: SearchResult
    suggestion: str | None = None  # the corrected query
    suggestion_total: int = 0


def prepare(query: str, settings: Settings) -> q.Node | None:
    """Parse a query string and expand its acronyms."""
    node = q.parse_query(query)
    if node is None:
        return None
    if any(isinstance(n, q.Term) and any(c.isupper() for c in n.text) for n in q.walk(node)):
        node = expand_acronyms(node, load_acronyms(settings))
    return node


def run_search(
    settings: Settings,
    query: str,
    *,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    limit: int | None = 10,
    facets: bool = True,
    passages: bool = True,
    suggest: bool = True,
    searcher: IndexSearcher | LiveSearcher | None = None,
) -> SearchOutcome:
    """Search the index; an empty query lists every document that passes the filters.

    ``searcher``: by default the index this process opened last is used while it is
    still the live one, else the live index is opened (``searching``); a long-running
    process may pass its own ``LiveSearcher`` or a searcher it holds open."""
    filters = filters or Filters()
    node = prepare(query, settings)
    if node is None and query.strip():
        # Only operators or punctuation (`"`, `(`, `AND`, `titre:`): listing everything
        # would pass for an answer, so say that nothing was searched.
        raise QueryError(
            f"nothing was searched: {query.strip()!r} holds no word to look for",
            hint='Type the words to find, e.g. "petite enfance"; an empty query lists '
            "every document that passes the filters.",
        )
    # An empty query lists every document that passes the filters.
    request = SearchRequest(node, filters, sort, page, limit, facets, passages)

    def answer(searcher: IndexSearcher) -> SearchOutcome:
        result = searcher.search(request)
        outcome = SearchOutcome(query, result)
        if suggest and node is not None and result.total < FEW_RESULTS:
            corrected = did_you_mean(searcher, settings, query, node)
            if corrected is not None:
                total = searcher.count(prepare(corrected, settings), filters)
                if total > result.total:
                    outcome.suggestion, outcome.suggestion_total = corrected, total
        return outcome

    return searching(settings, answer, searcher)


def searching(
    settings: Settings,
    work: Callable[[IndexSearcher], T],
    source: IndexSearcher | LiveSearcher | None = None,
) -> T:
    """``work`` on a searcher of the live index, once more on the new live index when a
    rebuild swapped it meanwhile; an engine failing to read its files is E305. Without
    a searcher, the index this process opened last time is used while it is still the
    live one (``live.shared``)."""
    if isinstance(source, IndexSearcher):
        return work(source)
    return (source or shared(settings)).run(work)


def did_you_mean(
    searcher: IndexSearcher, settings: Settings, query: str, node: q.Node
) -> str | None:
    """The query with each unknown word replaced by a close word of the collection."""
    words = [
        n for n in q.walk(node)
        if isinstance(n, q.Term) and n.span is not None and n.field in (None, "title", "text")
    ]  # fmt: skip
    corrected = query
    changed = False
    for word in sorted(words, key=lambda n: n.span or (0, 0), reverse=True):
        assert word.span is not None
        replacement = searcher.suggest(word.text)
        if replacement and replacement != word.text.lower():
            start, end = word.span
            corrected = corrected[:start] + replacement + corrected[end:]
            changed = True
    return corrected if changed else None


def similar(
    settings: Settings,
    doc_id: int,
    limit: int = 10,
    searcher: IndexSearcher | LiveSearcher | None = None,
) -> list[Hit]:
    """The documents most like one document of the index."""
    return searching(settings, lambda open_: open_.similar(doc_id, limit), searcher)


__all__ = [
    "FEW_RESULTS",
    "Filters",
    "Hit",
    "IndexSearcher",
    "SearchOutcome",
    "SearchRequest",
    "SearchResult",
    "did_you_mean",
    "open_searcher",
    "prepare",
    "run_search",
    "similar",
]
