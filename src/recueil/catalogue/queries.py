"""Read-side queries of the catalogue used by `show` and `list`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.models import Document, IngestionItem, ThemeTag
from recueil.config import Settings
from recueil.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    doc_type: str | None = None
    theme: str | None = None
    cite: str | None = None
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str | None = None
    needs_ocr: bool = False

    def apply(self, query: Select[Document]) -> Select[Document]:
        if self.doc_type:
            query = query.where(Document.doc_type == self.doc_type)
        if self.cite:
            query = query.where(Document.cite_educative.ilike(f"%{self.cite}%"))
        if self.year:
            query = query.where(Document.year == self.year)
        if self.date_from:
            query = query.where(Document.date >= self.date_from)
        if self.date_to:
            query = query.where(Document.date <= self.date_to)
        if self.needs_ocr:
            query = query.where(Document.needs_ocr.is_(True))
        if self.theme:
            query = query.where(
                Document.id.in_(
                    select(ThemeTag.document_id).where(
                        ThemeTag.theme_code == self.theme, ThemeTag.active.is_(True)
                    )
                )
            )
        if self.outcome:
            query = query.where(
                Document.id.in_(
                    select(IngestionItem.document_id).where(IngestionItem.outcome == self.outcome)
                )
            )
        return query


def document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "date": document.date.isoformat() if document.date else None,
        "year": document.year,
        "type": document.doc_type,
        "cite": document.cite_educative,
        "themes": document.active_theme_codes,
        "title": document.title,
        "pages": document.page_count,
        "source": document.source,
        "needs_ocr": document.needs_ocr,
    }


def list_documents(
    session: Session, filters: DocumentFilter, *, limit: int = 0
) -> list[dict[str, Any]]:
    query = (
        filters.apply(select(Document)).options(selectinload(Document.tags)).order_by(Document.id)
    )
    if limit:
        query = query.limit(limit)
    return [document_row(d) for d in session.scalars(query).unique()]


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id} in the catalogue")
    return document


def document_details(
    session: Session, settings: Settings, document_id: int, *, text_lines: int = 8
) -> dict[str, Any]:
    document = get_document(session, document_id)
    lines = [line for line in document.text.splitlines() if line.strip()]
    original = settings.home / document.original_path if document.original_path else None
    tags = sorted(document.tags, key=lambda t: -t.score)
    return {
        **document_row(document),
        "kind": document.kind,
        "filename": document.filename,
        "sha256": document.sha256,
        "external_id": document.external_id,
        "original": str(original) if original else None,
        "size_bytes": document.size_bytes,
        "words": document.word_count,
        "date_source": document.date_source,
        "text_origin": document.text_origin,
        "garbage_ratio": document.garbage_ratio,
        "word_ratio": document.word_ratio,
        "pages_needing_ocr": [p.number for p in document.pages if p.needs_ocr],
        "attached_to": document.attached_to_id,
        "tags": [
            {
                "theme": t.theme_code,
                "score": round(t.score, 3),
                "source": t.source,
                "active": t.active,
                "rules": t.rules_score,
                "model": t.model_score,
                "model_words": (t.evidence or {}).get("model_words", []),
            }
            for t in tags
        ],
        "dates": [
            {"date": d.value.isoformat(), "raw": d.raw, "source": d.source}
            for d in sorted(document.dates, key=lambda d: d.value)
        ],
        "entities": [
            {"label": e.label, "text": e.text, "count": e.count}
            for e in sorted(document.entities, key=lambda e: (-e.count, e.text))[:30]
        ],
        "metadata": [
            {"namespace": m.namespace, "key": m.key, "value": m.value[:200]}
            for m in document.metadata_entries
        ],
        "text": "\n".join(lines[:text_lines]),
        "created_at": document.created_at.isoformat(timespec="seconds"),
        "updated_at": document.updated_at.isoformat(timespec="seconds"),
    }
