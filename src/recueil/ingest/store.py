"""Writing extraction results into the catalogue (one transaction per input)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from recueil.catalogue.models import Document, IngestionItem, MetadataEntry, Page, utcnow
from recueil.ingest.base import ExtractedDocument

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
    document: Document,
    extracted: ExtractedDocument,
    *,
    path: Path,
    source: str,
    sha256: str | None,
    original_path: str | None,
    size_bytes: int | None,
) -> None:
    """Copy an extraction result onto a (new or existing) catalogue document."""
    document.sha256 = sha256
    document.external_id = extracted.external_id
    document.original_path = original_path
    document.source = extracted.source_url or source
    document.filename = unicodedata.normalize("NFC", path.name)
    document.mime_type = extracted.mime_type
    document.size_bytes = size_bytes
    document.kind = extracted.kind
    if extracted.doc_type:
        document.doc_type = extracted.doc_type
    document.title = (extracted.title or "").strip() or unicodedata.normalize("NFC", path.stem)
    document.page_count = len(extracted.pages)
    document.word_count = sum(len(p.text.split()) for p in extracted.pages)
    document.garbage_ratio = extracted.garbage_ratio
    document.word_ratio = extracted.word_ratio
    document.needs_ocr = extracted.needs_ocr
    document.text_origin = extracted.text_origin
    document.updated_at = utcnow()
    session = object_session(document)
    if session is not None and document.id is not None:
        # An update: delete the old pages and entries before inserting the new
        # ones, or (document_id, number) would collide on insert.
        document.pages = []
        document.metadata_entries = []
        session.flush()
    document.pages = [
        Page(
            number=p.number,
            text=p.text,
            origin=p.origin,
            garbage_ratio=p.garbage_ratio,
            needs_ocr=p.needs_ocr,
        )
        for p in extracted.pages
    ]
    entries = [
        MetadataEntry(namespace=ns, key=key[:120], value=value[:MAX_META_VALUE])
        for ns, key, value in extracted.metadata
        if value is not None and str(value).strip()
    ]
    if extracted.source_url:
        entries.append(MetadataEntry(namespace="source", key="url", value=extracted.source_url))
    if source != document.source:
        entries.append(MetadataEntry(namespace="source", key="file", value=source))
    for raw, origin in extracted.date_hints:
        entries.append(MetadataEntry(namespace="date-hint", key=origin[:120], value=raw))
    document.metadata_entries = entries


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
        message=message,
        duration_s=duration_s,
        pages=pages,
        finished_at=utcnow(),
    )
    session.add(item)
    return item
