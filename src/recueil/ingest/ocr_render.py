"""Rendering scanned PDF pages for OCR, with memory bounded before anything is drawn.

The render scale is chosen from the page size in points so that a page never
exceeds ``MAX_PIXELS`` (300 dpi, lowered down to ``MIN_DPI`` for large pages);
a page that still does not fit, or that embeds an image too large to decode,
gives ``PageTooLargeError`` (E121) for that page. Pages are rendered one at a
time, in grey.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from recueil.errors import OcrError, PageTooLargeError

TARGET_DPI = 300
MIN_DPI = 100  # below this Tesseract reads body text poorly: refuse rather than guess
MAX_PIXELS = 40_000_000  # one rendered page, 1 byte per pixel in grey
MAX_IMAGE_PIXELS = 200_000_000  # an embedded image pdfium must decode whole to render
POINTS_PER_INCH = 72


def render_scale(width_pt: float, height_pt: float, max_pixels: int = MAX_PIXELS) -> float | None:
    """Scale (pixels per point) to render a page at: 300 dpi, lowered to fit
    ``max_pixels``; None when even ``MIN_DPI`` would not fit."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    scale = TARGET_DPI / POINTS_PER_INCH
    if area * scale * scale <= max_pixels:
        return scale
    fit = math.sqrt(max_pixels / area)
    return fit if fit >= MIN_DPI / POINTS_PER_INCH else None


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


def rendered_pages(
    path: Path, numbers: Sequence[int], password: str | None
) -> Iterator[tuple[int, Any, int]]:
    """(number, grey PIL image or the PageTooLargeError of that page, dpi) for each
    page, one bitmap alive at a time."""
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
            except PageTooLargeError as exc:
                yield number, exc, 0
                continue
            finally:
                page.close()
            try:
                yield number, image, round(scale * POINTS_PER_INCH)
            finally:
                image.close()
                bitmap.close()
    finally:
        document.close()
