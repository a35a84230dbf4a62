"""Tiny Markdown-ish parser and a line-by-line PDF layout for the sample corpus.

The layout is done by hand (not fpdf2's multi_cell) so that the corpus gets what real
documents have: one or two columns, a running header and footer on every page, and
words hyphenated at line ends with a real hyphen (or a soft hyphen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fpdf import FPDF

FIELD = re.compile(r"^[A-ZÉÈÀ][\w'’ /.,-]{0,40}?(\([^)]*\))? ?: ")
LINK = re.compile(r"^\[\d+\] ")
VOWELS = set("aeiouyàâäéèêëîïôöùûüœæAEIOUYÀÂÉÈÊËÎÏÔÙÛÜ")
INSEPARABLE = {
    "ch",
    "ph",
    "th",
    "gn",
    "bl",
    "br",
    "cl",
    "cr",
    "dr",
    "fl",
    "fr",
    "gl",
    "gr",
    "pl",
    "pr",
    "tr",
    "vr",
    "qu",
    "gu",
}


@dataclass(frozen=True)
class Block:
    kind: str  # title, h2, h3, para, bullet, link, pagebreak
    text: str


def parse_body(body: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line == "\\pagebreak":
            flush()
            blocks.append(Block("pagebreak", ""))
        elif line.startswith(("### ", "#### ")):
            flush()
            blocks.append(Block("h3", line.split(" ", 1)[1]))
        elif line.startswith("## "):
            flush()
            blocks.append(Block("h2", line[3:]))
        elif line.startswith("# "):
            flush()
            blocks.append(Block("title", line[2:]))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("bullet", line[2:]))
        elif LINK.match(line):
            flush()
            blocks.append(Block("link", line))
        elif FIELD.match(line):
            flush()
            blocks.append(Block("para", line))
        else:
            para.append(line)
    flush()
    return blocks


def split_points(core: str) -> list[int]:
    """Rough French syllable boundaries inside a word (positions, right to left)."""
    points = []
    for i in range(len(core) - 3, 2, -1):
        left, right = core[i - 1], core[i]
        nxt = core[i + 1] if i + 1 < len(core) else ""
        if left in VOWELS and right not in VOWELS and nxt in VOWELS:
            points.append(i)  # V-CV
        elif (
            left not in VOWELS
            and right not in VOWELS
            and core[i - 1 : i + 1].lower() not in INSEPARABLE
            and core[i - 2] in VOWELS
        ):
            points.append(i)  # VC-CV
    return points


class LaidOutPDF(FPDF):
    def __init__(
        self,
        *,
        header_text: str,
        footer_text: str,
        columns: int,
        font_size: float,
        hyphenate: bool,
        hyphen_char: str,
        flyer: bool,
        family: str,
    ) -> None:
        super().__init__(format="A4", unit="mm")
        self.header_text = header_text
        self.footer_text = footer_text
        self.columns = columns
        self.base = font_size
        self.hyphenate = hyphenate
        self.hyphen_char = hyphen_char
        self.flyer = flyer
        self.family = family
        self.set_auto_page_break(False)
        self.margin = 20.0
        self.top = 27.0 if header_text else 20.0
        self.bottom = 297.0 - (24.0 if footer_text else 20.0)
        self.gap = 8.0
        self.col = 0
        self.col_top = self.top
        self.cy = self.top

    # running header and footer, on every page
    def header(self) -> None:
        if not self.header_text:
            return
        self.set_font("sans", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(self.margin, 10)
        self.cell(210 - 2 * self.margin, 5, self.header_text, align="C")
        self.set_draw_color(150, 150, 150)
        self.line(self.margin, 16.5, 210 - self.margin, 16.5)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        if not self.footer_text:
            return
        text = self.footer_text.replace("{n}", str(self.page_no()))
        left, _, right = text.partition(" || ")
        self.set_font("sans", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(self.margin, 297 - 15)
        if right:
            self.cell(120, 5, left, align="L")
            self.set_xy(210 - self.margin - 50, 297 - 15)
            self.cell(50, 5, right, align="R")
        else:
            self.cell(210 - 2 * self.margin, 5, left, align="C")
        self.set_text_color(0, 0, 0)

    # geometry
    @property
    def col_width(self) -> float:
        usable = 210 - 2 * self.margin
        return (usable - self.gap * (self.columns - 1)) / self.columns

    def col_x(self) -> float:
        return self.margin + self.col * (self.col_width + self.gap)

    def new_page(self) -> None:
        self.add_page()
        self.col = 0
        self.col_top = self.top
        self.cy = self.top

    def ensure(self, height: float) -> None:
        if self.cy + height <= self.bottom:
            return
        if self.col + 1 < self.columns:
            self.col += 1
            self.cy = self.col_top
        else:
            self.new_page()

    # line breaking with hyphenation
    def wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        cur = ""
        for word in text.split(" "):
            if not word:
                continue
            cand = f"{cur} {word}" if cur else word
            if self.get_string_width(cand) <= width:
                cur = cand
                continue
            split = self.split_word(cur, word, width) if self.hyphenate else None
            if split:
                head, tail = split
                lines.append(f"{cur} {head}" if cur else head)
                cur = tail
            elif cur:
                lines.append(cur)
                cur = word
            else:
                lines.append(word)
        if cur:
            lines.append(cur)
        return lines

    def split_word(self, cur: str, word: str, width: float) -> tuple[str, str] | None:
        core = word.rstrip(".,;:!?»)")
        tail_punct = word[len(core) :]
        if len(core) < 7 or not core.isalpha() or core[0].isupper():
            return None
        for i in split_points(core):
            head = core[:i] + self.hyphen_char
            cand = f"{cur} {head}" if cur else head
            if self.get_string_width(cand.replace("\u00ad", "-")) <= width:
                return head, core[i:] + tail_punct
        return None

    def write_lines(
        self,
        lines: list[str],
        size: float,
        style: str,
        indent: float = 0,
        bullet: str = "",
        align: str = "L",
    ) -> None:
        self.set_font(self.family, style, size)
        height = size * 0.5
        for number, line in enumerate(lines):
            self.ensure(height)
            x = self.col_x() + indent
            if bullet and number == 0:
                self.set_xy(x - 4.5, self.cy)
                self.cell(4, height, bullet)
            self.set_xy(x, self.cy)
            self.cell(self.col_width - indent, height, line, align=align)
            self.cy += height

    def render(self, blocks: list[Block]) -> None:
        self.new_page()
        align = "C" if self.flyer else "L"
        scale = 1.35 if self.flyer else 1.0
        for index, block in enumerate(blocks):
            if block.kind == "pagebreak":
                self.new_page()
                continue
            if block.kind == "title":
                size = self.base + (12 if self.flyer else 6)
                saved = self.columns
                self.columns = 1 if index == 0 else saved
                self.set_font(self.family, "B", size)
                self.write_lines(self.wrap(block.text, self.col_width), size, "B", align=align)
                self.cy += size * 0.35
                self.columns = saved
                self.col_top = self.cy
                continue
            if block.kind in ("h2", "h3"):
                size = (self.base + (2.5 if block.kind == "h2" else 1)) * scale
                self.cy += size * 0.25
                self.ensure(size * 0.5 + self.base * 1.1)
                self.set_font(self.family, "B", size)
                self.write_lines(self.wrap(block.text, self.col_width), size, "B", align=align)
                self.cy += size * 0.12
                continue
            size = self.base * scale
            self.set_font(self.family, "", size)
            if block.kind == "bullet":
                lines = self.wrap(block.text, self.col_width - 5)
                self.write_lines(lines, size, "", indent=5, bullet="•")
            else:
                self.write_lines(self.wrap(block.text, self.col_width), size, "", align=align)
            self.cy += size * 0.22
