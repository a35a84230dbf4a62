"""One parsed record -> one ``ExtractedDocument`` of type ``notice``."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from recueil.catalogue.vocabulary import TextOrigin
from recueil.ingest.base import ExtractedDocument, ExtractedPage
from recueil.ingest.records.mapping import (
    NAMESPACE,
    NoticeFields,
    dc_fields,
    notice_text,
    notice_title,
    unimarc_fields,
)
from recueil.ingest.records.model import AnyRecord, DcRecord, DeletedRecord, OaiHeader, RawRecord

KIND = "record"
DOC_TYPE = "notice"
ID_PREFIX = "unimarc:"


def part_label(position: int, record_id: str | None) -> str:
    return f"#{position} ({record_id})" if record_id else f"#{position}"


def external_id(record_id: str | None) -> str | None:
    """The same id whatever the format, so a re-import in another format updates the notice."""
    return f"{ID_PREFIX}{record_id}" if record_id else None


def _is_url(value: str) -> bool:
    return urlparse(value).scheme in ("http", "https")


def attachment_names(fields: NoticeFields) -> list[str]:
    """The files a record points to, as written (the pipeline decides which may be read).

    897$f names and 897$a / 856$u paths and ``file://`` URLs are kept as they are,
    so that a reference outside the allowed folders is refused, not rewritten; an
    http(s) link to a PDF gives its file name, looked for locally (never fetched).
    """
    names: list[str] = []

    def add(value: str) -> None:
        if value and value not in names:
            names.append(value)

    for name in fields.get("attachment", []):
        add(name)
    for url in fields.get("attachment_url", []):
        if not _is_url(url):
            add(url)
        elif urlparse(url).path.lower().endswith(".pdf"):
            add(PurePosixPath(unquote(urlparse(url).path)).name)
    for url in fields.get("url", []):
        parsed = urlparse(url)
        if parsed.scheme.lower() == "file" or len(parsed.scheme) <= 1:  # a path, C:\\…
            add(url)
        elif _is_url(url) and parsed.path.lower().endswith(".pdf"):
            add(PurePosixPath(unquote(parsed.path)).name)
    return names


def _header_metadata(header: OaiHeader | None) -> list[tuple[str, str, str]]:
    if header is None:
        return []
    found = [("oai", "identifier", header.identifier)]
    if header.datestamp:
        found.append(("oai", "datestamp", header.datestamp))
    found.extend(("oai", "setSpec", spec) for spec in header.sets)
    return found


def raw_metadata(record: RawRecord | DcRecord) -> list[tuple[str, str, str]]:
    """Every field as found: ("marc", "200$a", value), ("marc", "001", value), ("dc", "title", value)."""
    if isinstance(record, DcRecord):
        return [("dc", name, value) for name, value in record.elements if value.strip()]
    found = [("marc", "leader", record.leader)] if record.leader.strip() else []
    for field in record.fields:
        if field.data is not None:
            found.append(("marc", field.tag, field.data))
            continue
        indicators = field.ind1 + field.ind2
        if indicators.strip():
            found.append(("marc", f"{field.tag}@ind", indicators))
        found.extend(("marc", f"{field.tag}${code}", value) for code, value in field.subfields)
    return found


def _date_hints(fields: NoticeFields, record: RawRecord | DcRecord) -> list[tuple[str, str]]:
    if isinstance(record, DcRecord):
        return [(value, "dc:date") for value in record.all("date")[:1]]
    hints = [(value, "marc:009a") for value in fields.get("date", [])]
    if record.first("210", "d") and fields.get("year"):
        hints.append((fields["year"][0], "marc:210d"))
    return hints


def to_extracted(record: AnyRecord, position: int, mime_type: str) -> ExtractedDocument:
    if isinstance(record, DeletedRecord):
        deleted_id = record.header.record_id
        return ExtractedDocument(
            kind=KIND,
            mime_type=mime_type,
            doc_type=DOC_TYPE,
            external_id=external_id(deleted_id),
            deleted=True,
            part=part_label(position, deleted_id),
            metadata=_header_metadata(record.header),
        )
    fields = dc_fields(record) if isinstance(record, DcRecord) else unimarc_fields(record)
    record_id = next(iter(fields.get("id", [])), None)
    metadata = raw_metadata(record) + _header_metadata(record.header)
    if isinstance(record, RawRecord):
        metadata.append(("record", "format", record.format))
        metadata.extend(("warning", "charset", warning) for warning in record.warnings)
    metadata.extend((NAMESPACE, key, value) for key, values in fields.items() for value in values)
    urls = [u for u in fields.get("url", []) if _is_url(u)]
    warnings = list(record.warnings) if isinstance(record, RawRecord) else []
    return ExtractedDocument(
        kind=KIND,
        mime_type=mime_type,
        title=notice_title(fields),
        pages=[ExtractedPage(1, notice_text(fields), origin=TextOrigin.RECORD)],
        metadata=metadata,
        date_hints=_date_hints(fields, record),
        doc_type=DOC_TYPE,
        source_url=urls[0] if urls else None,
        external_id=external_id(record_id),
        attachments=attachment_names(fields),
        part=part_label(position, record_id),
        text_origin=TextOrigin.RECORD,
        warnings=warnings,
    )
