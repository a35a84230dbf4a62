"""Export catalogue documents: UNIMARC (MARC XML or ISO 2709) for PMB, CSV, JSON, JSON lines, RIS.

``export_documents`` is the library entry point behind ``recueil export``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import MARCWriter, XMLWriter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, Theme
from recueil.catalogue.queries import DocumentFilter
from recueil.errors import ExportError
from recueil.ingest.records.mapping import NoticeFields, parse_person
from recueil.ingest.records.unimarc_out import document_fields, raw_fields, unimarc_record

FORMATS = ("unimarc-xml", "marc", "csv", "json", "nl", "ris")
CSV_COLUMNS = (
    "id", "doc_type", "title", "subtitle", "authors", "corporate_authors", "publisher", "place",
    "year", "date", "extent", "collection", "descriptors", "keywords", "themes", "cite_educative",
    "url", "attachments", "abstract",
)  # fmt: skip
RIS_TYPES = {"notice": "GEN", "compte-rendu": "RPRT", "synthese": "RPRT", "fiche-experience": "RPRT",
             "plaquette": "PAMP", "page-web": "ELEC"}  # fmt: skip


def theme_labels(session: Session) -> dict[str, str]:
    return {theme.code: theme.label for theme in session.scalars(select(Theme))}


def select_documents(
    session: Session, filters: DocumentFilter, ids: list[int] | None = None
) -> Iterator[Document]:
    query = filters.apply(select(Document)).order_by(Document.id)
    if ids is not None:
        query = query.where(Document.id.in_(ids))
    query = query.options(
        selectinload(Document.tags),
        selectinload(Document.metadata_entries),
        selectinload(Document.pages),
    )
    yield from session.scalars(query).unique()


def _people(fields: NoticeFields, *keys: str) -> list[str]:
    return [v for key in keys for v in fields.get(key, [])]


def flat_row(document: Document, fields: NoticeFields) -> dict[str, str | int | None]:
    """One CSV row: repeated values joined with " ; "."""

    def join(*keys: str) -> str:
        return " ; ".join(_people(fields, *keys))

    return {
        "id": document.id, "doc_type": document.doc_type, "title": join("title"), "subtitle": join("subtitle"),
        "authors": join("author", "coauthor", "secondary_author"),
        "corporate_authors": join("corporate_author", "corporate_coauthor", "corporate_secondary_author"),
        "publisher": join("publisher"), "place": join("place"), "year": join("year"), "date": join("date"),
        "extent": join("extent"), "collection": join("collection"), "descriptors": join("descriptor"),
        "keywords": join("keyword"), "themes": join("theme_label"), "cite_educative": join("cite_educative"),
        "url": join("url"), "attachments": join("attachment"), "abstract": join("abstract"),
    }  # fmt: skip


def ris_entry(document: Document, fields: NoticeFields) -> str:
    lines = [f"TY  - {RIS_TYPES.get(document.doc_type or '', 'GEN')}"]

    def add(tag: str, *keys: str) -> None:
        lines.extend(f"{tag}  - {value}" for value in _people(fields, *keys))

    add("ID", "id")
    add("TI", "title")
    add("T2", "collection")
    for value in _people(fields, "author", "coauthor", "secondary_author"):
        name, first, _ = parse_person(value)
        lines.append(f"AU  - {name}, {first}" if first else f"AU  - {name}")
    for value in _people(
        fields, "corporate_author", "corporate_coauthor", "corporate_secondary_author"
    ):
        lines.append(f"A2  - {parse_person(value)[0]}")
    add("PB", "publisher")
    add("CY", "place")
    add("PY", "year")
    lines.extend(f"DA  - {d.replace('-', '/')}" for d in fields.get("date", []))
    add("SP", "extent")
    add("AB", "abstract")
    add("KW", "descriptor", "keyword", "theme_label")
    add("N1", "note")
    lines.extend(f"N1  - Cité éducative : {c}" for c in fields.get("cite_educative", []))
    add("UR", "url")
    add("L1", "attachment")
    add("LA", "language")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def export_documents(
    catalogue: Catalogue,
    fmt: str,
    out: BinaryIO,
    filters: DocumentFilter | None = None,
    ids: list[int] | None = None,
) -> int:
    """Write the selected documents to ``out`` in ``fmt``; return how many were written."""
    if fmt not in FORMATS:
        raise ExportError(
            f"unknown export format {fmt!r}", hint=f"Choose one of: {', '.join(FORMATS)}."
        )
    count = 0
    text = (
        io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        if fmt in ("csv", "json", "nl", "ris")
        else None
    )
    marc_writer = (
        MARCWriter(out) if fmt == "marc" else XMLWriter(out) if fmt == "unimarc-xml" else None
    )
    csv_writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS) if fmt == "csv" and text else None
    if csv_writer:
        csv_writer.writeheader()
    if fmt == "json" and text:
        text.write("[")
    with catalogue.session() as session:
        labels = theme_labels(session)
        for document in select_documents(session, filters or DocumentFilter(), ids):
            fields = document_fields(document, labels)
            if marc_writer is not None:
                marc_writer.write(unimarc_record(fields, raw_fields(document)))
            elif csv_writer is not None:
                csv_writer.writerow(flat_row(document, fields))
            elif text is not None and fmt in ("json", "nl"):
                entry = {"id": document.id, "external_id": document.external_id, "doc_type": document.doc_type,
                         "source": document.source, "fields": fields}  # fmt: skip
                line = json.dumps(entry, ensure_ascii=False)
                text.write(line + "\n" if fmt == "nl" else ("," if count else "") + "\n  " + line)
            elif text is not None:
                text.write(ris_entry(document, fields) + "\n")
            count += 1
    if fmt == "json" and text:
        text.write("\n]\n")
    if isinstance(marc_writer, XMLWriter):
        marc_writer.close(close_fh=False)
    if text is not None:
        text.flush()
        text.detach()
    return count
