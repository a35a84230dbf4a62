"""Writing extraction results into the catalogue (one transaction per input)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from recueil.catalogue.models import Document, IngestionItem, MetadataEntry, Page, utcnow
from recueil.ingest.base import ExtractedDocument
from recueil.ingest.discover import readable

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


def fill_document(
    session: Session,
    document: Document,
    extracted: ExtractedDocument,
    *,
    path: Path,
    source: str,
    sha256: str | None,
    original_path: str | None,
    size_bytes: int | None,
) -> None:
    """Copy an extraction result onto a (new or existing) catalogue document.

    Pages and metadata entries are written with bulk statements: a record
    carries dozens of raw fields and the ORM's per-object bookkeeping was most
    of the cost of storing one.
    """
    document.sha256 = sha256
    document.external_id = extracted.external_id
    document.original_path = original_path
    document.source = extracted.source_url or source
    document.filename = readable(path.name)
    document.mime_type = extracted.mime_type
    document.size_bytes = size_bytes
    document.kind = extracted.kind
    if extracted.doc_type:
        document.doc_type = extracted.doc_type
    document.title = (extracted.title or "").strip() or readable(path.stem)
    document.page_count = len(extracted.pages)
    document.word_count = sum(len(p.text.split()) for p in extracted.pages)
    document.garbage_ratio = extracted.garbage_ratio
    document.word_ratio = extracted.word_ratio
    document.needs_ocr = extracted.needs_ocr
    document.text_origin = extracted.text_origin
    document.updated_at = utcnow()
    if document not in session:
        session.add(document)
    session.flush()  # the document's id
    doc_id = document.id
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
    if source != document.source:
        entries.append(("source", "file", source))
    entries.extend(("date-hint", origin, raw) for raw, origin in extracted.date_hints)
    if pages:
        session.execute(insert(Page), pages)
    if entries:
        session.execute(
            insert(MetadataEntry),
            [
                {
                    "document_id": doc_id,
                    "namespace": ns,
                    "key": key[:120],
                    "value": str(value)[:MAX_META_VALUE],
                }
                for ns, key, value in entries
            ],
        )
    session.expire(document, ["pages", "metadata_entries"])


@dataclass(slots=True)
class Stored:
    """What storing one extracted document did, inside the caller's transaction."""

    outcome: str  # added, updated, duplicate, deleted, skipped
    document_id: int | None
    message: str | None = None
    document: Document | None = None  # the added or updated document


def store_extracted(
    session: Session,
    extracted: ExtractedDocument,
    *,
    path: Path,
    source: str,
    sha256: str,
    original_path: str | None,
    size_bytes: int | None,
) -> Stored:
    """Add, update, delete or recognise as a duplicate one extracted document.

    A record known by its external id is updated (or deleted when the source
    deleted it); content already in the catalogue is a duplicate.
    """
    document = (
        find_by_external_id(session, extracted.external_id) if extracted.external_id else None
    )
    if extracted.deleted:
        if document is None:
            return Stored("skipped", None, "deleted record not in the catalogue")
        doc_id = document.id
        session.delete(document)
        return Stored("deleted", doc_id, f"record deleted at the source; document {doc_id} removed")
    if document is not None and document.sha256 == sha256:
        return Stored("duplicate", document.id, f"unchanged; document {document.id}")
    if document is None and (same := find_by_sha(session, sha256)) is not None:
        return Stored("duplicate", same.id, f"same content as document {same.id}")
    outcome = "updated" if document is not None else "added"
    if document is None:
        document = Document(source=source, kind=extracted.kind)
    fill_document(
        session,
        document,
        extracted,
        path=path,
        source=source,
        sha256=sha256,
        original_path=original_path,
        size_bytes=size_bytes,
    )
    message = "; ".join(extracted.warnings) or None
    return Stored(outcome, document.id, message, document)


def stored_meanwhile(session: Session, sha256: str, external_id: str | None) -> int | None:
    """The id of the document another process stored with this content or record id."""
    same = find_by_sha(session, sha256)
    if same is None and external_id:
        same = find_by_external_id(session, external_id)
    return same.id if same is not None else None


def record_item(
    session: Session,
    *,
    run_id: int,
    source: str,
    outcome: str,
    sha256: str | None = None,
    document_id: int | None = None,
    error_code: str | None = None,
    message: str | None = None,
    duration_s: float | None = None,
    pages: int | None = None,
) -> IngestionItem:
    item = IngestionItem(
        run_id=run_id,
        source=source,
        outcome=outcome,
        sha256=sha256,
        document_id=document_id,
        error_code=error_code,
        message=readable(message) if message else message,
        duration_s=duration_s,
        pages=pages,
        finished_at=utcnow(),
    )
    session.add(item)
    return item
