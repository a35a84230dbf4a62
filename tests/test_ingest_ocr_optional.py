"""OCR is optional at run time: a PDF that has text is never failed for lack of it.

Real PDFs are generated in the test: text pages plus one image-only page (a scan).
"Without OCR" is real too: a child `recueil` in which pytesseract cannot be
imported (a blocking import hook), a Tesseract command that does not exist, or
one without French data. Once Tesseract is there, `recueil ocr` reads only the
flagged pages. An upside-down scan is read the right way up (Tesseract's OSD).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from pdfgen import french_pages, make_scanned_pdf
from processes import recueil_env
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.config import Settings
from recueil.ingest.ocr import ENV_TESSERACT_CMD, tesseract_problem
from recueil.ingest.quality import is_noise_line, is_title_worthy
from test_ingest_ocr import COMPTE_RENDU, EXPECTED, read_back

FAST = ("--no-tag", "--jobs", "1", "--json")
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or tesseract_problem("tesseract") is not None,
    reason="needs tesseract with French data (make install, or apt-get install "
    "tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd)",
)
pytestmark = pytest.mark.ocr

# A child recueil in which `import pytesseract` fails, as when installed without it.
WITHOUT_PYTESSERACT = """
import sys

class _NoPytesseract:
    def find_spec(self, name, path=None, target=None):
        if name == "pytesseract" or name.startswith("pytesseract."):
            raise ModuleNotFoundError("No module named 'pytesseract'", name=name)
        return None

