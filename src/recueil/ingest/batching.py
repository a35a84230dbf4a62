"""Group commits: several inputs per catalogue transaction, one outcome each.

A batch closes after ``MAX_UNITS`` documents or ``MAX_SECONDS`` seconds,
whichever comes first, so a crash loses at most the batch in progress (its
inputs have no item yet: ``--resume`` does them again) and a slow stream of
PDFs still commits often. The originals of a batch reach the disk with one
flush before the transaction that names them. When another process sharing
the catalogue wins a race on a unique row, the batch is rolled back and its
documents are stored one by one, the loser becoming a duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from recueil.catalogue.models import Outcome
from recueil.errors import CatalogueError, FileReadError
from recueil.ingest.archive import archive_many
from recueil.ingest.outcomes import ItemReport
from recueil.ingest.stages import Item, RunContext, Unit, Verdict
from recueil.ingest.writer import BatchWriter, stored_meanwhile

MAX_UNITS = 200
MAX_SECONDS = 0.5


@dataclass(slots=True)
class Pending:
    """Part of one input's results waiting for the next commit."""

    item: Item
    parts: list[Unit | Verdict]
    closes: bool = True  # the input's last part: report its progress once committed
    reports: list[ItemReport] = field(default_factory=list)


@dataclass(slots=True)
class Written:
    """What a committed batch did."""

    pending: list[Pending]
    to_index: list[int] = field(default_factory=list)  # added, updated and deleted documents
    notices: list[tuple[Unit, int]] = field(default_factory=list)  # records with attachments


@dataclass(slots=True)
class Batch:
    """The inputs waiting for the next commit."""

    pending: list[Pending] = field(default_factory=list)
    units: int = 0
    opened: float = 0.0

    def add(self, item: Item, parts: list[Unit | Verdict]) -> None:
        """Queue an input's results, in slices of at most ``MAX_UNITS`` (a records file)."""
        for start in range(0, max(len(parts), 1), MAX_UNITS):
            if not self.pending:
                self.opened = time.perf_counter()
            chunk = parts[start : start + MAX_UNITS]
            self.pending.append(Pending(item, chunk, closes=start + MAX_UNITS >= len(parts)))
            self.units += len(chunk)

    def due(self) -> bool:
        if not self.pending:
            return False
        return self.units >= MAX_UNITS or time.perf_counter() - self.opened >= MAX_SECONDS

    def take(self, limit: int = MAX_UNITS) -> list[Pending]:
        """The oldest pending parts, up to ``limit`` documents (at least one part)."""
        taken: list[Pending] = []
        count = 0
        while self.pending and (not taken or count + len(self.pending[0].parts) <= limit):
            head = self.pending.pop(0)
            taken.append(head)
            count += len(head.parts)
        self.units -= count
        self.opened = time.perf_counter()
        return taken


def write(run: RunContext, pending: list[Pending]) -> Written:
    """Archive the originals, then store every part in one transaction (or one by one)."""
    units = [p for entry in pending for p in entry.parts if isinstance(p, Unit)]
    archived = archive_many(run.settings, [(u.path, u.file_sha256) for u in units])
    try:
        return _transaction(run, pending, archived)
    except IntegrityError:
        written = Written(pending)
        for entry in pending:
            entry.reports = []
            for part in entry.parts:
                try:
                    one = _transaction(run, [Pending(entry.item, [part])], archived)
                except IntegrityError:
                    assert isinstance(part, Unit)
                    entry.reports.append(_conflict(run, part))
                    continue
                entry.reports.extend(one.pending[0].reports)
                written.to_index.extend(one.to_index)
                written.notices.extend(one.notices)
        return written


def _transaction(
    run: RunContext, pending: Sequence[Pending], archived: dict[str, OSError | None]
) -> Written:
    written = Written(list(pending))
    attaching: list[tuple[Unit, ItemReport]] = []
    with run.catalogue.transaction() as session:
        units = [p for entry in pending for p in entry.parts if isinstance(p, Unit)]
        writer = BatchWriter(session, run, units)
        for entry in pending:
            entry.reports = []
            for part in entry.parts:
                if isinstance(part, Unit) and (error := archived.get(part.original)) is not None:
                    problem = FileReadError(f"cannot archive {part.path.name}: {error}")
                    part = Verdict.failure(part.source, problem, part.started, part.file_sha256)
                if isinstance(part, Verdict):
                    entry.reports.append(writer.record(part))
                    continue
                report = writer.store(part)
                entry.reports.append(report)
                if part.extracted.attachments:
                    attaching.append((part, report))
        written.to_index = writer.finish()
    for unit, report in attaching:  # ids known once flushed
        if report.outcome in (Outcome.ADDED, Outcome.UPDATED) and report.document_id:
            written.notices.append((unit, report.document_id))
    return written


def _conflict(run: RunContext, unit: Unit) -> ItemReport:
    """Another process stored this content (or record) first: a duplicate of its document."""
    with run.catalogue.session() as session:
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
    with run.catalogue.transaction() as session:
        writer = BatchWriter(session, run, [])
        report = writer.record(verdict)
        writer.finish()
    return report
