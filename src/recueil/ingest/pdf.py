"""PDF extractor: text per page, metadata, quality figures, pages needing OCR.

Engines, measured on generated French PDFs (see docs/pdf-extraction.md):
pypdfium2 reads the text of every page (about 40 times faster than pdfplumber).
pdfplumber (pdfminer) is used only where it adds something:
- page 1 words with their font size, to find the heading used as a title;
- the XMP packet of the catalogue (pdfium has no API for it);
- a second opinion on pages whose pdfium text looks like garbage (kept when better);
- files pdfium refuses to open but pdfminer reads (e.g. an empty page tree).

``read_pdf`` never raises for pages without text: it flags them (``needs_ocr``).
``require_text`` then raises ``NeedsOcrError`` when no page has a usable text
layer. An OCR step slots between the two: OCR ``pages_needing_ocr(doc)``, replace
those pages' text (origin "ocr"), then call ``require_text``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from recueil.errors import EmptyDocumentError, EncryptedPdfError, MalformedFileError, NeedsOcrError
from recueil.ingest import registry
from recueil.ingest.base import ExtractContext, ExtractedDocument, ExtractedPage, RecordFailure
from recueil.ingest.normalise import clean_characters, normalise_pages
from recueil.ingest.ocr import apply_ocr, flag_pending
from recueil.ingest.pdfmeta import date_hints, info_entries, meaningful_title, xmp_entries
from recueil.ingest.pdfplumber_tools import (
    PlumberUnreadable,
    heading_from_words,
    plumber_pages,
    plumber_text,
    plumber_xmp,
)
from recueil.ingest.quality import (
    MIN_LETTERS,
    document_figures,
    french_words,
    garbage_ratio,
    letter_count,
    measure_page,
    word_counts,
)

MIME = "application/pdf"
SECOND_OPINION_GARBAGE = 0.05
SECOND_OPINION_WORDS = 0.5
MAX_SECOND_OPINIONS = 10


@dataclass(slots=True)
class RawPdf:
    """What the engines read, before normalisation."""

    pages: list[str]
    has_images: list[bool]
    info: dict[str, str] = field(default_factory=dict)
    engine: str = "pdfium"
    heading: str | None = None  # page 1's large type, when it stands out


def _encrypted(path: Path, password: str | None) -> EncryptedPdfError:
    if password:
        return EncryptedPdfError(f"{path.name}: the password given does not open this PDF")
    return EncryptedPdfError(f"{path.name} is encrypted and needs a password")


def _page_has_images(page: Any) -> bool:
    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4)
    return next(iter(objects), None) is not None


def _open_pdfium(path: Path, password: str | None) -> Any:
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (
            pdfium_c.FPDF_ERR_PASSWORD,
            pdfium_c.FPDF_ERR_SECURITY,
        ):
            if password:  # a password given for a file that needs none still opens
                try:
                    return pdfium.PdfDocument(str(path))
                except pdfium.PdfiumError:
                    pass
            raise _encrypted(path, password) from exc
        return None


def _read_pdfium(document: Any) -> RawPdf:
    pages: list[str] = []
    images: list[bool] = []
    heading = None
    for index in range(len(document)):
        page = document[index]
        try:
            textpage = page.get_textpage()
            height = float(page.get_height())
            try:
                text = textpage.get_text_range()
                if index == 0:
                    heading = heading_from_words(_sized_words(textpage, height), height)
            finally:
                textpage.close()
            images.append(letter_count(text) < MIN_LETTERS and _page_has_images(page))
        finally:
            page.close()
        pages.append(text)
    info = {k: v for k, v in document.get_metadata_dict(skip_empty=True).items() if v}
    return RawPdf(pages, images, info, heading=heading)


def _sized_words(textpage: Any, page_height: float, limit: int = 5000) -> list[dict[str, Any]]:
    """Words of a pdfium text page with their font size and position (pdfplumber's shape)."""
    words: list[dict[str, Any]] = []
    current: list[str] = []
    size = top = x0 = 0.0
    for index in range(min(textpage.count_chars(), limit)):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if char.isspace() or not char.isprintable():
            if current:
                words.append({"text": "".join(current), "size": size, "top": top, "x0": x0})
                current = []
            continue
        left, _, _, high = textpage.get_charbox(index, loose=True)
        if not current:
            size, top, x0 = 0.0, page_height - high, left
        size = max(size, float(pdfium_c.FPDFText_GetFontSize(textpage, index)))
        current.append(char)
    if current:
        words.append({"text": "".join(current), "size": size, "top": top, "x0": x0})
    return words


def _score(text: str) -> float:
    known, tokens = word_counts(clean_characters(text))
    return (1.0 - garbage_ratio(text)) * (known / tokens if tokens else 0.0)


def _is_poor(text: str) -> bool:
    if garbage_ratio(text) > SECOND_OPINION_GARBAGE:
        return True
    known, tokens = word_counts(clean_characters(text))
    return tokens >= 20 and known / tokens < SECOND_OPINION_WORDS


def _second_opinion(path: Path, password: str | None, raw: RawPdf) -> None:
    """Replace poor pdfium pages by pdfplumber's text when it reads better."""
    poor = [i for i, text in enumerate(raw.pages) if text.strip() and _is_poor(text)]
    poor = poor[:MAX_SECOND_OPINIONS]
    if not poor:
        return
    try:
        texts = plumber_text(path, password, poor)
    except PlumberUnreadable:
        return
    for index, text in texts.items():
        if _score(text) > _score(raw.pages[index]):
            raw.pages[index] = text


def _read(path: Path, password: str | None) -> RawPdf:
    document = _open_pdfium(path, password)
    if document is None:  # pdfium refused the file: ask pdfminer before giving up
        try:
            pages, images, info = plumber_pages(path, password)
        except PlumberUnreadable as exc:
            if exc.encrypted:
                raise _encrypted(path, password) from exc
            raise MalformedFileError(f"{path.name} is damaged or truncated ({exc})") from exc
        return RawPdf(pages, images, info, engine="pdfminer")
    try:
        raw = _read_pdfium(document)
    finally:
        document.close()
    return raw


def _title(
    path: Path,
    password: str | None,
    raw: RawPdf,
    metadata: list[tuple[str, str, str]],
    first_page: str,
) -> tuple[str | None, list[tuple[str, str, str]]]:
    """(title, xmp entries): metadata title, else page-1 heading, else first line."""
    stem = unicodedata.normalize("NFC", path.stem)
    info_title = next((v for ns, k, v in metadata if (ns, k) == ("pdf", "Title")), None)
    title = meaningful_title(info_title, stem)
    xmp = xmp_entries(plumber_xmp(path, password))
    if title is None:
        xmp_title = next((v for _, k, v in xmp if k == "dc:title"), None)
        title = meaningful_title(xmp_title, stem) or (raw.heading if first_page.strip() else None)
    if title is None:
        title = next(
            (ln[:200].strip() for ln in first_page.split("\n") if letter_count(ln) >= 4), None
        )
    return title, xmp


def read_pdf(path: Path, ctx: ExtractContext) -> ExtractedDocument:
    """Read a PDF into a document with per-page text and quality; flags, never
    rejects, pages without a usable text layer."""
    raw = _read(path, ctx.password)
    if not raw.pages:
        raise EmptyDocumentError(f"{path.name} has no pages")
    if raw.engine == "pdfium":
        _second_opinion(path, ctx.password, raw)
    clean = normalise_pages(raw.pages)
    qualities = [
        measure_page(r, c, has_images=img)
        for r, c, img in zip(raw.pages, clean, raw.has_images, strict=True)
    ]
    pages = [
        ExtractedPage(
            number=i + 1,
            text="" if q.is_noise else text,
            origin="text",
            garbage_ratio=round(q.garbage_ratio, 4),
            needs_ocr=q.needs_ocr,
        )
        for i, (text, q) in enumerate(zip(clean, qualities, strict=True))
    ]
    metadata = info_entries(raw.info)
    title, xmp = _title(path, ctx.password, raw, metadata, clean[0])
    metadata += xmp
    garbage, words = document_figures(qualities)
    return ExtractedDocument(
        kind="pdf",
        mime_type=MIME,
        title=title,
        pages=pages,
        metadata=metadata,
        date_hints=date_hints(metadata),
        garbage_ratio=round(garbage, 4),
        word_ratio=None if words is None else round(words, 4),
        needs_ocr=any(q.needs_ocr for q in qualities),
        text_origin="text",
    )


def pages_needing_ocr(document: ExtractedDocument) -> list[int]:
    """1-based numbers of the pages whose text layer is missing or unusable."""
    return [page.number for page in document.pages if page.needs_ocr]


def _page_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


def require_text(document: ExtractedDocument, path: Path) -> ExtractedDocument:
    """Raise when no page has usable text: EmptyDocumentError or NeedsOcrError."""
    needing = pages_needing_ocr(document)
    usable = [p for p in document.pages if not p.needs_ocr and letter_count(p.text) > 0]
    if usable:
        return document
    if not needing:
        raise EmptyDocumentError(f"{path.name}: its {len(document.pages)} page(s) are blank")
    raise NeedsOcrError(
        f"{path.name} has no usable text layer (scan): "
        f"page(s) {_page_list(needing)} of {len(document.pages)} need OCR"
    )


class PdfExtractor:
    """Reads PDF files (sniffed by the ``%PDF-`` signature)."""

    name = "pdf"
    suffixes = (".pdf",)  # a .pdf without the signature is damaged, not unsupported

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def warm_up(self) -> None:
        """Pay the one-off costs (pdfminer import, word list) before forking children."""
        import pdfplumber  # noqa: F401

        french_words()

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        document = read_pdf(path, ctx)
        if ctx.ocr != "never":
            document = apply_ocr(document, path, ctx)
        else:
            flag_pending(document, "OCR was turned off (--ocr never)")
        yield require_text(document, path)


registry.register(PdfExtractor())
