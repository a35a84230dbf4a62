"""Ingestion runs: ``ingest_paths`` drives every input through the stages (stages.py).

Every input ends as an ``IngestionItem`` with an outcome (added, updated,
duplicate, skipped, deleted, failed). Inputs are stored in small batches
(batching.py), each document together with its item, so a crash loses at
most the batch in progress and ``--resume`` continues where the run stopped.
The index is updated after the catalogue commits; if that fails, ``recueil
index sync`` catches up from the catalogue.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.catalogue.models import Document, RunStatus, utcnow
from recueil.config import Settings
from recueil.errors import RecueilError
from recueil.ingest import attachments
from recueil.ingest.base import ExtractContext
from recueil.ingest.batching import Batch, Pending, write
from recueil.ingest.discover import Input, discover, locator, source_name
from recueil.ingest.outcomes import IngestOptions, ItemReport, Progress, RunReport
from recueil.ingest.runs import close_run, open_run, reopen_run, run_inputs
from recueil.ingest.stages import Item, RunContext, Unit, Verdict, screen, units
from recueil.ingest.tagging_step import TaggingStep
from recueil.ingest.work import process_file, process_in_order

__all__ = ["IngestOptions", "ItemReport", "RunReport", "default_jobs", "ingest_paths"]

log = logging.getLogger(__name__)

INDEX_BATCH = 50


def ingest_paths(
    settings: Settings,
    paths: Sequence[str | Path] = (),
    options: IngestOptions | None = None,
    *,
    resume: int | None = None,
    progress: Progress | None = None,
    catalogue: Catalogue | None = None,
) -> RunReport:
    """Ingest files, folders or globs into the catalogue (the library entry point).

    ``resume`` continues an interrupted run (with its own inputs when ``paths``
    is empty), skipping what it already recorded. The catalogue of ``settings``
    is opened for the run unless an open ``catalogue`` is given.
    """
    options = options or IngestOptions()
    owned = catalogue is None
    catalogue = catalogue or open_catalogue(settings)
    try:
        if not paths and resume is not None:
            paths = run_inputs(catalogue, resume)
        inputs = discover(paths)
        if progress is not None:
            progress.start(len(inputs))
        tagging = TaggingStep(settings) if options.tag else None
        with long_lived_frozen():
            return Ingestion(settings, catalogue, options, tagging).run(inputs, resume, progress)
    finally:
        if owned:
            catalogue.close()


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Keep the objects alive when a run starts (modules, the catalogue's engine, a model)
    out of the garbage collector's scans while it runs, and out of the pages that forked
    workers would copy: a quarter of the CPU time of a records import went to rescanning
    them. They go back to the collector's care when the run ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def default_jobs() -> int:
    """One worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class Ingestion:
    """One run over a list of inputs; this process is the catalogue's only writer."""

    settings: Settings
    catalogue: Catalogue
    options: IngestOptions
    tagging: TaggingStep | None
    batch: Batch = field(default_factory=Batch)
    _to_index: list[int] = field(default_factory=list)
    _index_error: str | None = None

    def run(
        self, inputs: Sequence[Input], resume: int | None, progress: Progress | None
    ) -> RunReport:
        started = time.perf_counter()
        run = self._open(inputs, resume)
        report = RunReport(run.run_id)
        status = RunStatus.INTERRUPTED
        try:
            for item, processed in process_in_order(
                self._screened(run, inputs, report, progress),
                lambda item: item.input.path,
                run.extract,
                jobs=self.options.jobs,
                tagging=run.tagging,
            ):
                self.batch.add(item, units(run, item, processed))
                self._commit_due(run, report, progress)
            self._commit_due(run, report, progress, everything=True)
            if resume is not None:
                self._catch_up_index()
            status = RunStatus.FINISHED
        finally:
            self._flush_index()
            with self.catalogue.transaction() as session:
                close_run(session, run.run_id, status)
        report.duration_s = time.perf_counter() - started
        report.index_error = self._index_error
        return report

    def _open(self, inputs: Sequence[Input], resume: int | None) -> RunContext:
        options = self.options
        with self.catalogue.transaction() as session:
            if resume is not None:
                run_id, done = reopen_run(session, resume)
            else:
                arguments = {
                    "inputs": [i.source for i in inputs],
                    # What --resume reads back: the exact bytes of each name (NFD, not UTF-8...).
                    "paths": [locator(i.path) for i in inputs],
                    "ocr": options.ocr,
                    "max_bytes": options.max_bytes,
                    "timeout_s": options.timeout_s,
                    "jobs": options.jobs,
                }
                run_id, done = open_run(session, arguments), set()
            hashes = select(Document.sha256).where(Document.sha256.is_not(None))
            known = {sha for sha in session.scalars(hashes) if sha}
        extract = ExtractContext(
            settings=self.settings,
            password=options.password,
            max_bytes=options.max_bytes,
            timeout_s=options.timeout_s,
            ocr=options.ocr,
            attachments_dir=options.attachments_dir,
        )
        tagging = self.tagging if options.tag else None
        return RunContext(
            self.settings,
            self.catalogue,
            options,
            extract,
            run_id,
            frozenset(done),
            tagging,
            known,
        )

    def _screened(
        self, run: RunContext, inputs: Sequence[Input], report: RunReport, progress: Progress | None
    ) -> Iterator[Item]:
        """The inputs that need extraction; the others end here, in this process."""
        for found in inputs:
            if found.source in run.done:
                if progress:
                    progress(found, None)
                continue
            item = Item(found, time.perf_counter())
            verdict = screen(run, item)
            if verdict is None:
                yield item
                continue
            self.batch.add(item, [verdict])
            self._commit_due(run, report, progress)

    def _commit_due(
        self,
        run: RunContext,
        report: RunReport,
        progress: Progress | None,
        *,
        everything: bool = False,
    ) -> None:
        """Commit the waiting inputs when the batch is due (or all of them)."""
        while self.batch.due() or (everything and self.batch.pending):
            written = write(run, self.batch.take())
            self._to_index.extend(written.to_index)
            for entry in written.pending:
                report.items.extend(entry.reports)
                if progress and entry.closes:
                    progress(entry.item.input, entry.reports[-1] if entry.reports else None)
            for notice, document_id in written.notices:
                report.items.extend(self._link_attachments(run, notice, document_id))
            if len(self._to_index) >= INDEX_BATCH:
                self._flush_index()

    def _link_attachments(self, run: RunContext, notice: Unit, notice_id: int) -> list[ItemReport]:
        """Ingest the files a record points to inside the allowed folders and link them to
        it; every reference outside them is refused (E111), the notice itself kept."""
        folders = attachments.allowed_folders(
            notice.path, self.options.attachments_dir, self.settings.home
        )
        refusals: list[Pending] = []
        found_refs = attachments.resolve_attachments(
            notice.extracted.attachments, folders, notice.path
        )
        for found in found_refs:
            if isinstance(found, attachments.AttachmentRefusal):
                refused = Input(notice.path, f"{notice.source} -> {found.reference}")
                started = time.perf_counter()
                refusal = Verdict.failure(refused.source, found.error(), started)
                refusals.append(Pending(Item(refused, started), [refusal]))
                continue
            item = Item(Input(found, source_name(found)), time.perf_counter())
            verdict = screen(run, item)
            if verdict is not None:
                parts: list[Unit | Verdict] = [verdict]
            else:
                parts = units(run, item, process_file(found, run.extract, run.tagging))
            written = write(run, [Pending(item, parts)])
            self._to_index.extend(written.to_index)
            results = written.pending[0].reports
            doc_ids = [r.document_id for r in results if r.document_id is not None]
            if doc_ids:
                with self.catalogue.transaction() as session:
                    document = session.get(Document, doc_ids[0])
                    if document is not None and document.id != notice_id:
                        document.attached_to_id = notice_id
                        document.updated_at = utcnow()
        if not refusals:
            return []
        return [report for entry in write(run, refusals).pending for report in entry.reports]

    # -- index -----------------------------------------------------------------------

    def _catch_up_index(self) -> None:
        """Index what the interrupted run stored but did not index (a crash or a full
        disk between the catalogue's commit and the index's)."""
        self._flush_index()
        if not self.options.index:
            return
        from recueil.index import sync

        try:
            sync(self.settings, self.catalogue)
        except RecueilError as exc:
            self._index_error = f"{exc.message} (run `recueil index sync` to catch up)"
            log.warning("index not caught up: %s", self._index_error)

    def _flush_index(self) -> None:
        if not self._to_index or not self.options.index:
            self._to_index.clear()
            return
        ids, self._to_index = self._to_index, []
        from recueil.index import update_documents

        try:
            update_documents(self.settings, self.catalogue, ids)
        except RecueilError as exc:
            self._index_error = f"{exc.message} (run `recueil index sync` to catch up)"
            log.warning("index not updated: %s", self._index_error)
