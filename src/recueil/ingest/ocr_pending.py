"""`recueil ocr`: read the pages that were stored without text because OCR could not run.

An ingest without Tesseract (or its French data, or pytesseract) keeps a PDF's
text pages and flags the others ``needs_ocr`` (warning W120). Once OCR is
installed, this pass re-reads each flagged document from its archived original
(never from the source folder, which may have moved), with ``--ocr auto``: only
the flagged pages go to Tesseract. The document is then stored, tagged and
indexed again like a fresh ingest of the same file; the pass is recorded as a
run (command "ocr") with one item per document, so `recueil runs` shows it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionRun
from recueil.errors import FileReadError, IngestError, RecueilError
from recueil.ingest.base import DEFAULT_TIMEOUT_S, ExtractContext, ExtractedDocument
from recueil.ingest.extract import extract_with_limits
from recueil.ingest.outcomes import ItemReport, RunReport, stored_warning
from recueil.ingest.runs import close_run, open_run
from recueil.ingest.store import fill_document, record_item
from recueil.ingest.tagging_step import TaggingStep


def pending_ids(catalogue: Catalogue, ids: Sequence[int] = ()) -> list[int]:
    """Documents with pages that still need OCR (among ``ids`` when given)."""
    query = select(Document.id).where(Document.needs_ocr.is_(True), Document.kind == "pdf")
    if ids:
        query = query.where(Document.id.in_(list(ids)))
    with catalogue.session() as session:
        return list(session.scalars(query.order_by(Document.id)))


def _extract(
    catalogue: Catalogue, doc_id: int, original_path: str | None, name: str, ctx: ExtractContext
) -> ExtractedDocument:
    """Extract the archived original under its own file name (titles fall back to it)."""
    original = catalogue.settings.home / (original_path or "")
    if not original_path or not original.is_file():
        raise FileReadError(
            f"the original of document {doc_id} is missing ({original_path})",
            hint="`recueil check --repair` re-archives it from its source when possible.",
        )
    with tempfile.TemporaryDirectory(prefix="recueil-ocr-") as tmp:
        link = Path(tmp) / (Path(name).name or original.name)
        link.symlink_to(original)
        found = [e for e in extract_with_limits(link, ctx) if isinstance(e, ExtractedDocument)]
    if not found:
        raise FileReadError(f"document {doc_id}: nothing could be read from its original")
    return found[0]


def ocr_pending(
    catalogue: Catalogue,
    ids: Sequence[int] = (),
    *,
    password: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    tagging: TaggingStep | None = None,
    index: bool = True,
) -> RunReport:
    """OCR the flagged pages of the given documents (default: every flagged one)."""
    started = time.perf_counter()
    ctx = ExtractContext(catalogue.settings, password=password, timeout_s=timeout_s, ocr="auto")
    todo = pending_ids(catalogue, ids)
    with catalogue.transaction() as session:
        run_id = open_run(session, {"documents": todo})
        run = session.get(IngestionRun, run_id)
        if run is not None:
            run.command = "ocr"
    report = RunReport(run_id)
    status = "interrupted"
    try:
        for doc_id in todo:
            report.items.append(_one(catalogue, doc_id, ctx, run_id, tagging))
        status = "finished"
    finally:
        with catalogue.transaction() as session:
            close_run(session, run_id, status)
    updated = [i.document_id for i in report.items if i.outcome == "updated" and i.document_id]
    if index and updated:
        from recueil.index import update_documents

        try:
            update_documents(catalogue.settings, catalogue, updated)
        except RecueilError as exc:
            report.index_error = f"{exc.message} (run `recueil index sync` to catch up)"
    report.duration_s = time.perf_counter() - started
    return report


def _one(
    catalogue: Catalogue, doc_id: int, ctx: ExtractContext, run_id: int, tagging: TaggingStep | None
) -> ItemReport:
    started = time.perf_counter()
    with catalogue.session() as session:  # short: no transaction stays open during OCR
        document = session.get(Document, doc_id)
        assert document is not None
        source, before, original = document.source, document.needs_ocr, document.original_path
        name = document.filename or Path(document.source).name
    try:
        extracted = _extract(catalogue, doc_id, original, name, ctx)
    except IngestError as exc:
        return _record(catalogue, run_id, source, "failed", doc_id, started, exc.code, exc.message)
    pending = sum(p.needs_ocr for p in extracted.pages)
    if (
        extracted.needs_ocr
        and before
        and extracted.warnings
        and pending == _pending(catalogue, doc_id)
    ):
        code, message = stored_warning(extracted, "updated", None)  # OCR still cannot run
        return _record(catalogue, run_id, source, "skipped", doc_id, started, code, message)
    analysis = tagging.analyse(extracted) if tagging is not None else None
    with catalogue.transaction() as session:
        document = session.get(Document, doc_id)
        assert document is not None
        fill_document(
            session,
            document,
            extracted,
            path=Path(document.filename or Path(document.source).name),
            source=document.source,
            sha256=document.sha256,
            original_path=document.original_path,
            size_bytes=document.size_bytes,
        )
        if tagging is not None and analysis is not None:
            tagging.apply(session, document, analysis, run_id)
    warning, message = stored_warning(extracted, "updated", None)
    ocred = sum(p.origin == "ocr" for p in extracted.pages)
    note = f"{ocred} page(s) read by OCR" + (f"; {message}" if message else "")
    return _record(
        catalogue,
        run_id,
        source,
        "updated",
        doc_id,
        started,
        warning,
        note,
        pages=len(extracted.pages),
    )


def _pending(catalogue: Catalogue, doc_id: int) -> int:
    from recueil.catalogue.models import Page

    with catalogue.session() as session:
        pages = session.scalars(
            select(Page.number).where(Page.document_id == doc_id, Page.needs_ocr.is_(True))
        ).all()
    return len(pages)


def _record(
    catalogue: Catalogue,
    run_id: int,
    source: str,
    outcome: str,
    doc_id: int,
    started: float,
    code: str | None,
    message: str | None,
    pages: int | None = None,
) -> ItemReport:
    duration = time.perf_counter() - started
    with catalogue.transaction() as session:
        record_item(
            session,
            run_id=run_id,
            source=source,
            outcome=outcome,
            document_id=doc_id,
            error_code=code,
            message=message,
            duration_s=duration,
            pages=pages,
        )
    return ItemReport(source, outcome, doc_id, code, message, duration, pages)
