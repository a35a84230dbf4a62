"""Run an extractor on one file, in-process or in a child process with limits.

The child process bounds time (a pathological PDF cannot hang a batch) and
memory (address-space limit): the parent kills it at the deadline and records
a coded failure. A small file whose extractor is not ``isolated`` (a web-page
export) is read in-process: forking would cost far more than reading it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import traceback
from multiprocessing.connection import Connection
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
    if ctx.timeout_s <= 0:
        return extract_file(path, ctx)
    extractor = extractor_for(path)
    if not extractor.isolated and _size(path) <= IN_PROCESS_MAX_BYTES:
        return extract_file(path, ctx, extractor)
    warm_up(extractor)  # once per process: the children it forks find the libraries loaded
    mpctx = _context()
    receiver, sender = mpctx.Pipe(duplex=False)
    process = mpctx.Process(target=_child, args=(sender, path, ctx), daemon=True)  # type: ignore[attr-defined]
    process.start()
    sender.close()
    try:
        if not receiver.poll(ctx.timeout_s):
            process.kill()
            raise ExtractionTimeoutError(
                f"{path.name}: extraction took longer than {ctx.timeout_s:g} s and was stopped"
            )
        try:
            result = receiver.recv()
        except EOFError as exc:  # child died (memory limit, crash in a C library)
            raise MalformedFileError(
                f"{path.name}: the reader crashed on this file (exit code {process.exitcode})"
            ) from exc
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    if isinstance(result, IngestError):
        raise result
    return result  # type: ignore[no-any-return]
