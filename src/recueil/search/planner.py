"""Planning: the parsed query tree and the filters as an engine-neutral plan.

Each word of the query is analysed with the French analysis of the
documents, fields are resolved, and wildcards and fuzzy words are expanded
against the index's own term lists (read through ``Lexicon``). Every engine
then searches exactly the same terms.

A word that analyses to nothing (a stop word such as ``de``) drops out of
its group instead of making the whole query match nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from recueil import querylang as q
from recueil.errors import QueryError
from recueil.index import french
from recueil.index.plan import (
    MAX_ID,
    AllOf,
    AnyOf,
    Every,
    Match,
    Nothing,
    Pattern,
    Phrase,
    Plan,
    Prefix,
    Range,
    literal_prefix,
    pattern_regex,
)
from recueil.index.schema import CODES_FIELD, DEFAULT_FIELDS, SPELLING_FIELD, day_number
from recueil.search.types import Filters

TEXT_FIELDS = {"title": ("title",), "text": ("text",), "entity": ("entities",),
               "source": ("source",)}  # fmt: skip
KEYWORD_FIELDS = {"theme": "themes", "cite": "cite", "type": "doc_type"}
MAX_EXPANSIONS = 1000  # words a wildcard may stand for
# A pattern with fewer literal letters before its first wildcard than this
# (``*tion``, ``?*``, ``a*``) is expanded here against the term lists, within
# these bounds, instead of letting the engine walk its whole dictionary.
MIN_LITERAL = 2
MAX_SCANNED = 200_000  # terms of one field read to expand such a pattern
_YEARS_RE = re.compile(r"^\s*(\d{4})\s*(?:(?:\.\.|-|–|/)\s*(\d{4}))?\s*$")
_PREFIX_RE = re.compile(r"^[^*?]+\*$")


class Lexicon(Protocol):
    """The term lists of an open index, as each engine reads them."""

    def terms(self, field: str, prefix: str) -> Iterator[str]:
        """Terms of ``field`` starting with ``prefix``, in sorted order."""
        ...


def words_like(lexicon: Lexicon, pattern: str) -> list[str]:
    """Whole words of the collection (spelling list) matching a wildcard pattern."""
    if not pattern.strip("*?"):
        return []
    regex = pattern_regex(pattern)
    found = (
        w for w in lexicon.terms(SPELLING_FIELD, literal_prefix(pattern)) if regex.fullmatch(w)
    )
    return list(itertools.islice(found, MAX_EXPANSIONS))


def too_broad(pattern: str) -> QueryError:
    return QueryError(
        f"the pattern {pattern!r} stands for too many words (more than {MAX_EXPANSIONS})",
        hint="Put at least two letters before * or ?, e.g. parent* or inclu?ion.",
    )


def expand_bounded(lexicon: Lexicon, field: str, pattern: str, shown: str) -> list[str]:
    """Terms of ``field`` matching ``pattern``; ``QueryError`` past the bounds."""
    regex = pattern_regex(pattern)
    found: list[str] = []
    for scanned, term in enumerate(lexicon.terms(field, literal_prefix(pattern)), start=1):
        if scanned > MAX_SCANNED:
            raise too_broad(shown)
        if regex.fullmatch(term):
            found.append(term)
            if len(found) > MAX_EXPANSIONS:
                raise too_broad(shown)
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two words, or ``limit + 1`` as soon as it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def near(candidates: Iterable[str], word: str, distance: int) -> list[tuple[int, str]]:
    """(distance, term) of the candidates within ``distance`` edits, first letter kept."""
    found = []
    for term in candidates:
        if term[:1] == word[:1]:
            d = edit_distance(word[1:], term[1:], distance)
            if d <= distance:
                found.append((d, term))
    return found


def _any(children: Iterable[Plan]) -> Plan:
    items = tuple(children)
    if not items:
        return Nothing()
    return items[0] if len(items) == 1 else AnyOf(items)


def _text_fields(field: str | None) -> tuple[str, ...]:
    return DEFAULT_FIELDS if field is None else TEXT_FIELDS[field]


def _year(text: str) -> Plan:
    match = _YEARS_RE.match(text)
    if match is None:
        raise QueryError(f"{text!r} is not a year", hint="Write annee:2022 or annee:2019..2021.")
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    return Range("year", min(low, high), max(low, high))


def _exact(field: str, text: str) -> Plan | None:
    if field == "year":
        return _year(text)
    if field == "id":
        if not text.strip().isdigit() or int(text) >= MAX_ID:
            raise QueryError(f"{text!r} is not a document id", hint="Write id:12 (a number).")
        return Match("id", int(text))
    key = french.keyword(text)
    return Match(KEYWORD_FIELDS[field], key) if key else None


def _is_exact(field: str | None) -> bool:
    return field in KEYWORD_FIELDS or field in ("year", "id")


class Planner:
    """Turns a parsed query into a plan, expanding against one open index."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    @staticmethod
    def any_of(children: Iterable[Plan]) -> Plan:
        return _any(children)

    def words(self, field: str | None, text: str, slop: int = 1) -> Plan | None:
        if field is not None and _is_exact(field):
            return _exact(field, text)
        if field in (None, "text") and french.is_code(text) and self._has_code(text):
            return Match(CODES_FIELD, text)  # PRE the programme, not "près"
        words = french.terms(text)
        if not words:
            return None
        if len(words) == 1:
            return _any(Match(name, words[0]) for name in _text_fields(field))
        return _any(Phrase(name, tuple(words), slop) for name in _text_fields(field))

    def wildcard(self, field: str | None, pattern: str) -> Plan:
        pattern = re.sub(r"\*+", "*", pattern)  # "a**b" is "a*b", without the backtracking
        folded = french.fold_pattern(pattern)
        if field in KEYWORD_FIELDS:
            return Pattern(KEYWORD_FIELDS[field], folded)
        if field in ("year", "id"):
            raise QueryError(
                f"wildcards do not apply to {field}: {pattern!r}", hint="Write annee:2022 or id:12."
            )
        if len(literal_prefix(folded)) < MIN_LITERAL:
            return self._broad(field, pattern, folded)
        if _PREFIX_RE.match(folded):
            stem = french.normalise_word(folded[:-1])
            prefixes = sorted({folded[:-1]} | ({stem} if stem else set()))
            return _any(Prefix(n, p) for n in _text_fields(field) for p in prefixes)
        # Stemmed terms cannot match every pattern (rac?rochage vs raccroch): the whole
        # words of the collection that match it are stemmed and searched too.
        stems = sorted({french.normalise_word(w) for w in words_like(self.lexicon, pattern.lower())}
                       - {""})  # fmt: skip
        parts: list[Plan] = []
        for name in _text_fields(field):
            parts.append(Pattern(name, folded))
            parts.extend(Match(name, stem) for stem in stems)
        return _any(parts)

    def _has_code(self, code: str) -> bool:
        """Whether the collection writes ``code`` as a code (else it is searched as a word)."""
        return next(iter(self.lexicon.terms(CODES_FIELD, code)), None) == code

    def _broad(self, field: str | None, pattern: str, folded: str) -> Plan:
        """A pattern with (almost) no leading letters, expanded here within bounds."""
        words = expand_bounded(self.lexicon, SPELLING_FIELD, pattern.lower(), pattern)
        stems = sorted({french.normalise_word(w) for w in words} - {""})
        parts: list[Plan] = []
        for name in _text_fields(field):
            terms = expand_bounded(self.lexicon, name, folded, pattern)
            parts.extend(Match(name, term) for term in sorted(set(terms) | set(stems)))
        return _any(parts)

    def fuzzy(self, field: str | None, text: str, distance: int) -> Plan | None:
        if field is not None and _is_exact(field):
            return _exact(field, text)
        words = french.terms(text)
        if not words:
            return None
        parts = [
            _any(Match(name, term) for name in _text_fields(field)
                 for _, term in near(self.lexicon.terms(name, word[:1]), word, distance))
            for word in words
        ]  # fmt: skip
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def plan(self, node: q.Node) -> Plan | None:
        """The plan of a query tree, or ``None`` when nothing searchable is left."""
        if isinstance(node, q.Term):
            return self.words(node.field, node.text)
        if isinstance(node, q.Phrase):
            return self.words(node.field, node.text, slop=node.slop + 1)
        if isinstance(node, q.Wildcard):
            return self.wildcard(node.field, node.pattern)
        if isinstance(node, q.Fuzzy):
            return self.fuzzy(node.field, node.text, node.distance)
        if isinstance(node, q.MatchAll):
            return Every()
        if isinstance(node, q.Not):
            child = self.plan(node.child)
            return None if child is None else AllOf((), (child,))
        if isinstance(node, q.And):
            positives, negatives = [], []
            for item in node.children:
                if isinstance(item, q.Not):
                    if (child := self.plan(item.child)) is not None:
                        negatives.append(child)
                elif (planned := self.plan(item)) is not None:
                    positives.append(planned)
            if not positives and not negatives:
                return None
            if not negatives and len(positives) == 1:
                return positives[0]
            return AllOf(tuple(positives), tuple(negatives))
        children = [c for c in (self.plan(i) for i in node.children) if c is not None]
        if not children:
            return None
        return children[0] if len(children) == 1 else AnyOf(tuple(children))


def filter_plan(filters: Filters) -> Plan | None:
    """The plan of the CLI filters, or ``None`` when there is none."""
    parts: list[Plan] = []
    for values, field in ((filters.themes, "themes"), (filters.cites, "cite"),
                          (filters.doc_types, "doc_type")):  # fmt: skip
        keys = [french.keyword(v) for v in values if french.keyword(v)]
        if keys:
            parts.append(_any(Match(field, k) for k in keys))
    if filters.years:
        parts.append(_any(Range("year", y, y) for y in filters.years))
    if filters.date_from is not None:
        start = filters.date_from
        parts.append(Range("day_max", day_number(start.year, start.month, start.day), None))
    if filters.date_to is not None:
        end = filters.date_to
        parts.append(Range("day_min", 1, day_number(end.year, end.month, end.day)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))
