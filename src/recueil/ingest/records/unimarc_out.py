"""Catalogue documents -> notice fields -> UNIMARC records (pymarc) that PMB can import.

Every document, notice or PDF, is first described as notice fields (the same
keys the import produces); the writers of ``writers.py`` render those. Our
themes travel as 610 keywords (label in $a, ``recueil:<code>`` in $9) and the
cité éducative as a 900 custom field (``$n cite_educative``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pymarc import Field, Indicators, Leader, Record, Subfield

from recueil.catalogue.models import Document
from recueil.ingest.records.build import ID_PREFIX
from recueil.ingest.records.charset import unimarc_100a
from recueil.ingest.records.mapping import (
    CITE_FIELD_NAME,
    CORPORATE_TAGS,
    PERSON_TAGS,
    SIMPLE_FIELDS,
    THEME_MARK,
    NoticeFields,
    notice_fields,
    parse_person,
)

ABSTRACT_CHARS = 800
# Tags rebuilt from the notice fields; other raw fields of an imported record are copied as found.
MAPPED_TAGS = {"001", "009", "100", "610", "700", "701", "702", "710", "711", "712", "897", "900"}
MAPPED_TAGS |= {tag for _, tag, _ in SIMPLE_FIELDS} | {"210"}


def _excerpt(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= ABSTRACT_CHARS:
        return text
    cut = text[:ABSTRACT_CHARS]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > ABSTRACT_CHARS // 2 else cut.rsplit(" ", 1)[0] + "…"


def document_fields(document: Document, theme_labels: dict[str, str]) -> NoticeFields:
    """Notice fields of any catalogue document, with its themes and cité éducative."""
    if document.doc_type == "notice" and any(
        e.namespace == "notice" for e in document.metadata_entries
    ):
        fields = {k: list(v) for k, v in notice_fields(document).items() if k not in ("theme",)}
        fields.pop(CITE_FIELD_NAME, None)
    else:
        fields = {
            "id": [f"recueil-{document.id}"],
            "title": [document.title],
            "language": [document.language],
        }
        if document.date:
            fields["date"] = [document.date.isoformat()]
        if document.year:
            fields["year"] = [str(document.year)]
        if document.page_count:
            fields["extent"] = [f"{document.page_count} p."]
        if document.doc_type:
            fields["note"] = [f"Type de document : {document.doc_type}"]
        if excerpt := _excerpt(document.text):
            fields["abstract"] = [excerpt]
        if document.source.startswith(("http://", "https://")):
            fields["url"] = [document.source]
        if document.filename:
            fields["attachment"] = [document.filename]
            fields["attachment_type"] = [document.mime_type or "application/pdf"]
    if document.external_id and document.external_id.startswith(ID_PREFIX):
        fields["id"] = [document.external_id[len(ID_PREFIX) :]]
    codes = document.active_theme_codes
    if codes:
        fields["theme"] = codes
        fields["theme_label"] = [theme_labels.get(code, code) for code in codes]
    if document.cite_educative:
        fields[CITE_FIELD_NAME] = [document.cite_educative]
    return fields


def _field(
    tag: str, pairs: Iterable[tuple[str, str | None]], indicators: str = "  "
) -> Field | None:
    subfields = [Subfield(code, value) for code, value in pairs if value]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(indicators[0], indicators[1]), subfields=subfields)


def raw_fields(document: Document) -> list[Field]:
    """Unmapped raw fields of an imported record (010, 102…), rebuilt in their order."""
    rebuilt: list[tuple[str, list[tuple[str, str]]]] = []
    for entry in document.metadata_entries:
        if entry.namespace != "marc" or "$" not in entry.key:
            continue
        tag, code = entry.key.split("$", 1)
        if tag in MAPPED_TAGS or len(code) != 1:
            continue
        if not rebuilt or rebuilt[-1][0] != tag or any(c == code for c, _ in rebuilt[-1][1]):
            rebuilt.append((tag, []))
        rebuilt[-1][1].append((code, entry.value))
    return [f for tag, pairs in rebuilt if (f := _field(tag, pairs)) is not None]


def _first(fields: NoticeFields, key: str) -> str | None:
    return next(iter(fields.get(key, [])), None)


def unimarc_record(fields: NoticeFields, raw: list[Field] | None = None) -> Record:
    """A UNIMARC record in UTF-8 (100$a positions 26-29 = "50  ")."""
    record = Record(to_unicode=True, force_utf8=True)
    record.leader = Leader("     nam  22        450 ")
    out = [
        *_coded_fields(fields),
        *_described_fields(fields),
        *_responsibility_fields(fields),
        *_attachment_fields(fields),
        *_local_fields(fields),
        *(raw or []),
    ]
    record.fields = sorted(out, key=lambda f: str(f.tag))
    return record


def _coded_fields(fields: NoticeFields) -> list[Field]:
    """001 (id), 009 (date) and 100 (general processing data)."""
    out = [Field(tag="001", data=_first(fields, "id") or "")]
    date = _first(fields, "date")
    if date:
        out.append(Field(tag="009", data=date))
    year = _first(fields, "year") or (date or "")[:4]
    entered = (date or f"{year or '2000'}0101").replace("-", "")
    out.append(
        Field(
            tag="100",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", unimarc_100a(entered, year))],
        )
    )
    return out


def _described_fields(fields: NoticeFields) -> list[Field]:
    """Title, imprint, the simple fields, keywords and themes (610)."""
    out: list[Field] = []
    indicators = {"200": "1 ", "225": "2 ", "606": "  ", "856": "4 "}
    for key, tag, code in SIMPLE_FIELDS:
        if key == "title":
            title = _field(
                "200",
                [("a", v) for v in fields.get("title", [])]
                + [("e", v) for v in fields.get("subtitle", [])],
                "1 ",
            )
            if title:
                out.append(title)
        elif key == "place":
            imprint = _field(
                "210",
                [
                    ("a", _first(fields, "place")),
                    ("c", _first(fields, "publisher")),
                    ("d", _first(fields, "year")),
                ],
            )
            if imprint:
                out.append(imprint)
        elif key not in ("subtitle", "publisher"):
            for value in fields.get(key, []):
                out.append(
                    Field(
                        tag=tag,
                        indicators=Indicators(*indicators.get(tag, "  ")),
                        subfields=[Subfield(code, value)],
                    )
                )
        if key == "descriptor":
            out.extend(_subject_fields(fields))
    return out


def _subject_fields(fields: NoticeFields) -> list[Field]:
    """Keywords and themes as 610 (themes carry their code in $9)."""
    out = [
        Field(tag="610", indicators=Indicators("0", " "), subfields=[Subfield("a", value)])
        for value in fields.get("keyword", [])
    ]
    labels = fields.get("theme_label", fields.get("theme", []))
    for code_, label in zip(fields.get("theme", []), labels, strict=False):
        out.append(
            Field(
                tag="610",
                indicators=Indicators("0", " "),
                subfields=[Subfield("a", label), Subfield("9", THEME_MARK + code_)],
            )
        )
    return out


def _responsibility_fields(fields: NoticeFields) -> list[Field]:
    """People (70x) and organisations (71x)."""
    out: list[Field] = []
    for tags, corporate in ((PERSON_TAGS, False), (CORPORATE_TAGS, True)):
        for tag, key in tags.items():
            for value in fields.get(key, []):
                name, first, role = parse_person(value)
                pairs = (
                    [("a", name), ("4", role)]
                    if corporate
                    else [("a", name), ("b", first), ("4", role)]
                )
                if (person := _field(tag, pairs, "02" if corporate else " 1")) is not None:
                    out.append(person)
    return out


def _attachment_fields(fields: NoticeFields) -> list[Field]:
    """PMB's 897: the attached files ($a URL, $f name, $t type)."""
    out: list[Field] = []
    attachments = [fields.get(k, []) for k in ("attachment_url", "attachment", "attachment_type")]
    for index in range(max(len(values) for values in attachments)):
        pairs = [
            (code, values[index] if index < len(values) else None)
            for code, values in zip("aft", attachments, strict=True)
        ]
        if (attachment := _field("897", pairs)) is not None:
            out.append(attachment)
    return out


def _local_fields(fields: NoticeFields) -> list[Field]:
    """900: PMB's custom fields, and the cité éducative."""
    out: list[Field] = []
    for key, values in fields.items():
        if key.startswith("custom:"):
            name = key.split(":", 1)[1]
            custom_label = _first(fields, f"custom_label:{name}")
            for value in values:
                out.append(
                    Field(
                        tag="900",
                        indicators=Indicators(" ", " "),
                        subfields=[
                            Subfield("a", value),
                            *([Subfield("l", custom_label)] if custom_label else []),
                            Subfield("n", name),
                        ],
                    )
                )
    for cite in fields.get(CITE_FIELD_NAME, []):
        out.append(
            Field(
                tag="900",
                indicators=Indicators(" ", " "),
                subfields=[
                    Subfield("a", cite),
                    Subfield("l", "Cité éducative"),
                    Subfield("n", CITE_FIELD_NAME),
                ],
            )
        )
    return out
