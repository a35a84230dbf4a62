"""The benchmark's files on disk: PDFs (fpdf2) and text documents, cached by seed.

One document in ``PDF_EVERY`` is a PDF of several pages (running header,
"Page n sur N" footer, a large title on page 1, numbered headings and
paragraphs; one PDF in four is laid out in two columns); the others are plain
text files, as web-page exports are. Files already in the cache folder are
kept, so a second run only writes what is missing.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from fpdf import FPDF

from recueil.bench.corpus import TextDoc, doc_rng, make_doc, text_words

PDF_EVERY = 10
WORDS_PER_PAGE = 420
TEXT_WORDS = 500  # mean length of a text document
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FALLBACKS = {"’": "'", "‘": "'", "œ": "oe", "Œ": "OE", "…": "...", "–": "-", "—": "-"}


def is_pdf(index: int) -> bool:
    return index % PDF_EVERY == 0


def file_name(index: int) -> str:
    return f"{index:05d}.{'pdf' if is_pdf(index) else 'txt'}"


class _Pdf(FPDF):
    def __init__(self, header_text: str) -> None:
        super().__init__(format="A4")
        self.header_text = header_text
        self.family = "Helvetica"
        if (FONT_DIR / "DejaVuSans.ttf").exists():
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family = "DejaVu"

    def safe(self, text: str) -> str:
        if self.family == "DejaVu":
            return text
        for char, repl in _FALLBACKS.items():
            text = text.replace(char, repl)
        return text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, size=8)
        self.cell(0, 6, self.safe(self.header_text), align="C")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.family, size=8)
        self.cell(0, 6, f"Page {self.page_no()} sur {{nb}}", align="C")


def _is_heading(block: str) -> bool:
    return len(block) < 60 and block[:1].isdigit() and not block.endswith(".")


class _Layout:
    """Greedy line breaking with cached word widths (fpdf2's own is quadratic in a line)."""

    def __init__(self, pdf: _Pdf, columns: int) -> None:
        self.pdf = pdf
        self.columns = columns
        self.gutter = 8.0
        usable = pdf.w - pdf.l_margin - pdf.r_margin
        self.width = (usable - self.gutter * (columns - 1)) / columns
        self.column = 0
        self.top = pdf.get_y()
        self.y = self.top
        self.bottom = pdf.h - 22
        self.widths: dict[tuple[str, str, float], float] = {}

    def _width(self, word: str, style: str, size: float) -> float:
        key = (word, style, size)
        if key not in self.widths:
            self.widths[key] = self.pdf.get_string_width(word)
        return self.widths[key]

    def _next_line(self, height: float) -> None:
        self.y += height
        if self.y <= self.bottom:
            return
        self.column += 1
        if self.column >= self.columns:
            self.pdf.add_page()
            self.column = 0
            self.top = self.pdf.get_y()
        self.y = self.top + height

    def block(self, text: str, style: str, size: float, gap: float) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.family, style=style, size=size)
        height = size * 0.5
        space = self._width(" ", style, size)
        x0 = pdf.l_margin + self.column * (self.width + self.gutter)
        line: list[str] = []
        used = 0.0
        for word in pdf.safe(text).split():
            width = self._width(word, style, size)
            if line and used + space + width > self.width:
                self._next_line(height)
                x0 = pdf.l_margin + self.column * (self.width + self.gutter)
                pdf.text(x0, self.y, " ".join(line))
                line, used = [], 0.0
            used += width + (space if line else 0.0)
            line.append(word)
        if line:
            self._next_line(height)
            x0 = pdf.l_margin + self.column * (self.width + self.gutter)
            pdf.text(x0, self.y, " ".join(line))
        self.y += gap


def write_pdf(path: Path, doc: TextDoc, *, columns: int, with_title_meta: bool) -> None:
    pdf = _Pdf(f"Cité éducative de {doc.cite} — {doc.doc_type}")
    pdf.alias_nb_pages("{nb}")
    pdf.set_auto_page_break(False)
    if with_title_meta:
        pdf.set_title(doc.title)
    pdf.set_creator("recueil bench")
    pdf.set_creation_date(dt.datetime.combine(doc.date, dt.time(10, 30), tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font(pdf.family, style="B", size=18)
    pdf.multi_cell(0, 9, pdf.safe(doc.title))
    pdf.ln(4)
    layout = _Layout(pdf, columns)
    body = 9.0 if columns > 1 else 10.0
    for block in doc.blocks:
        if _is_heading(block):
            layout.block(block, "B", body + 2, 1.0)
        else:
            layout.block(block, "", body, 2.5)
    pdf.output(str(path))


def write_file(folder: Path, seed: int, index: int) -> Path:
    path = folder / file_name(index)
    if path.exists():
        return path
    rng = doc_rng(seed + 31, index)
    if is_pdf(index):
        pages = rng.choice([2, 3, 4, 5, 6, 6, 8, 10, 12])
        doc = make_doc(seed, index, pages * WORDS_PER_PAGE)
        tmp = path.with_suffix(".tmp")
        write_pdf(tmp, doc, columns=2 if rng.random() < 0.25 else 1,
                  with_title_meta=rng.random() < 0.5)  # fmt: skip
        tmp.replace(path)
    else:
        doc = make_doc(seed, index, text_words(seed, index, TEXT_WORDS))
        path.write_text(f"{doc.title}\n\n{doc.text}\n", encoding="utf-8")
    return path


def ensure_files(folder: Path, seed: int, count: int) -> tuple[list[Path], float]:
    """The first ``count`` documents of the corpus as files; (paths, seconds spent writing).

    Missing files are written by one process per core (fpdf2 spends most of a
    PDF's time parsing and subsetting the font).
    """
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    missing = [i for i in range(count) if not (folder / file_name(i)).exists()]
    if len(missing) > 4:
        mpctx = mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=mpctx) as pool:
            list(pool.map(write_file, repeat(folder), repeat(seed), missing, chunksize=4))
    paths = [write_file(folder, seed, index) for index in range(count)]
    return paths, time.perf_counter() - started
