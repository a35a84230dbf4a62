"""MARC 21 records (often MARC-8 encoded) mapped to the same notice fields as UNIMARC."""

from __future__ import annotations

import re

from recueil.ingest.records.model import RawRecord

NoticeFields = dict[str, list[str]]

_TRAILING = re.compile(r"[\s:;/,.=]+$")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def is_marc21(record: RawRecord) -> bool:
    """MARC 21 has its title in 245; UNIMARC in 200."""
    return bool(record.get_fields("245")) and not record.get_fields("200")


def _clean(value: str) -> str:
    return _TRAILING.sub("", value.strip())


def marc21_fields(record: RawRecord) -> NoticeFields:
    fields: NoticeFields = {}

    def add(key: str, value: str | None) -> None:
        if value and _clean(value):
            fields.setdefault(key, []).append(_clean(value))

    add("id", record.control_id)
    add("language", (record.first("041", "a") or "") or None)
    add("title", record.first("245", "a"))
    add("subtitle", record.first("245", "b"))
    imprint = record.get_fields("260") or record.get_fields("264")
    for field in imprint[:1]:
        add("place", field.get("a"))
        add("publisher", field.get("b"))
        match = _YEAR.search(field.get("c") or "")
        add("year", match.group(1) if match else None)
    for key, tag, code in (
        ("extent", "300", "a"),
        ("collection", "490", "a"),
        ("note", "500", "a"),
        ("abstract", "520", "a"),
        ("descriptor", "650", "a"),
        ("keyword", "653", "a"),
        ("url", "856", "u"),
    ):
        for value in record.all(tag, code):
            add(key, value)
    for tag, key in (
        ("100", "author"),
        ("700", "secondary_author"),
        ("110", "corporate_author"),
        ("710", "corporate_secondary_author"),
    ):
        for value in record.all(tag, "a"):
            add(key, value)
    return fields
