"""Engine-neutral query plans: what an engine is asked to find, as index terms.

A plan is built by the search layer (``recueil.search.planner``) from the
parsed query; each engine only turns this small tree into its native query,
so every engine searches exactly the same terms. The nodes are ``Value`` classes
(immutable, compared by their fields) rather than dataclasses: a search command
loads them at each start.
"""

from __future__ import annotations

import re

from recueil.values import Value

MAX_ID = 2**63  # document ids are 64-bit integers


class Match(Value):
    """One exact term of a field (an analysed word, a key, or an id)."""

    __slots__ = ("boost", "field", "term")
    field: str
    term: str | int
    boost: float

    def __init__(self, field: str, term: str | int, boost: float = 1.0) -> None:
        self._set(field=field, term=term, boost=boost)


class Phrase(Value):
    """Words in this order; ``slop`` 1 means adjacent, 2 allows one word between."""

    __slots__ = ("field", "slop", "words")
    field: str
    words: tuple[str, ...]
    slop: int

    def __init__(self, field: str, words: tuple[str, ...], slop: int = 1) -> None:
        self._set(field=field, words=words, slop=slop)


class Pattern(Value):
    """Terms of a field matching a pattern with ``*`` and ``?``."""

    __slots__ = ("field", "pattern")
    field: str
    pattern: str

    def __init__(self, field: str, pattern: str) -> None:
        self._set(field=field, pattern=pattern)


class Prefix(Value):
    """Terms of a field starting with ``prefix``."""

    __slots__ = ("field", "prefix")
    field: str
    prefix: str

    def __init__(self, field: str, prefix: str) -> None:
        self._set(field=field, prefix=prefix)


class Range(Value):
    """Values of an integer field from ``low`` to ``high`` (None: unbounded)."""

    __slots__ = ("field", "high", "low")
    field: str
    low: int | None
    high: int | None

    def __init__(self, field: str, low: int | None, high: int | None) -> None:
        self._set(field=field, low=low, high=high)


class Every(Value):
    """Every document."""

    __slots__ = ()


class Nothing(Value):
    """No document."""

    __slots__ = ()


class AllOf(Value):
    """Every child, and none of ``excluded`` (an empty ``children`` means every document)."""

    __slots__ = ("children", "excluded")
    children: tuple[Plan, ...]
    excluded: tuple[Plan, ...]

    def __init__(self, children: tuple[Plan, ...], excluded: tuple[Plan, ...] = ()) -> None:
        self._set(children=children, excluded=excluded)


class AnyOf(Value):
    """At least one child."""

    __slots__ = ("children",)
    children: tuple[Plan, ...]

    def __init__(self, children: tuple[Plan, ...]) -> None:
        self._set(children=children)


Plan = Match | Phrase | Pattern | Prefix | Range | Every | Nothing | AllOf | AnyOf


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A whole-term regex for a pattern with ``*`` (any characters) and ``?`` (one)."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]", pattern, maxsplit=1)[0]
