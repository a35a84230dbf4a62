"""Generate real PDFs for the tests: French text, headers/footers, scans, broken files.

Every function writes a genuine PDF (fpdf2, Pillow, pypdf) to the path it is
given and returns that path, so tests exercise the real extraction libraries.
Text uses DejaVuSans when the font is installed (CI installs fonts-dejavu-core)
and falls back to Helvetica with latin-1-safe text otherwise.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
HAS_DEJAVU = DEJAVU.exists()

# Paragraphs in the style of a CPO meeting report; reused to fill pages.
FRENCH_PARAGRAPHS = (
    "La sixième rencontre régionale des chefs de projet opérationnels des cités "
    "éducatives s'est tenue à Roubaix le 9 juin 2022. Les participants ont échangé "
    "sur l'accompagnement à la scolarité et la continuité éducative.",
    "Le comité de pilotage a présenté le diagnostic partagé du territoire : "
    "absentéisme, décrochage scolaire et difficultés d'accès à la santé scolaire "
    "restent des priorités pour les familles du quartier.",
    "À Saint-Quentin, la cité éducative finance des ateliers de soutien à la "
    "parentalité, un café des parents et des petits-déjeuners à l'école maternelle.",
    "Les partenaires soulignent l'importance de la coéducation avec les parents "
    "d'élèves et de la médiation numérique pour réduire la fracture numérique.",
    "Points de vigilance : la mobilisation des familles demande du temps, les "
    "crédits de la cité éducative doivent compléter le droit commun sans le remplacer.",
    "Contact : coordination de la cité éducative, service éducation de la ville, "
    "en lien avec le collège chef de file et la délégation du préfet.",
)

_LATIN1_FALLBACKS = {"’": "'", "‘": "'", "œ": "oe", "Œ": "OE", "…": "...", "–": "-", "—": "-"}


def latin1_safe(text: str) -> str:
    """Text that Helvetica (cp1252/latin-1) can draw."""
    for char, repl in _LATIN1_FALLBACKS.items():
        text = text.replace(char, repl)
    return text.encode("latin-1", "replace").decode("latin-1")


# Headings of an experience write-up; each page opens with one of them.
HEADINGS = (
    "Contexte",
    "Objectifs",
    "Public visé",
    "Partenaires",
    "Moyens et financement",
    "Résultats",
    "Points de vigilance",
)


def french_pages(count: int, paragraphs_per_page: int = 3) -> list[str]:
    """``count`` pages of French prose, each opening with a heading of a write-up."""
    pages = []
    for index in range(count):
        paras = [
            FRENCH_PARAGRAPHS[(index + k) % len(FRENCH_PARAGRAPHS)]
            for k in range(paragraphs_per_page)
        ]
        heading = HEADINGS[index % len(HEADINGS)]
        pages.append(f"{heading}\n\n" + "\n\n".join(paras))
    return pages


class _Doc(FPDF):
    """FPDF with optional running header and footer ("Page n sur N")."""

    def __init__(self, header_text: str | None, footer_text: str | None) -> None:
        super().__init__(format="A4")
        self.header_text = header_text
        self.footer_text = footer_text
        self.font_family_name = "Helvetica"
        if HAS_DEJAVU:
            self.add_font("DejaVu", "", str(DEJAVU))
            if DEJAVU_BOLD.exists():
                self.add_font("DejaVu", "B", str(DEJAVU_BOLD))
            self.font_family_name = "DejaVu"

    def safe(self, text: str) -> str:
        return text if HAS_DEJAVU else latin1_safe(text)

    def header(self) -> None:
        if self.header_text:
            self.set_font(self.font_family_name, size=9)
            self.cell(0, 8, self.safe(self.header_text), align="C")
            self.ln(12)

    def footer(self) -> None:
        if self.footer_text:
            self.set_y(-15)
            self.set_font(self.font_family_name, size=9)
            text = self.footer_text.format(page=self.page_no(), total="{nb}")
            self.cell(0, 8, self.safe(text), align="C")


def make_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    heading: str | None = None,
    header: str | None = None,
    footer: str | None = None,
    metadata: dict[str, str] | None = None,
    creation_date: datetime | None = None,
    xmp: str | None = None,
    font_size: int = 11,
) -> Path:
    """Write a text PDF, one string per page (``\\n\\n`` separates paragraphs).

    ``heading`` is drawn in large bold type at the top of page 1. ``footer`` may
    use ``{page}`` and ``{total}``, e.g. ``"Page {page} sur {total}"``.
    ``metadata`` keys: title, author, subject, keywords, creator, producer.
    """
    pdf = _Doc(header, footer)
    pdf.alias_nb_pages("{nb}")
    pdf.set_auto_page_break(True, margin=20)
    meta = metadata or {}
    setters: dict[str, Callable[[str], None]] = {
        "title": pdf.set_title,
        "author": pdf.set_author,
        "subject": pdf.set_subject,
        "keywords": pdf.set_keywords,
        "creator": pdf.set_creator,
        "producer": pdf.set_producer,
    }
    for key, value in meta.items():
        setters[key](value)
    pdf.set_creation_date(creation_date or datetime(2022, 6, 9, 10, 30, tzinfo=UTC))
    if xmp is not None:
        pdf.set_xmp_metadata(xmp)
    for index, text in enumerate(pages):
        pdf.add_page()
        if index == 0 and heading:
            style = "B" if (HAS_DEJAVU and DEJAVU_BOLD.exists()) or not HAS_DEJAVU else ""
            pdf.set_font(pdf.font_family_name, style=style, size=20)
            pdf.multi_cell(0, 10, pdf.safe(heading))
            pdf.ln(4)
        pdf.set_font(pdf.font_family_name, size=font_size)
        for para in text.split("\n\n"):
            pdf.multi_cell(0, 6, pdf.safe(para))
            pdf.ln(3)
    pdf.output(str(path))
    return path


def scan_image(
    text: str = "Compte rendu manuscrit",
    size: tuple[int, int] = (1240, 1754),
    paragraphs: Sequence[str] = FRENCH_PARAGRAPHS[:2],
) -> Image.Image:
    """An A4 page at 150 dpi rendered as a picture (no text layer): ``text`` as a
    first line, then ``paragraphs``."""
    image = Image.new("L", size, color=245)
    draw = ImageDraw.Draw(image)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    font = ImageFont.truetype(str(DEJAVU), 36) if HAS_DEJAVU else ImageFont.load_default()
    y = 150
    for line in (text, *paragraphs):
        for chunk in _wrap(line, 55):
            draw.text((120, y), chunk, fill=20, font=font)
            y += 52
        y += 30
    return image


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def make_scanned_pdf(
    path: Path,
    pages: int = 2,
    *,
    stamp: str | None = None,
    text_pages: Sequence[str] = (),
    scanned_texts: Sequence[str] = (),
    rotate: int = 0,
) -> Path:
    """An image-only PDF (a scan). ``stamp`` adds a tiny text layer on each scanned
    page (e.g. "Reçu le 12/03/2021"); ``text_pages`` appends ordinary text pages,
    which makes a mixed document where only some pages need OCR. ``scanned_texts``
    gives the text drawn on each scanned page (paragraphs split on blank lines)
    instead of the default French paragraphs. ``rotate`` turns each scanned picture
    by that many degrees (counter-clockwise), as a sheet fed upside down or sideways."""
    pdf = _Doc(None, None)
    for index in range(pages):
        pdf.add_page()
        buffer = io.BytesIO()
        heading = f"Procès-verbal, feuillet {index + 1}"
        if index < len(scanned_texts):
            image = scan_image(heading, paragraphs=scanned_texts[index].split("\n\n"))
        else:
            image = scan_image(heading)
        if rotate:
            image = image.rotate(rotate, expand=True, fillcolor=245)
        image.save(buffer, format="PNG")
        buffer.seek(0)
        pdf.image(buffer, x=0, y=0, w=210, h=297)
        if stamp:
            pdf.set_font(pdf.font_family_name, size=8)
            pdf.set_xy(150, 10)
            pdf.cell(0, 5, pdf.safe(stamp))
    for text in text_pages:
        pdf.add_page()
        pdf.set_font(pdf.font_family_name, size=11)
        for para in text.split("\n\n"):
            pdf.multi_cell(0, 6, pdf.safe(para))
            pdf.ln(3)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(
    path: Path,
    *,
    user_password: str = "secret",
    owner_password: str = "owner-pass",
    pages: Sequence[str] | None = None,
    algorithm: str = "AES-128",
) -> Path:
    """A text PDF encrypted with pypdf. ``user_password=""`` gives a file that
    any reader opens without asking (only permissions are restricted)."""
    buffer = io.BytesIO()
    plain = path.with_suffix(".plain.pdf")
    make_pdf(plain, pages or french_pages(2), metadata={"title": "Document protégé"})
    reader = PdfReader(plain)
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    writer.write(buffer)
    plain.unlink()
    path.write_bytes(buffer.getvalue())
    return path


def make_truncated_pdf(path: Path, keep: float = 0.45) -> Path:
    """A text PDF cut after ``keep`` of its bytes (an interrupted download)."""
    make_pdf(path, french_pages(3))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_garbage_pdf(path: Path) -> Path:
    """Bytes that start like a PDF and are nothing of the sort."""
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    return path


def make_zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    writer = PdfWriter()
    writer.add_metadata({"/Title": "Aucune page"})
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_ligature_pdf(path: Path) -> Path:
    """Text drawn with the Unicode ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ), as some
    publishing tools leave them in the text layer."""
    text = (
        "La réﬂexion sur l'eﬃcacité des dispositifs a permis de déﬁnir les "
        "objectifs. Les diﬀérents partenaires ont ﬁnancé les actions aﬁn de "
        "renforcer la conﬁance des familles. Un travail eﬀectué avec ﬁerté."
    )
    if not HAS_DEJAVU:  # Helvetica cannot draw ligature glyphs
        text = text.translate(str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi"}))
    return make_pdf(path, [text, french_pages(1)[0]])


def make_cid_garbage_pdf(path: Path) -> Path:
    """Two pages: page 1 in an embedded font without a Unicode map (extracts as
    ``(cid:NNN)`` in pdfminer, control characters in pdfium), page 2 in Helvetica
    (a standard font that needs no map) and readable."""
    pdf = _Doc(None, None)
    pdf.add_page()
    pdf.set_font(pdf.font_family_name, size=11)
    for para in FRENCH_PARAGRAPHS[:3]:
        pdf.multi_cell(0, 6, pdf.safe(para))
        pdf.ln(3)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for para in FRENCH_PARAGRAPHS[3:]:
        pdf.multi_cell(0, 6, latin1_safe(para))
        pdf.ln(3)
    plain = path.with_suffix(".plain.pdf")
    pdf.output(str(plain))
    strip_to_unicode(plain, path)
    plain.unlink()
    return path


def strip_to_unicode(source: Path, target: Path) -> Path:
    """Copy a PDF with every font's /ToUnicode map removed, as badly produced
    PDFs do: extractors then see glyph ids (``(cid:NNN)``) instead of letters."""
    reader = PdfReader(source)
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        fonts = resources.get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def make_huge_scan_pdf(
    path: Path, pixels: int = 35_000, *, page_points: float | None = None
) -> Path:
    """A one-page PDF holding a ``pixels`` x ``pixels`` one-bit scan (all white).

    Written by hand and compressed in a stream, so the test itself never holds the
    image in memory (a 35,000-pixel square is 1.2 gigapixels). The page measures
    ``page_points`` per side (default: the image at 300 dpi, about 3 metres)."""
    import zlib

    side = page_points if page_points is not None else pixels * 72 / 300
    row = b"\xff" * ((pixels + 7) // 8)
    packer = zlib.compressobj(9)
    block = row * 256
    chunks = [packer.compress(block) for _ in range(pixels // 256)]
    chunks.append(packer.compress(row * (pixels % 256)))
    chunks.append(packer.flush())
    image = b"".join(chunks)
    content = f"q {side:.2f} 0 0 {side:.2f} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side:.2f} {side:.2f}] "
        "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {pixels} /Height {pixels} "
        "/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode "
        f"/Length {len(image)} >>\nstream\n".encode()
        + image
        + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    path.write_bytes(bytes(out))
    return path
