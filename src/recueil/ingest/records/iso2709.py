"""UNIMARC (or MARC 21) records in ISO 2709, read with pymarc one record at a time.

The file is split on the record terminator (0x1D) rather than trusting each
leader's length, so one record with a wrong length or a broken directory fails
alone and the records after it still load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from pymarc import Record

from recueil.errors import EmptyDocumentError, FileReadError, MalformedFileError, RecordError
from recueil.ingest.base import ExtractContext, ExtractedDocument, RecordFailure
from recueil.ingest.records import charset
from recueil.ingest.records.build import part_label, to_extracted
from recueil.ingest.records.model import RawField, RawRecord

MIME_TYPE = "application/marc"
END_OF_RECORD = b"\x1d"
SUBFIELD = b"\x1f"
EXTENSIONS = (".mrc", ".iso", ".marc", ".unimarc", ".iso2709")

# Leader: 5-digit length, status/type/level, "22" (indicator and subfield
# code lengths), 5-digit base address, entry map "45".
_LEADER = re.compile(rb"^\d{5}[ -~]{5}22\d{5}[ -~]{3}45", re.ASCII)


def looks_like_iso2709(head: bytes) -> bool:
    return bool(_LEADER.match(head.lstrip(b"\r\n")[:24]))


def split_records(data: bytes) -> Iterator[bytes]:
    for chunk in data.split(END_OF_RECORD):
        chunk = chunk.lstrip(b"\r\n\t ")
        if chunk.strip():
            yield chunk + END_OF_RECORD


def _id_hint(chunk: bytes) -> str | None:
    """The 001 of a record, found without parsing it (to name a broken record)."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for start in range(0, len(directory) - 11, 12):
            if directory[start : start + 3] == b"001":
                length = int(directory[start + 3 : start + 7])
                offset = int(directory[start + 7 : start + 12])
                value = chunk[base + offset : base + offset + length - 1]
                return value.decode("ascii", "replace").strip() or None
    except (ValueError, IndexError):
        return None
    return None


def _raw_fields(
    record: Record,
) -> list[tuple[str, str, str, list[tuple[str, bytes]], bytes | None]]:
    fields: list[tuple[str, str, str, list[tuple[str, bytes]], bytes | None]] = []
    for item in record.fields:
        if item.is_control_field():
            data = cast(bytes, item.data)  # raw mode (to_unicode=False): bytes
            if SUBFIELD in data:  # PMB writes 009 with subfields although 00X is a control tag
                head, *subs = data.split(SUBFIELD)
                inds = head.decode("ascii", "replace").ljust(2)
                control_pairs = [(s[:1].decode("ascii", "replace"), s[1:]) for s in subs if s]
                fields.append((item.tag, inds[0], inds[1], control_pairs, None))
            else:
                fields.append((item.tag, " ", " ", [], data))
        else:
            pairs: list[tuple[str, bytes]] = [
                (sub.code, cast(bytes, sub.value)) for sub in item.subfields
            ]
            fields.append((item.tag, item.indicator1, item.indicator2, pairs, None))
    return fields


def parse_record(chunk: bytes) -> RawRecord:
    """Parse one ISO 2709 record; raise RecordError saying what is wrong."""
    try:
        record = Record(data=chunk, to_unicode=False)
    except Exception as exc:  # pymarc signals structure errors with its own exception types
        reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
        raise RecordError(f"broken ISO 2709 structure ({reason})") from exc
    leader = str(record.leader)
    raw = _raw_fields(record)
    field_100a = next(
        (v for tag, _, _, subs, _ in raw if tag == "100" for c, v in subs if c == "a"), None
    )
    try:
        encoding = charset.declared_charset(leader, field_100a)
    except charset.CharsetError as exc:
        raise RecordError(str(exc)) from exc
    values = [
        v
        for _, _, _, subs, data in raw
        for v in ([data] if data is not None else [s for _, s in subs])
    ]
    encoding = encoding or charset.guess_charset(values)
    fields = []
    for tag, ind1, ind2, subs, data in raw:
        try:
            if data is not None:
                fields.append(RawField(tag, data=charset.decode(data, encoding)))
                continue
            decoded = []
            for code, value in subs:
                location = f"{tag}${code}"
                decoded.append((code, charset.decode(value, encoding)))
            fields.append(RawField(tag, ind1, ind2, decoded))
        except charset.CharsetError as exc:
            where = tag if data is not None else location
            raise RecordError(
                f"field {where} is not valid {encoding.upper()} ({exc}); "
                "the record is in another encoding than it declares"
            ) from exc
    return RawRecord(leader=leader, fields=fields, format="iso2709")


def read_iso2709(data: bytes) -> Iterator[tuple[int, str | None, RawRecord | RecordError]]:
    """Yield (position, id hint, record or error) for every record of the file."""
    for position, chunk in enumerate(split_records(data), 1):
        hint = _id_hint(chunk)
        try:
            yield position, hint, parse_record(chunk)
        except RecordError as exc:
            yield position, hint, exc


class Iso2709Extractor:
    """UNIMARC/MARC records in ISO 2709 (``.mrc``, ``.iso``): one notice per record."""

    name = "unimarc-iso2709"

    def sniff(self, path: Path, head: bytes) -> bool:
        return looks_like_iso2709(head) or path.suffix.lower() in EXTENSIONS

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileReadError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
        if not data.strip():
            raise EmptyDocumentError(f"{path.name} is empty")
        if not looks_like_iso2709(data[:64]):
            # Named like records but not records at all: one failure for the file,
            # not one per fragment between stray record separators.
            raise MalformedFileError(
                f"{path.name} is not an ISO 2709 records file (no record leader at its start)"
            )
        for position, hint, result in read_iso2709(data):
            if isinstance(result, RecordError):
                part = part_label(position, hint)
                yield RecordFailure(
                    part, RecordError(f"{path.name} record {part}: {result.message}")
                )
            else:
                yield to_extracted(result, position, MIME_TYPE)
