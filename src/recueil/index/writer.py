"""Writing the index: full rebuild (atomic), sync, and per-document updates.

The catalogue is the truth; everything here reads it and never the originals.
Engine-neutral: the live generation's engine does the writing, and a rebuild
uses the engine asked for (``--engine``), the settings' engine, or the live one.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.errors import IndexLockedError, IndexMissingError, SearchIndexError
from recueil.index import bulk, generations
from recueil.index.catalogue_records import all_ids, catalogue_stamps, load_records
from recueil.index.engine import DEFAULT_ENGINE, Engine, EngineWriter, check_name, get_engine
from recueil.index.reports import SyncReport
from recueil.index.schema import digest, to_fields
from recueil.index.term_cache import TermCache

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
WRITE_RETRIES = 3


def _locked(generation: Path) -> IndexLockedError:
    return IndexLockedError(f"the search index in {generation} is locked by another writer")


def engine_name(settings: Settings, engine: str | None = None) -> str:
    """The engine a rebuild uses: asked for, then the settings', then the live one's."""
    name = (
        engine
        or settings.index_engine
        or generations.live_engine_name(settings.index_dir)
        or DEFAULT_ENGINE
    )
    return check_name(name)


def _live_writer(settings: Settings) -> tuple[Path, Engine, EngineWriter]:
    """The live generation, its engine and a writer on it, still live once its lock is held."""
    for _ in range(WRITE_RETRIES):
        generation, engine = generations.open_live(settings)
        writer = engine.writer(generation, generations.LOCK_WAIT)
        # A rebuild may have swapped generations while this one waited.
        if generations.current_generation(settings.index_dir) == generation:
            return generation, engine, writer
        writer.cancel()
    raise _locked(settings.index_dir)


def _commit(writer: EngineWriter, work: Callable[[EngineWriter], None]) -> None:
    try:
        work(writer)
    except BaseException:
        writer.cancel()
        raise
    try:
        writer.commit()
    except OSError as exc:
        raise SearchIndexError(f"cannot write the search index: {exc}") from exc


def _write_ids(writer: EngineWriter, session: Session, ids: Iterable[int]) -> set[int]:
    """Add or replace the given documents; return the ids found in the catalogue."""
    found: set[int] = set()
    for record in load_records(session, list(ids)):
        writer.update(to_fields(record))
        found.add(record.id)
    return found


def _differences(
    engine: Engine, generation: Path, session: Session
) -> tuple[list[int], list[int], list[int], int]:
    wanted = {doc_id: digest(stamp) for doc_id, stamp in catalogue_stamps(session).items()}
    present = engine.stamps(generation)
    added = [i for i in wanted if i not in present]
    updated = [i for i, stamp in wanted.items() if i in present and present[i] != stamp]
    removed = [i for i in present if i not in wanted]
    return added, updated, removed, len(wanted) - len(added) - len(updated)


def _sync_into(
    engine: Engine, generation: Path, writer: EngineWriter, session: Session
) -> SyncReport:
    try:
        added, updated, removed, unchanged = _differences(engine, generation, session)
    except BaseException:
        writer.cancel()
        raise

    def work(w: EngineWriter) -> None:
        _write_ids(w, session, added + updated)
        for doc_id in removed:
            w.delete(doc_id)

    _commit(writer, work)
    return SyncReport(len(added), len(updated), len(removed), unchanged)


def rebuild(
    settings: Settings,
    catalogue: Catalogue,
    *,
    progress: Progress | None = None,
    procs: int | None = None,
    engine: str | None = None,
) -> int:
    """Rebuild the whole index from the catalogue into a new generation, then swap.

    Searches keep reading the old generation until the swap; an error or a
    crash at any point before it leaves the old generation live and intact.
    ``progress(done, total)`` is called after each document. ``engine``
    (whoosh or tantivy) switches the home's engine; by default the settings'
    engine, else the live index's, else tantivy (a new home). ``procs``: the
    processes that analyse the text (tantivy) or Whoosh's writer processes.
    """
    root = settings.index_dir
    chosen = get_engine(engine_name(settings, engine))
    with generations.rebuild_lock(root):
        generations.collect_garbage(root)  # what a crashed rebuild left behind
        generation = generations.new_generation(root, chosen)
        try:
            count = _build(chosen, generation, catalogue, progress, procs)
            _catch_up_and_publish(settings, catalogue, chosen, generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        generations.collect_garbage(root)
    return count


def _build(
    engine: Engine,
    generation: Path,
    catalogue: Catalogue,
    progress: Progress | None,
    procs: int | None,
) -> int:
    with catalogue.session() as session:
        ids = all_ids(session)
    # The analysing processes are forked before the writer's threads start.
    jobs = bulk.jobs_for(engine, len(ids), procs)
    cache = TermCache(generation.parent) if engine.parallel_analysis else None
    with bulk.workers(jobs) as pool, catalogue.session() as session:
        writer = engine.bulk_writer(generation, len(ids), procs)
        done = 0

        def work(w: EngineWriter) -> None:
            nonlocal done
            done = bulk.feed(engine, w, session, ids, pool, progress, cache)

        try:
            _commit(writer, work)
            if cache is not None:
                cache.keep_only(ids)
        finally:
            if cache is not None:
                cache.close()
    return done


@contextmanager
def _live_held(settings: Settings) -> Iterator[None]:
    """Hold the live generation's writer lock (if there is a usable one)."""
    root = settings.index_dir
    try:
        generation, engine = generations.open_live(settings)
    except SearchIndexError:
        yield  # no live index, or an outdated one that takes no more writes anyway
        return
    try:
        holder = engine.writer(generation, generations.LOCK_WAIT)
    except IndexLockedError as exc:
        raise _locked(generation or root) from exc
    except SearchIndexError:
        yield  # a damaged live index takes no writes either: the new generation replaces it
        return
    try:
        yield
    finally:
        holder.cancel()


