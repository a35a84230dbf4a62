"""OCR of scanned PDF pages in French with Tesseract (through pytesseract).

The PDF extractor flags the pages whose text layer is missing, garbage or only
a stamp (``needs_ocr``); ``apply_ocr`` renders those pages with pypdfium2,
reads them with ``tesseract -l fra`` and stores the text with origin "ocr".
The original file is only read, never modified.

Memory is bounded before anything is rendered: the render scale is chosen from
the page size in points so that a page never exceeds ``MAX_PIXELS`` (300 dpi,
lowered down to ``MIN_DPI`` for large pages), and a page that still does not
fit, or that embeds an image too large to decode, fails the document with
``PageTooLargeError`` (E121). Pages are rendered one at a time, in grey.

The Tesseract binary is ``tesseract`` on the PATH, or the command named by the
``RECUEIL_TESSERACT_CMD`` environment variable. When it (or its French data)
is missing, a document that has no other text fails with ``NeedsOcrError``
(E105) and the install hint; a document with some text keeps its pages
flagged ``needs_ocr`` so that a later run can OCR them.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from recueil.catalogue.vocabulary import TextOrigin
from recueil.errors import NeedsOcrError, OcrError, PageTooLargeError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.normalise import clean_characters, normalise_text
from recueil.ingest.pdfmeta import meaningful_title
from recueil.ingest.quality import garbage_ratio, letter_count, word_counts

log = logging.getLogger(__name__)

ENV_TESSERACT_CMD = "RECUEIL_TESSERACT_CMD"
LANGUAGE = "fra"
TARGET_DPI = 300
MIN_DPI = 100  # below this Tesseract reads body text poorly: refuse rather than guess
MAX_PIXELS = 40_000_000  # one rendered page, 1 byte per pixel in grey
MAX_IMAGE_PIXELS = 200_000_000  # an embedded image pdfium must decode whole to render
POINTS_PER_INCH = 72
INSTALL_COMMAND = "apt-get install tesseract-ocr tesseract-ocr-fra"
INSTALL_HINT = (
    "Install Tesseract with its French data (Debian/Ubuntu: "
    "apt-get install tesseract-ocr tesseract-ocr-fra), or set RECUEIL_TESSERACT_CMD "
    "to the tesseract program, then ingest the file again; --ocr never skips OCR."
)


def tesseract_cmd() -> str:
    """The Tesseract program to run: $RECUEIL_TESSERACT_CMD, else ``tesseract``."""
    return os.environ.get(ENV_TESSERACT_CMD) or "tesseract"


@lru_cache(maxsize=8)
def tesseract_problem(cmd: str, language: str = LANGUAGE) -> str | None:
    """Why OCR cannot run with ``cmd`` (missing program or language), or None."""
    program = shutil.which(cmd)
    if program is None:
        return f"the Tesseract program {cmd!r} was not found"
    try:
        listed = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"the Tesseract program {cmd!r} does not run ({exc})"
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    if language not in languages:
        return f"Tesseract has no {language!r} language data"
    return None


def render_scale(width_pt: float, height_pt: float, max_pixels: int = MAX_PIXELS) -> float | None:
    """Scale (pixels per point) to render a page at: 300 dpi, lowered to fit
    ``max_pixels``; None when even ``MIN_DPI`` would not fit."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    scale = TARGET_DPI / POINTS_PER_INCH
    if area * scale * scale <= max_pixels:
        return scale
    fit = math.sqrt(max_pixels / area)
    return fit if fit >= MIN_DPI / POINTS_PER_INCH else None


@dataclass(frozen=True, slots=True)
class OcrPage:
    number: int  # 1-based
    text: str  # as Tesseract read it
    dpi: int


def _largest_image(page: Any) -> int:
    import pypdfium2.raw as pdfium_c

    largest = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            width, height = obj.get_px_size()
        except Exception:  # pdfium cannot tell: rendering will decode it anyway
            continue
        largest = max(largest, width * height)
    return largest


def _check_page(page: Any, number: int, path: Path) -> float:
    """The scale to render ``page`` at; PageTooLargeError before any rendering."""
    width, height = page.get_size()
    scale = render_scale(width, height)
    if scale is None:
        floor = (width * MIN_DPI / POINTS_PER_INCH, height * MIN_DPI / POINTS_PER_INCH)
        raise PageTooLargeError(
            f"{path.name}: page {number} measures {width / POINTS_PER_INCH:.0f} x "
            f"{height / POINTS_PER_INCH:.0f} inches, {floor[0]:.0f} x {floor[1]:.0f} pixels "
            f"even at {MIN_DPI} dpi, above the OCR limit of {MAX_PIXELS / 1e6:.0f} megapixels"
        )
    pixels = _largest_image(page)
    if pixels > MAX_IMAGE_PIXELS:
        raise PageTooLargeError(
            f"{path.name}: page {number} holds an image of {pixels / 1e6:.0f} megapixels, "
            f"above the OCR limit of {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels"
        )
    return scale


