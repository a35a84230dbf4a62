"""Filters over the index's fields, and what the index reports about itself and a sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Restrictions on the keyword and date fields that do not change the ranking.

    Values of one filter are OR-ed; the search layer plans them (``search.planner``).
    """

    themes: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class IndexInfo:
    path: str
    generation: str
    engine: str
    schema_version: int
    analyzer: str
    built_at: str
    documents: int
    deleted: int
    segments: int
    size_bytes: int


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
