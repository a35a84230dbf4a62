"""Pages per second: recueil's PDF extraction vs raw pypdfium2 and raw pdfplumber.

Generates a 50-page French PDF (running header and footer) with tests/pdfgen.py and
prints the figures; nothing is asserted. Run: ``.venv/bin/python tools/measure_pdf_extraction.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from pdfgen import french_pages, make_pdf  # noqa: E402
from recueil.config import resolve_settings  # noqa: E402
from recueil.ingest.base import ExtractContext  # noqa: E402
from recueil.ingest.pdf import read_pdf  # noqa: E402
from recueil.ingest.quality import french_words  # noqa: E402

PAGES = 50


def raw_pdfium(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    chars = sum(len(document[i].get_textpage().get_text_range()) for i in range(len(document)))
    document.close()
    return chars


def raw_pdfplumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def best_of(runs: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = make_pdf(
            Path(folder) / "cr-50.pdf",
            french_pages(PAGES),
            header="Cité éducative de Roubaix – compte rendu",
            footer="Page {page} sur {total}",
        )
        ctx = ExtractContext(settings=resolve_settings(home=Path(folder) / "home"))
        french_words()  # loaded once per process, as in a batch
        rows = [
            ("raw pypdfium2 get_text_range", best_of(5, lambda: raw_pdfium(path))),
            ("raw pdfplumber extract_text", best_of(2, lambda: raw_pdfplumber(path))),
            ("recueil read_pdf (all steps)", best_of(5, lambda: read_pdf(path, ctx))),
        ]
        for label, seconds in rows:
            print(f"{label:32} {seconds * 1000:8.1f} ms  {PAGES / seconds:8.1f} pages/s")


if __name__ == "__main__":
    main()
