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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from sqlalchemy.orm import Session

from recueil.index.catalogue_records import BATCH, IndexRecord, load_records
from recueil.index.engine import Engine, EngineWriter, get_engine
from recueil.index.schema import to_fields

Progress = Callable[[int, int], None]
# Below this many documents starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _prepare_batch(engine_name: str, records: list[IndexRecord]) -> list[Any]:
    """The engine's prepared documents of catalogue records (fields, codes, analysis)."""
    engine = get_engine(engine_name)
    return [engine.prepare(to_fields(record)) for record in records]


def jobs_for(engine: Engine, documents: int, jobs: int | None) -> int:
    """How many analysing processes a rebuild of ``documents`` documents uses."""
    if not engine.parallel_analysis or documents < PARALLEL_THRESHOLD:
        return 1
    return jobs or default_jobs()


@contextmanager
def workers(jobs: int) -> Iterator[Pool | None]:
    """A pool of ``jobs`` analysing processes (``None`` for one: analyse in this process)."""
    if jobs <= 1:
        yield None
        return
    pool = multiprocessing.get_context("fork").Pool(jobs)
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

    def add(prepared: list[Any]) -> None:
        nonlocal done
        for item in prepared:
            writer.add_prepared(item)
            done += 1
            if progress is not None:
                progress(done, len(ids))

    pending: list[AsyncResult[list[Any]]] = []
    for records in _batches(session, ids):
        if pool is None:
            add(_prepare_batch(engine.name, records))
            continue
        # Analyse this batch in the workers while the previous one is written.
        started = [pool.apply_async(_prepare_batch, (engine.name, part))
                   for part in _split(records, count)]  # fmt: skip
        for result in pending:
            add(result.get())
        pending = started
    for result in pending:
        add(result.get())
    return done
