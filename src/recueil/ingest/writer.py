"""The one writer: decide what an extracted document is to the catalogue, and store it.

``decide`` looks the document up (by record id, then by content); ``store``
adds, updates or deletes it and records its item, all in the caller's
transaction. Only the pipeline's process writes, so workers never contend.
"""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from recueil.catalogue.models import (
    Document,
    IngestionItem,
    MetadataEntry,
    Outcome,
    Page,
    utcnow,
)
from recueil.catalogue.repository import apply_analysis, sync_themes
from recueil.ingest.base import ExtractedDocument
from recueil.ingest.outcomes import ItemReport

if TYPE_CHECKING:
    from recueil.ingest.stages import RunContext, Unit, Verdict

MAX_META_VALUE = 20_000


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


@dataclass(slots=True)
class Decision:
    """What one extracted document is to the catalogue, before anything is written."""

    outcome: Outcome
    document: Document | None = None  # to update or delete
    same_id: int | None = None  # the document already holding this content
    message: str | None = None


def decide(session: Session, unit: Unit) -> Decision:
    """Add, update, delete, or a duplicate: by record id first, then by content."""
    extracted = unit.extracted
    known = find_by_external_id(session, extracted.external_id) if extracted.external_id else None
    if extracted.deleted:
        if known is None:
            return Decision(Outcome.SKIPPED, message="deleted record not in the catalogue")
        message = f"record deleted at the source; document {known.id} removed"
        return Decision(Outcome.DELETED, known, message=message)
    sha256 = unit.sha256
    if known is not None and known.sha256 == sha256:
        return Decision(
            Outcome.DUPLICATE, same_id=known.id, message=f"unchanged; document {known.id}"
        )
    if known is None and (same := find_by_sha(session, sha256)) is not None:
        message = f"same content as document {same.id}"
        return Decision(Outcome.DUPLICATE, same_id=same.id, message=message)
    return Decision(Outcome.UPDATED if known is not None else Outcome.ADDED, known)


def store(
    session: Session, run: RunContext, unit: Unit, decision: Decision, original: str
) -> ItemReport:
    """Carry out ``decision`` and record the unit's item; the report names the document kept."""
    document_id = decision.same_id
    if decision.outcome is Outcome.DELETED and decision.document is not None:
        session.delete(decision.document)
    elif decision.outcome in (Outcome.ADDED, Outcome.UPDATED):
        document = decision.document or Document(source=unit.source, kind=unit.extracted.kind)
        fill_document(session, document, unit, original)
        if unit.analysis is not None and run.tagging is not None:
            sync_themes(session, run.tagging.themes)
            apply_analysis(session, document, unit.analysis, run.run_id)
        document_id = document.id
    # Only a document the catalogue keeps gives the item its hash, id and pages.
    kept = document_id is not None
    report = ItemReport(
        unit.source,
        decision.outcome,
        document_id,
        message=decision.message,
        duration_s=time.perf_counter() - unit.started,
        pages=len(unit.extracted.pages) if kept else None,
    )
    record_item(session, run.run_id, report, unit.sha256 if kept else None)
    return report


def record(session: Session, run_id: int, verdict: Verdict) -> ItemReport:
    """Record an outcome reached without storing a document."""
    report = ItemReport(
        verdict.source,
        verdict.outcome,
        verdict.document_id,
        verdict.error_code,
        verdict.message,
        time.perf_counter() - verdict.started,
    )
    if verdict.recorded:
        record_item(session, run_id, report, verdict.sha256)
    return report


def record_item(session: Session, run_id: int, report: ItemReport, sha256: str | None) -> None:
    session.add(
        IngestionItem(
            run_id=run_id,
            source=report.source,
            outcome=report.outcome,
            sha256=sha256,
            document_id=report.document_id,
            error_code=report.error_code,
            message=report.message,
            duration_s=report.duration_s,
            pages=report.pages,
            finished_at=utcnow(),
        )
    )


def stored_meanwhile(session: Session, sha256: str, external_id: str | None) -> int | None:
    """The id of the document another process stored with this content or record id."""
    same = find_by_sha(session, sha256)
    if same is None and external_id:
        same = find_by_external_id(session, external_id)
    return same.id if same is not None else None


def fill_document(session: Session, document: Document, unit: Unit, original: str) -> None:
    """Copy a unit's extraction result onto a (new or existing) catalogue document."""
    extracted = unit.extracted
    document.sha256 = unit.sha256
    document.external_id = extracted.external_id
    document.original_path = original
    document.source = extracted.source_url or unit.source
    document.filename = unicodedata.normalize("NFC", unit.path.name)
    document.mime_type = extracted.mime_type
    document.size_bytes = unit.size_bytes
    document.kind = extracted.kind
    if extracted.doc_type:
        document.doc_type = extracted.doc_type
    title = (extracted.title or "").strip()
    document.title = title or unicodedata.normalize("NFC", unit.path.stem)
    document.page_count = len(extracted.pages)
    document.word_count = sum(len(p.text.split()) for p in extracted.pages)
    document.garbage_ratio = extracted.garbage_ratio
    document.word_ratio = extracted.word_ratio
    document.needs_ocr = extracted.needs_ocr
    document.text_origin = extracted.text_origin
    document.updated_at = utcnow()
    is_new = document.id is None
    if document not in session:
        session.add(document)
    session.flush()  # the document's id
    _write_rows(session, document, unit, replace=not is_new)


def _write_rows(session: Session, document: Document, unit: Unit, *, replace: bool) -> None:
    """Pages and metadata entries, with bulk statements.

    A record carries dozens of raw fields and the ORM's per-object
    bookkeeping was most of the cost of storing one.
    """
    extracted, doc_id = unit.extracted, document.id
    if replace:
        session.execute(delete(Page).where(Page.document_id == doc_id))
        session.execute(delete(MetadataEntry).where(MetadataEntry.document_id == doc_id))
    pages = [
        {
            "document_id": doc_id,
            "number": p.number,
            "text": p.text,
            "origin": p.origin,
            "garbage_ratio": p.garbage_ratio,
            "needs_ocr": p.needs_ocr,
        }
        for p in extracted.pages
    ]
    entries = [
        (ns, key, value)
        for ns, key, value in extracted.metadata
        if value is not None and str(value).strip()
    ]
    if extracted.source_url:
        entries.append(("source", "url", extracted.source_url))
    if unit.source != document.source:
        entries.append(("source", "file", unit.source))
    entries.extend(("date-hint", origin, raw) for raw, origin in extracted.date_hints)
    if pages:
        session.execute(insert(Page), pages)
    if entries:
        rows = [
            {
                "document_id": doc_id,
                "namespace": ns,
                "key": key[:120],
                "value": str(value)[:MAX_META_VALUE],
            }
            for ns, key, value in entries
        ]
        session.execute(insert(MetadataEntry), rows)
    session.expire(document, ["pages", "metadata_entries"])