sys.meta_path.insert(0, _NoPytesseract())
from recueil.cli import main
main()
"""


def mixed_pdf(path: Path) -> Path:
    """A scanned first page (image only) followed by three pages with a text layer."""
    return make_scanned_pdf(path, pages=1, scanned_texts=[COMPTE_RENDU], text_pages=french_pages(3))


def stored(settings: Settings) -> list[Document]:
    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            docs = list(session.scalars(select(Document).order_by(Document.id)))
            for doc in docs:
                _ = doc.pages
            return docs
    finally:
        cat.close()


def assert_kept_without_ocr(item: dict, settings: Settings, reason: str) -> None:
    assert (item["outcome"], item["error_code"]) == ("added", "W120"), item
    assert "page(s) 1 of 4 need OCR" in item["message"] and reason in item["message"]
    assert "recueil ocr" in item["message"]
    (doc,) = stored(settings)
    assert doc.needs_ocr and [p.needs_ocr for p in doc.pages] == [True, False, False, False]
    assert doc.pages[0].text == "" and "Roubaix" in doc.text  # the text pages went in


def test_without_pytesseract_text_pages_go_in_and_scans_fail_with_the_hint(
    run_cli, settings: Settings, tmp_path: Path
) -> None:
    mixed = mixed_pdf(tmp_path / "these-avec-annexe-scannee.pdf")
    scan = make_scanned_pdf(tmp_path / "scan.pdf", pages=1)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYTESSERACT, *run_cli.root_args, "ingest", *FAST,
         "--no-index", str(mixed), str(scan)],
        capture_output=True, text=True, env=recueil_env(), timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # the scan alone failed
    items = {Path(i["source"]).name: i for i in json.loads(done.stdout)["items"]}
    assert_kept_without_ocr(items[mixed.name], settings, "pytesseract")
    assert (items["scan.pdf"]["outcome"], items["scan.pdf"]["error_code"]) == ("failed", "E105")
    assert "pytesseract" in items["scan.pdf"]["message"]
    assert "ModuleNotFoundError" not in done.stdout  # never the raw E103 of before
    flagged = json.loads(run_cli("list", "--needs-ocr", "--json").stdout)
    assert [row["id"] for row in flagged] == [1]


def test_missing_tesseract_keeps_the_text_and_ocr_later_reads_only_the_flagged_pages(
    run_cli, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed = mixed_pdf(tmp_path / "rapport.pdf")
    monkeypatch.setenv(ENV_TESSERACT_CMD, str(tmp_path / "pas-de-tesseract"))
    result = run_cli("ingest", *FAST, str(mixed))
    assert result.exit_code == 0, result.output  # a warning, not a failure
    (item,) = json.loads(result.stdout)["items"]
    assert_kept_without_ocr(item, settings, "was not found")
    text_pages = [p.text for p in stored(settings)[0].pages[1:]]

    # Still no Tesseract: `recueil ocr` changes nothing and says why.
    again = run_cli("ocr", "--no-tag", "--json")
    assert again.exit_code == 0, again.output
    (same,) = json.loads(again.stdout)["items"]
    assert (same["outcome"], same["error_code"]) == ("skipped", "W120")
    assert stored(settings)[0].needs_ocr

    monkeypatch.delenv(ENV_TESSERACT_CMD)
    if shutil.which("tesseract") is None or tesseract_problem("tesseract") is not None:
        pytest.skip("the second half needs tesseract with French data")
    done = run_cli("ocr", "--no-tag", "--json")
    assert done.exit_code == 0, done.output
    (updated,) = json.loads(done.stdout)["items"]
    assert (updated["outcome"], updated["document_id"]) == ("updated", 1)
    assert "1 page(s) read by OCR" in updated["message"]
    (doc,) = stored(settings)
    assert not doc.needs_ocr and doc.text_origin == "mixed"
    assert [p.origin for p in doc.pages] == ["ocr", "text", "text", "text"]
    assert [p.text for p in doc.pages[1:]] == text_pages  # text pages untouched
    missing = [word for word in EXPECTED if not read_back(word, doc.pages[0].text)]
    assert not missing, doc.pages[0].text
    # The index follows: a word only the scanned page holds is found.
    hits = json.loads(run_cli("search", "périscolaire", "--json").stdout)
    assert [h["id"] for h in hits] == [1]
    assert json.loads(run_cli("ocr", "--json").stdout)["items"] == []  # nothing left
    assert run_cli("check").exit_code == 0


def test_tesseract_without_french_data_is_a_warning(
    run_cli, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'List of available languages (1):'\necho eng\n")
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_TESSERACT_CMD, str(fake))
    result = run_cli("ingest", *FAST, "--no-index", str(mixed_pdf(tmp_path / "cr.pdf")))
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)["items"]
    assert_kept_without_ocr(item, settings, "'fra' language data")


@needs_tesseract
def test_an_upside_down_scan_is_read_the_right_way_up(
    run_cli, settings: Settings, tmp_path: Path
) -> None:
    scan = make_scanned_pdf(
        tmp_path / "pv-a-l-envers.pdf", pages=1, scanned_texts=[COMPTE_RENDU], rotate=180
    )
    result = run_cli("ingest", *FAST, "--no-index", str(scan))
    assert result.exit_code == 0, result.output
    (doc,) = stored(settings)
    missing = [word for word in EXPECTED if not read_back(word, doc.text)]
    assert not missing, f"OCR missed {missing} in {doc.text!r}"
    assert read_back("Procès-verbal", doc.title)


@needs_tesseract
def test_a_scan_that_reads_as_nonsense_is_named_after_its_file(
    run_cli, settings: Settings, tmp_path: Path
) -> None:
    nonsense = "Xqzv kjhw qpfl brtz\n\nMvkq zzxp wqtr hjkl pxvb drfq"
    scan = make_scanned_pdf(tmp_path / "scan-0042.pdf", pages=1, scanned_texts=[nonsense])
    result = run_cli("ingest", *FAST, "--no-index", str(scan))
    assert result.exit_code == 0, result.output
    (doc,) = stored(settings)
    assert doc.text_origin == "ocr" and doc.title == "scan-0042"


def test_ocr_lines_are_judged_before_they_name_a_document() -> None:
    for noise in ("mi U_ “ * T7", "| ; == ~", "ii l1 |"):
        assert is_noise_line(noise) and not is_title_worthy(noise)
    for line in ("12/03/2021", "Grigny", "Compte rendu du comité de pilotage"):
        assert not is_noise_line(line)
    assert is_title_worthy("Compte rendu du comité de pilotage de Grigny")
    assert not is_title_worthy("Xqzv kjhw qpfl brtz")
