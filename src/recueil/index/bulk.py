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
from typing import Any

from sqlalchemy.orm import Session

from recueil.index import french
from recueil.index.catalogue_records import BATCH, IndexRecord, load_records
from recueil.index.engine import Engine, EngineWriter, get_engine
from recueil.index.schema import to_fields

Progress = Callable[[int, int], None]
# Below this many documents starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
# Batches handed to the workers ahead of the one being written (memory: a batch each).
IN_FLIGHT = 3


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _prepare_batch(engine_name: str, records: list[IndexRecord]) -> tuple[list[Any], list[str]]:
    """The engine's prepared documents of catalogue records (fields, codes, analysis),
    and the vocabulary words they bring."""
    return get_engine(engine_name).prepare_batch([to_fields(record) for record in records])


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


def feed(
    engine: Engine,
    writer: EngineWriter,
    session: Session,
    ids: Sequence[int],
    pool: Pool | None,
    progress: Progress | None = None,
) -> int:
    """Add every record of ``ids`` to ``writer``; return how many were added."""
    count = getattr(pool, "_processes", 1) if pool is not None else 1
    done = 0

    def add(batch: tuple[list[Any], list[str]]) -> None:
        nonlocal done
        prepared, words = batch
        writer.add_words(words)
        for item in prepared:
            writer.add_prepared(item)
            done += 1
            if progress is not None:
                progress(done, len(ids))

    pending: deque[list[AsyncResult[tuple[list[Any], list[str]]]]] = deque()
    for records in _batches(session, ids):
        if pool is None:
            add(_prepare_batch(engine.name, records))
            continue
        # The workers analyse the next batches while this process writes the oldest one.
        pending.append([pool.apply_async(_prepare_batch, (engine.name, part))
                        for part in _split(records, count)])  # fmt: skip
        while len(pending) > IN_FLIGHT:
            for result in pending.popleft():
                add(result.get())
    while pending:
        for result in pending.popleft():
            add(result.get())
    return done
