"""Search as a library call: parse, expand acronyms, query the index, suggest.

The CLI is a thin layer over ``run_search`` and ``similar``; a script or a
web page can call them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from recueil.config import Settings
from recueil.index import Filters, Hit, IndexSearcher, SearchRequest, SearchResult, open_searcher
from recueil.search import query as q
from recueil.search.acronyms import expand_acronyms, load_acronyms

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
) -> SearchOutcome:
    """Search the index; an empty query lists every document that passes the filters."""
    filters = filters or Filters()
    node = prepare(query, settings)
    # A query with nothing to search (empty, or only operators) lists everything.
    request = SearchRequest(node, filters, sort, page, limit, facets, passages)
    with open_searcher(settings) as searcher:
        result = searcher.search(request)
        outcome = SearchOutcome(query, result)
        if suggest and node is not None and result.total < FEW_RESULTS:
            corrected = did_you_mean(searcher, settings, query, node)
            if corrected is not None:
                total = searcher.count(prepare(corrected, settings), filters)
                if total > result.total:
                    outcome.suggestion, outcome.suggestion_total = corrected, total
    return outcome


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


def similar(settings: Settings, doc_id: int, limit: int = 10) -> list[Hit]:
    """The documents most like one document of the index."""
    with open_searcher(settings) as searcher:
        return searcher.similar(doc_id, limit)
