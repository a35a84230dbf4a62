"""Build the recueil sample corpus from the Markdown sources in corpus-src/sources/.

Run from the repository root:

    .venv/bin/python corpus-src/build_corpus.py

Each source is a small Markdown-ish file with a front matter (output path under
corpus/, doc_type, layout options, PDF metadata, gold theme labels). The script
writes the final documents into corpus/, then corpus/gold.jsonl and the file table
of corpus/README.md. It needs fpdf2, Pillow, pypdf and the DejaVu TTF fonts
(/usr/share/fonts/truetype/dejavu/). The generated files are committed: a machine
without these fonts does not need to rebuild them.

The build is byte-reproducible: fixed creation dates, fpdf2's content-derived file
ids, seeded "scan" noise, and seeded salts for the two encrypted PDFs.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import secrets
import shutil
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from layout import Block, LaidOutPDF, parse_body
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions as UAP

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = HERE / "sources"
OUT = ROOT / "corpus"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TZ = dt.timezone(dt.timedelta(hours=1))
USER_PASSWORD = "cites2024"
OWNER_PASSWORD = "irev-proprietaire-2021"
LIGATURES = [
    ("ffi", "\ufb03"),
    ("ffl", "\ufb04"),
    ("ff", "\ufb00"),
    ("fi", "\ufb01"),
    ("fl", "\ufb02"),
]


@dataclass
class Source:
    path: Path
    meta: dict[str, object]
    body: str
    blocks: list[Block] = field(default_factory=list)

    def get(self, key: str, default: object = None) -> object:
        return self.meta.get(key, default)

    def text(self, key: str, default: str = "") -> str:
        value = self.meta.get(key, default)
        return str(value) if value is not None else default

    def flag(self, key: str) -> bool:
        return self.meta.get(key) is True

    def items(self, key: str) -> list[str]:
        value = self.meta.get(key, [])
        return list(value) if isinstance(value, list) else [str(value)]


def parse_value(raw: str) -> object:
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].strip()
        return [part.strip() for part in inner.split(",") if part.strip()] if inner else []
    if raw in ("true", "false"):
        return raw == "true"
    if raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1]
    try:
        return float(raw) if "." in raw and raw.replace(".", "", 1).isdigit() else int(raw)
    except ValueError:
        return raw


def read_source(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise SystemExit(f"{path.name}: missing front matter")
    head, body = text[4:].split("\n---\n", 1)
    meta: dict[str, object] = {}
    for line in head.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition(":")
            meta[key.strip()] = parse_value(value)
    return Source(path, meta, body.lstrip("\n"))


def creation_date(src: Source) -> dt.datetime:
    raw = src.text("created", "2022-01-01T10:00")
    return dt.datetime.fromisoformat(raw).replace(tzinfo=TZ)


def apply_ligatures(text: str) -> str:
    for plain, lig in LIGATURES:
        text = text.replace(plain, lig)
    return text


def new_pdf(src: Source) -> LaidOutPDF:
    pdf = LaidOutPDF(
        header_text=src.text("header"),
        footer_text=src.text("footer"),
        columns=int(str(src.get("columns", 1))),
        font_size=float(str(src.get("font_size", 10.5))),
        hyphenate=src.flag("hyphenate"),
        hyphen_char="\u00ad" if src.flag("soft_hyphens") else "-",
        flyer=src.text("layout") == "flyer",
        family="serif" if src.text("font") == "serif" else "sans",
    )
    for family, prefix in (("sans", "DejaVuSans"), ("serif", "DejaVuSerif")):
        pdf.add_font(family, "", str(FONT_DIR / f"{prefix}.ttf"))
        pdf.add_font(family, "B", str(FONT_DIR / f"{prefix}-Bold.ttf"))
    pdf.set_creation_date(creation_date(src))
    pdf.set_lang("fr-FR")
    pdf.set_creator(src.text("creator", "Microsoft Word"))
    for key, setter in (
        ("title", pdf.set_title),
        ("author", pdf.set_author),
        ("subject", pdf.set_subject),
        ("keywords", pdf.set_keywords),
    ):
        if src.text(key):
            setter(src.text(key))
    return pdf


def render_pdf(src: Source) -> bytes:
    pdf = new_pdf(src)
    blocks = src.blocks
    if src.flag("ligatures"):
        blocks = [Block(b.kind, apply_ligatures(b.text)) for b in blocks]
    pdf.render(blocks)
    return bytes(pdf.output())


# --- scanned pages -------------------------------------------------------------------


def scan_image(src: Source, page_blocks: list[Block], seed: int) -> Image.Image:
    """Draw the text as a 150 dpi greyscale 'photocopy' (A4: 1240 x 1754 px)."""
    width, height, margin = 1240, 1754, 130
    img = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(img)
    serif = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 25)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 27)
    title = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 32)
    y = margin
    for block in page_blocks:
        font = {"title": title, "h2": bold, "h3": bold}.get(block.kind, serif)
        indent = 30 if block.kind == "bullet" else 0
        text = ("– " + block.text) if block.kind == "bullet" else block.text
        line = ""
        lines: list[str] = []
        for word in text.split():
            cand = f"{line} {word}".strip()
            if draw.textlength(cand, font=font) > width - 2 * margin - indent and line:
                lines.append(line)
                line = word
            else:
                line = cand
        lines.append(line)
        for text_line in lines:
            draw.text((margin + indent, y), text_line, font=font, fill=28)
            y += int(font.size * 1.45)
        y += 14 if block.kind != "title" else 30
    rng = random.Random(seed)
    for _ in range(900):  # toner specks
        x, yy = rng.randrange(width), rng.randrange(height)
        draw.point((x, yy), fill=rng.randrange(60, 200))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img.rotate(0.45, resample=Image.Resampling.BICUBIC, fillcolor=232)


def split_pages(blocks: list[Block]) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind == "pagebreak":
            pages.append([])
        else:
            pages[-1].append(block)
    return pages


def render_scan(src: Source) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(creation_date(src))
    pdf.set_creator(src.text("creator", "Canon iR-ADV C5535 PDF"))
    pdf.set_producer(src.text("producer", "Canon iR-ADV C5535"))
    if src.text("title"):
        pdf.set_title(src.text("title"))
    stamp = src.text("stamp")
    if stamp:
        pdf.add_font("sans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    for number, blocks in enumerate(split_pages(src.blocks), start=1):
        pdf.add_page()
        buf = io.BytesIO()
        scan_image(src, blocks, seed=number * 7919 + len(src.body)).save(buf, "JPEG", quality=55)
        pdf.image(buf, x=0, y=0, w=210, h=297)
        if stamp and number == 1:
            pdf.set_draw_color(190, 20, 30)
            pdf.set_text_color(190, 20, 30)
            pdf.set_line_width(0.6)
            pdf.set_font("sans", "B", 12)
            with pdf.rotation(5, x=165, y=11):
                pdf.rect(134, 5, 62, 12)
                pdf.set_xy(134, 6)
                pdf.cell(62, 10, stamp, align="C")
    return bytes(pdf.output())


# --- post-processing ---------------------------------------------------------------------


@contextmanager
def seeded_token_bytes(seed: str) -> Iterator[None]:
    """Make pypdf's salts, keys and IVs reproducible (they all come from secrets.token_bytes).

    Only so that a rebuild of these sample files is byte-identical; they protect nothing.
    """
    rng = random.Random(seed)
    original = secrets.token_bytes
    secrets.token_bytes = lambda n=32: rng.randbytes(n)  # type: ignore[assignment]
    try:
        yield
    finally:
        secrets.token_bytes = original


def encrypt(data: bytes, user_password: str, algorithm: str, restrict: bool) -> bytes:
    with seeded_token_bytes(f"{algorithm}:{len(data)}"):
        return _encrypt(data, user_password, algorithm, restrict)


def _encrypt(data: bytes, user_password: str, algorithm: str, restrict: bool) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    flags = UAP.all()
    if restrict:  # an owner-protected file: no modification, annotation or assembly
        flags = flags & ~UAP.MODIFY & ~UAP.ADD_OR_MODIFY & ~UAP.ASSEMBLE_DOC & ~UAP.FILL_FORM_FIELDS
    writer.encrypt(
        user_password=user_password,
        owner_password=OWNER_PASSWORD,
        algorithm=algorithm,
        permissions_flag=flags,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncate(data: bytes, ratio: float) -> bytes:
    return data[: int(len(data) * ratio)]


def postprocess(src: Source, data: bytes) -> bytes:
    action = src.text("postprocess")
    if action == "encrypt-user":
        return encrypt(data, USER_PASSWORD, "AES-256", restrict=False)
    if action == "encrypt-owner":
        return encrypt(data, "", "RC4-128", restrict=True)
    if action == "truncate":
        return truncate(data, float(str(src.get("truncate_at", 0.5))))
    return data


# --- web pages -----------------------------------------------------------------------------


def render_html(src: Source) -> bytes:
    from html import escape as html_escape

    def escape(text: str) -> str:
        return html_escape(text, quote=False)

    title = src.text("title")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        "</head>",
        "<body>",
        "<main>",
    ]
    in_list = False
    for block in src.blocks:
        if block.kind == "link" and not in_list:
            parts.append("<ol>")
            in_list = True
        if block.kind == "title":
            parts.append(f"<h1>{escape(block.text)}</h1>")
        elif block.kind in ("h2", "h3"):
            parts.append(f"<{block.kind}>{escape(block.text)}</{block.kind}>")
        elif block.kind == "bullet":
            parts.append(f"<p>&bull; {escape(block.text)}</p>")
        elif block.kind == "link":
            url = block.text.split("] ", 1)[1]
            parts.append(
                f"<li>{escape(block.text.split('] ')[0])}] "
                f'<a href="{html_escape(url)}">{escape(url)}</a></li>'
            )
        else:
            parts.append(f"<p>{escape(block.text)}</p>")
    if in_list:
        parts.append("</ol>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


# --- driver -------------------------------------------------------------------------------


def output_path(src: Source) -> Path:
    rel = src.text("output")
    if src.flag("nfd_name"):
        rel = unicodedata.normalize("NFD", rel)
    return OUT / rel


def build_one(src: Source) -> Path:
    fmt = src.text("format", "pdf")
    if fmt == "pdf":
        data = render_pdf(src)
    elif fmt == "scan":
        data = render_scan(src)
    elif fmt in ("txt", "md"):
        data = src.body.rstrip("\n").encode("utf-8") + b"\n"
    elif fmt == "html":
        data = render_html(src)
    else:
        raise SystemExit(f"{src.path.name}: unknown format {fmt}")
    target = output_path(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(postprocess(src, data))
    return target


def gold_line(src: Source, target: Path) -> str:
    record: dict[str, object] = {
        "path": target.relative_to(ROOT).as_posix(),
        "doc_type": src.text("kind"),
        "themes": src.items("themes"),
        "maybe": src.items("maybe"),
    }
    cite = src.text("cite")
    if cite and not cite.startswith(("plusieurs", "—")):
        record["cite"] = cite
    if src.items("themes_with_password"):
        record["themes_with_password"] = src.items("themes_with_password")
    if src.text("expect"):
        record["expect"] = src.text("expect")
    return json.dumps(record, ensure_ascii=False)


def readme_row(src: Source, target: Path) -> str:
    themes = ", ".join(src.items("themes")) or "—"
    if src.items("maybe"):
        themes += " (peut-être : " + ", ".join(src.items("maybe")) + ")"
    rel = unicodedata.normalize("NFC", target.relative_to(OUT).as_posix())
    cells = [f"`{rel}`", src.text("kind"), themes, src.text("cite", "—"), src.text("tests", "—")]
    return "| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |"


def main() -> int:
    sources = [read_source(p) for p in sorted(SOURCES.glob("*.md"))]
    # clear only the folders this script writes (corpus/ may hold other parts' samples)
    for folder in sorted({src.text("output").split("/")[0] for src in sources}):
        shutil.rmtree(OUT / folder, ignore_errors=True)
    gold, rows = [], []
    for src in sources:
        src.blocks = parse_body(src.body)
        target = build_one(src)
        gold.append(gold_line(src, target))
        rows.append(readme_row(src, target))
        print(f"{target.stat().st_size:>8}  {target.relative_to(ROOT)}")
    (OUT / "gold.jsonl").write_text("\n".join(gold) + "\n", encoding="utf-8")
    intro = (HERE / "README.intro.md").read_text(encoding="utf-8")
    table = [
        "| fichier | type (doc_type) | thèmes principaux | cité | ce que le fichier teste |",
        "|---|---|---|---|---|",
        *rows,
    ]
    (OUT / "README.md").write_text(
        intro.rstrip("\n") + "\n\n" + "\n".join(table) + "\n", encoding="utf-8"
    )
    print(f"{len(sources)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
