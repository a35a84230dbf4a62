"""The record extractors: ISO 2709 files, and XML files of records (MARC XML, PMB, DC, OAI-PMH)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from recueil.errors import FileReadError, RecordError
from recueil.ingest.base import ExtractContext, ExtractedDocument, RecordFailure
from recueil.ingest.extract import collector_paused
from recueil.ingest.records.build import part_label, to_extracted
from recueil.ingest.records.model import AnyRecord, DcRecord, DeletedRecord
from recueil.ingest.records.xmlformats import read_xml_records

MIME_TYPES = {
    "marcxml": "application/marcxml+xml",
    "pmb-xml": "application/xml",
    "dc": "application/xml",
    "oai": "application/xml",
}

# Markers that only record XML carries, looked for in the first bytes of the file.
_XML_MARKERS = re.compile(
    rb"<(?:\w+:)?OAI-PMH\b|http://www\.loc\.gov/MARC21/slim|<unimarc\b|<notice\b[^>]*>\s*<(?:rs|f)\b"
    rb"|<oai_dc:dc\b|http://www\.openarchives\.org/OAI/2\.0/oai_dc/",
)


def looks_like_record_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and bool(_XML_MARKERS.search(head))


def _mime(record: AnyRecord) -> str:
    if isinstance(record, DeletedRecord):
        return MIME_TYPES["oai"]
    if isinstance(record, DcRecord):
        return MIME_TYPES["dc"]
    return MIME_TYPES.get(record.format, "application/xml")


class RecordsXmlExtractor:
    """MARC XML, PMB XML UNIMARC, Dublin Core and OAI-PMH pages: one notice per record."""

    name = "records-xml"
    isolated = True

    def sniff(self, path: Path, head: bytes) -> bool:
        return looks_like_record_xml(head)

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileReadError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
        # The parsed tree of a large file holds hundreds of thousands of elements, which the
        # garbage collector would scan again and again (40 % of the time of reading a PMB
        # export); reading records makes no reference cycles, so it is paused meanwhile.
        with collector_paused():
            found = list(_documents(path.name, data))
        yield from found


def _documents(name: str, data: bytes) -> Iterator[ExtractedDocument | RecordFailure]:
    for position, (result, hint) in enumerate(read_xml_records(data), 1):
        if isinstance(result, RecordError):
            part = part_label(position, hint)
            yield RecordFailure(part, RecordError(f"{name} record {part}: {result.message}"))
        else:
            yield to_extracted(result, position, _mime(result))
