"""The small interface an index engine implements, and the registry of engines.

An engine stores the fields of ``schema.py`` in a generation folder and
answers plans (``plan.py``); everything else (generations, the atomic swap,
sync here; planning, passages, suggestions, similar documents in
``recueil.search``) is engine-neutral code around it. Only ``whoosh_engine`` imports
whoosh and only ``tantivy_engine`` imports tantivy; they are imported when
first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from recueil.errors import EngineUnavailableError
from recueil.index.plan import Plan

if TYPE_CHECKING:  # a search does not load the rebuild's cache (sqlite3, hashlib)
    from recueil.index.term_cache import Entry

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "tantivy"  # the engine of a new home; an existing home keeps its own
_MODULES = {"whoosh": "recueil.index.whoosh_engine", "tantivy": "recueil.index.tantivy_engine"}
_PACKAGES = {"whoosh": "whoosh", "tantivy": "tantivy"}


@dataclass
class EngineResult:
    total: int
    # (stored fields, score) of the requested page, in order
    rows: list[tuple[dict[str, Any], float | None]]
    # facet name -> [(value, count)] (unsorted, may hold empty values)
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)


class PreparedBatch(NamedTuple):
    """What ``Engine.prepare_batch`` makes of a batch of records (picklable)."""

    documents: list[Any]  # for the writer's ``add_prepared``, in order
    words: list[str]  # vocabulary words for the writer's ``add_words``
    fresh: list[Entry]  # texts analysed now, for the analysis cache


class EngineWriter(Protocol):
    """Writes to one generation; holds the engine's writer lock until commit or cancel."""

    def add(self, fields: dict[str, Any]) -> None: ...
    def add_prepared(self, prepared: Any) -> None:
        """Add what the engine's ``prepare_batch`` made of a record's fields (maybe in
        another process)."""
        ...

    def add_words(self, words: Iterable[str]) -> None:
        """Add the vocabulary words ``prepare_batch`` listed (written at commit)."""
        ...

    def update(self, fields: dict[str, Any]) -> None: ...
    def delete(self, doc_id: int) -> None: ...
    def commit(self) -> None: ...
    def cancel(self) -> None: ...


class EngineSearcher(Protocol):
    """A view of one generation at one commit. ``thread_safe``: whether several threads
    may use it at once (else its users take turns)."""

    thread_safe: bool

    def is_current(self) -> bool:
        """Whether it sees the generation's last commit (cheap: a file's stamp)."""
        ...

    def refreshed(self) -> EngineSearcher:
        """A searcher of the generation's last commit (this one when nothing changed)."""
        ...

    def terms(self, field: str, prefix: str) -> Iterator[str]: ...
    def doc_frequency(self, field: str, term: str) -> int: ...
    def document_count(self) -> int: ...
    def stored(self, doc_id: int) -> dict[str, Any] | None: ...
    def search(
        self,
        plan: Plan,
        filter: Plan | None,
        *,
        sort: str,
        offset: int,
        limit: int | None,
        facets: bool,
    ) -> EngineResult: ...
    def close(self) -> None: ...


class Engine(Protocol):
    name: str
    # Whether a rebuild analyses the text in --jobs processes (``prepare_batch``),
    # with the analysis cache (``term_cache``), rather than in the engine's writer.
    parallel_analysis: bool

    def prepare_batch(self, batch: list[dict[str, Any]], cached: dict[int, Entry]) -> PreparedBatch:
        """Records' fields as the engine's writer takes them, the vocabulary words the
        writer must be given for them ([] when the index keeps them itself), and the
        texts analysed now. ``cached``: the analysis cache's entries of these records.
        CPU-bound: a rebuild runs it in --jobs processes."""
        ...

    def version(self) -> str: ...
    def create(self, folder: Path) -> None: ...
    def bulk_writer(self, folder: Path, count: int, procs: int | None) -> EngineWriter: ...
    def writer(self, folder: Path, wait: float) -> EngineWriter: ...
    def searcher(self, folder: Path) -> EngineSearcher: ...
    def stamps(self, folder: Path) -> dict[int, int]:
        """Indexed document id -> digest of its stamp (``schema.digest``)."""
        ...

    def stats(self, folder: Path) -> tuple[int, int, int]:
        """(live documents, deleted documents not yet merged away, segments)."""
        ...


def check_name(name: str) -> str:
    if name not in ENGINES:
        raise EngineUnavailableError(
            f"unknown index engine {name!r} (whoosh or tantivy)",
            hint="Use --engine whoosh or --engine tantivy.",
        )
    return name


def get_engine(name: str) -> Engine:
    """The engine of that name; a clear error when its package is not installed."""
    module_name = _MODULES[check_name(name)]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if exc.name != _PACKAGES[name]:
            raise
        raise EngineUnavailableError(
            f"the {name} index engine needs the {name!r} package, which is not installed",
            hint=f"Install it with `pip install 'recueil[{name}]'`, or use --engine whoosh.",
        ) from exc
    engine: Engine = module.ENGINE
    return engine
