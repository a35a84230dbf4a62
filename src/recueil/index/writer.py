"""Writing the index: full rebuild (atomic), sync, and per-document updates.

The catalogue is the truth; everything here reads it and never the originals.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.errors import IndexLockedError, IndexMissingError, SearchIndexError
from recueil.index import store
from recueil.index.records import all_ids, catalogue_stamps, load_records
from recueil.index.schema import to_fields
from recueil.index.types import SyncReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# A rebuild uses every core up to two processes and this much memory per process
# for its posting pools; below MP_THRESHOLD documents a single process is faster.
BULK_LIMIT_MB = 256
MP_THRESHOLD = 2000
WRITE_RETRIES = 3


def _bulk_writer(ix: Any, count: int, procs: int | None) -> Any:
    if procs is None:
        procs = min(2, os.cpu_count() or 1) if count >= MP_THRESHOLD else 1
    if procs > 1:
        return ix.writer(procs=procs, limitmb=BULK_LIMIT_MB, multisegment=True, batchsize=100)
    return ix.writer(limitmb=BULK_LIMIT_MB)


def _locked(generation: Path) -> IndexLockedError:
    return IndexLockedError(f"the search index in {generation} is locked by another writer")


def _live_writer(settings: Settings) -> tuple[Any, Any]:
    """The live index and a writer on it, still live once its lock is held."""
    for _ in range(WRITE_RETRIES):
        generation, ix = store.open_live(settings)
        try:
            writer = ix.writer(timeout=store.LOCK_WAIT, delay=0.25)
        except LockError as exc:
            raise _locked(generation) from exc
        # A rebuild may have swapped generations while this one waited.
        if store.current_generation(settings.index_dir) == generation:
            return ix, writer
        writer.cancel()
    raise _locked(settings.index_dir)


def _commit(writer: Any, work: Callable[[Any], None]) -> None:
    try:
        work(writer)
    except BaseException:
        writer.cancel()
        raise
    try:
        writer.commit()
    except OSError as exc:
        raise SearchIndexError(f"cannot write the search index: {exc}") from exc


def _write_ids(writer: Any, session: Session, ids: Iterable[int]) -> set[int]:
    """Add or replace the given documents; return the ids found in the catalogue."""
    found: set[int] = set()
    for record in load_records(session, list(ids)):
        writer.update_document(**to_fields(record))
        found.add(record.id)
    return found


def indexed_stamps(ix: Any) -> dict[int, str]:
    with ix.reader() as reader:
        ids, stamps = reader.column_reader("id"), reader.column_reader("stamp")
        return {int(ids[n]): stamps[n] for n in reader.all_doc_ids()}


def _differences(ix: Any, session: Session) -> tuple[list[int], list[int], list[int], int]:
    wanted = catalogue_stamps(session)
    present = indexed_stamps(ix)
    added = [i for i in wanted if i not in present]
    updated = [i for i, stamp in wanted.items() if i in present and present[i] != stamp]
    removed = [i for i in present if i not in wanted]
    return added, updated, removed, len(wanted) - len(added) - len(updated)


def _sync_into(ix: Any, writer: Any, session: Session) -> SyncReport:
    added, updated, removed, unchanged = _differences(ix, session)

    def work(w: Any) -> None:
        _write_ids(w, session, added + updated)
        for doc_id in removed:
            w.delete_by_term("id", str(doc_id))

    _commit(writer, work)
    return SyncReport(len(added), len(updated), len(removed), unchanged)


def rebuild(
    settings: Settings,
    catalogue: Catalogue,
    *,
    progress: Progress | None = None,
    procs: int | None = None,
) -> int:
    """Rebuild the whole index from the catalogue into a new generation, then swap.

    Searches keep reading the old generation until the swap; an error or a
    crash at any point before it leaves the old generation live and intact.
    ``progress(done, total)`` is called after each document.
    """
    root = settings.index_dir
    with store.rebuild_lock(root):
        store.collect_garbage(root)  # what a crashed rebuild left behind
        generation, ix = store.new_generation(root)
        try:
            count = _build(ix, catalogue, progress, procs)
            _catch_up_and_publish(settings, catalogue, ix, generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        store.collect_garbage(root)
    return count


def _build(ix: Any, catalogue: Catalogue, progress: Progress | None, procs: int | None) -> int:
    with catalogue.session() as session:
        ids = all_ids(session)
        writer = _bulk_writer(ix, len(ids), procs)
        done = 0

        def work(w: Any) -> None:
            nonlocal done
            for record in load_records(session, ids):
                w.add_document(**to_fields(record))
                done += 1
                if progress is not None:
                    progress(done, len(ids))

        _commit(writer, work)
    return done


def _catch_up_and_publish(
    settings: Settings, catalogue: Catalogue, ix: Any, generation: Path
) -> None:
    """Index what changed during the build, holding the live lock so no write is lost."""
    root = settings.index_dir
    live_lock = None
    live = store.current_generation(root)
    if live is not None:
        try:
            _, live_ix = store.open_live(settings)
            live_lock = live_ix.lock("WRITELOCK")
        except SearchIndexError:
            live_lock = None  # an outdated live index takes no more writes anyway
    if live_lock is not None and not try_for(
        live_lock.acquire, timeout=store.LOCK_WAIT, delay=0.25
    ):
        raise _locked(live or root)
    try:
        with catalogue.session() as session:
            _sync_into(ix, ix.writer(timeout=store.LOCK_WAIT), session)
        store.publish(root, generation)
    finally:
        if live_lock is not None:
            live_lock.release()


def sync(settings: Settings, catalogue: Catalogue) -> SyncReport:
    """Add, update and remove exactly the documents that differ from the catalogue."""
    if store.current_generation(settings.index_dir) is None:
        return SyncReport(added=rebuild(settings, catalogue))
    ix, writer = _live_writer(settings)
    with catalogue.session() as session:
        return _sync_into(ix, writer, session)


def pending(settings: Settings, catalogue: Catalogue) -> SyncReport:
    """What a sync would do, without writing."""
    _, ix = store.open_live(settings)
    with catalogue.session() as session:
        added, updated, removed, unchanged = _differences(ix, session)
    return SyncReport(len(added), len(updated), len(removed), unchanged)


def update_documents(settings: Settings, catalogue: Catalogue, doc_ids: Sequence[int]) -> None:
    """Add or replace these documents; drop those no longer in the catalogue.

    Called by ingestion after each catalogue commit. Creates the index (from
    the whole catalogue) when there is none yet.
    """
    if not doc_ids:
        return
    if store.current_generation(settings.index_dir) is None:
        rebuild(settings, catalogue)
        return
    _, writer = _live_writer(settings)
    with catalogue.session() as session:

        def work(w: Any) -> None:
            found = _write_ids(w, session, doc_ids)
            for doc_id in set(doc_ids) - found:
                w.delete_by_term("id", str(doc_id))

        _commit(writer, work)


def delete_documents(settings: Settings, doc_ids: Sequence[int]) -> None:
    """Remove these documents from the index (nothing to do without an index)."""
    if not doc_ids:
        return
    try:
        _, writer = _live_writer(settings)
    except IndexMissingError:
        return

    def work(w: Any) -> None:
        for doc_id in doc_ids:
            w.delete_by_term("id", str(doc_id))

    _commit(writer, work)
