"""OCR of scanned PDFs with the real Tesseract (French data), through the real CLI.

The scans are generated in the test (tests/pdfgen.py draws French text into a
picture and wraps it in an image-only PDF), so Tesseract really reads French.
"""

from __future__ import annotations

import difflib
import json
import resource
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from pdfgen import make_huge_scan_pdf, make_pdf, make_scanned_pdf
from processes import RECUEIL, recueil_env
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.config import Settings
from recueil.errors import PageTooLargeError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.ocr import ENV_TESSERACT_CMD, _title_from_ocr, apply_ocr, tesseract_problem
from recueil.ingest.ocr_render import MAX_PIXELS, MIN_DPI, render_scale
from recueil.ingest.pdf import PdfExtractor, read_pdf

FAST = ("--no-tag", "--no-index", "--jobs", "1", "--json")
COMPTE_RENDU = (
    "Le comité de pilotage de la cité éducative s'est réuni à Grigny le mardi "
    "14 mars 2023. Les équipes ont présenté le bilan des ateliers de soutien "
    "à la parentalité et des petits-déjeuners à l'école maternelle.\n\n"
    "Les familles demandent davantage de médiation numérique et un accueil "
    "périscolaire le mercredi après-midi."
)
EXPECTED = (
    "comité",
    "pilotage",
    "éducative",
    "Grigny",
    "parentalité",
    "maternelle",
    "périscolaire",
)

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or tesseract_problem("tesseract") is not None,
    reason="needs tesseract with French data (apt-get install tesseract-ocr tesseract-ocr-fra)",
)
pytestmark = pytest.mark.ocr


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_back(expected: str, text: str) -> bool:
    """True when OCR read ``expected`` (accents and one slip tolerated)."""
    words = {fold(w.strip(".,;:'’()")) for w in text.split()}
    return bool(difflib.get_close_matches(fold(expected), words, n=1, cutoff=0.8))


def documents(settings: Settings) -> list[Document]:
    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            docs = session.scalars(select(Document)).all()
            for doc in docs:
                _ = doc.pages  # load before the session closes
            return list(docs)
    finally:
        cat.close()


def ingest(run_cli, *args: str) -> dict:
    return json.loads(run_cli("ingest", *FAST, *args).output)


@needs_tesseract
def test_scanned_french_page_is_ocred(run_cli, settings: Settings, tmp_path: Path) -> None:
    scan = make_scanned_pdf(tmp_path / "pv-comite.pdf", pages=1, scanned_texts=[COMPTE_RENDU])
    before = scan.read_bytes()
    report = ingest(run_cli, str(scan))
    assert [i["outcome"] for i in report["items"]] == ["added"], report

    (doc,) = documents(settings)
    assert doc.text_origin == "ocr" and not doc.needs_ocr
    assert [p.origin for p in doc.pages] == ["ocr"]
    missing = [word for word in EXPECTED if not read_back(word, doc.text)]
    assert not missing, f"OCR missed {missing} in {doc.text!r}"
    assert doc.word_ratio is not None and doc.word_ratio > 0.7
    # The original is archived as it came, never rewritten with a text layer.
    assert scan.read_bytes() == before
    assert (settings.home / str(doc.original_path)).read_bytes() == before


@needs_tesseract
def test_stamp_only_scan_is_ocred(settings: Settings, tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "tampon.pdf", pages=1, stamp="Reçu le 12/03/2021")
    ctx = ExtractContext(settings=settings)  # --ocr auto
    assert read_pdf(path, ctx).pages[0].needs_ocr  # a stamp is not a text layer
    (doc,) = PdfExtractor().extract(path, ctx)
    assert doc.text_origin == "ocr"  # type: ignore[union-attr]
    text = doc.text  # type: ignore[union-attr]
    assert read_back("Procès-verbal", text) and read_back("rencontre", text)
    assert read_back("Roubaix", text)
    # The title comes from the scanned page, not from the stamp.
    assert "Reçu" not in doc.title and read_back("Procès-verbal", doc.title)  # type: ignore[union-attr]


def test_stamp_read_without_its_accents_is_not_a_title(tmp_path: Path) -> None:
    # The text layer says "Reçu le 12/03/2021"; Tesseract read the same stamp without
    # its cedilla, first line of the page: the title is the next line, not the stamp.
    document = ExtractedDocument(
        kind="pdf", mime_type="application/pdf", title="Reçu le 12/03/2021"
    )
    first_page = "Recu le 12/03/2021\nProcès-verbal du comité de pilotage\n" + COMPTE_RENDU
    _title_from_ocr(document, tmp_path / "scan.pdf", first_page, "Reçu le 12/03/2021")
    assert document.title == "Procès-verbal du comité de pilotage"


