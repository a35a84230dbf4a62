"""The full-text index: the only part of recueil that knows which engine runs.

Everything outside this package goes through these names; none of them
exposes an engine type. The index is derived from the catalogue and can
always be rebuilt from it. Two engines sit behind the same API: Whoosh (the
default, pure Python) and tantivy (optional, for large collections); each
generation of the index records which one built it.

Names are loaded on first use (PEP 562) so that importing a submodule, such
as ``recueil.index.cli`` at CLI start-up, does not import the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recueil.config import Settings
    from recueil.index.engine import DEFAULT_ENGINE, ENGINE, ENGINES
    from recueil.index.french import ANALYZER_ID
    from recueil.index.schema import SCHEMA_VERSION
    from recueil.index.searcher import IndexSearcher
    from recueil.index.status import info
    from recueil.index.types import (
        FACETS,
        SORTS,
        Filters,
        Hit,
        IndexInfo,
        SearchRequest,
        SearchResult,
        SyncReport,
    )
    from recueil.index.writer import delete_documents, pending, rebuild, sync, update_documents

_WHERE = {
    "ANALYZER_ID": "french",
    "DEFAULT_ENGINE": "engine",
    "ENGINE": "engine",
    "ENGINES": "engine",
    "SCHEMA_VERSION": "schema",
    "IndexSearcher": "searcher",
    "info": "status",
    "FACETS": "types",
    "SORTS": "types",
    "Filters": "types",
    "Hit": "types",
    "IndexInfo": "types",
    "SearchRequest": "types",
    "SearchResult": "types",
    "SyncReport": "types",
    "delete_documents": "writer",
    "pending": "writer",
    "rebuild": "writer",
    "sync": "writer",
    "update_documents": "writer",
}


def open_searcher(settings: Settings) -> IndexSearcher:
    """Open the live index for searching (a context manager)."""
    from recueil.index.searcher import IndexSearcher

    return IndexSearcher(settings)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'recueil.index' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"recueil.index.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ANALYZER_ID",
    "DEFAULT_ENGINE",
    "ENGINE",
    "ENGINES",
    "FACETS",
    "SCHEMA_VERSION",
    "SORTS",
    "Filters",
    "Hit",
    "IndexInfo",
    "IndexSearcher",
    "SearchRequest",
    "SearchResult",
    "SyncReport",
    "delete_documents",
    "info",
    "open_searcher",
    "pending",
    "rebuild",
    "sync",
    "update_documents",
]
