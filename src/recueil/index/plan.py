"""Engine-neutral query plans: what an engine is asked to find, as index terms.

A plan is built by the search layer (``recueil.search.planner``) from the
parsed query; each engine only turns this small tree into its native query,
so every engine searches exactly the same terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ID = 2**63  # document ids are 64-bit integers


@dataclass(frozen=True)
class Match:
    """One exact term of a field (an analysed word, a key, or an id)."""

    field: str
    term: str | int
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words in this order; ``slop`` 1 means adjacent, 2 allows one word between."""

    field: str
    words: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class Pattern:
    """Terms of a field matching a pattern with ``*`` and ``?``."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Prefix:
    field: str
    prefix: str


@dataclass(frozen=True)
class Range:
    field: str
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Every:
    pass


@dataclass(frozen=True)
class Nothing:
    pass


@dataclass(frozen=True)
class AllOf:
    """Every child, and none of ``excluded`` (an empty ``children`` means every document)."""

    children: tuple[Plan, ...]
    excluded: tuple[Plan, ...] = ()


@dataclass(frozen=True)
class AnyOf:
    """At least one child."""

    children: tuple[Plan, ...]


Plan = Match | Phrase | Pattern | Prefix | Range | Every | Nothing | AllOf | AnyOf


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A whole-term regex for a pattern with ``*`` (any characters) and ``?`` (one)."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]", pattern, maxsplit=1)[0]
