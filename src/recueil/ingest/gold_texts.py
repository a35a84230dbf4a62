"""The texts of a gold file's documents, for evaluating the tagger.

A gold line names a file (extracted as ingestion does, OCR included, storing
nothing) or a catalogue document (its stored text).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.config import Settings
from recueil.errors import RecueilError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.extract import extract_file
from recueil.ingest.retag import document_input

if TYPE_CHECKING:
    from recueil.tagging.analyse import AnalysisInput
    from recueil.tagging.evaluate import GoldItem


def resolve_gold_path(raw: str, gold: Path) -> Path | None:
    """A gold path as written, or relative to the gold file's folder or its parent."""
    for base in (Path.cwd(), gold.parent, gold.parent.parent):
        candidate = base / raw
        if candidate.exists():
            return candidate
    return None


def file_input(path: Path, settings: Settings) -> AnalysisInput | str:
    from recueil.tagging.analyse import AnalysisInput

    try:
        # OCR as ingestion does, so scanned documents are measured too.
        found = extract_file(path, ExtractContext(settings, ocr="auto"))
    except RecueilError as exc:
        return f"[{exc.code}] {exc.message}"
    documents = [d for d in found if isinstance(d, ExtractedDocument) and not d.deleted]
    if not documents:
        return "no document in the file"
    doc = documents[0]
    if not doc.text.strip():
        return "no text (needs OCR)"
    return AnalysisInput(doc.title or "", doc.text, doc.date_hints, doc.doc_type, path.name)


def gold_texts(
    settings: Settings, gold: Path, catalogue: Callable[[], Catalogue]
) -> Callable[[GoldItem], AnalysisInput | str]:
    """A text provider for ``predict_gold``; the catalogue is opened only when a line needs it."""

    def text_of(item: GoldItem) -> AnalysisInput | str:
        if item.path:
            path = resolve_gold_path(item.path, gold)
            return file_input(path, settings) if path else f"file not found: {item.path}"
        with catalogue().session() as session:
            document = session.get(Document, item.doc_id)
            if document is None:
                return f"no document with id {item.doc_id}"
            return document_input(document)

    return text_of