def _catch_up_and_publish(
    settings: Settings, catalogue: Catalogue, engine: Engine, generation: Path
) -> None:
    """Index what changed during the build, holding the live lock so no write is lost."""
    with _live_held(settings):
        with catalogue.session() as session:
            writer = engine.writer(generation, generations.LOCK_WAIT)
            _sync_into(engine, generation, writer, session)
        generations.publish(settings.index_dir, generation)


def sync(settings: Settings, catalogue: Catalogue) -> SyncReport:
    """Add, update and remove exactly the documents that differ from the catalogue."""
    if generations.current_generation(settings.index_dir) is None:
        return SyncReport(added=rebuild(settings, catalogue))
    generation, engine, writer = _live_writer(settings)
    with catalogue.session() as session:
        return _sync_into(engine, generation, writer, session)


def pending(settings: Settings, catalogue: Catalogue) -> SyncReport:
    """What a sync would do, without writing."""
    with catalogue.session() as session:
        added, updated, removed, unchanged = generations.read_live(
            settings, lambda generation, engine: _differences(engine, generation, session)
        )
    return SyncReport(len(added), len(updated), len(removed), unchanged)


def update_documents(settings: Settings, catalogue: Catalogue, doc_ids: Sequence[int]) -> None:
    """Add or replace these documents; drop those no longer in the catalogue.

    Called by ingestion after each catalogue commit. Creates the index (from
    the whole catalogue) when there is none yet.
    """
    if not doc_ids:
        return
    if generations.current_generation(settings.index_dir) is None:
        rebuild(settings, catalogue)
        return
    _, _, writer = _live_writer(settings)
    with catalogue.session() as session:

        def work(w: EngineWriter) -> None:
            found = _write_ids(w, session, doc_ids)
            for doc_id in set(doc_ids) - found:
                w.delete(doc_id)

        _commit(writer, work)


def delete_documents(settings: Settings, doc_ids: Sequence[int]) -> None:
    """Remove these documents from the index (nothing to do without an index)."""
    if not doc_ids:
        return
    try:
        _, _, writer = _live_writer(settings)
    except IndexMissingError:
        return

    def work(w: EngineWriter) -> None:
        for doc_id in doc_ids:
            w.delete(doc_id)

    _commit(writer, work)
