"""PDF extraction on real generated PDFs: text, metadata, quality, every failure code."""

from __future__ import annotations

import multiprocessing as mp
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pdfgen import (
    french_pages,
    make_cid_garbage_pdf,
    make_encrypted_pdf,
    make_garbage_pdf,
    make_ligature_pdf,
    make_pdf,
    make_scanned_pdf,
    make_truncated_pdf,
    make_zero_page_pdf,
)
from recueil.config import Settings, resolve_settings
from recueil.errors import (
    EmptyDocumentError,
    EncryptedPdfError,
    MalformedFileError,
    NeedsOcrError,
)
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.pdf import PdfExtractor, pages_needing_ocr, read_pdf
from recueil.ingest.registry import find_extractor, read_head

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="LibreOffice Writer">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Synthèse des actions de parentalité</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Labo Cités</rdf:li><rdf:li>IREV</rdf:li></rdf:Seq></dc:creator>
<xmp:CreateDate>2021-03-12T09:00:00+01:00</xmp:CreateDate>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Extraction never touches the catalogue: one plain home, no database variants.
    return resolve_settings(home=tmp_path / "home")


@pytest.fixture
def ctx(settings: Settings) -> ExtractContext:
    # The text layer only: OCR has its own tests (test_ingest_ocr.py).
    return ExtractContext(settings=settings, ocr="never")


def extract(path: Path, ctx: ExtractContext) -> ExtractedDocument:
    (document,) = list(PdfExtractor().extract(path, ctx))
    assert isinstance(document, ExtractedDocument)
    return document


def test_text_per_page_metadata_and_quality(tmp_path: Path, ctx: ExtractContext) -> None:
    path = make_pdf(
        tmp_path / "cr.pdf",
        french_pages(3),
        metadata={"title": "Rencontre régionale des CPO", "author": "IREV", "subject": "CPO"},
        creation_date=datetime(2022, 6, 9, 10, 30, tzinfo=UTC),
    )
    doc = extract(path, ctx)
    assert (doc.kind, doc.mime_type, doc.text_origin) == ("pdf", "application/pdf", "text")
    assert doc.title == "Rencontre régionale des CPO"
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.pages[0].text.startswith("Contexte\nLa sixième rencontre régionale")
    assert "Objectifs" in doc.pages[1].text
    assert ("pdf", "Author", "IREV") in doc.metadata
    assert ("pdf", "Subject", "CPO") in doc.metadata
    assert ("2022-06-09", "pdf:CreationDate") in doc.date_hints
    assert doc.garbage_ratio == 0.0
    assert doc.word_ratio is not None and doc.word_ratio > 0.85
    assert not doc.needs_ocr and not any(p.needs_ocr for p in doc.pages)


