"""Records in XML: MARC XML (UNIMARC tags), PMB XML UNIMARC, Dublin Core, OAI-PMH pages.

A well-formed file is parsed once. When it is not (one record with bytes in
another encoding, a truncated element), each record element is cut out and
parsed on its own, so only the broken records fail.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from recueil.errors import MalformedFileError, RecordError
from recueil.ingest.records.charset import decode_utf8_or_cp1252
from recueil.ingest.records.model import (
    AnyRecord,
    DcRecord,
    DeletedRecord,
    OaiHeader,
    RawField,
    RawRecord,
)

Element = ET.Element
Parsed = tuple[AnyRecord | RecordError, str | None]

_TAG = re.compile(r"^[0-9A-Za-z]{3}$")
_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_RECORD_CHUNK = re.compile(
    rb"<(?:\w+:)?(?:record|notice|dc)\b(?:(?!<(?:\w+:)?(?:record|notice|dc)\b).)*?"
    rb"</(?:\w+:)?(?:record|notice|dc)>",
    re.DOTALL,
)
_OAI_CHUNK = re.compile(
    rb"<(?:\w+:)?record>\s*<(?:\w+:)?header\b.*?</(?:\w+:)?header>\s*"
    rb"(?:<(?:\w+:)?metadata>.*?</(?:\w+:)?metadata>\s*)?(?:<(?:\w+:)?about>.*?</(?:\w+:)?about>\s*)*"
    rb"</(?:\w+:)?record>",
    re.DOTALL,
)
_PREFIX = re.compile(rb"(</?)\w+:")
_XMLNS = re.compile(rb"""\sxmlns(?::\w+)?=["'][^"']*["']""")
_ATTR_PREFIX = re.compile(rb"""\s\w+:(\w+=)""")


def local(element: Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child) == name]


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _field(tag: str | None) -> str:
    if tag is None or not _TAG.match(tag):
        raise RecordError(f"field with an invalid tag {tag!r}")
    return tag


def _indicators(value: str | None) -> tuple[str, str]:
    value = (value or "").ljust(2)
    return value[0], value[1]


def marcxml_record(element: Element) -> RawRecord:
    record = RawRecord(format="marcxml")
    for child in element:
        name = local(child)
        if name == "leader":
            record.leader = (child.text or "").ljust(24)[:24]
        elif name == "controlfield":
            record.fields.append(RawField(_field(child.get("tag")), data=child.text or ""))
        elif name == "datafield":
            subfields = []
            for sub in children(child, "subfield"):
                code = sub.get("code") or ""
                if len(code) != 1:
                    raise RecordError(f"field {child.get('tag')} has a subfield without a code")
                subfields.append((code, sub.text or ""))
            ind1, ind2 = (child.get("ind1") or " ")[:1], (child.get("ind2") or " ")[:1]
            record.fields.append(RawField(_field(child.get("tag")), ind1, ind2, subfields))
    if not record.fields:
        raise RecordError("the record has no fields")
    return record


PMB_LEADER = ("rs", "dt", "bl", "hl", "el", "ru")


def pmb_record(element: Element) -> RawRecord:
    """PMB XML UNIMARC: ``<notice><rs>n</rs>…<f c="200" ind="1 "><s c="a">…``."""
    parts: dict[str, str] = {}
    fields: list[Element] = []
    for child in element:  # one pass: the leader's parts (the first of each), the fields
        name = local(child)
        if name == "f":
            fields.append(child)
        elif name in PMB_LEADER and name not in parts:
            parts[name] = _text(child)
    rs, dt, bl, hl, el, ru = (parts.get(name) or " " for name in PMB_LEADER)
    leader = f"     {rs}{dt}{bl}{hl} 22     {el}{ru} 450 "
    record = RawRecord(leader=leader[:24], format="pmb-xml")
    for child in fields:
        tag = _field(child.get("c"))
        kids = list(child)
        subs = [kid for kid in kids if local(kid) == "s"]
        if not kids:
            record.fields.append(RawField(tag, data=child.text or ""))
            continue
        subfields = []
        for sub in subs:
            code = sub.get("c") or ""
            if len(code) != 1:
                raise RecordError(f"field {tag} has a subfield without a code")
            subfields.append((code, sub.text or ""))
        record.fields.append(RawField(tag, *_indicators(child.get("ind")), subfields))
    if not record.fields:
        raise RecordError("the notice has no fields")
    return record


def dc_record(element: Element) -> DcRecord:
    elements = [(local(child), _text(child)) for child in element if local(child)]
    if not elements:
        raise RecordError("the Dublin Core record has no elements")
    return DcRecord(elements=elements)


def _metadata_record(element: Element) -> AnyRecord:
    name = local(element)
    if name == "record":
        return marcxml_record(element)
    if name == "notice":
        return pmb_record(element)
    if name == "unimarc":
        notices = children(element, "notice")
        if len(notices) != 1:
            raise RecordError(f"expected one <notice> in the OAI record, found {len(notices)}")
        return pmb_record(notices[0])
    if name == "dc":
        return dc_record(element)
    raise RecordError(f"unknown metadata format <{name}>")


def _header(element: Element | None) -> OaiHeader | None:
    if element is None:
        return None
    identifier = _text(next(iter(children(element, "identifier")), None))
    if not identifier:
        raise RecordError("OAI header without an identifier")
    return OaiHeader(
        identifier=identifier,
        datestamp=_text(next(iter(children(element, "datestamp")), None)) or None,
        deleted=element.get("status") == "deleted",
        sets=[_text(s) for s in children(element, "setSpec")],
    )


def oai_record(element: Element) -> AnyRecord:
    header = _header(next(iter(children(element, "header")), None))
    if header is not None and header.deleted:
        return DeletedRecord(header)
    metadata = next(iter(children(element, "metadata")), None)
    payload = next(iter(metadata), None) if metadata is not None else None
    if payload is None:
        raise RecordError("OAI record without metadata")
    record = _metadata_record(payload)
    if not isinstance(record, DeletedRecord):
        record.header = header
    return record


def _id_of(element: Element) -> str | None:
    """A record's id, to name it in a failure (001, OAI identifier, PMB f c=001)."""
    for node in element.iter():
        name = local(node)
        if (name == "controlfield" and node.get("tag") == "001") or (
            name == "f" and node.get("c") == "001"
        ):
            return (node.text or "").strip() or None
        if name == "header":
            identifier = _text(next(iter(children(node, "identifier")), None))
            return OaiHeader(identifier).record_id if identifier else None
    return None


