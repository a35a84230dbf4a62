"""The one writer: decide what an extracted document is to the catalogue, and store it.

``decide`` looks the document up (by record id, then by content); ``store``
adds, updates or deletes it and records its item, all in the caller's
transaction. Only the pipeline's process writes, so workers never contend.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from recueil.catalogue.bulk import insert_rows
from recueil.catalogue.models import (
    Base,
    Document,
    IngestionItem,
    MetadataEntry,
    Outcome,
    Page,
    utcnow,
)
from recueil.catalogue.repository import apply_analysis, sync_themes
from recueil.ingest.base import ExtractedDocument
from recueil.ingest.discover import readable
from recueil.ingest.newrows import NewDocument, document_values, insert_documents
from recueil.ingest.outcomes import ItemReport, stored_warning

if TYPE_CHECKING:
    from recueil.ingest.stages import RunContext, Unit, Verdict

MAX_META_VALUE = 20_000
IN_CHUNK = 500  # values per IN (...) list
TABLES = (Page.__tablename__, MetadataEntry.__tablename__, IngestionItem.__tablename__)


def content_sha256(extracted: ExtractedDocument) -> str:
    """Fingerprint of a record's content: same record, same text -> same hash."""
    payload = {
        "title": extracted.title,
        "pages": [p.text for p in extracted.pages],
        "metadata": sorted(extracted.metadata),
        "hints": sorted(extracted.date_hints),
        "attachments": sorted(extracted.attachments),
    }
    return hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


