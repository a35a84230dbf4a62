"""The format-neutral shape of one record, whatever file it came from.

ISO 2709, MARC XML, PMB XML and OAI-PMH envelopes all read into ``RawRecord``
(UNIMARC fields, already decoded to text) or, for Dublin Core, into
``DcRecord``. The mapping to notice fields works on these only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawField:
    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: list[tuple[str, str]] = field(default_factory=list)
    data: str | None = None  # control fields (001, 005…) carry data, not subfields

    def get(self, code: str) -> str | None:
        return next((value for c, value in self.subfields if c == code), None)

    def get_all(self, code: str) -> list[str]:
        return [value for c, value in self.subfields if c == code]


@dataclass(slots=True)
class OaiHeader:
    identifier: str
    datestamp: str | None = None
    deleted: bool = False
    sets: list[str] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        """PMB identifiers end with the notice id: ``oai:host:1234`` -> ``1234``."""
        return self.identifier.rstrip("/").replace("/", ":").rsplit(":", 1)[-1]


@dataclass(slots=True)
class RawRecord:
    leader: str = ""
    fields: list[RawField] = field(default_factory=list)
    header: OaiHeader | None = None
    format: str = "iso2709"  # iso2709, marcxml, pmb-xml
    warnings: list[str] = field(default_factory=list)  # e.g. fields read in another charset

    def get_fields(self, *tags: str) -> list[RawField]:
        return [f for f in self.fields if f.tag in tags]

    def first(self, tag: str, code: str) -> str | None:
        for found in self.get_fields(tag):
            value = found.get(code)
            if value:
                return value
        return None

    def all(self, tag: str, code: str) -> list[str]:
        return [v for f in self.get_fields(tag) for v in f.get_all(code) if v.strip()]

    @property
    def control_id(self) -> str | None:
        for found in self.get_fields("001"):
            value = (found.data or found.get("a") or "").strip()
            if value:
                return value
        return None


@dataclass(slots=True)
class DcRecord:
    """A Dublin Core record (``oai_dc``): element name -> values, in order."""

    elements: list[tuple[str, str]] = field(default_factory=list)
    header: OaiHeader | None = None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.elements if k == name and v.strip()]


@dataclass(slots=True)
class DeletedRecord:
    """An OAI-PMH header with status="deleted": no metadata, only the id."""

    header: OaiHeader


AnyRecord = RawRecord | DcRecord | DeletedRecord
