"""The Whoosh engine (whoosh-reloaded, pure Python): the engine of the original design.

The only package of recueil that imports whoosh.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.index import LockError

from recueil.errors import IndexDamagedError, IndexLockedError, SearchIndexError
from recueil.index.engine import PreparedBatch
from recueil.index.schema import digest
from recueil.index.whoosh_engine.schema import build_schema
from recueil.index.whoosh_engine.searcher import WhooshSearcher

if TYPE_CHECKING:
    from recueil.index.term_cache import Entry

# A rebuild uses every core up to two processes and this much memory per process
# for its posting pools; below MP_THRESHOLD documents a single process is faster.
BULK_LIMIT_MB = 256
MP_THRESHOLD = 2000


class WhooshWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def add(self, fields: dict[str, Any]) -> None:
        self._writer.add_document(**fields)

    def add_prepared(self, prepared: dict[str, Any]) -> None:
        self._writer.add_document(**prepared)

    def add_words(self, words: Iterable[str]) -> None:
        """Nothing to keep apart: Whoosh's spelling field (``spelling=True``) holds them."""

    def update(self, fields: dict[str, Any]) -> None:
        self._writer.update_document(**fields)

    def delete(self, doc_id: int) -> None:
        self._writer.delete_by_term("id", str(doc_id))

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


def _open(folder: Path) -> Any:
    try:
        return whoosh_index.open_dir(str(folder))
    except Exception as exc:  # whoosh raises bare Exception subclasses, unpickling errors too
        raise IndexDamagedError(f"the search index in {folder} cannot be opened: {exc}") from exc


class WhooshEngine:
    name = "whoosh"
    # Whoosh analyses inside its writer; its own multiprocess writer uses --jobs.
    parallel_analysis = False

    def prepare_batch(self, batch: list[dict[str, Any]], cached: dict[int, Entry]) -> PreparedBatch:
        return PreparedBatch(list(batch), [], [])

    def version(self) -> str:
        return str(whoosh.versionstring())

    def create(self, folder: Path) -> None:
        whoosh_index.create_in(str(folder), build_schema()).close()

    def bulk_writer(self, folder: Path, count: int, procs: int | None) -> WhooshWriter:
        ix = _open(folder)
        if procs is None:
            procs = min(2, os.cpu_count() or 1) if count >= MP_THRESHOLD else 1
        if procs > 1:
            return WhooshWriter(ix.writer(procs=procs, limitmb=BULK_LIMIT_MB,
                                          multisegment=True, batchsize=100))  # fmt: skip
        return WhooshWriter(ix.writer(limitmb=BULK_LIMIT_MB))

    def writer(self, folder: Path, wait: float) -> WhooshWriter:
        try:
            return WhooshWriter(_open(folder).writer(timeout=wait, delay=0.25))
        except LockError as exc:
            raise IndexLockedError(
                f"the search index in {folder} is locked by another writer"
            ) from exc
        except OSError as exc:
            raise SearchIndexError(f"cannot write the search index: {exc}") from exc

    def searcher(self, folder: Path) -> WhooshSearcher:
        return WhooshSearcher(_open(folder))

    def stamps(self, folder: Path) -> dict[int, int]:
        ix = _open(folder)
        with ix.reader() as reader:
            ids, stamps = reader.column_reader("id"), reader.column_reader("stamp")
            found = {int(ids[n]): digest(stamps[n]) for n in reader.all_doc_ids()}
        ix.close()
        return found

    def stats(self, folder: Path) -> tuple[int, int, int]:
        ix = _open(folder)
        with ix.reader() as reader:
            documents = reader.doc_count()
            deleted = reader.doc_count_all() - documents
        segments = len(ix._segments())
        ix.close()
        return documents, deleted, segments


ENGINE = WhooshEngine()
