"""PDF metadata: the info dictionary, XMP packets, dates and a meaningful title."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date

INFO_KEYS = (
    "Title",
    "Author",
    "Subject",
    "Keywords",
    "Creator",
    "Producer",
    "CreationDate",
    "ModDate",
)
DATE_KEYS = ("CreationDate", "ModDate")
MAX_XMP_BYTES = 1024 * 1024

# XMP namespaces worth a prefix; other elements keep their local name only.
XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP_KEEP = (
    "dc:title",
    "dc:creator",
    "dc:description",
    "dc:subject",
    "dc:publisher",
    "dc:date",
    "dc:language",
    "xmp:CreateDate",
    "xmp:ModifyDate",
    "xmp:MetadataDate",
    "xmp:CreatorTool",
    "pdf:Producer",
    "pdf:Keywords",
)
XMP_DATE_KEYS = ("xmp:CreateDate", "xmp:ModifyDate")

PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
OFFICE_PREFIX = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel|office\s+word)|word|powerpoint)\s*-\s*",
    re.IGNORECASE,
)
FILE_NAME = re.compile(
    r"\.(?:docx?|odt|ott|pdf|pptx?|odp|xlsx?|ods|rtf|txt|indd|pub|qxp|tmp|html?)$",
    re.IGNORECASE,
)
PLACEHOLDER_TITLES = frozenset(
    {
        "untitled",
        "sans titre",
        "document",
        "titre",
        "title",
        "présentation powerpoint",
        "presentation powerpoint",
        "diapositive 1",
        "slide 1",
        "new document",
        "nouveau document",
    }
)


def pdf_date_to_iso(value: str) -> str | None:
    """``D:20220609103000+02'00'`` -> ``2022-06-09``; None when it is not a valid date."""
    text = value.strip()
    match = ISO_DATE.match(text)
    if match:
        parts = (match.group(1), match.group(2), match.group(3))
    else:
        match = PDF_DATE.match(text)
        if match is None:
            return None
        parts = (match.group(1), match.group(2) or "01", match.group(3) or "01")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return None


def info_entries(info: dict[str, str]) -> list[tuple[str, str, str]]:
    """("pdf", key, value) for the non-empty values of the info dictionary."""
    entries = []
    for key in INFO_KEYS:
        value = _clean_value(info.get(key, ""))
        if value:
            entries.append(("pdf", key, value))
    return entries


def _clean_value(value: str) -> str:
    value = unicodedata.normalize("NFC", value.replace("\x00", ""))
    return " ".join(value.split())


def date_hints(entries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """ISO dates from CreationDate/ModDate and their XMP twins, with their origin."""
    hints = []
    for namespace, key, value in entries:
        wanted = DATE_KEYS if namespace == "pdf" else XMP_DATE_KEYS
        if namespace in ("pdf", "xmp") and key in wanted:
            iso = pdf_date_to_iso(value)
            if iso is not None:
                hints.append((iso, f"pdf:{key}" if namespace == "pdf" else key))
    return hints


def _key(tag: str) -> str:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        prefix = XMP_PREFIXES.get(namespace)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _element_text(element: ET.Element) -> str:
    items = [li for li in element.iter(f"{{{RDF}}}li")]
    if items:
        texts = (" ".join("".join(li.itertext()).split()) for li in items)
        return "; ".join(t for t in texts if t)
    return " ".join("".join(element.itertext()).split())


def xmp_entries(packet: bytes) -> list[tuple[str, str, str]]:
    """("xmp", "dc:title", value)... from an XMP packet; [] when it cannot be read."""
    if not packet or len(packet) > MAX_XMP_BYTES:
        return []
    if b"<!ENTITY" in packet or b"<!DOCTYPE" in packet:
        return []  # no entity expansion from untrusted files
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    body = packet[start:] if start >= 0 else packet
    end = body.rfind(b">")
    try:
        root = ET.fromstring(body[: end + 1])
    except ET.ParseError:
        return []
    found: dict[str, str] = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        for attribute, value in description.attrib.items():
            key = _key(attribute)
            if key in XMP_KEEP and value.strip():
                found.setdefault(key, _clean_value(value))
        for child in description:
            key = _key(child.tag)
            text = _element_text(child)
            if key in XMP_KEEP and text:
                found.setdefault(key, _clean_value(text))
    return [("xmp", key, found[key]) for key in XMP_KEEP if key in found]


def meaningful_title(value: str | None, filename_stem: str) -> str | None:
    """The metadata title when it names the document, else None.

    Rejected: empty, placeholders ("Sans titre", "Présentation PowerPoint"),
    office file names ("Microsoft Word - cr_copil.docx"), the file's own name.
    """
    if not value:
        return None
    title = _clean_value(value)
    bare = OFFICE_PREFIX.sub("", title).strip()
    if OFFICE_PREFIX.match(title) and (FILE_NAME.search(bare) or " " not in bare):
        return None
    title = bare
    lowered = title.casefold()
    letters = sum(1 for char in title if char.isalpha())
    if letters < 3 or lowered in PLACEHOLDER_TITLES:
        return None
    if FILE_NAME.search(title):
        return None
    stem = unicodedata.normalize("NFC", filename_stem).casefold()
    if lowered == stem or lowered.replace(" ", "_") == stem:
        return None
    if " " not in title and re.search(r"[_]|\d{4,}", title):
        return None  # cr_copil_2022, scan0001: a file name, not a title
    return title[:300]
