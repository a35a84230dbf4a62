"""recueil: document capitalisation and French full-text search for the Cités éducatives.

The public API, for scripts and notebooks (the ``recueil`` command is a thin layer
over it)::

    import recueil

    settings = recueil.resolve_settings(home="~/recueil")
    outcome = recueil.run_search(settings, "petite enfance")

Names are loaded on first use (PEP 562): ``import recueil`` loads neither
SQLAlchemy nor spaCy nor an index engine. The errors are plain classes, loaded at
once.
"""

from __future__ import annotations

import importlib

from recueil.errors import (
    AttachmentRefusedError,
    BackupError,
    BenchError,
    CatalogueDamagedError,
    CatalogueError,
    CatalogueReadOnlyError,
    ConfigError,
    DiskFullError,
    EmptyDocumentError,
    EncryptedPdfError,
    EngineUnavailableError,
    ExportError,
    ExtractionTimeoutError,
    FileReadError,
    FileTooLargeError,
    GazetteerError,
    GoldFileError,
    HarvestAddressRefusedError,
    HarvestError,
    HarvestLimitError,
    HarvestLoopError,
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexOutdatedError,
    IngestError,
    MalformedFileError,
    ModelMissingError,
    NeedsOcrError,
    NotFoundError,
    OcrError,
    PageTooLargeError,
    QueryError,
    RecordError,
    RecueilError,
    ResponseTooLargeError,
    ResponseTooSlowError,
    RestoreRefusedError,
    SchemaOutdatedError,
    SearchIndexError,
    ThemeDataError,
    ThemeModelError,
    UnknownThemeError,
    UnsupportedFileError,
    UsageError,
)

# Not typing.TYPE_CHECKING: importing typing would cost every `import recueil`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from typing import Any

    from sqlalchemy.orm import Session

    from recueil.config import Settings, resolve_settings
    from recueil.index import Filters
    from recueil.ingest.pipeline import IngestOptions, ingest_paths
    from recueil.search.service import run_search, similar

__version__ = "0.1.0"

# Public name -> the module that defines it, imported on first use.
_LAZY = {
    "Settings": "recueil.config",
    "resolve_settings": "recueil.config",
    "ingest_paths": "recueil.ingest.pipeline",
    "IngestOptions": "recueil.ingest.pipeline",
    "run_search": "recueil.search.service",
    "similar": "recueil.search.service",
    "Filters": "recueil.index",
}

__all__ = [
    "AttachmentRefusedError",
    "BackupError",
    "BenchError",
    "CatalogueDamagedError",
    "CatalogueError",
    "CatalogueReadOnlyError",
    "ConfigError",
    "DiskFullError",
    "EmptyDocumentError",
    "EncryptedPdfError",
    "EngineUnavailableError",
    "ExportError",
    "ExtractionTimeoutError",
    "FileReadError",
    "FileTooLargeError",
    "Filters",
    "GazetteerError",
    "GoldFileError",
    "HarvestAddressRefusedError",
    "HarvestError",
    "HarvestLimitError",
    "HarvestLoopError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexMissingError",
    "IndexOutdatedError",
    "IngestError",
    "IngestOptions",
    "MalformedFileError",
    "ModelMissingError",
    "NeedsOcrError",
    "NotFoundError",
    "OcrError",
    "PageTooLargeError",
    "QueryError",
    "RecordError",
    "RecueilError",
    "ResponseTooLargeError",
    "ResponseTooSlowError",
    "RestoreRefusedError",
    "SchemaOutdatedError",
    "SearchIndexError",
    "Settings",
    "ThemeDataError",
    "ThemeModelError",
    "UnknownThemeError",
    "UnsupportedFileError",
    "UsageError",
    "__version__",
    "ingest_paths",
    "open_catalogue",
    "resolve_settings",
    "run_search",
    "similar",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'recueil' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def open_catalogue(
    settings: Settings | str | os.PathLike[str] | None = None,
) -> AbstractContextManager[Session]:
    """A SQLAlchemy session on a home's catalogue, committed when the block ends.

    ``settings`` is a ``Settings``, a home directory, or None for the home of
    ``--home``'s defaults (``RECUEIL_HOME``, then the user data directory). The
    schema is created or upgraded on first use, as the command line does. An error
    inside the block rolls everything back::

        with recueil.open_catalogue("~/recueil") as session:
            ...
    """
    from contextlib import contextmanager

    from recueil.catalogue.db import open_catalogue as open_database
    from recueil.config import Settings, resolve_settings

    chosen = settings if isinstance(settings, Settings) else resolve_settings(home=settings)

    @contextmanager
    def session_on_catalogue() -> Iterator[Session]:
        catalogue = open_database(chosen)
        try:
            with catalogue.transaction() as session:
                yield session
        finally:
            catalogue.close()

    return session_on_catalogue()