def test_office_file_name_title_gives_way_to_the_heading(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    path = make_pdf(
        tmp_path / "cr.pdf",
        french_pages(1),
        heading="Sixième rencontre des chefs de projet",
        metadata={"title": "Microsoft Word - CR_rencontre_v3.docx"},
    )
    doc = extract(path, ctx)
    assert doc.title == "Sixième rencontre des chefs de projet"
    assert ("pdf", "Title", "Microsoft Word - CR_rencontre_v3.docx") in doc.metadata


def test_xmp_metadata_and_title(tmp_path: Path, ctx: ExtractContext) -> None:
    doc = extract(make_pdf(tmp_path / "s.pdf", french_pages(1), xmp=XMP), ctx)
    assert doc.title == "Synthèse des actions de parentalité"
    assert ("xmp", "dc:creator", "Labo Cités; IREV") in doc.metadata
    assert ("xmp", "xmp:CreatorTool", "LibreOffice Writer") in doc.metadata
    assert ("2021-03-12", "xmp:CreateDate") in doc.date_hints


def test_running_headers_footers_and_page_numbers_removed(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    path = make_pdf(
        tmp_path / "cr.pdf",
        french_pages(4),
        header="Cité éducative de Roubaix – compte rendu du COPIL",
        footer="Page {page} sur {total}",
    )
    doc = extract(path, ctx)
    for page in doc.pages:
        assert "COPIL" not in page.text
        assert "sur 4" not in page.text
        assert "Page" not in page.text.split("\n")[-1]
    assert "continuité éducative" in doc.text


def test_ligatures_are_expanded(tmp_path: Path, ctx: ExtractContext) -> None:
    doc = extract(make_ligature_pdf(tmp_path / "lig.pdf"), ctx)
    text = doc.pages[0].text
    assert "réflexion" in text and "efficacité" in text and "différents" in text
    assert not any("\ufb00" <= char <= "\ufb06" for char in doc.text)


def test_end_of_line_hyphenation_from_pdfium(tmp_path: Path, ctx: ExtractContext) -> None:
    page = "Le projet d'accompa-\ngnement des petits-\ndéjeuners à Saint-\nQuentin en 2020-\n2022."
    doc = extract(make_pdf(tmp_path / "h.pdf", [page]), ctx)
    assert doc.pages[0].text == (
        "Le projet d'accompagnement des petits-déjeuners à Saint-Quentin en 2020-2022."
    )


def test_nfd_file_name(tmp_path: Path, ctx: ExtractContext) -> None:
    name = unicodedata.normalize("NFD", "réunion-équipe-Hautmont.pdf")
    path = make_pdf(tmp_path / name, french_pages(1))
    assert path.name != unicodedata.normalize("NFC", path.name)
    doc = extract(path, ctx)
    assert "cité" in doc.text


def test_cid_garbage_page_quality(tmp_path: Path, ctx: ExtractContext) -> None:
    doc = read_pdf(make_cid_garbage_pdf(tmp_path / "cid.pdf"), ctx)
    bad, good = doc.pages
    assert bad.garbage_ratio is not None and bad.garbage_ratio > 0.3
    assert bad.needs_ocr and bad.text == ""  # glyph soup is not kept as text
    assert good.garbage_ratio == 0.0 and not good.needs_ocr
    assert "coéducation" in good.text
    assert doc.needs_ocr and pages_needing_ocr(doc) == [1]
    assert doc.garbage_ratio is not None and 0.1 < doc.garbage_ratio < 0.9
    # The extractor keeps the document: page 2 is usable.
    assert extract(tmp_path / "cid.pdf", ctx).needs_ocr


def test_mixed_scan_keeps_document_and_flags_pages(tmp_path: Path, ctx: ExtractContext) -> None:
    path = make_scanned_pdf(tmp_path / "mixte.pdf", pages=2, text_pages=french_pages(1))
    doc = extract(path, ctx)
    assert doc.needs_ocr
    assert pages_needing_ocr(doc) == [1, 2]
    assert not doc.pages[2].needs_ocr and "cités éducatives" in doc.pages[2].text


def test_scan_without_text_layer_needs_ocr(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(NeedsOcrError) as caught:
        extract(make_scanned_pdf(tmp_path / "scan.pdf", pages=2), ctx)
    assert caught.value.code == "E105" and "1, 2 of 2" in caught.value.message


def test_scan_with_only_a_stamp_needs_ocr(tmp_path: Path, ctx: ExtractContext) -> None:
    path = make_scanned_pdf(tmp_path / "tampon.pdf", pages=1, stamp="Reçu le 12/03/2021")
    doc = read_pdf(path, ctx)
    assert doc.pages[0].needs_ocr
    assert doc.pages[0].text == "Reçu le 12/03/2021"  # kept, and the page still flagged
    with pytest.raises(NeedsOcrError):
        extract(path, ctx)
    # On several pages the stamp recurs like a running header.
    path = make_scanned_pdf(tmp_path / "tampons.pdf", pages=3, stamp="Reçu le 12/03/2021")
    with pytest.raises(NeedsOcrError, match="1, 2, 3 of 3"):
        extract(path, ctx)


def test_encrypted_without_password(tmp_path: Path, ctx: ExtractContext) -> None:
    path = make_encrypted_pdf(tmp_path / "protege.pdf", user_password="cites2024")
    with pytest.raises(EncryptedPdfError) as caught:
        extract(path, ctx)
    assert caught.value.code == "E102" and "needs a password" in caught.value.message


def test_encrypted_with_wrong_and_right_password(
    tmp_path: Path, ctx: ExtractContext, settings: Settings
) -> None:
    path = make_encrypted_pdf(tmp_path / "protege.pdf", user_password="cites2024")
    with pytest.raises(EncryptedPdfError, match="does not open"):
        extract(path, ExtractContext(settings=settings, password="mauvais"))
    doc = extract(path, ExtractContext(settings=settings, password="cites2024"))
    assert doc.title == "Document protégé" and "Roubaix" in doc.text


@pytest.mark.parametrize("password", [None, "inutile"])
def test_encrypted_with_empty_user_password_just_works(
    tmp_path: Path, settings: Settings, password: str | None
) -> None:
    path = make_encrypted_pdf(tmp_path / "ouvert.pdf", user_password="", algorithm="AES-256")
    doc = extract(path, ExtractContext(settings=settings, password=password))
    assert doc.title == "Document protégé" and len(doc.pages) == 2


def test_truncated_pdf_is_malformed(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(MalformedFileError) as caught:
        extract(make_truncated_pdf(tmp_path / "tronque.pdf"), ctx)
    assert caught.value.code == "E103"


def test_garbage_bytes_are_malformed(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(MalformedFileError):
        extract(make_garbage_pdf(tmp_path / "faux.pdf"), ctx)


def test_zero_pages_is_empty(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(EmptyDocumentError) as caught:
        extract(make_zero_page_pdf(tmp_path / "vide.pdf"), ctx)
    assert caught.value.code == "E104" and "no pages" in caught.value.message


def test_blank_pages_are_empty(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(EmptyDocumentError, match="blank"):
        extract(make_pdf(tmp_path / "blanc.pdf", ["", ""]), ctx)


def test_sniff_by_content(tmp_path: Path) -> None:
    extractor = PdfExtractor()
    assert extractor.sniff(tmp_path / "x.bin", b"%PDF-1.7\n")
    assert extractor.sniff(tmp_path / "x.pdf", b"\x00" * 200 + b"%PDF-1.4\n")
    assert not extractor.sniff(tmp_path / "x.pdf", b"<html><body>not a pdf</body></html>")
    path = make_pdf(tmp_path / "sans-extension", french_pages(1))
    found = find_extractor(path, read_head(path))
    assert found is not None and found.name == "pdf"


def _title_in_child(path: str, home: str) -> str | None:
    from recueil.config import resolve_settings

    return read_pdf(Path(path), ExtractContext(settings=resolve_settings(home=home))).title


def test_extraction_runs_in_a_spawned_process(tmp_path: Path, settings: Settings) -> None:
    path = make_pdf(tmp_path / "cr.pdf", french_pages(1), metadata={"title": "Bilan 2022"})
    with mp.get_context("spawn").Pool(1) as pool:
        title = pool.apply(_title_in_child, (str(path), str(settings.home)))
    assert title == "Bilan 2022"
