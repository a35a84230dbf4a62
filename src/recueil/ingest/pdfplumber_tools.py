"""The parts of PDF reading done with pdfplumber/pdfminer (imported on first use).

pdfplumber is about 70 times slower than pdfium for text, so it only reads the XMP
packet, a few poor pages, and files pdfium refuses to open. Reading page 1's words
with their font sizes cost 0.4-0.8 s per document with pdfplumber: the heading is
found on pdfium's characters instead, with ``heading_from_words`` below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from recueil.ingest.normalise import clean_characters

HEADING_RATIO = 1.15  # a heading is set at least 15% larger than the body text
MAX_HEADING_LINES = 3


class PlumberUnreadable(Exception):
    """pdfminer could not open the file."""

    def __init__(self, message: str, *, encrypted: bool = False) -> None:
        super().__init__(message)
        self.encrypted = encrypted


def _open(path: Path, password: str | None, pages: Sequence[int] | None = None) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        return pdfplumber.open(
            path, password=password or "", pages=list(pages) if pages is not None else None
        )
    except Exception as exc:
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, PDFPasswordIncorrect):
                raise PlumberUnreadable("password", encrypted=True) from exc
            nested = cause.args[0] if cause.args else None
            cause = nested if isinstance(nested, BaseException) else cause.__cause__
        raise PlumberUnreadable(f"{type(exc).__name__}: {exc}".strip(": ")) from exc


def plumber_pages(path: Path, password: str | None) -> tuple[list[str], list[bool], dict[str, str]]:
    """(texts, has_images, info) of every page, for files pdfium cannot open."""
    pdf = _open(path, password)
    try:
        texts: list[str] = []
        images: list[bool] = []
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            images.append(bool(page.images))
            page.close()
        info = {str(k): str(v) for k, v in pdf.metadata.items() if isinstance(v, str | int)}
        return texts, images, info
    except PlumberUnreadable:
        raise
    except Exception as exc:
        raise PlumberUnreadable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        pdf.close()


def plumber_text(path: Path, password: str | None, indices: Sequence[int]) -> dict[int, str]:
    """pdfplumber's text of the given 0-based pages."""
    pdf = _open(path, password, pages=[i + 1 for i in indices])
    try:
        return {
            page.page_number - 1: page.extract_text() or ""
            for page in pdf.pages
            if page.page_number - 1 in indices
        }
    except Exception as exc:
        raise PlumberUnreadable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        pdf.close()


def heading_from_words(words: list[dict[str, Any]], page_height: float) -> str | None:
    sized = [w for w in words if w.get("size") and str(w.get("text", "")).strip()]
    if not sized:
        return None
    weights: Counter[float] = Counter()
    for word in sized:
        weights[round(float(word["size"]), 1)] += len(str(word["text"]))
    body = weights.most_common(1)[0][0]
    largest = max(float(w["size"]) for w in sized)
    if largest < body * HEADING_RATIO:
        return None
    big = [w for w in sized if float(w["size"]) >= largest - 0.5 and w["top"] < page_height * 0.6]
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(big, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if lines and abs(float(lines[-1][0]["top"]) - float(word["top"])) <= 2:
            lines[-1].append(word)
        elif lines and float(word["top"]) - float(lines[-1][0]["top"]) > 2.5 * largest:
            break  # a second, separate block of large type
        elif len(lines) < MAX_HEADING_LINES:
            lines.append([word])
        else:
            break
    text = " ".join(
        " ".join(str(w["text"]) for w in sorted(line, key=lambda w: float(w["x0"])))
        for line in lines
    )
    heading = " ".join(clean_characters(text).split())
    letters = sum(1 for char in heading if char.isalpha())
    return heading[:300] if letters >= 3 else None


def _xmp_packet(pdf: Any) -> bytes:
    from pdfminer.pdftypes import PDFStream, resolve1

    stream = resolve1(pdf.doc.catalog.get("Metadata"))
    if isinstance(stream, PDFStream):
        data = stream.get_data()
        return data if isinstance(data, bytes) else b""
    return b""


def plumber_xmp(path: Path, password: str | None) -> bytes:
    """The raw XMP packet of the document catalogue; b"" when missing or unreadable."""
    try:
        pdf = _open(path, password, pages=[1])
    except PlumberUnreadable:
        return b""
    try:
        return _xmp_packet(pdf)
    except Exception:  # a damaged metadata stream is not worth failing the file
        return b""
    finally:
        pdf.close()