def _rendered_pages(
    path: Path, numbers: Sequence[int], password: str | None
) -> Iterator[tuple[int, Any, int]]:
    """(number, grey PIL image, dpi) for each page, one bitmap alive at a time."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        raise OcrError(f"{path.name}: cannot open the PDF to render it for OCR ({exc})") from exc
    try:
        for number in numbers:
            page = document[number - 1]
            try:
                scale = _check_page(page, number, path)
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil()
            finally:
                page.close()
            try:
                yield number, image, round(scale * POINTS_PER_INCH)
            finally:
                image.close()
                bitmap.close()
    finally:
        document.close()


def _tesseract(image: Any, cmd: str, timeout_s: float) -> str:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = cmd
    # A single block of text (psm 3, the default) suits meeting reports and letters.
    text: str = pytesseract.image_to_string(image, lang=LANGUAGE, timeout=timeout_s)
    return text


def ocr_pages(
    path: Path, numbers: Sequence[int], *, password: str | None = None, timeout_s: float = 0
) -> list[OcrPage]:
    """OCR the given pages (1-based) of a PDF; raise NeedsOcrError when Tesseract
    is unavailable, PageTooLargeError or OcrError when a page cannot be read."""
    cmd = tesseract_cmd()
    problem = tesseract_problem(cmd)
    if problem is not None:
        # The run report keeps messages, not hints: the message names the fix too.
        raise NeedsOcrError(
            f"{path.name} needs OCR but {problem} (install it: {INSTALL_COMMAND})",
            hint=INSTALL_HINT,
        )
    results = []
    rendered = _rendered_pages(path, numbers, password)
    with closing(rendered):  # type: ignore[type-var]
        for number, image, dpi in rendered:
            results.append(OcrPage(number, _read_page(image, cmd, timeout_s, path, number), dpi))
    return results


def _read_page(image: Any, cmd: str, timeout_s: float, path: Path, number: int) -> str:
    import pytesseract

    try:
        return _tesseract(image, cmd, timeout_s)
    except pytesseract.TesseractNotFoundError as exc:
        raise NeedsOcrError(
            f"{path.name} needs OCR but Tesseract could not be started ({INSTALL_COMMAND})",
            hint=INSTALL_HINT,
        ) from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"{path.name}: Tesseract failed on page {number}: {exc}") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrError(
            f"{path.name}: OCR of page {number} took longer than {timeout_s:g} s"
        ) from exc


def pages_to_ocr(document: ExtractedDocument, mode: str) -> list[int]:
    """Pages to OCR: every page with ``always``, flagged pages with ``auto``."""
    if mode == "always":
        return [page.number for page in document.pages]
    if mode == "auto":
        return [page.number for page in document.pages if page.needs_ocr]
    return []


def apply_ocr(document: ExtractedDocument, path: Path, ctx: ExtractContext) -> ExtractedDocument:
    """OCR the pages ``ctx.ocr`` asks for and store their text (origin "ocr").

    Quality figures are recomputed: per page for the OCRed pages, and for the
    document from the final text. Returns the same document, updated.
    """
    numbers = pages_to_ocr(document, ctx.ocr)
    if not numbers:
        return document
    try:
        read = ocr_pages(path, numbers, password=ctx.password, timeout_s=max(ctx.timeout_s, 0))
    except NeedsOcrError as exc:
        usable = any(not p.needs_ocr and letter_count(p.text) > 0 for p in document.pages)
        if ctx.ocr == "auto" and usable:
            log.warning("%s; pages kept without OCR text", exc.message)
            return document
        raise
    by_number = {page.number: page for page in document.pages}
    layer = by_number[1].text if 1 in by_number else ""  # a scan's text layer: a stamp at best
    for ocr in read:
        # Page by page: the running-line removal of text layers compares lines
        # across pages, which OCR noise defeats and near-identical scans would empty.
        page = by_number[ocr.number]
        page.text = normalise_text(clean_characters(ocr.text))
        page.origin = TextOrigin.OCR
        page.garbage_ratio = round(garbage_ratio(ocr.text), 4)
        page.needs_ocr = False
    if 1 in by_number and by_number[1].origin == TextOrigin.OCR:
        _title_from_ocr(document, path, by_number[1].text, layer)
    _refresh_figures(document)
    return document


def _title_from_ocr(document: ExtractedDocument, path: Path, first_page: str, stamp: str) -> None:
    """A scan's title: its metadata title if meaningful, else the first line read by OCR
    (the text layer of a scan is at best a stamp such as "Reçu le 12/03/2021")."""
    stem = unicodedata.normalize("NFC", path.stem)
    stated = [
        v for ns, k, v in document.metadata if (ns, k) in (("pdf", "Title"), ("xmp", "dc:title"))
    ]
    if any(meaningful_title(value, stem) for value in stated):
        return
    stamped = {" ".join(ln.split()).casefold() for ln in stamp.split("\n")}
    line = next(
        (
            ln.strip()
            for ln in first_page.split("\n")
            if letter_count(ln) >= 4 and " ".join(ln.split()).casefold() not in stamped
        ),
        None,
    )
    if line:
        document.title = line[:200]


def _refresh_figures(document: ExtractedDocument) -> None:
    origins = {page.origin for page in document.pages}
    if origins == {TextOrigin.OCR}:
        document.text_origin = TextOrigin.OCR
    else:
        document.text_origin = TextOrigin.MIXED if TextOrigin.OCR in origins else TextOrigin.TEXT
    document.needs_ocr = any(page.needs_ocr for page in document.pages)
    sizes = [max(len(page.text), 1) for page in document.pages]
    document.garbage_ratio = round(
        sum((p.garbage_ratio or 0.0) * s for p, s in zip(document.pages, sizes, strict=True))
        / sum(sizes),
        4,
    )
    known, tokens = word_counts(document.text)
    document.word_ratio = round(known / tokens, 4) if tokens else None
