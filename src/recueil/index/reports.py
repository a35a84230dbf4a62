"""What the index reports about itself (``index info``) and about a sync."""

from __future__ import annotations

from dataclasses import dataclass


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
