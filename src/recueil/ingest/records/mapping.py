"""UNIMARC / Dublin Core fields -> notice fields, and back from the catalogue.

Notice fields are ordered ``dict[str, list[str]]``: every key may repeat (a
record has several keywords, authors, notes). They are stored as metadata in
the ``notice`` namespace beside the raw fields (``marc`` / ``dc``), and
``notice_fields(document)`` reads them back for export.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from recueil.ingest.records.marc21 import is_marc21, marc21_fields
from recueil.ingest.records.model import DcRecord, RawField, RawRecord

if TYPE_CHECKING:
    from recueil.catalogue.models import Document

NoticeFields = dict[str, list[str]]

NAMESPACE = "notice"
THEME_MARK = "recueil:"  # 610$9 of the theme keywords recueil exports
CITE_FIELD_NAME = "cite_educative"  # 900$n of the cité éducative recueil exports

# (notice key, UNIMARC tag, subfield): the one-to-one part of the mapping.
SIMPLE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("language", "101", "a"),
    ("title", "200", "a"),
    ("subtitle", "200", "e"),
    ("place", "210", "a"),
    ("publisher", "210", "c"),
    ("extent", "215", "a"),
    ("collection", "225", "a"),
    ("note", "300", "a"),
    ("abstract", "330", "a"),
    ("descriptor", "606", "a"),
    ("url", "856", "u"),
)
PERSON_TAGS = {"700": "author", "701": "coauthor", "702": "secondary_author"}
CORPORATE_TAGS = {
    "710": "corporate_author",
    "711": "corporate_coauthor",
    "712": "corporate_secondary_author",
}
ATTACHMENT_SUBFIELDS = (("attachment_url", "a"), ("attachment", "f"), ("attachment_type", "t"))
# Keys recueil itself adds on export (derived from tagging): not part of the source record.
DERIVED_KEYS = ("theme", CITE_FIELD_NAME)

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_PERSON = re.compile(r"^(?P<name>.*?)(?:, (?P<first>[^\[]*?))?(?: \[(?P<role>[^\]]*)\])?$")


def year_of(value: str | None) -> str | None:
    match = _YEAR.search(value or "")
    return match.group(1) if match else None


def format_person(name: str, first_name: str | None = None, role: str | None = None) -> str:
    """ "Dupont, Marie [070]": name, first name, UNIMARC role code."""
    text = name.strip()
    if first_name and first_name.strip():
        text += f", {first_name.strip()}"
    if role and role.strip():
        text += f" [{role.strip()}]"
    return text


def parse_person(value: str) -> tuple[str, str | None, str | None]:
    match = _PERSON.match(value.strip())
    if match is None:  # pragma: no cover - the pattern matches any string
        return value, None, None
    return match.group("name"), match.group("first") or None, match.group("role") or None


def _add(fields: NoticeFields, key: str, value: str | None) -> None:
    if value is not None and value.strip():
        fields.setdefault(key, []).append(value.strip())


def _custom(fields: NoticeFields, field: RawField) -> None:
    name = (field.get("n") or "").strip() or re.sub(
        r"\W+", "_", (field.get("l") or "").lower()
    ).strip("_")
    name = name or "custom"
    if name == CITE_FIELD_NAME:
        _add(fields, CITE_FIELD_NAME, field.get("a"))
        return
    _add(fields, f"custom:{name}", field.get("a"))
    _add(fields, f"custom_label:{name}", field.get("l"))


def unimarc_fields(record: RawRecord) -> NoticeFields:
    """Map one UNIMARC record to notice fields (keys in a stable order)."""
    if is_marc21(record):
        return marc21_fields(record)
    fields: NoticeFields = {}
    record_id = record.control_id or (record.header.record_id if record.header else None)
    _add(fields, "id", record_id)
    for date_field in record.get_fields("009"):
        _add(
            fields, "date", date_field.data if date_field.data is not None else date_field.get("a")
        )
    for key, tag, code in SIMPLE_FIELDS:
        for value in record.all(tag, code):
            _add(fields, key, value)
        if key == "publisher":
            year = year_of(record.first("210", "d")) or year_of(
                next(iter(fields.get("date", [])), None)
            )
            _add(fields, "year", year)
        if key == "descriptor":
            for keyword in record.get_fields("610"):
                mark = keyword.get("9") or ""
                if mark.startswith(THEME_MARK):
                    _add(fields, "theme", mark[len(THEME_MARK) :])
                else:
                    for value in keyword.get_all("a"):
                        _add(fields, "keyword", value)
    for tag, key in PERSON_TAGS.items():
        for person in record.get_fields(tag):
            if person.get("a"):
                _add(
                    fields,
                    key,
                    format_person(person.get("a") or "", person.get("b"), person.get("4")),
                )
    for tag, key in CORPORATE_TAGS.items():
        for body in record.get_fields(tag):
            if body.get("a"):
                _add(fields, key, format_person(body.get("a") or "", None, body.get("4")))
    for attachment in record.get_fields("897"):
        for key, code in ATTACHMENT_SUBFIELDS:
            _add(fields, key, attachment.get(code))
    for custom in record.get_fields("900"):
        _custom(fields, custom)
    return fields


def dc_fields(record: DcRecord) -> NoticeFields:
    """Map a Dublin Core record: PMB's oai_dc drops keywords types, corporate bodies, files."""
    fields: NoticeFields = {}
    _add(fields, "id", record.header.record_id if record.header else None)
    titles = record.all("title")
    _add(fields, "title", titles[0] if titles else None)
    for value in record.all("language"):
        _add(fields, "language", value)
    for value in record.all("publisher"):
        _add(fields, "publisher", value)
    for value in record.all("date")[:1]:
        if _ISO_DATE.match(value):
            _add(fields, "date", value[:10])
        _add(fields, "year", year_of(value))
    for value in record.all("format"):
        if re.search(r"\d+\s*p\b", value):
            _add(fields, "extent", value)
    for value in record.all("description"):
        _add(fields, "abstract", value)
    for value in record.all("subject"):
        _add(fields, "keyword", value)
    for value in record.all("creator"):
        _add(fields, "author", value)
    for value in record.all("contributor"):
        _add(fields, "secondary_author", value)
    for value in record.all("identifier"):
        if value.startswith(("http://", "https://")):
            _add(fields, "url", value)
    return fields


def notice_text(fields: NoticeFields) -> str:
    """The text tagged and indexed: title, subtitle, abstract, keywords, notes."""
    parts = [*fields.get("title", []), *fields.get("subtitle", []), *fields.get("abstract", [])]
    keywords = [*fields.get("descriptor", []), *fields.get("keyword", [])]
    if keywords:
        parts.append(" ; ".join(keywords))
    parts.extend(fields.get("note", []))
    return "\n\n".join(parts)


def notice_title(fields: NoticeFields) -> str | None:
    title = next(iter(fields.get("title", [])), None)
    subtitle = next(iter(fields.get("subtitle", [])), None)
    if title and subtitle:
        return f"{title} : {subtitle}"
    return title


def notice_fields(document: Document) -> NoticeFields:
    """The mapped fields of a catalogue notice, read back from its metadata rows."""
    fields: NoticeFields = {}
    for entry in document.metadata_entries:
        if entry.namespace == NAMESPACE:
            fields.setdefault(entry.key, []).append(entry.value)
    return fields


def source_fields(fields: NoticeFields) -> NoticeFields:
    """The fields that came from the source record (without what recueil derived)."""
    return {k: v for k, v in fields.items() if k not in DERIVED_KEYS}
