"""Answering plans from a tantivy generation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import tantivy

from recueil.index import french
from recueil.index.engine import EngineResult
from recueil.index.plan import MAX_ID, Plan, literal_prefix, pattern_regex
from recueil.index.schema import SPELLING_FIELD
from recueil.index.tantivy_engine.query import to_query, with_filter
from recueil.index.tantivy_engine.schema import INTEGER_FIELDS, stored
from recueil.index.vocabulary import Vocabulary

FACET_FIELDS = {"themes": "themes", "cites": "cite_name", "types": "doc_type", "years": "year"}
FACET_SIZE = 10_000
_SORTS = {
    "date": ("day_min", tantivy.Order.Desc),
    "oldest": ("day_min", tantivy.Order.Asc),
    "title": ("sort_title", tantivy.Order.Asc),
}


def commit_stamp(folder: Path) -> tuple[int, int, int] | None:
    """What changes when a commit replaces ``meta.json`` (tantivy renames a new one in)."""
    try:
        found = os.stat(folder / "meta.json")
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


class TantivySearcher:
    """tantivy's searcher of one commit. tantivy's objects may be shared by threads (the
    Rust side is thread-safe; a search releases the GIL)."""

    thread_safe = True

    def __init__(
        self,
        index: tantivy.Index,
        folder: Path,
        refresh_view: Callable[[], object],
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._folder, self._refresh_view = folder, refresh_view
        self._stamp = commit_stamp(folder)  # before the searcher: never newer than it
        self._index = index  # kept alive as long as its searcher
        self._schema = index.schema
        self._searcher = index.searcher()
        self._vocabulary = vocabulary or Vocabulary(folder)

    def is_current(self) -> bool:
        return commit_stamp(self._folder) == self._stamp

    def refreshed(self) -> TantivySearcher:
        if self.is_current():
            return self
        self._refresh_view()  # a read-only home: links to the new segment files
        self._index.reload()
        return TantivySearcher(
            self._index, self._folder, self._refresh_view, self._vocabulary.current()
        )

    def close(self) -> None:
        pass  # tantivy releases its files when the objects go

    def terms(self, field: str, prefix: str) -> Iterator[str]:
        if field == SPELLING_FIELD:
            yield from self._vocabulary.with_prefix(prefix)
            return
        for term, _ in self._searcher.terms_with_prefix(field, prefix):
            yield term

    def _expand(self, field: str, pattern: str) -> list[str]:
        """Terms of a field matching a pattern, listed in Python."""
        regex = pattern_regex(pattern)
        return [t for t in self.terms(field, literal_prefix(pattern)) if regex.fullmatch(t)]

    def doc_frequency(self, field: str, term: str) -> int:
        if field == SPELLING_FIELD:
            # The vocabulary keeps the words of deleted documents until the next rebuild:
            # a word counts the documents of its index term.
            if term not in self._vocabulary:
                return 0
            field, term = "text", french.normalise_word(term)
        value: Any = int(term) if field in INTEGER_FIELDS else term
        return int(self._searcher.doc_freq(field, value))

    def document_count(self) -> int:
        return int(self._searcher.num_docs)

    def stored(self, doc_id: int) -> dict[str, Any] | None:
        if not 0 <= doc_id < MAX_ID:
            return None
        query = tantivy.Query.term_query(self._schema, "id", doc_id)
        hits = self._searcher.search(query, limit=1).hits
        return stored(self._searcher.doc(hits[0][1])) if hits else None

    def search(
        self,
        plan: Plan,
        filter: Plan | None,
        *,
        sort: str,
        offset: int,
        limit: int | None,
        facets: bool,
    ) -> EngineResult:
        query = with_filter(
            to_query(plan, self._schema, self._expand), filter, self._schema, self._expand
        )
        size = limit if limit is not None else max(1, self.document_count())
        options: dict[str, Any] = {}
        if sort in _SORTS:
            options["order_by_field"], options["order"] = _SORTS[sort]
        found = self._searcher.search(query, limit=size, offset=offset, count=True, **options)
        rows = [
            (stored(self._searcher.doc(address)), float(score) if sort == "relevance" else None)
            for score, address in found.hits
        ]
        counts: dict[str, list[tuple[Any, int]]] = {}
        if facets:
            aggs = {name: {"terms": {"field": field, "size": FACET_SIZE}}
                    for name, field in FACET_FIELDS.items()}  # fmt: skip
            answer = self._searcher.aggregate(query, aggs)
            for name in FACET_FIELDS:
                buckets = answer.get(name, {}).get("buckets", [])
                counts[name] = [(b["key"], int(b["doc_count"])) for b in buckets]
        total = getattr(found, "count", None)  # missing from the 0.27 type stub
        return EngineResult(int(total or 0), rows, counts)
