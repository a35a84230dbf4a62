"""Running the tagger over the documents of a gold file, storing nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.errors import RecueilError
from recueil.tagging.analyse import Analyser, AnalysisInput
from recueil.tagging.evaluate import GoldItem, Prediction, read_gold
from recueil.tagging.gazetteer import Gazetteer
from recueil.tagging.themes import ThemeSet

Skipped = list[tuple[GoldItem, str]]


def resolve_gold_path(raw: str, gold: Path) -> Path | None:
    """A gold path as written, or relative to the gold file's folder or its parent."""
    for base in (Path.cwd(), gold.parent, gold.parent.parent):
        candidate = base / raw
        if candidate.exists():
            return candidate
    return None


def _file_input(path: Path, settings: Settings) -> AnalysisInput | str:
    from recueil.ingest.base import ExtractContext, ExtractedDocument
    from recueil.ingest.extract import extract_file

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


def predict_gold(
    settings: Settings, gold: Path, themes: ThemeSet, catalogue: Callable[[], Catalogue]
) -> tuple[list[tuple[GoldItem, Prediction]], Skipped, Gazetteer]:
    from recueil.catalogue.models import Document
    from recueil.tagging.retag import document_input

    items = read_gold(gold, themes.codes)
    inputs: list[tuple[GoldItem, AnalysisInput]] = []
    skipped: Skipped = []
    for item in items:
        if item.path:
            path = resolve_gold_path(item.path, gold)
            result: AnalysisInput | str = (
                _file_input(path, settings) if path else f"file not found: {item.path}"
            )
        else:
            with catalogue().session() as session:
                document = session.get(Document, item.doc_id)
                result = (
                    document_input(document) if document else f"no document with id {item.doc_id}"
                )
        if isinstance(result, str):
            skipped.append((item, result))
        else:
            inputs.append((item, result))
    analyser = Analyser(settings, themes=themes, entities=False)
    analyses = analyser.analyse(i for _, i in inputs)
    pairs = [
        (item, Prediction(a.scores, a.doc_type, a.cite))
        for (item, _), a in zip(inputs, analyses, strict=True)
    ]
    return pairs, skipped, analyser.gazetteer
