"""OCR of scanned PDF pages in French with Tesseract (through pytesseract).

The PDF extractor flags the pages whose text layer is missing, garbage or only
a stamp (``needs_ocr``); ``apply_ocr`` renders those pages with pypdfium2,
reads them with ``tesseract -l fra`` and stores the text with origin "ocr".
The original file is only read, never modified.

Memory is bounded before anything is rendered (``ocr_render``): a page too
large to render gives ``PageTooLargeError`` (E121), which fails a document
only when it has no other text.

The Tesseract binary is ``tesseract`` on the PATH, or the command named by the
``RECUEIL_TESSERACT_CMD`` environment variable. OCR never fails a document that
has text: when it cannot run at all (pytesseract or Pillow not importable, the
program or its French data missing) or a page cannot be read, the text pages are
kept, the others stay flagged ``needs_ocr`` and the document carries the coded
warning W120 (``recueil ocr`` reads the flagged pages later). A document with no
text at all fails with ``NeedsOcrError`` (E105) and the install hint.

Quality is judged before OCR text is trusted: noise lines ("mi U_ “ * T7") are
dropped, a page that reads poorly is checked for orientation with Tesseract's OSD
(an upside-down or sideways scan) and read again turned upright, and a title is
taken from OCR text only when the page reads well and the line looks like words;
otherwise the metadata title or the file name stands.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from recueil.catalogue.vocabulary import TextOrigin
from recueil.errors import OCR_PENDING, NeedsOcrError, OcrError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.normalise import clean_characters, normalise_text
from recueil.ingest.ocr_render import rendered_pages
from recueil.ingest.pdfmeta import meaningful_title
from recueil.ingest.quality import (
    garbage_ratio,
    is_noise_line,
    is_title_worthy,
    letter_count,
    reads_well,
    word_counts,
)
from recueil.tagging.text import fold

log = logging.getLogger(__name__)

ENV_TESSERACT_CMD = "RECUEIL_TESSERACT_CMD"
LANGUAGE = "fra"
OSD_MIN_WIDTH = 2000  # pixels: wider pages are halved before orientation detection
INSTALL_COMMAND = "apt-get install tesseract-ocr tesseract-ocr-fra"
INSTALL_HINT = (
    "Install Tesseract with its French data (Debian/Ubuntu: "
    "apt-get install tesseract-ocr tesseract-ocr-fra), or set RECUEIL_TESSERACT_CMD "
    "to the tesseract program, then ingest the file again; --ocr never skips OCR."
)


def tesseract_cmd() -> str:
    """The Tesseract program to run: $RECUEIL_TESSERACT_CMD, else ``tesseract``."""
    return os.environ.get(ENV_TESSERACT_CMD) or "tesseract"


def module_problem() -> str | None:
    """Why the Python side of OCR cannot run (pytesseract or Pillow missing), or None."""
    for module in ("pytesseract", "PIL.Image"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"the Python module {module.split('.')[0]} cannot be imported ({exc})"
    return None


@lru_cache(maxsize=8)
def tesseract_problem(cmd: str, language: str = LANGUAGE) -> str | None:
    """Why OCR cannot run with ``cmd`` (missing module, program or language), or None."""
    missing = module_problem()
    if missing is not None:
        return missing
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


@dataclass(frozen=True, slots=True)
class OcrPage:
    number: int  # 1-based
    text: str  # as Tesseract read it
    dpi: int
    rotated: int = 0  # degrees (clockwise) the page was turned to be read upright


def _tesseract(image: Any, cmd: str, timeout_s: float) -> str:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = cmd
    # A single block of text (psm 3, the default) suits meeting reports and letters.
    text: str = pytesseract.image_to_string(image, lang=LANGUAGE, timeout=timeout_s)
    return text


def _orientation(image: Any, cmd: str, timeout_s: float) -> int:
    """Degrees (clockwise) to turn ``image`` upright, by Tesseract's OSD; 0 when it
    cannot tell (too little text, no ``osd`` data)."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = cmd
    # Orientation needs no fine detail: half the resolution is a third faster, as sure.
    small = image.reduce(2) if image.width > OSD_MIN_WIDTH else image
    try:
        osd = pytesseract.image_to_osd(
            small, output_type=pytesseract.Output.DICT, timeout=timeout_s
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:
        log.debug("no orientation detected: %s", exc)
        return 0
    finally:
        if small is not image:
            small.close()
    rotate = int(osd.get("rotate", 0) or 0)
    return rotate if rotate in (90, 180, 270) else 0


def ocr_pages(
    path: Path, numbers: Sequence[int], *, password: str | None = None, timeout_s: float = 0
) -> tuple[list[OcrPage], list[OcrError]]:
    """OCR the given pages (1-based) of a PDF: the pages read, and an error for each
    page that could not be (too large, Tesseract failed or timed out). Raises
    NeedsOcrError when OCR cannot run at all (module, program or French data missing)."""
    cmd = tesseract_cmd()
    problem = tesseract_problem(cmd)
    if problem is not None:
        # The run report keeps messages, not hints: the message names the fix too.
        raise NeedsOcrError(
            f"{path.name} needs OCR but {problem} (install it: {INSTALL_COMMAND})",
            hint=INSTALL_HINT,
        )
    results: list[OcrPage] = []
    errors: list[OcrError] = []
    rendered = rendered_pages(path, numbers, password)
    with closing(rendered):  # type: ignore[type-var]
        for number, image, dpi in rendered:
            if isinstance(image, OcrError):
                errors.append(image)
                continue
            try:
                text, rotated = _read_page(image, cmd, timeout_s, path, number)
            except OcrError as exc:
                errors.append(exc)
                continue
            results.append(OcrPage(number, text, dpi, rotated))
    return results, errors


def _read_page(image: Any, cmd: str, timeout_s: float, path: Path, number: int) -> tuple[str, int]:
    """(text, degrees turned): a page that reads poorly is checked for orientation
    (an upside-down or sideways scan) and read again turned upright."""
    text = _run_tesseract(image, cmd, timeout_s, path, number)
    if reads_well(text):
        return text, 0
    rotate = _orientation(image, cmd, timeout_s)
    if not rotate:
        return text, 0
    upright = image.rotate(-rotate, expand=True)  # PIL turns counter-clockwise
    try:
        turned = _run_tesseract(upright, cmd, timeout_s, path, number)
    finally:
        upright.close()
    return (turned, rotate) if _french_share(turned) > _french_share(text) else (text, 0)


def _french_share(text: str) -> float:
    known, tokens = word_counts(text)
    return known / tokens if tokens else 0.0


def _run_tesseract(image: Any, cmd: str, timeout_s: float, path: Path, number: int) -> str:
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


def _usable_text(document: ExtractedDocument) -> bool:
    return any(not p.needs_ocr and letter_count(p.text) > 0 for p in document.pages)


def _page_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


def flag_pending(document: ExtractedDocument, reason: str) -> None:
    """Record the W120 warning: pages still needing OCR were stored without text."""
    pending = [p.number for p in document.pages if p.needs_ocr]
    if not pending:
        return
    document.warnings.append(
        f"{OCR_PENDING} page(s) {_page_list(pending)} of {len(document.pages)} need OCR and "
        f"were stored without text: {reason}; `recueil ocr` reads them later"
    )


def apply_ocr(document: ExtractedDocument, path: Path, ctx: ExtractContext) -> ExtractedDocument:
    """OCR the pages ``ctx.ocr`` asks for and store their text (origin "ocr").

    A document that has text is never failed by OCR: when OCR cannot run (module,
    program or French data missing) or a page cannot be read, its text pages are
    kept, the unread pages stay flagged ``needs_ocr`` and a W120 warning says so.
    Quality figures are recomputed: per page for the OCRed pages, and for the
    document from the final text. Returns the same document, updated.
    """
    numbers = pages_to_ocr(document, ctx.ocr)
    if not numbers:
        return document
    try:
        read, errors = ocr_pages(
            path, numbers, password=ctx.password, timeout_s=max(ctx.timeout_s, 0)
        )
    except (NeedsOcrError, OcrError) as exc:
        if _usable_text(document):
            flag_pending(document, f"{exc.message} [{exc.code}]")
            log.warning("%s; pages kept without OCR text", exc.message)
            return document
        raise
    by_number = {page.number: page for page in document.pages}
    layer = by_number[1].text if 1 in by_number else ""  # a scan's text layer: a stamp at best
    for ocr in read:
        # Page by page: the running-line removal of text layers compares lines
        # across pages, which OCR noise defeats and near-identical scans would empty.
        page = by_number[ocr.number]
        lines = normalise_text(clean_characters(ocr.text)).split("\n")
        page.text = "\n".join(line for line in lines if not is_noise_line(line)).strip()
        page.origin = TextOrigin.OCR
        page.garbage_ratio = round(garbage_ratio(ocr.text), 4)
        page.needs_ocr = False
    if errors:
        if not read and not _usable_text(document):
            raise errors[0]
        flag_pending(document, "; ".join(f"[{e.code}] {e.message}" for e in errors[:3]))
    if 1 in by_number and by_number[1].origin == TextOrigin.OCR:
        _title_from_ocr(document, path, by_number[1].text, layer)
    _refresh_figures(document)
    return document


def _title_from_ocr(document: ExtractedDocument, path: Path, first_page: str, stamp: str) -> None:
    """A scan's title: its metadata title if meaningful, else the first line read by OCR
    when that page reads well and the line looks like words (the text layer of a scan is
    at best a stamp such as "Reçu le 12/03/2021"), else the file name."""
    stem = unicodedata.normalize("NFC", path.stem)
    stated = [
        v for ns, k, v in document.metadata if (ns, k) in (("pdf", "Title"), ("xmp", "dc:title"))
    ]
    if any(meaningful_title(value, stem) for value in stated):
        return
    stamped = {_line_key(ln) for ln in stamp.split("\n")}
    line = None
    if reads_well(first_page):
        line = next(
            (
                ln.strip()
                for ln in first_page.split("\n")
                if is_title_worthy(ln) and _line_key(ln) not in stamped
            ),
            None,
        )
    if line:
        document.title = line[:200]
    elif document.title and _line_key(document.title) in stamped:
        document.title = None  # a stamp names nothing: the file name will


def _line_key(line: str) -> str:
    """A line compared without case, spacing or accents: OCR reads the stamp "Reçu le
    12/03/2021" of a scan's text layer as "Recu le 12/03/2021" as often as not."""
    return " ".join(fold(line).split())


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