def _parse_one(element: Element, oai: bool) -> Parsed:
    try:
        return (oai_record(element) if oai else _metadata_record(element)), _id_of(element)
    except RecordError as exc:
        return exc, _id_of(element)


def records_of(root: Element) -> Iterator[Parsed]:
    """The records under a parsed root, in document order."""
    name = local(root)
    if name == "OAI-PMH":
        for error in root.iter():
            if local(error) == "error":
                code = error.get("code") or "error"
                if code == "noRecordsMatch":
                    return
                raise MalformedFileError(f"the OAI-PMH response is an error: {code} {_text(error)}")
        for element in root.iter():
            if local(element) == "record" and children(element, "header"):
                yield _parse_one(element, oai=True)
        return
    if name in ("collection", "unimarc"):
        for element in root:
            if local(element) in ("record", "notice"):
                yield _parse_one(element, oai=False)
        return
    if name in ("record", "notice", "dc"):
        yield _parse_one(root, oai=False)
        return
    found = [e for e in root if local(e) in ("record", "notice", "dc")]
    if found:
        for element in found:
            yield _parse_one(element, oai=False)
        return
    raise MalformedFileError(f"no records in this XML file (root element <{name}>)")


def _fallback(data: bytes) -> Iterator[Parsed]:
    """Parse each record element alone, namespaces dropped (the file as a whole is not XML)."""
    match = _ENCODING.search(data[:200])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    oai = b"OAI-PMH" in data[:2000]
    chunks = (_OAI_CHUNK if oai else _RECORD_CHUNK).findall(data)
    if not chunks:
        raise MalformedFileError(
            "the XML file is not well-formed and no record could be found in it"
        )
    for chunk in chunks:
        cleaned = _ATTR_PREFIX.sub(rb" \1", _XMLNS.sub(b"", _PREFIX.sub(rb"\1", chunk)))
        try:
            element = ET.fromstring(
                f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + cleaned
            )
        except ET.ParseError as exc:
            if (misencoded := _read_as_cp1252(cleaned, encoding, oai)) is not None:
                yield misencoded
                continue
            ident = re.search(rb'(?:tag="001"|c="001")>\s*([^<\s]+)', chunk)
            reason = (
                "bytes in another encoding than the file declares"
                if "invalid token" in str(exc)
                else str(exc)
            )
            yield (
                RecordError(f"unreadable XML record ({reason})"),
                ident.group(1).decode("ascii", "replace") if ident else None,
            )
            continue
        yield _parse_one(element, oai=oai)


def _read_as_cp1252(chunk: bytes, declared: str, oai: bool) -> Parsed | None:
    """A UTF-8 file's record holding Windows-1252 bytes, read as such (with a warning)."""
    if declared.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    try:
        chunk.decode("utf-8")
        return None  # the bytes are UTF-8: the record is broken otherwise
    except UnicodeDecodeError:
        pass
    text = '<?xml version="1.0" encoding="utf-8"?>' + decode_utf8_or_cp1252(chunk)
    try:
        element = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return None
    result, hint = _parse_one(element, oai)
    if isinstance(result, RawRecord):
        result.warnings.append(
            "bytes that are not UTF-8 read as Windows-1252 (the file declares UTF-8)"
        )
    return result, hint


def read_xml_records(data: bytes) -> Iterator[Parsed]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        yield from _fallback(data)
        return
    yield from records_of(root)
