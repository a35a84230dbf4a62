"""Searching the live index, whatever engine built it: hits, facets, passages, suggestions, similar.

The engine answers plans; this module plans the query (``planner.py``), builds
the hits and their passages, ranks facet values, proposes spellings from the
collection's words and picks the key words of a document for "similar".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from recueil.config import Settings
from recueil.errors import NotFoundError, QueryError
from recueil.index import french, generations
from recueil.index.engine import Engine, EngineSearcher
from recueil.index.plan import AllOf, Every, Match, Plan
from recueil.index.schema import SPELLING_FIELD
from recueil.querylang import Node
from recueil.search.passages import Highlighter, letter_variants, opening, passage
from recueil.search.planner import Planner, filter_plan, near
from recueil.search.types import SORTS, Filters, Hit, SearchRequest, SearchResult

SIMILAR_TERMS = 25
SUGGEST_DISTANCE = 2
MAX_YEAR = 9999
MAX_SUGGESTIONS = 10_000  # words whose suggestion a searcher keeps


def _hit(fields: dict[str, Any], rank: int, score: float | None) -> Hit:
    themes = fields.get("themes") or ""
    year = fields.get("year")
    return Hit(
        id=int(fields["id"]),
        rank=rank,
        score=round(score, 4) if score is not None else None,
        title=fields.get("title") or "",
        doc_type=fields.get("doc_type"),
        date=fields.get("date"),
        year=int(year) if year is not None else None,
        cite=fields.get("cite_name"),
        themes=themes.split() if isinstance(themes, str) else list(themes),
        source=fields.get("source") or "",
        filename=fields.get("filename"),
        entities=list(fields.get("entity_names") or []),
    )


def page_at(pages: Any, offset: int) -> int | None:
    """The page number at a character offset of the text (``None``: one page, or unknown)."""
    if not isinstance(pages, list) or not pages:
        return None
    number = None
    for start, page in pages:
        if start > offset:
            break
        number = int(page)
    return number


def _counts(items: Iterable[tuple[Any, int]]) -> list[tuple[str, int]]:
    # A document without a value may show up under an empty key, or under a
    # numeric column's default (a huge number) for years: not a facet value.
    counted: Counter[str] = Counter()
    for key, count in items:
        if key in (None, "", b"") or (isinstance(key, int | float) and key > MAX_YEAR):
            continue
        counted[str(int(key)) if isinstance(key, float) else str(key)] += int(count)
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


class IndexSearcher:
    """A view of one generation of the index at one commit; use as a context manager.

    What it works out from the index alone (the spelling suggestions) is kept for
    as long as it is open: a searcher kept across requests (``live.py``) answers a
    repeated unknown word at once, and a new commit means a new ``IndexSearcher``.
    """

    def __init__(self, generation: Path, engine: str, searcher: EngineSearcher) -> None:
        self.generation, self.engine, self._searcher = generation, engine, searcher
        self._suggestions: dict[str, str | None] = {}

    @property
    def thread_safe(self) -> bool:
        return self._searcher.thread_safe

    def is_current(self) -> bool:
        return self._searcher.is_current()

    def refreshed(self) -> IndexSearcher:
        """A searcher of the generation's last commit (this one when nothing changed)."""
        fresh = self._searcher.refreshed()
        return (
            self if fresh is self._searcher else IndexSearcher(self.generation, self.engine, fresh)
        )

    def __enter__(self) -> IndexSearcher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def document_count(self) -> int:
        return self._searcher.document_count()

    def plan(self, node: Node | None) -> Plan | None:
        """The engine-neutral plan of a query tree (``None``: nothing to look for)."""
        return Every() if node is None else Planner(self._searcher).plan(node)

    def count(self, node: Node | None, filters: Filters | None = None) -> int:
        planned = self.plan(node)
        if planned is None:
            return 0
        flt = filter_plan(filters or Filters())
        result = self._searcher.search(
            planned, flt, sort="relevance", offset=0, limit=1, facets=False
        )
        return result.total

    def search(self, request: SearchRequest) -> SearchResult:
        if request.page < 1 or (request.limit is not None and request.limit < 1):
            raise QueryError("--page and --limit must be at least 1")
        if request.sort not in SORTS:
            raise QueryError(f"unknown sort {request.sort!r} (relevance, date, oldest or title)")
        planned = self.plan(request.query)
        if planned is None:  # only stop words: nothing to look for
            return SearchResult(0, request.page, request.limit, [])
        limit = request.limit
        start = 0 if limit is None else (request.page - 1) * limit
        found = self._searcher.search(
            planned, filter_plan(request.filters), sort=request.sort, offset=start,
            limit=limit, facets=request.facets,
        )  # fmt: skip
        highlighter = Highlighter.of(planned)
        hits = []
        for rank, (fields, score) in enumerate(found.rows, start=start + 1):
            hit = _hit(fields, rank, score if request.sort == "relevance" else None)
            if request.passages:
                hit.passage, hit.marks, start = passage(fields.get("text") or "", highlighter)
                hit.page = page_at(fields.get("pages"), start)
            hits.append(hit)
        facets = {name: _counts(items) for name, items in found.facets.items()}
        return SearchResult(found.total, request.page, limit, hits, facets)

    def suggest(self, word: str) -> str | None:
        """A close word of the collection for a word it lacks (closest, then most frequent)."""
        if word not in self._suggestions:
            if len(self._suggestions) >= MAX_SUGGESTIONS:
                self._suggestions.clear()
            self._suggestions[word] = self._suggest(word)
        return self._suggestions[word]

    def _suggest(self, word: str) -> str | None:
        lowered = french.spelling_word(word)
        if not lowered or not lowered.isalpha():
            return None
        if self._searcher.doc_frequency(SPELLING_FIELD, lowered) > 0:
            return None
        # Words are compared folded, so that an accent slip costs nothing
        # (periscolère -> périscolaire is two edits, not three).
        folded = french.fold(lowered)
        words = {
            french.fold(word): word
            for first in letter_variants(folded[:1])
            for word in self._searcher.terms(SPELLING_FIELD, first)
        }
        found = near(words, folded, SUGGEST_DISTANCE)
        if not found:
            return None
        # A word left by documents deleted since the last rebuild finds nothing: not offered.
        candidates = [(d, -n, words[key]) for d, key in found if (n := self._frequency(words[key]))]
        return min(candidates)[2] if candidates else None

    def _frequency(self, word: str) -> int:
        """How many documents hold a word's index term: the same count on every engine."""
        return self._searcher.doc_frequency("text", french.normalise_word(word))

    def similar(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents sharing the most distinctive words (tf-idf) of one document."""
        fields = self._searcher.stored(doc_id)
        if fields is None:
            raise NotFoundError(f"document {doc_id} is not in the search index")
        text = "\n".join([fields.get("title") or ""] * 3 + [fields.get("text") or ""])
        counts = Counter(french.terms(text))
        if not counts:
            return []
        total = max(1, self._searcher.document_count())
        weights = {}
        for term, tf in counts.items():
            df = self._searcher.doc_frequency("text", term)
            if df:
                weights[term] = (1 + math.log(tf)) * math.log(1 + total / df)
        best = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
        if not best:
            return []
        top = best[0][1]
        query = AllOf(
            (Planner.any_of([Match("text", t, round(w / top, 4)) for t, w in best]),),
            (Match("id", doc_id),),
        )
        found = self._searcher.search(
            query, None, sort="relevance", offset=0, limit=limit, facets=False
        )
        hits = []
        for rank, (row, score) in enumerate(found.rows, start=1):
            hit = _hit(row, rank, score)
            hit.passage = opening(row.get("text") or "")
            hits.append(hit)
        return hits


def open_searcher(settings: Settings) -> IndexSearcher:
    """Open the live index for searching (a context manager)."""

    def open_engine(generation: Path, engine: Engine) -> IndexSearcher:
        return IndexSearcher(generation, engine.name, engine.searcher(generation))

    return generations.read_live(settings, open_engine)
