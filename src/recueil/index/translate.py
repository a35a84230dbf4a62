"""Engine-neutral query tree and filters -> Whoosh queries.

Words are analysed here with the same French analysis as the documents.
A word that analyses to nothing (a stop word such as ``de``) drops out of
its group instead of making the whole query match nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query as wq

from recueil.errors import QueryError
from recueil.index import french
from recueil.index.schema import DEFAULT_FIELDS, day_number
from recueil.index.types import Filters
from recueil.search import query as q

TEXT_FIELDS = {
    "title": ("title",),
    "text": ("text",),
    "entity": ("entities",),
    "source": ("source",),
}
KEYWORD_FIELDS = {"theme": "themes", "cite": "cite", "type": "doc_type"}
# Whole words of the collection matching a wildcard pattern.
WordsLike = Callable[[str], list[str]]
_YEARS_RE = re.compile(r"^\s*(\d{4})\s*(?:(?:\.\.|-|–|/)\s*(\d{4}))?\s*$")
_PREFIX_RE = re.compile(r"^[^*?]+\*$")


def _text_fields(field: str | None) -> tuple[str, ...]:
    return DEFAULT_FIELDS if field is None else TEXT_FIELDS[field]


def _any_field(fields: Sequence[str], make: Any) -> Any:
    queries = [make(name) for name in fields]
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _year_query(text: str) -> Any:
    match = _YEARS_RE.match(text)
    if match is None:
        raise QueryError(f"{text!r} is not a year", hint="Write annee:2022 or annee:2019..2021.")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return wq.NumericRange("year", min(low, high), max(low, high))


def _id_query(text: str) -> Any:
    if not text.strip().isdigit():
        raise QueryError(f"{text!r} is not a document id", hint="Write id:12 (a number).")
    return wq.Term("id", str(int(text)))


def _exact(field: str, text: str) -> Any:
    if field == "year":
        return _year_query(text)
    if field == "id":
        return _id_query(text)
    key = french.keyword(text)
    return wq.Term(KEYWORD_FIELDS[field], key) if key else None


def _words(field: str | None, text: str, slop: int = 1) -> Any:
    if field in KEYWORD_FIELDS or field in ("year", "id"):
        return _exact(field, text)
    words = french.terms(text)
    if not words:
        return None
    if len(words) == 1:
        return _any_field(_text_fields(field), lambda name: wq.Term(name, words[0]))
    return _any_field(_text_fields(field), lambda name: wq.Phrase(name, words, slop=slop))


def _wildcard(field: str | None, pattern: str, words_like: WordsLike) -> Any:
    folded = french.fold_pattern(pattern)
    if field in KEYWORD_FIELDS:
        return wq.Wildcard(KEYWORD_FIELDS[field], folded)
    if field in ("year", "id"):
        raise QueryError(
            f"wildcards do not apply to {field}: {pattern!r}", hint="Write annee:2022 or id:12."
        )
    if _PREFIX_RE.match(folded):
        stem = french.normalise_word(folded[:-1])
        prefixes = {folded[:-1]} | ({stem} if stem else set())

        def make(name: str) -> Any:
            found = [wq.Prefix(name, prefix) for prefix in sorted(prefixes)]
            return found[0] if len(found) == 1 else wq.Or(found)

        return _any_field(_text_fields(field), make)
    # Stemmed terms cannot match every pattern (rac?rochage vs raccroch): the whole
    # words of the collection that match it are stemmed and searched too.
    stems = sorted({french.normalise_word(w) for w in words_like(pattern.lower())} - {""})
    queries = []
    for name in _text_fields(field):
        queries.append(wq.Wildcard(name, folded))
        queries.extend(wq.Term(name, stem) for stem in stems)
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _fuzzy(field: str | None, text: str, distance: int) -> Any:
    if field in KEYWORD_FIELDS or field in ("year", "id"):
        return _exact(field, text)
    words = french.terms(text)
    if not words:
        return None
    parts = [
        _any_field(_text_fields(field),
                   lambda name, w=w: wq.FuzzyTerm(name, w, maxdist=distance, prefixlength=1))
        for w in words
    ]  # fmt: skip
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _without(child: Any) -> Any:
    return wq.And([wq.Every(), wq.Not(child)])


def _no_words(pattern: str) -> list[str]:
    return []


def translate(node: q.Node, words_like: WordsLike = _no_words) -> Any:
    """The Whoosh query for a tree, or ``None`` when nothing searchable is left."""
    if isinstance(node, q.Term):
        return _words(node.field, node.text)
    if isinstance(node, q.Phrase):
        return _words(node.field, node.text, slop=node.slop + 1)
    if isinstance(node, q.Wildcard):
        return _wildcard(node.field, node.pattern, words_like)
    if isinstance(node, q.Fuzzy):
        return _fuzzy(node.field, node.text, node.distance)
    if isinstance(node, q.MatchAll):
        return wq.Every()
    if isinstance(node, q.Not):
        child = translate(node.child, words_like)
        return None if child is None else _without(child)
    if isinstance(node, q.And):
        positives, negatives = [], []
        for item in node.children:
            if isinstance(item, q.Not):
                child = translate(item.child, words_like)
                if child is not None:
                    negatives.append(wq.Not(child))
            elif (translated := translate(item, words_like)) is not None:
                positives.append(translated)
        if not positives and not negatives:
            return None
        if not positives:
            positives = [wq.Every()]
        parts = positives + negatives
        return parts[0] if len(parts) == 1 else wq.And(parts)
    children = [c for c in (translate(i, words_like) for i in node.children) if c is not None]
    if not children:
        return None
    return children[0] if len(children) == 1 else wq.Or(children)


def _one_of(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def build_filter(filters: Filters) -> Any:
    """The Whoosh filter for the CLI filters, or ``None`` when there is none."""
    parts: list[Any] = []
    for values, field in ((filters.themes, "themes"), (filters.cites, "cite"),
                          (filters.doc_types, "doc_type")):  # fmt: skip
        keys = [french.keyword(v) for v in values if french.keyword(v)]
        if keys:
            parts.append(_one_of([wq.Term(field, k) for k in keys]))
    if filters.years:
        parts.append(_one_of([wq.NumericRange("year", y, y) for y in filters.years]))
    if filters.date_from is not None:
        start = filters.date_from
        parts.append(
            wq.NumericRange("day_max", day_number(start.year, start.month, start.day), None)
        )
    if filters.date_to is not None:
        end = filters.date_to
        parts.append(wq.NumericRange("day_min", 1, day_number(end.year, end.month, end.day)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
