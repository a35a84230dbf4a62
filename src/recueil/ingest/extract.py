"""Run an extractor on one file, in-process or in a child process with limits.

The child process bounds time (a pathological PDF cannot hang a batch) and
memory (address-space limit): the parent kills it at the deadline and records
a coded failure. A small file whose extractor is not ``isolated`` (a web-page
export) is read in-process: forking would cost far more than reading it.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import resource
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from recueil.errors import (
    EmptyDocumentError,
    ExtractionTimeoutError,
    FileReadError,
    IngestError,
    MalformedFileError,
    RecueilError,
    UnsupportedFileError,
)
from recueil.ingest.base import ExtractContext, ExtractedDocument, Extractor, RecordFailure
from recueil.ingest.registry import claimed_by_suffix, find_extractor, read_head, warm_up

Extracted = list[ExtractedDocument | RecordFailure]

# Address-space bound for one extraction child (PDF rendering can balloon).
MEMORY_LIMIT_BYTES = 6 * 1024**3
# Largest file of a non-isolated extractor read in-process.
IN_PROCESS_MAX_BYTES = 2 * 1024 * 1024


def extractor_for(path: Path) -> Extractor:
    """The extractor that reads ``path``; raise IngestError when none does."""
    try:
        head = read_head(path)
    except OSError as exc:
        raise FileReadError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    extractor = find_extractor(path, head)
    if extractor is None:
        claimed = claimed_by_suffix(path)
        if claimed is not None and not head.strip():
            raise EmptyDocumentError(f"{path.name} is empty")
        if claimed is not None:
            raise MalformedFileError(
                f"{path.name} is damaged: its name says {path.suffix.lower()[1:].upper()} "
                "but its content is not"
            )
        raise UnsupportedFileError(f"unsupported file type: {path.name}")
    return extractor


def extract_file(path: Path, ctx: ExtractContext, extractor: Extractor | None = None) -> Extracted:
    """Extract every document of ``path`` in this process; raise IngestError on failure."""
    extractor = extractor or extractor_for(path)
    try:
        return list(extractor.extract(path, ctx))
    except RecueilError:
        raise
    except MemoryError as exc:
        raise MalformedFileError(f"{path.name} needs too much memory to read") from exc
    except Exception as exc:  # an extractor library choked on a damaged file
        raise MalformedFileError(
            f"{path.name} could not be read ({type(exc).__name__}: {exc})"
        ) from exc


def _child(conn: Connection, path: Path, ctx: ExtractContext) -> None:
    # One OCR thread per extraction: parallelism comes from --jobs workers, and
    # Tesseract's own threads would oversubscribe the cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT_BYTES:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, hard))
        result: Extracted | IngestError = extract_file(path, ctx)
    except IngestError as exc:
        result = exc
    except BaseException as exc:  # pragma: no cover - last resort, reported not raised
        result = MalformedFileError(f"{path.name}: {exc}\n{traceback.format_exc(limit=3)}")
    try:
        with collector_paused():
            conn.send(result)
    finally:
        conn.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise FileReadError(f"cannot read {path.name}: {exc.strerror or exc}") from exc


def _context() -> mp.context.BaseContext:
    # fork is cheap and keeps already-imported extractors; fall back elsewhere.
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def extract_with_limits(path: Path, ctx: ExtractContext) -> Extracted:
    """Extract in a child process, killed after ``ctx.timeout_s`` seconds (when it protects)."""
    return start_extraction(path, ctx).result()


@dataclass(slots=True)
class Extraction:
    """An extraction started by ``start_extraction``: done already (in this process), or
    under way in a child process until ``result`` reads it."""

    path: Path
    done: Extracted | IngestError | None = None
    process: BaseProcess | None = None
    receiver: Connection | None = None
    deadline: float = 0.0  # time.monotonic() by which the child must answer
    timeout_s: float = 0.0

    @property
    def running(self) -> bool:
        return self.process is not None

    def result(self) -> Extracted:
        """The documents found; raise IngestError when the file failed."""
        found = self.done if self.process is None else self._wait()
        self.done, self.process, self.receiver = found, None, None
        if isinstance(found, IngestError):
            raise found
        assert found is not None
        return found

    def _wait(self) -> Extracted | IngestError:
        process, receiver, name = self.process, self.receiver, self.path.name
        assert process is not None and receiver is not None
        try:
            if not receiver.poll(max(0.0, self.deadline - time.monotonic())):
                process.kill()
                return ExtractionTimeoutError(
                    f"{name}: extraction took longer than {self.timeout_s:g} s and was stopped"
                )
            try:
                with collector_paused():  # a large result unpickles much faster
                    found: Extracted | IngestError = receiver.recv()
            except EOFError:  # child died (memory limit, crash in a C library)
                return MalformedFileError(
                    f"{name}: the reader crashed on this file (exit code {process.exitcode})"
                )
        finally:
            receiver.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        return found


def start_extraction(path: Path, ctx: ExtractContext) -> Extraction:
    """Extract ``path`` here when that is safe and cheap (a small file of a non-isolated
    extractor, or no limits asked), else start a child process that does it."""
    try:
        if ctx.timeout_s <= 0:
            return Extraction(path, extract_file(path, ctx))
        extractor = extractor_for(path)
        if not extractor.isolated and _size(path) <= IN_PROCESS_MAX_BYTES:
            return Extraction(path, extract_file(path, ctx, extractor))
    except IngestError as exc:
        return Extraction(path, exc)
    warm_up(extractor)  # once per process: the children it forks find the libraries loaded
    mpctx = _context()
    receiver, sender = mpctx.Pipe(duplex=False)
    process = mpctx.Process(target=_child, args=(sender, path, ctx), daemon=True)  # type: ignore[attr-defined]
    process.start()
    sender.close()
    deadline = time.monotonic() + ctx.timeout_s
    return Extraction(path, None, process, receiver, deadline, ctx.timeout_s)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while (back on after, if it was on): for
    work that makes many objects and no reference cycles (reading a large records file,
    unpickling its documents), which the collector would otherwise rescan again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
