"""Ingestion runs: ``ingest_paths`` drives every input through the stages (stages.py).

Every input ends as an ``IngestionItem`` with an outcome (added, updated,
duplicate, skipped, deleted, failed). Each input is stored in its own
transaction together with its items, so a crash loses at most the input in
progress and ``--resume`` continues where the run stopped. The index is
updated after the catalogue commits; if that fails, ``recueil index sync``
catches up from the catalogue.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.catalogue.models import Document, Outcome, RunStatus, utcnow
from recueil.config import Settings
from recueil.errors import CatalogueError, FileReadError, RecueilError
from recueil.ingest.archive import archive_original
from recueil.ingest.base import ExtractContext
from recueil.ingest.discover import Input, discover, source_name
from recueil.ingest.outcomes import IngestOptions, ItemReport, Progress, RunReport
from recueil.ingest.runs import close_run, open_run, reopen_run, resolve_attachments, run_inputs
from recueil.ingest.stages import Item, RunContext, Unit, Verdict, screen, units
from recueil.ingest.tagging_step import TaggingStep
from recueil.ingest.work import Processed, process_file, process_in_order
from recueil.ingest.writer import decide, record, store, stored_meanwhile

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
        return Ingestion(settings, catalogue, options, tagging).run(inputs, resume, progress)
    finally:
        if owned:
            catalogue.close()


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
                results = self._commit(run, item, processed)
                report.items.extend(results)
                if progress:
                    progress(item.input, results[-1] if results else None)
                if len(self._to_index) >= INDEX_BATCH:
                    self._flush_index()
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
                    "ocr": options.ocr,
                    "max_bytes": options.max_bytes,
                    "timeout_s": options.timeout_s,
                    "jobs": options.jobs,
                }
                run_id, done = open_run(session, arguments), set()
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
            self.settings, self.catalogue, options, extract, run_id, frozenset(done), tagging
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
            with self.catalogue.transaction() as session:
                result = record(session, run.run_id, verdict)
            report.items.append(result)
            if progress:
                progress(found, result)

    # -- decide and store ------------------------------------------------------------

    def _commit(self, run: RunContext, item: Item, processed: Processed) -> list[ItemReport]:
        """Store what extraction found in one file, in one transaction."""
        found = units(run, item, processed)
        try:
            reports, linked = self._store_all(run, found)
        except IntegrityError:
            # Another process sharing the catalogue stored some of it first:
            # store the units one by one, each conflict becoming its own outcome.
            reports, linked = [], []
            for one in found:
                try:
                    done, links = self._store_all(run, [one])
                except IntegrityError:
                    assert isinstance(one, Unit)
                    done, links = [self._conflict(run, one)], []
                reports.extend(done)
                linked.extend(links)
        for unit, document_id in linked:
            self._link_attachments(run, unit, document_id)
        return reports

    def _store_all(
        self, run: RunContext, found: Sequence[Unit | Verdict]
    ) -> tuple[list[ItemReport], list[tuple[Unit, int]]]:
        """Store units and record verdicts in one transaction; which notices to link after."""
        reports: list[ItemReport] = []
        linked: list[tuple[Unit, int]] = []
        to_index: list[int] = []
        with self.catalogue.transaction() as session:
            for one in found:
                if isinstance(one, Verdict):
                    reports.append(record(session, run.run_id, one))
                    continue
                try:
                    original = archive_original(self.settings, one.path, one.file_sha256)
                except OSError as exc:
                    error = FileReadError(f"cannot archive {one.path.name}: {exc.strerror or exc}")
                    failure = Verdict.failure(one.source, error, one.started, one.file_sha256)
                    reports.append(record(session, run.run_id, failure))
                    continue
                decision = decide(session, one)
                if decision.outcome is Outcome.DELETED and decision.document is not None:
                    to_index.append(decision.document.id)  # leaves the index too
                result = store(session, run, one, decision, original)
                reports.append(result)
                if result.outcome in (Outcome.ADDED, Outcome.UPDATED):
                    assert result.document_id is not None
                    to_index.append(result.document_id)
                    if one.extracted.attachments:
                        linked.append((one, result.document_id))
        self._to_index.extend(to_index)  # once committed
        return reports, linked

    def _conflict(self, run: RunContext, unit: Unit) -> ItemReport:
        with self.catalogue.session() as session:
            same_id = stored_meanwhile(session, unit.sha256, unit.extracted.external_id)
        if same_id is None:  # a conflict on other rows: fail this input, not the batch
            error = CatalogueError(
                f"{unit.source}: a concurrent change of the catalogue refused this document",
                hint="Ingest the file again: `recueil ingest FILE`.",
            )
            verdict = Verdict.failure(unit.source, error, unit.started, unit.sha256)
        else:
            message = f"same content as document {same_id} (stored meanwhile by another ingest)"
            verdict = Verdict(
                unit.source, Outcome.DUPLICATE, unit.started, unit.sha256, same_id, message
            )
        with self.catalogue.transaction() as session:
            return record(session, run.run_id, verdict)

    def _link_attachments(self, run: RunContext, notice: Unit, notice_id: int) -> None:
        """Ingest the PDFs a record points to (when available locally) and link them to it."""
        folders = [notice.path.parent]
        if self.options.attachments_dir:
            folders.append(self.options.attachments_dir)
        for found in resolve_attachments(notice.extracted.attachments, folders):
            item = Item(Input(found, source_name(found)), time.perf_counter())
            verdict = screen(run, item)
            if verdict is not None:
                with self.catalogue.transaction() as session:
                    results = [record(session, run.run_id, verdict)]
            else:
                results = self._commit(run, item, process_file(found, run.extract, run.tagging))
            doc_ids = [r.document_id for r in results if r.document_id is not None]
            if doc_ids:
                with self.catalogue.transaction() as session:
                    document = session.get(Document, doc_ids[0])
                    if document is not None and document.id != notice_id:
                        document.attached_to_id = notice_id
                        document.updated_at = utcnow()

    # -- index -----------------------------------------------------------------------

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
