"""The ingestion pipeline: discover -> hash -> dedupe -> extract -> tag -> store -> index.

Every input ends as an ``IngestionItem`` with an outcome (added, updated,
duplicate, skipped, deleted, failed). Each input is stored in its own
transaction together with its item, so a crash loses at most the input in
progress and ``--resume`` continues where the run stopped. The index is
updated after the catalogue commits; if that fails, ``recueil index sync``
catches up from the catalogue.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, utcnow
from recueil.errors import (
    CatalogueError,
    FileReadError,
    FileTooLargeError,
    IngestError,
    RecueilError,
)
from recueil.ingest.archive import archive_original, sha256_file
from recueil.ingest.base import (
    ExtractContext,
    ExtractedDocument,
    RecordFailure,
)
from recueil.ingest.discover import (
    Input,
    discover,
    is_documentation,
    locator,
    readable,
    source_name,
)
from recueil.ingest.outcomes import (
    IngestOptions,
    ItemReport,
    Prepared,
    Progress,
    RunReport,
    stored_warning,
)
from recueil.ingest.runs import close_run, open_run, reopen_run, resolve_attachments
from recueil.ingest.store import (
    content_sha256,
    find_by_sha,
    record_item,
    store_extracted,
    stored_meanwhile,
)
from recueil.ingest.work import Processed, process_file, process_in_order

if TYPE_CHECKING:
    from recueil.ingest.tagging_step import TaggingStep

__all__ = [
    "IngestOptions",
    "IngestPipeline",
    "ItemReport",
    "RunReport",
    "default_jobs",
    "ingest_paths",
]

log = logging.getLogger(__name__)

INDEX_BATCH = 50


class IngestPipeline:
    """One ingestion run over a list of inputs."""

    def __init__(
        self,
        catalogue: Catalogue,
        options: IngestOptions | None = None,
        tagging: TaggingStep | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.settings = catalogue.settings
        self.options = options or IngestOptions()
        self.ctx = ExtractContext(
            settings=self.settings,
            password=self.options.password,
            max_bytes=self.options.max_bytes,
            timeout_s=self.options.timeout_s,
            ocr=self.options.ocr,
            attachments_dir=self.options.attachments_dir,
        )
        self._tagging = tagging
        self._pending_index: list[int] = []
        self._index_error: str | None = None
        self._done: set[str] = set()

    # -- run --------------------------------------------------------------

    def run(self, arguments: Sequence[str | Path], progress: Progress | None = None) -> RunReport:
        inputs = discover(arguments)
        return self.run_inputs(inputs, progress)

    def run_inputs(self, inputs: Sequence[Input], progress: Progress | None = None) -> RunReport:
        started = time.perf_counter()
        run_id, done = self._open_run(inputs)
        self._done = done
        report = RunReport(run_id)
        status = "interrupted"

        def pending() -> Iterator[tuple[Input, Prepared]]:
            # Cheap checks in this process; only files that need work go to workers.
            for item in inputs:
                if item.source in done:
                    if progress:
                        progress(item, None)
                    continue
                prepared = self._prepare(run_id, item)
                if isinstance(prepared, ItemReport):
                    report.items.append(prepared)
                    if progress:
                        progress(item, prepared)
                    continue
                yield item, prepared

        try:
            for (item, prepared), processed in process_in_order(
                pending(),
                lambda pair: pair[0].path,
                self.ctx,
                jobs=self.options.jobs,
                tagging=self._tagging if self.options.tag else None,
            ):
                results = self._commit(run_id, item, prepared, processed)
                report.items.extend(results)
                if progress:
                    progress(item, results[-1] if results else None)
                if len(self._pending_index) >= INDEX_BATCH:
                    self._flush_index()
            status = "finished"
        finally:
            self._flush_index()
            self._close_run(run_id, status)
        report.duration_s = time.perf_counter() - started
        report.index_error = self._index_error
        return report

    def _open_run(self, inputs: Sequence[Input]) -> tuple[int, set[str]]:
        with self.catalogue.transaction() as session:
            if self.options.resume_run is not None:
                return reopen_run(session, self.options.resume_run)
            arguments = {
                "inputs": [i.source for i in inputs],
                # What --resume reads back: the exact bytes of each name (NFD, not UTF-8...).
                "paths": [locator(i.path) for i in inputs],
                "ocr": self.options.ocr,
                "max_bytes": self.options.max_bytes,
                "timeout_s": self.options.timeout_s,
                "jobs": self.options.jobs,
            }
            return open_run(session, arguments), set()

    def _close_run(self, run_id: int, status: str) -> None:
        with self.catalogue.transaction() as session:
            close_run(session, run_id, status)

    # -- one input ----------------------------------------------------------

    def _prepare(self, run_id: int, item: Input) -> Prepared | ItemReport:
        """Checks before any extraction: missing, documentation, size, duplicate."""
        started = time.perf_counter()
        sha: str | None = None
        try:
            if item.missing:
                raise FileReadError(f"no such file or folder: {item.source}")
            if item.unreadable:
                raise FileReadError(item.unreadable)
            if is_documentation(item.path):
                return self._skip(
                    run_id, item.source, "documentation file (README), not a document", started
                )
            size = item.path.stat().st_size
            if size > self.options.max_bytes:
                raise FileTooLargeError(
                    f"{item.path.name} is {size / 1e6:.1f} MB, above the limit of "
                    f"{self.options.max_bytes / 1e6:.0f} MB"
                )
            sha = sha256_file(item.path)
        except IngestError as exc:
            return self._fail(run_id, item.source, exc, started, sha)
        except OSError as exc:
            err = FileReadError(f"cannot read {item.path.name}: {exc.strerror or exc}")
            return self._fail(run_id, item.source, err, started, sha)
        with self.catalogue.session() as session:
            existing = find_by_sha(session, sha)
            existing_id = existing.id if existing else None
        if existing_id is not None:
            return self._finish(
                run_id,
                item.source,
                "duplicate",
                started,
                sha=sha,
                document_id=existing_id,
                message=f"same content as document {existing_id}",
            )
        return Prepared(sha, started)

    def _commit(
        self, run_id: int, item: Input, prepared: Prepared, processed: Processed
    ) -> list[ItemReport]:
        """Store what the workers produced for one file (this process is the only writer)."""
        if processed.error is not None:
            return [
                self._fail(run_id, item.source, processed.error, prepared.started, prepared.sha)
            ]
        extracted = processed.extracted
        if not extracted:
            return [
                self._skip(
                    run_id,
                    item.source,
                    "the file holds no document",
                    prepared.started,
                    prepared.sha,
                )
            ]
        first = extracted[0]
        if len(extracted) == 1 and isinstance(first, ExtractedDocument) and first.part is None:
            return [
                self._store(
                    run_id,
                    item,
                    item.source,
                    first,
                    processed.analyses[0],
                    prepared.sha,
                    prepared.started,
                )
            ]
        return self._store_records(run_id, item, prepared, processed)

    def _ingest_one(self, run_id: int, item: Input) -> list[ItemReport]:
        """Ingest one file in this process (attachments of records)."""
        prepared = self._prepare(run_id, item)
        if isinstance(prepared, ItemReport):
            return [prepared]
        tagging = self._tagging if self.options.tag else None
        return self._commit(run_id, item, prepared, process_file(item.path, self.ctx, tagging))

    def _store_records(
        self, run_id: int, item: Input, prepared: Prepared, processed: Processed
    ) -> list[ItemReport]:
        results = []
        original = archive_original(self.settings, item.path, prepared.sha)
        for position, (entry, analysis) in enumerate(
            zip(processed.extracted, processed.analyses, strict=True), 1
        ):
            part = entry.part or f"#{position}"
            source = f"{item.source}{part if part.startswith('#') else '#' + part}"
            part_started = time.perf_counter()
            if source in self._done:
                continue
            if isinstance(entry, RecordFailure):
                results.append(self._fail(run_id, source, entry.error, part_started))
                continue
            results.append(
                self._store(
                    run_id, item, source, entry, analysis, None, part_started, original=original
                )
            )
        if not results:
            results.append(
                ItemReport(
                    item.source,
                    "duplicate",
                    message="every record already done in this run",
                    duration_s=time.perf_counter() - prepared.started,
                )
            )
        return results

    def _store(
        self,
        run_id: int,
        item: Input,
        source: str,
        extracted: ExtractedDocument,
        analysis: Any,
        sha: str | None,
        started: float,
        original: str | None = None,
    ) -> ItemReport:
        """Store one extracted document (a file, or one record of a file)."""
        try:
            if sha is not None:
                original = archive_original(self.settings, item.path, sha)
                doc_sha = sha
                size: int | None = item.path.stat().st_size
            else:
                doc_sha = content_sha256(extracted)
                size = None
            with self.catalogue.transaction() as session:
                stored = store_extracted(
                    session,
                    extracted,
                    path=item.path,
                    source=source,
                    sha256=doc_sha,
                    original_path=original,
                    size_bytes=size,
                )
                doc_id = stored.document_id
                if doc_id is None:  # a deleted record that was never here
                    return self._finish(run_id, source, "skipped", started, message=stored.message)
                outcome = stored.outcome
                warning_code, message = stored_warning(extracted, outcome, stored.message)
                if stored.document is not None and analysis is not None and self._tagging:
                    self._tagging.apply(session, stored.document, analysis, run_id)
                if outcome != "duplicate":
                    self._pending_index.append(doc_id)
                record_item(
                    session,
                    run_id=run_id,
                    source=source,
                    outcome=outcome,
                    sha256=None if outcome == "deleted" else doc_sha,
                    document_id=None if outcome == "deleted" else doc_id,
                    error_code=warning_code,
                    message=message,
                    duration_s=time.perf_counter() - started,
                    pages=None if outcome == "deleted" else len(extracted.pages),
                )
            if outcome not in ("duplicate", "deleted") and extracted.attachments:
                self._link_attachments(run_id, item, doc_id, extracted.attachments)
            deleted = outcome == "deleted"
            return ItemReport(
                source,
                outcome,
                doc_id,
                error_code=warning_code,
                message=None if deleted else message,
                duration_s=time.perf_counter() - started,
                pages=None if deleted else len(extracted.pages),
            )
        except IngestError as exc:
            return self._fail(run_id, source, exc, started, sha)
        except IntegrityError:
            # Another process sharing the catalogue stored the same content first
            # (unique sha256 / external_id): this input is then a duplicate of it.
            return self._store_conflict(run_id, source, doc_sha, extracted, started, sha)

    def _store_conflict(
        self,
        run_id: int,
        source: str,
        doc_sha: str,
        extracted: ExtractedDocument,
        started: float,
        sha: str | None,
    ) -> ItemReport:
        with self.catalogue.session() as session:
            same_id = stored_meanwhile(session, doc_sha, extracted.external_id)
        if same_id is None:  # a conflict on other rows: fail this input, not the batch
            error = CatalogueError(
                f"{source}: a concurrent change of the catalogue refused this document",
                hint="Ingest the file again: `recueil ingest FILE`.",
            )
            return self._fail(run_id, source, error, started, sha)
        return self._finish(
            run_id,
            source,
            "duplicate",
            started,
            sha=sha,
            document_id=same_id,
            message=f"same content as document {same_id} (stored meanwhile by another ingest)",
        )

    def _link_attachments(
        self, run_id: int, item: Input, notice_id: int, names: Iterable[str]
    ) -> None:
        """Ingest the PDFs a record points to (when available locally) and link them to it."""
        folders = [item.path.parent]
        if self.options.attachments_dir:
            folders.append(self.options.attachments_dir)
        for found in resolve_attachments(names, folders):
            attachment = Input(found, source_name(found))
            results = self._ingest_one(run_id, attachment)
            doc_ids = [r.document_id for r in results if r.document_id is not None]
            if doc_ids:
                with self.catalogue.transaction() as session:
                    document = session.get(Document, doc_ids[0])
                    if document is not None and document.id != notice_id:
                        document.attached_to_id = notice_id
                        document.updated_at = utcnow()

    # -- outcomes -------------------------------------------------------------

    def _finish(
        self,
        run_id: int,
        source: str,
        outcome: str,
        started: float,
        *,
        sha: str | None = None,
        document_id: int | None = None,
        message: str | None = None,
        error_code: str | None = None,
    ) -> ItemReport:
        duration = time.perf_counter() - started
        message = readable(message) if message else message  # a name's non-UTF-8 bytes
        with self.catalogue.transaction() as session:
            record_item(
                session,
                run_id=run_id,
                source=source,
                outcome=outcome,
                sha256=sha,
                document_id=document_id,
                error_code=error_code,
                message=message,
                duration_s=duration,
            )
        return ItemReport(source, outcome, document_id, error_code, message, duration)

    def _skip(
        self, run_id: int, source: str, message: str, started: float, sha: str | None = None
    ) -> ItemReport:
        return self._finish(run_id, source, "skipped", started, sha=sha, message=message)

    def _fail(
        self, run_id: int, source: str, error: RecueilError, started: float, sha: str | None = None
    ) -> ItemReport:
        outcome = "skipped" if error.code == "E101" else "failed"
        return self._finish(
            run_id, source, outcome, started, sha=sha, error_code=error.code, message=error.message
        )

    # -- index ------------------------------------------------------------------

    def _flush_index(self) -> None:
        if not self._pending_index or not self.options.index:
            self._pending_index.clear()
            return
        ids, self._pending_index = self._pending_index, []
        from recueil.index import update_documents

        try:
            update_documents(self.settings, self.catalogue, ids)
        except RecueilError as exc:
            self._index_error = f"{exc.message} (run `recueil index sync` to catch up)"
            log.warning("index not updated: %s", self._index_error)


def default_jobs() -> int:
    """One worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def ingest_paths(
    catalogue: Catalogue,
    paths: Sequence[str | Path],
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Ingest files, folders or globs into the catalogue (library entry point)."""
    options = options or IngestOptions()
    tagging = None
    if options.tag:
        from recueil.ingest.tagging_step import TaggingStep

        tagging = TaggingStep(catalogue.settings)
    return IngestPipeline(catalogue, options, tagging).run(paths, progress)