@needs_tesseract
def test_mixed_document_ocrs_only_the_scanned_pages(settings: Settings, tmp_path: Path) -> None:
    path = make_scanned_pdf(
        tmp_path / "mixte.pdf",
        pages=1,
        scanned_texts=[COMPTE_RENDU],
        text_pages=["Annexe : liste des partenaires de la cité éducative de Grigny. " * 4],
    )
    ctx = ExtractContext(settings=settings)
    doc = apply_ocr(read_pdf(path, ctx), path, ctx)
    assert [p.origin for p in doc.pages] == ["ocr", "text"]
    assert doc.text_origin == "mixed" and not doc.needs_ocr
    assert read_back("parentalité", doc.pages[0].text)
    assert doc.pages[1].text.startswith("Annexe : liste des partenaires")
    # --ocr always reads the text page with Tesseract too.
    always = ExtractContext(settings=settings, ocr="always")
    doc = apply_ocr(read_pdf(path, always), path, always)
    assert doc.text_origin == "ocr" and read_back("partenaires", doc.pages[1].text)


def test_ocr_never_leaves_the_scan_unread(run_cli, tmp_path: Path) -> None:
    scan = make_scanned_pdf(tmp_path / "scan.pdf", pages=1)
    report = ingest(run_cli, "--ocr", "never", str(scan))
    (item,) = report["items"]
    assert (item["outcome"], item["error_code"]) == ("failed", "E105")


def test_missing_tesseract_gives_needs_ocr_with_the_install_hint(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_TESSERACT_CMD, str(tmp_path / "no-such-tesseract"))
    scan = make_scanned_pdf(tmp_path / "scan.pdf", pages=1)
    text = make_pdf(tmp_path / "texte.pdf", ["Compte rendu de la réunion des parents. " * 5])
    result = run_cli("ingest", *FAST, str(scan), str(text))
    report = json.loads(result.output)
    by_name = {Path(i["source"]).name: i for i in report["items"]}
    assert (by_name["scan.pdf"]["outcome"], by_name["scan.pdf"]["error_code"]) == (
        "failed",
        "E105",
    )
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in by_name["scan.pdf"]["message"]
    assert by_name["texte.pdf"]["outcome"] == "added"  # a text PDF needs no Tesseract


def test_missing_french_data_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'List of available languages (1):'\necho eng\n")
    fake.chmod(0o755)
    assert tesseract_problem(str(fake)) == "Tesseract has no 'fra' language data"
    assert "was not found" in str(tesseract_problem(str(tmp_path / "absent")))


def test_render_scale_fits_the_pixel_budget() -> None:
    a4 = render_scale(595, 842)
    assert a4 == 300 / 72  # an A4 page at 300 dpi fits
    a0 = render_scale(2384, 3370)  # A0: lowered to fit the budget
    assert a0 is not None and MIN_DPI / 72 <= a0 < 300 / 72
    assert 2384 * 3370 * a0 * a0 <= MAX_PIXELS
    assert render_scale(8400, 8400) is None  # 35,000 px at 300 dpi: refused


def test_page_of_35000_pixels_fails_cleanly(settings: Settings, tmp_path: Path) -> None:
    ctx = ExtractContext(settings=settings, ocr="always")
    huge_page = make_huge_scan_pdf(tmp_path / "plan-geant.pdf")  # ~3 m wide at 300 dpi
    with pytest.raises(PageTooLargeError, match="page 1 measures") as caught:
        list(PdfExtractor().extract(huge_page, ctx))
    assert caught.value.code == "E121"
    huge_image = make_huge_scan_pdf(tmp_path / "scan-geant.pdf", page_points=595)  # on A4
    with pytest.raises(PageTooLargeError, match="1225 megapixels"):
        list(PdfExtractor().extract(huge_image, ctx))


def test_huge_page_fails_the_document_not_the_memory(run_cli, tmp_path: Path) -> None:
    """A real ingest under a 3 GB address-space limit: rendering the page (4.9 GB
    in colour) would fail; refusing it before rendering gives E121."""
    make_huge_scan_pdf(tmp_path / "plan.pdf", page_points=595)
    make_pdf(tmp_path / "cr.pdf", ["Compte rendu de la réunion des parents d'élèves. " * 5])
    limit = 3 * 1024**3

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [*RECUEIL, *run_cli.root_args, "ingest", *FAST, str(tmp_path / "plan.pdf"),
         str(tmp_path / "cr.pdf")],
        capture_output=True, text=True, env=recueil_env(), preexec_fn=bounded, timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    items = {Path(i["source"]).name: i for i in json.loads(done.stdout)["items"]}
    assert (items["plan.pdf"]["outcome"], items["plan.pdf"]["error_code"]) == ("failed", "E121")
    assert "megapixels" in items["plan.pdf"]["message"]
    assert items["cr.pdf"]["outcome"] == "added"
