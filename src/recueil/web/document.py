"""`/document/{id}`, `/api/document/{id}` and `/document/{id}/original`.

The record comes from the catalogue (the truth); similar documents from the
index (``similar``, as `recueil similar`). The original is served by id only:
its path comes from the catalogue and must lie inside the home's archive.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import selectinload
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from recueil.catalogue.models import Document
from recueil.errors import RecueilError
from recueil.search.service import similar
from recueil.web.base import Site, View, not_found
from recueil.web.highlight import query_words

TEXT_PAGES = 3  # pages of text shown on the document page
PAGE_CHARS = 6000  # characters shown of each of them
SIMILAR = 5
MAX_ID = 2**62  # beyond any id the catalogue gives; larger numbers are unknown ids
ENTITIES_SHOWN = 30


def document_id(request: Request) -> int:
    value = int(request.path_params["id"])
    if not 0 < value < MAX_ID:
        raise not_found(f"Aucun document n'a le numéro {value}.")
    return value


def load(site: Site, doc_id: int) -> Document:
    with site.catalogue.session() as session:
        document = session.get(
            Document, doc_id,
            options=[selectinload(Document.pages), selectinload(Document.tags),
                     selectinload(Document.entities), selectinload(Document.dates)],
        )  # fmt: skip
        if document is None:
            raise not_found(f"Aucun document n'a le numéro {doc_id}.", code="E012")
        session.expunge(document)
        return document


def safe_link(url: str | None) -> str | None:
    """Only web addresses become links (never javascript:, data: or a file path)."""
    if url and re.match(r"https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return url
    return None


def _themes(site: Site, document: Document) -> list[dict[str, Any]]:
    labels = site.theme_labels()
    rows = []
    for tag in sorted(document.tags, key=lambda t: (-t.score, t.theme_code)):
        if not tag.active:
            continue
        evidence = tag.evidence or {}
        terms = evidence.get("terms") or {}
        rows.append(
            {
                "code": tag.theme_code, "label": labels.get(tag.theme_code, tag.theme_code),
                "score": round(tag.score, 3), "source": tag.source,
                "terms": [{"term": str(t), "count": n} for t, n in list(terms.items())[:10]],
                "title_hits": [str(t) for t in evidence.get("title_hits") or []],
            }
        )  # fmt: skip
    return rows


def _similar(site: Site, doc_id: int) -> list[dict[str, Any]]:
    try:
        hits = similar(site.settings, doc_id, SIMILAR, searcher=site.searcher)
    except RecueilError:  # not in the index yet, or the index is being replaced
        return []
    return [hit.as_row() for hit in hits]


def details(site: Site, doc_id: int) -> dict[str, Any]:
    """Everything the document page shows, as plain data (also the JSON API's answer)."""
    document = load(site, doc_id)
    original = document.original_path is not None
    return {
        "id": document.id,
        "title": document.title or document.filename or f"Document {document.id}",
        "doc_type": document.doc_type,
        "date": document.date.isoformat() if document.date else None,
        "year": document.year,
        "date_source": document.date_source,
        "cite": document.cite_educative,
        "language": document.language,
        "pages": document.page_count,
        "words": document.word_count,
        "filename": document.filename,
        "mime_type": document.mime_type,
        "size_bytes": document.size_bytes,
        "source": document.source,
        "source_link": safe_link(document.source),
        "download": f"/document/{document.id}/original" if original else None,
        "themes": _themes(site, document),
        "dates": [
            {"date": d.value.isoformat(), "raw": d.raw, "source": d.source}
            for d in sorted(document.dates, key=lambda d: (d.value, d.source))
        ],
        "entities": [
            {"label": e.label, "text": e.text, "count": e.count}
            for e in sorted(document.entities, key=lambda e: (-e.count, e.text))[:ENTITIES_SHOWN]
        ],
        "text": [
            {
                "number": page.number,
                "text": page.text[:PAGE_CHARS],
                "cut": len(page.text) > PAGE_CHARS,
            }
            for page in document.pages[:TEXT_PAGES]
        ],
        "more_pages": max(0, len(document.pages) - TEXT_PAGES),
        "similar": _similar(site, document.id),
    }


class DocumentView(View):
    template = "document.html"

    def data(self, request: Request) -> dict[str, Any]:
        data = details(self.site, document_id(request))
        query = request.query_params.get("q", "")[:2000]
        data["query"] = query
        data["highlight"] = query_words(query, self.site.acronyms) if query else []
        return data

    async def original(self, request: Request) -> Response:
        doc_id = document_id(request)
        document = await run_in_threadpool(load, self.site, doc_id)
        path = archived(self.site, document)
        name = document.filename or f"document-{doc_id}{path.suffix}"
        return FileResponse(
            path,
            media_type=document.mime_type or "application/octet-stream",
            filename=name,
            # An archived web page must never run as a page of this site.
            headers={"Content-Security-Policy": "sandbox; default-src 'none'"},
        )


def archived(site: Site, document: Document) -> Path:
    """The original's file, which must lie inside the home's archive."""
    if not document.original_path:
        raise not_found("Ce document n'a pas de fichier original archivé (notice seule).")
    archive = site.settings.originals_dir.resolve()
    path = (site.settings.home / document.original_path).resolve()
    if not path.is_relative_to(archive) or not path.is_file():
        raise not_found("Le fichier original de ce document est introuvable dans l'archive.")
    return path


__all__ = ["DocumentView", "details"]
