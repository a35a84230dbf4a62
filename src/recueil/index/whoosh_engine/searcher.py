"""Answering plans from a Whoosh generation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import sorting

from recueil.index.engine import EngineResult
from recueil.index.plan import Plan
from recueil.index.whoosh_engine.query import to_query

FACET_FIELDS = {"themes": "themes", "cites": "cite_name", "types": "doc_type", "years": "year"}
_SORTS = {"date": ("day_min", True), "oldest": ("day_min", False), "title": ("sort_title", False)}


def _facet(name: str) -> Any:
    field = FACET_FIELDS[name]
    return sorting.FieldFacet(field, allow_overlap=name == "themes", maptype=sorting.Count)


class WhooshSearcher:
    """Whoosh's searcher of one commit. Whoosh does not say its searchers may be used by
    several threads at once (they read files through shared handles): they take turns."""

    thread_safe = False

    def __init__(self, ix: Any, searcher: Any = None) -> None:
        self._ix = ix
        self._searcher = searcher if searcher is not None else ix.searcher()

    def is_current(self) -> bool:
        return bool(self._searcher.up_to_date())

    def refreshed(self) -> WhooshSearcher:
        if self.is_current():
            return self
        # A new searcher of the last commit: Whoosh's own ``refresh`` keeps the readers of
        # the segments of the same name, with the deletions they had when they were opened
        # (a document deleted since would still be found).
        return WhooshSearcher(self._ix)

    def close(self) -> None:
        self._searcher.close()

    def terms(self, field: str, prefix: str) -> Iterator[str]:
        for text in self._searcher.reader().expand_prefix(field, prefix):
            yield text if isinstance(text, str) else text.decode("utf-8")

    def doc_frequency(self, field: str, term: str) -> int:
        return int(self._searcher.reader().doc_frequency(field, term))

    def document_count(self) -> int:
        return int(self._searcher.doc_count())

    def stored(self, doc_id: int) -> dict[str, Any] | None:
        docnum = self._searcher.document_number(id=str(doc_id))
        if docnum is None:
            return None
        return dict(self._searcher.stored_fields(docnum))

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
        top = None if limit is None else offset + limit
        sortedby = None
        if sort in _SORTS:
            field, reverse = _SORTS[sort]
            sortedby = sorting.FieldFacet(field, reverse=reverse)
        groups = {name: _facet(name) for name in FACET_FIELDS} if facets else None
        results = self._searcher.search(
            to_query(plan), filter=None if filter is None else to_query(filter), limit=top,
            sortedby=sortedby, groupedby=groups,
        )  # fmt: skip
        rows = [(dict(hit.fields()), hit.score) for hit in results[offset:top]]
        counts = {name: list(results.groups(name).items()) for name in groups or {}}
        return EngineResult(len(results), rows, counts)
