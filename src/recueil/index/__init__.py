"""The full-text index: engines, fields, French analysis, writer and generations.

The only part of recueil that knows which engine runs; it imports nothing
above it (searching, planning, passages live in ``recueil.search``). The
index is derived from the catalogue and can always be rebuilt from it. Two
engines sit behind the same API: tantivy and Whoosh (pure Python); each
generation of the index records which one built it.

Names are loaded on first use (PEP 562) so that importing a submodule, such
as ``recueil.index.cli`` at CLI start-up, does not import the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recueil.index.engine import DEFAULT_ENGINE, ENGINES
    from recueil.index.french import ANALYZER_ID
    from recueil.index.reports import IndexInfo, SyncReport
    from recueil.index.schema import SCHEMA_VERSION
    from recueil.index.status import info
    from recueil.index.types import Filters
    from recueil.index.writer import delete_documents, pending, rebuild, sync, update_documents

_WHERE = {
    "ANALYZER_ID": "french",
    "DEFAULT_ENGINE": "engine",
    "ENGINES": "engine",
    "SCHEMA_VERSION": "schema",
    "info": "status",
    "Filters": "types",
    "IndexInfo": "reports",
    "SyncReport": "reports",
    "delete_documents": "writer",
    "pending": "writer",
    "rebuild": "writer",
    "sync": "writer",
    "update_documents": "writer",
}


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
    "ENGINES",
    "SCHEMA_VERSION",
    "Filters",
    "IndexInfo",
    "SyncReport",
    "delete_documents",
    "info",
    "pending",
    "rebuild",
    "sync",
    "update_documents",
]
