"""The typed stages of ingesting one input, over one per-item context.

    discover (screen) -> extract + analyse (work.py) -> units -> decide -> store -> index

``screen`` does the cheap checks (missing, documentation, size, hash,
duplicate) before any extraction; ``units`` turns what extraction found into
documents to store (the file itself, or each record of a records file) or
final verdicts; ``decide`` and ``store`` (writer.py) write them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Outcome
from recueil.config import Settings
from recueil.errors import (
    FileReadError,
    FileTooLargeError,
    IngestError,
    RecueilError,
    UnsupportedFileError,
)
from recueil.ingest.archive import archive_relpath, sha256_file
from recueil.ingest.base import ExtractContext, ExtractedDocument, RecordFailure
from recueil.ingest.discover import Input, is_documentation
from recueil.ingest.outcomes import IngestOptions
from recueil.ingest.work import Processed
from recueil.ingest.writer import content_sha256, find_by_sha

if TYPE_CHECKING:
    from recueil.ingest.tagging_step import TaggingStep
    from recueil.tagging.analyse import Analysis


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every stage of one run shares; never changes during the run."""

    settings: Settings
    catalogue: Catalogue
    options: IngestOptions
    extract: ExtractContext
    run_id: int
    done: frozenset[str]  # sources already recorded by this run (resume)
    tagging: TaggingStep | None
    # Hashes of the catalogue's documents (read once, then kept up to date by this run),
    # so that screening a new file costs no query. Another process's additions are
    # caught at ``decide``, inside the transaction.
    known_sha256: set[str]


@dataclass(slots=True)
class Item:
    """One input on its way through the stages."""

    input: Input
    started: float
    sha256: str = ""  # of the file, once screened
    size_bytes: int = 0


class UnitKind(StrEnum):
    FILE = "file"  # the file is the document: its hash, its size, its own original
    RECORD = "record"  # one record of a records file: hashed by content, no size of its own


@dataclass(slots=True)
class Unit:
    """One document to decide on and store."""

    kind: UnitKind
    source: str
    path: Path
    file_sha256: str  # the archived original (for a record: the records file)
    sha256: str  # of the document: the file's, or a record's content hash
    extracted: ExtractedDocument
    analysis: Analysis | None
    started: float
    size_bytes: int | None = None

    @property
    def original(self) -> str:
        """Where the archive keeps the original (of the records file, for a record)."""
        return archive_relpath(self.file_sha256, self.path.suffix)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A final outcome reached without storing a document."""

    source: str
    outcome: Outcome
    started: float
    sha256: str | None = None
    document_id: int | None = None
    message: str | None = None
    error_code: str | None = None
    recorded: bool = True  # False: reported, but leaves no item in the run

    @classmethod
    def failure(
        cls, source: str, error: RecueilError, started: float, sha256: str | None = None
    ) -> Verdict:
        # A file of a kind recueil does not read is skipped, not failed.
        skipped = isinstance(error, UnsupportedFileError)
        outcome = Outcome.SKIPPED if skipped else Outcome.FAILED
        return cls(source, outcome, started, sha256, None, error.message, error.code)


def screen(run: RunContext, item: Item) -> Verdict | None:
    """Checks before any extraction: missing, documentation, size, hash, duplicate."""
    source, path = item.input.source, item.input.path
    try:
        if item.input.missing:
            raise FileReadError(f"no such file or folder: {source}")
        if item.input.unreadable:
            raise FileReadError(item.input.unreadable)
        if is_documentation(path):
            message = "documentation file (README), not a document"
            return Verdict(source, Outcome.SKIPPED, item.started, message=message)
        item.size_bytes = path.stat().st_size
        if item.size_bytes > run.options.max_bytes:
            raise FileTooLargeError(
                f"{path.name} is {item.size_bytes / 1e6:.1f} MB, above the limit of "
                f"{run.options.max_bytes / 1e6:.0f} MB"
            )
        item.sha256 = sha256_file(path)
    except IngestError as exc:
        return Verdict.failure(source, exc, item.started)
    except OSError as exc:
        error = FileReadError(f"cannot read {path.name}: {exc.strerror or exc}")
        return Verdict.failure(source, error, item.started)
    if item.sha256 not in run.known_sha256:
        return None
    with run.catalogue.session() as session:
        existing = find_by_sha(session, item.sha256)
        existing_id = existing.id if existing else None
    if existing_id is None:
        return None
    return Verdict(
        source,
        Outcome.DUPLICATE,
        item.started,
        item.sha256,
        existing_id,
        message=f"same content as document {existing_id}",
    )


def units(run: RunContext, item: Item, processed: Processed) -> list[Unit | Verdict]:
    """What extraction found in one file: documents to store, or final verdicts."""
    source, started = item.input.source, item.started
    if processed.error is not None:
        return [Verdict.failure(source, processed.error, started, item.sha256)]
    found = processed.extracted
    if not found:
        message = "the file holds no document"
        return [Verdict(source, Outcome.SKIPPED, started, item.sha256, message=message)]
    first = found[0]
    if len(found) == 1 and isinstance(first, ExtractedDocument) and first.part is None:
        unit = Unit(
            UnitKind.FILE,
            source,
            item.input.path,
            item.sha256,
            item.sha256,
            first,
            processed.analyses[0],
            started,
            item.size_bytes,
        )
        return [unit]
    result: list[Unit | Verdict] = []
    for position, (entry, analysis) in enumerate(zip(found, processed.analyses, strict=True), 1):
        part = entry.part or f"#{position}"
        record_source = f"{source}{part if part.startswith('#') else '#' + part}"
        if record_source in run.done:
            continue
        now = time.perf_counter()
        if isinstance(entry, RecordFailure):
            result.append(Verdict.failure(record_source, entry.error, now))
            continue
        path, sha256 = item.input.path, content_sha256(entry)
        kind = UnitKind.RECORD
        result.append(Unit(kind, record_source, path, item.sha256, sha256, entry, analysis, now))
    if not result:
        message = "every record already done in this run"
        verdict = Verdict(source, Outcome.DUPLICATE, started, message=message, recorded=False)
        result.append(verdict)
    return result
