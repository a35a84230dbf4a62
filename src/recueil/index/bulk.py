"""Feeding a rebuild: catalogue records read in batches, analysed in --jobs processes, one writer.

The main process reads a batch of records from the catalogue while the
worker processes analyse the previous one (``Engine.prepare``: French
analysis, the CPU-bound part); the engine's single writer then adds the
prepared documents in catalogue order. The workers are forked before the
engine's writer threads start and before the catalogue is opened
(``workers``); they only analyse text.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult, Pool

from sqlalchemy.orm import Session

from recueil.index import french
from recueil.index.catalogue_records import BATCH, IndexRecord, load_records
from recueil.index.engine import Engine, EngineWriter, PreparedBatch, get_engine
from recueil.index.schema import to_fields
from recueil.index.term_cache import Entry, TermCache

Progress = Callable[[int, int], None]
# Below this many documents starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
# Batches handed to the workers ahead of the one being written (memory: a batch each).
IN_FLIGHT = 3


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _prepare_batch(
    engine_name: str, records: list[IndexRecord], cached: dict[int, Entry]
) -> PreparedBatch:
    """The engine's prepared documents of catalogue records (fields, codes, analysis),
    the vocabulary words they bring and the texts analysed now."""
    fields = [to_fields(record) for record in records]
    return get_engine(engine_name).prepare_batch(fields, cached)


def jobs_for(engine: Engine, documents: int, jobs: int | None) -> int:
    """How many analysing processes a rebuild of ``documents`` documents uses."""
    if not engine.parallel_analysis or documents < PARALLEL_THRESHOLD:
        return 1
    return jobs or default_jobs()


@contextmanager
def workers(jobs: int) -> Iterator[Pool | None]:
    """A pool of ``jobs`` analysing processes (``None`` for one: analyse in this process)."""
    if jobs <= 1:
        french.collect_new_chunks()  # this process analyses (and lists its vocabulary)
        try:
            yield None
        finally:
            french.collect_new_chunks(False)
        return
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=french.collect_new_chunks)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _batches(session: Session, ids: Sequence[int]) -> Iterator[list[IndexRecord]]:
    batch: list[IndexRecord] = []
    for record in load_records(session, ids):
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _split(records: list[IndexRecord], parts: int) -> list[list[IndexRecord]]:
    size = -(-len(records) // parts)
    return [records[i : i + size] for i in range(0, len(records), size)]


def _entries(records: list[IndexRecord], cached: dict[int, Entry]) -> dict[int, Entry]:
    return {r.id: cached[r.id] for r in records if r.id in cached}


def feed(
    engine: Engine,
    writer: EngineWriter,
    session: Session,
    ids: Sequence[int],
    pool: Pool | None,
    progress: Progress | None = None,
    cache: TermCache | None = None,
) -> int:
    """Add every record of ``ids`` to ``writer``; return how many were added. ``cache``:
    the analysed texts of earlier rebuilds, given what this one analyses."""
    count = getattr(pool, "_processes", 1) if pool is not None else 1
    done = hits = 0
    words: set[str] = set()
    # Read first: the cache may be given up on later (a full disk) and forget them.
    stored = cache.words() if cache is not None else []

    def add(batch: PreparedBatch) -> None:
        nonlocal done, hits
        words.update(batch.words)
        hits += len(batch.documents) - len(batch.fresh)
        if cache is not None:
            cache.put(batch.fresh)
        for item in batch.documents:
            writer.add_prepared(item)
            done += 1
            if progress is not None:
                progress(done, len(ids))

    pending: deque[list[AsyncResult[PreparedBatch]]] = deque()
    for records in _batches(session, ids):
        cached = cache.get([r.id for r in records]) if cache is not None else {}
        if pool is None:
            add(_prepare_batch(engine.name, records, cached))
            continue
        # The workers analyse the next batches while this process writes the oldest one.
        pending.append([pool.apply_async(_prepare_batch, (engine.name, part, _entries(part, cached)))
                        for part in _split(records, count)])  # fmt: skip
        while len(pending) > IN_FLIGHT:
            for result in pending.popleft():
                add(result.get())
    while pending:
        for result in pending.popleft():
            add(result.get())
    if cache is not None:
        cache.save_words(words, replace=not hits)
    if hits:  # texts whose words were not looked at: the cache's words cover them
        words.update(stored)
    writer.add_words(words)
    return done