def find_by_sha(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def find_by_external_id(session: Session, external_id: str) -> Document | None:
    return session.scalar(select(Document).where(Document.external_id == external_id))


class Lookup:
    """The catalogue documents a batch of units may touch, fetched in two queries.

    Kept up to date as the batch stores, so each unit sees what the ones
    before it in the same transaction did.
    """

    def __init__(self, session: Session, units: Sequence[Unit]) -> None:
        self.by_external: dict[str, Document | NewDocument] = {}
        self.by_sha: dict[str, Document | NewDocument] = {}
        external_ids = sorted({u.extracted.external_id for u in units if u.extracted.external_id})
        shas = sorted({u.sha256 for u in units})
        for start in range(0, len(external_ids), IN_CHUNK):
            chunk = external_ids[start : start + IN_CHUNK]
            for found in session.scalars(select(Document).where(Document.external_id.in_(chunk))):
                self.remember(found)
        for start in range(0, len(shas), IN_CHUNK):
            chunk = shas[start : start + IN_CHUNK]
            for found in session.scalars(select(Document).where(Document.sha256.in_(chunk))):
                self.remember(found)

    def remember(self, document: Document | NewDocument) -> None:
        if document.external_id:
            self.by_external[document.external_id] = document
        if document.sha256:
            self.by_sha[document.sha256] = document

    def forget(self, document: Document | NewDocument) -> None:
        if document.external_id and self.by_external.get(document.external_id) is document:
            del self.by_external[document.external_id]
        if document.sha256 and self.by_sha.get(document.sha256) is document:
            del self.by_sha[document.sha256]


@dataclass(slots=True)
class Decision:
    """What one extracted document is to the catalogue, before anything is written."""

    outcome: Outcome
    # The document to update or delete, or the one already holding this content.
    document: Document | NewDocument | None = None
    message: str | None = None  # "{id}" stands for the document's id (known once flushed)


def decide(lookup: Lookup, unit: Unit) -> Decision:
    """Add, update, delete, or a duplicate: by record id first, then by content."""
    extracted = unit.extracted
    known = lookup.by_external.get(extracted.external_id) if extracted.external_id else None
    if extracted.deleted:
        if known is None:
            return Decision(Outcome.SKIPPED, message="deleted record not in the catalogue")
        message = "record deleted at the source; document {id} removed"
        return Decision(Outcome.DELETED, known, message)
    if known is not None and known.sha256 == unit.sha256:
        return Decision(Outcome.DUPLICATE, known, "unchanged; document {id}")
    if known is None and (same := lookup.by_sha.get(unit.sha256)) is not None:
        return Decision(Outcome.DUPLICATE, same, "same content as document {id}")
    return Decision(Outcome.UPDATED if known is not None else Outcome.ADDED, known)


@dataclass(slots=True)
class _Done:
    report: ItemReport
    sha256: str | None
    decision: Decision | None = None
    unit: Unit | None = None


class BatchWriter:
    """Stores the units and records the verdicts of one transaction.

    New documents without an analysis go in with one bulk insert (newrows.py);
    the others go through the ORM (tagging writes their relationships) and are
    flushed together; their pages, metadata entries and every item of the batch
    then go in with one bulk statement per table.
    """

    def __init__(self, session: Session, run: RunContext, units: Sequence[Unit]) -> None:
        self.session = session
        self.run = run
        self.lookup = Lookup(session, units)
        self._done: list[_Done] = []
        self._new: list[NewDocument] = []  # added by this batch, not inserted yet

    def store(self, unit: Unit) -> ItemReport:
        """Decide and carry out; the report is complete once ``finish`` has run."""
        decision = decide(self.lookup, unit)
        if isinstance(decision.document, NewDocument) and decision.outcome is not Outcome.DUPLICATE:
            decision.document = self._persisted(decision.document)  # changed again in this batch
        if decision.outcome is Outcome.DELETED and decision.document is not None:
            self.lookup.forget(decision.document)
            self.session.delete(decision.document)
        elif decision.outcome is Outcome.ADDED and unit.analysis is None:
            decision.document = NewDocument(document_values(unit))
            self._new.append(decision.document)
            self.lookup.remember(decision.document)
        elif decision.outcome in (Outcome.ADDED, Outcome.UPDATED):
            assert not isinstance(decision.document, NewDocument)
            document = decision.document or Document(source=unit.source, kind=unit.extracted.kind)
            self.lookup.forget(document)
            fill_document(document, unit)
            self.session.add(document)
            self.lookup.remember(document)
            decision.document = document
            if unit.analysis is not None and self.run.tagging is not None:
                sync_themes(self.session, self.run.tagging.themes)
                apply_analysis(self.session, document, unit.analysis, self.run.run_id)
        # Only a document the catalogue keeps gives the item its hash, id and pages.
        kept = decision.document is not None and decision.outcome is not Outcome.DELETED
        # A stored document's warnings (W120 …) give its item a code and a message;
        # the other messages name a document whose id is filled in at ``finish``.
        code, message = stored_warning(unit.extracted, decision.outcome, decision.message)
        report = ItemReport(
            unit.source,
            decision.outcome,
            error_code=code,
            message=message,
            duration_s=time.perf_counter() - unit.started,
            pages=len(unit.extracted.pages) if kept else None,
        )
        self._done.append(_Done(report, unit.sha256 if kept else None, decision, unit))
        return report

    def record(self, verdict: Verdict) -> ItemReport:
        """Record an outcome reached without storing a document."""
        report = ItemReport(
            verdict.source,
            verdict.outcome,
            verdict.document_id,
            verdict.error_code,
            readable(verdict.message) if verdict.message else None,  # a name's non-UTF-8 bytes
            time.perf_counter() - verdict.started,
        )
        if verdict.recorded:
            self._done.append(_Done(report, verdict.sha256))
        return report

    def _persisted(self, new: NewDocument) -> Document:
        """The catalogue document of a row this batch added (inserted now), to change it."""
        insert_documents(self.session, self._new)
        self._new = []
        assert new.id is not None
        document = self.session.get_one(Document, new.id)
        self.lookup.forget(new)
        self.lookup.remember(document)
        return document

    def finish(self) -> list[int]:
        """Flush the documents, bulk-insert rows and items; the ids whose index changes."""
        self.session.flush()
        insert_documents(self.session, self._new)
        self._new = []
        changed: list[int] = []
        replaced: list[int] = []
        # The content of each document, from the last unit that stored it in this batch.
        contents: dict[int, tuple[Unit, str]] = {}
        for done in self._done:
            decision, unit = done.decision, done.unit
            if decision is None or decision.document is None or unit is None:
                continue
            doc_id = decision.document.id
            assert doc_id is not None
            if decision.message and decision.outcome not in (Outcome.ADDED, Outcome.UPDATED):
                done.report.message = decision.message.format(id=doc_id)
            if decision.outcome is not Outcome.DELETED:
                done.report.document_id = doc_id
            if decision.outcome in (Outcome.ADDED, Outcome.UPDATED, Outcome.DELETED):
                changed.append(doc_id)
            if decision.outcome in (Outcome.ADDED, Outcome.UPDATED):
                if decision.outcome is Outcome.UPDATED:
                    replaced.append(doc_id)
                contents[doc_id] = (unit, decision.document.source)
        pages = [row for i, (u, _s) in contents.items() for row in page_rows(i, u)]
        entries = [row for i, (u, s) in contents.items() for row in metadata_rows(i, u, s)]
        self._insert(replaced, pages, entries)
        return changed

    def _insert(
        self, replaced: list[int], pages: list[dict[str, Any]], entries: list[dict[str, Any]]
    ) -> None:
        conn = self.session.connection()
        page, entry, item = (Base.metadata.tables[n] for n in TABLES)
        if replaced:
            conn.execute(delete(page).where(page.c.document_id.in_(replaced)))
            conn.execute(delete(entry).where(entry.c.document_id.in_(replaced)))
        insert_rows(conn, page, pages)
        insert_rows(conn, entry, entries)
        now = utcnow()
        items = [
            {
                "run_id": self.run.run_id,
                "source": d.report.source,
                "outcome": d.report.outcome,
                "sha256": d.sha256,
                "document_id": d.report.document_id,
                "error_code": d.report.error_code,
                "message": d.report.message,
                "duration_s": d.report.duration_s,
                "pages": d.report.pages,
                "finished_at": now,
            }
            for d in self._done
        ]
        insert_rows(conn, item, items)
        for done in self._done:
            decision = done.decision
            if (
                decision is not None
                and isinstance(decision.document, Document)
                and decision.outcome in (Outcome.ADDED, Outcome.UPDATED)
            ):
                self.session.expire(decision.document, ["pages", "metadata_entries"])


def stored_meanwhile(session: Session, sha256: str, external_id: str | None) -> int | None:
    """The id of the document another process stored with this content or record id."""
    same = find_by_sha(session, sha256)
    if same is None and external_id:
        same = find_by_external_id(session, external_id)
    return same.id if same is not None else None


def fill_document(document: Document, unit: Unit) -> None:
    """Copy a unit's extraction result onto a (new or existing) catalogue document."""
    for key, value in document_values(unit).items():
        setattr(document, key, value)


def replace_content(session: Session, document: Document, unit: Unit) -> None:
    """Put a fresh extraction of a stored document in place of its pages and metadata."""
    fill_document(document, unit)
    session.flush()
    page, entry = (Base.metadata.tables[n] for n in TABLES[:2])
    conn = session.connection()
    conn.execute(delete(page).where(page.c.document_id == document.id))
    conn.execute(delete(entry).where(entry.c.document_id == document.id))
    if rows := page_rows(document.id, unit):
        conn.execute(insert(page), rows)
    if rows := metadata_rows(document.id, unit, document.source):
        conn.execute(insert(entry), rows)
    session.expire(document, ["pages", "metadata_entries"])


def page_rows(doc_id: int, unit: Unit) -> list[dict[str, Any]]:
    return [
        {
            "document_id": doc_id,
            "number": p.number,
            "text": p.text,
            "origin": p.origin,
            "garbage_ratio": p.garbage_ratio,
            "needs_ocr": p.needs_ocr,
        }
        for p in unit.extracted.pages
    ]


def metadata_rows(doc_id: int, unit: Unit, document_source: str) -> list[dict[str, Any]]:
    """Raw metadata as found, plus where the document came from and the format's dates."""
    extracted = unit.extracted
    entries = [
        (ns, key, value)
        for ns, key, value in extracted.metadata
        if value is not None and str(value).strip()
    ]
    if extracted.source_url:
        entries.append(("source", "url", extracted.source_url))
    if unit.source != document_source:
        entries.append(("source", "file", unit.source))
    entries.extend(("date-hint", origin, raw) for raw, origin in extracted.date_hints)
    return [
        {
            "document_id": doc_id,
            "namespace": ns,
            "key": key[:120],
            "value": str(value)[:MAX_META_VALUE],
        }
        for ns, key, value in entries
    ]
