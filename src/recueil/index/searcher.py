"""Searching the live Whoosh index: hits, facets, passages, suggestions, similar."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from whoosh import highlight, sorting
from whoosh import query as wq

from recueil.config import Settings
from recueil.errors import NotFoundError, QueryError
from recueil.index import french, store
from recueil.index.schema import SPELLING_FIELD
from recueil.index.translate import build_filter, translate
from recueil.index.types import Filters, Hit, SearchRequest, SearchResult
from recueil.search.query import Node

PASSAGE_CHARS = 240
SIMILAR_TERMS = 25
MAX_YEAR = 9999
MAX_EXPANSIONS = 1000  # words a wildcard may stand for
_OPEN, _CLOSE = "\x02", "\x03"
_SPACES = re.compile(r"\s+")

_FACET_FIELDS = {"themes": "themes", "cites": "cite_name", "types": "doc_type", "years": "year"}


def _facet(name: str) -> Any:
    field = _FACET_FIELDS[name]
    return sorting.FieldFacet(field, allow_overlap=name == "themes", maptype=sorting.Count)


class _MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Wraps matched words in control characters that ``split_marks`` turns into spans."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return _OPEN + str(highlight.get_text(text, token, replace)) + _CLOSE


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain passage (whitespace collapsed) and the spans of the matched words."""
    plain = ""
    marks: list[tuple[int, int]] = []
    for index, part in enumerate(re.split(f"[{_OPEN}{_CLOSE}]", marked)):
        part = _SPACES.sub(" ", part)
        if index % 2 == 1 and part:
            marks.append((len(plain), len(plain) + len(part)))
        plain += part
    lead = len(plain) - len(plain.lstrip())
    text = plain.strip()
    return text, [(max(0, a - lead), min(len(text), b - lead)) for a, b in marks]


def _opening(text: str) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= PASSAGE_CHARS else flat[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"


def _hit(fields: dict[str, Any], rank: int, score: float | None) -> Hit:
    themes = fields.get("themes") or ""
    return Hit(
        id=int(fields["id"]),
        rank=rank,
        score=round(score, 4) if score is not None else None,
        title=fields.get("title") or "",
        doc_type=fields.get("doc_type"),
        date=fields.get("date"),
        year=fields.get("year"),
        cite=fields.get("cite_name"),
        themes=themes.split() if isinstance(themes, str) else list(themes),
        source=fields.get("source") or "",
        filename=fields.get("filename"),
        entities=list(fields.get("entity_names") or []),
    )


def _sort_facet(sort: str) -> Any:
    if sort == "relevance":
        return None
    if sort == "date":
        return sorting.FieldFacet("day_min", reverse=True)
    if sort == "oldest":
        return sorting.FieldFacet("day_min")
    if sort == "title":
        return sorting.FieldFacet("sort_title")
    raise QueryError(f"unknown sort {sort!r} (relevance, date, oldest or title)")


class IndexSearcher:
    """An open view of the live index; use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self.generation, self._ix = store.open_live(settings)
        self._searcher = self._ix.searcher()

    def __enter__(self) -> IndexSearcher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def document_count(self) -> int:
        return int(self._searcher.doc_count())

    def _query(self, node: Node | None) -> Any:
        if node is None:
            return wq.Every()
        return translate(node, self._words_like)

    def _words_like(self, pattern: str) -> list[str]:
        """Whole words of the collection (spelling dictionary) matching a wildcard pattern."""
        if not pattern.strip("*?"):
            return []
        reader = self._searcher.reader()
        found = wq.Wildcard(SPELLING_FIELD, pattern).expanded_terms(reader)
        return [
            text if isinstance(text, str) else text.decode("utf-8")
            for _, text in itertools.islice(found, MAX_EXPANSIONS)
        ]

    def count(self, node: Node | None, filters: Filters | None = None) -> int:
        query = self._query(node)
        if query is None:
            return 0
        flt = build_filter(filters or Filters())
        return len(self._searcher.search(query, filter=flt, limit=1))

    def search(self, request: SearchRequest) -> SearchResult:
        if request.page < 1 or (request.limit is not None and request.limit < 1):
            raise QueryError("--page and --limit must be at least 1")
        query = self._query(request.query)
        if query is None:  # only stop words: nothing to look for
            return SearchResult(0, request.page, request.limit, [])
        limit = request.limit
        top = None if limit is None else request.page * limit
        groups = {name: _facet(name) for name in _FACET_FIELDS} if request.facets else None
        results = self._searcher.search(
            query, filter=build_filter(request.filters), limit=top,
            sortedby=_sort_facet(request.sort), groupedby=groups,
        )  # fmt: skip
        start = 0 if limit is None else (request.page - 1) * limit
        results.formatter = _MarkFormatter()
        results.fragmenter = highlight.ContextFragmenter(maxchars=PASSAGE_CHARS, surround=60)
        hits = []
        for rank, found in enumerate(results[start:top], start=start + 1):
            hit = _hit(found.fields(), rank, found.score if request.sort == "relevance" else None)
            if request.passages:
                text = found.get("text") or ""
                marked = found.highlights("text", text=text, top=2) if text else ""
                hit.passage, hit.marks = split_marks(marked) if marked else (_opening(text), [])
            hits.append(hit)
        facets = {name: _counts(results.groups(name).items()) for name in groups or {}}
        return SearchResult(len(results), request.page, limit, hits, facets)

    def suggest(self, word: str) -> str | None:
        """A close, more frequent word of the collection for a word it lacks."""
        lowered = french.spelling_word(word)
        if not lowered or not lowered.isalpha():
            return None
        reader = self._searcher.reader()
        if reader.doc_frequency(SPELLING_FIELD, lowered) > 0:
            return None
        corrector = self._searcher.corrector("text")
        found = corrector.suggest(lowered, limit=1, maxdist=2, prefix=1)
        return str(found[0]) if found else None

    def similar(self, doc_id: int, limit: int = 10) -> list[Hit]:
        docnum = self._searcher.document_number(id=str(doc_id))
        if docnum is None:
            raise NotFoundError(f"document {doc_id} is not in the search index")
        fields = self._searcher.stored_fields(docnum)
        text = "\n".join([fields.get("title") or ""] * 3 + [fields.get("text") or ""])
        if not french.terms(text):
            return []
        results = self._searcher.more_like(
            docnum, "text", text=text, top=limit, numterms=SIMILAR_TERMS, normalize=True
        )
        hits = []
        for rank, found in enumerate(results, start=1):
            hit = _hit(found.fields(), rank, found.score)
            hit.passage = _opening(found.get("text") or "")
            hits.append(hit)
        return hits


def _counts(items: Iterable[tuple[Any, int]]) -> list[tuple[str, int]]:
    # A document without a value shows up under an empty key, or under the
    # numeric column's default (a huge number) for years: not a facet value.
    counted = [
        (str(key), int(count))
        for key, count in items
        if key not in (None, "", b"") and not (isinstance(key, int) and key > MAX_YEAR)
    ]
    return sorted(counted, key=lambda kv: (-kv[1], kv[0]))
