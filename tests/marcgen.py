"""UNIMARC ISO 2709 test files written with pymarc, with each value's exact bytes chosen.

pymarc writes a record whose leader does not say UTF-8 in Latin-1, one byte per
character: a value given as ``bytes`` is passed as its Latin-1 reading, so the
file holds exactly those bytes. That is how a real, mis-encoded PMB export looks:
a record declaring ISO 5426 (100$a positions 26-27 = "01") with some fields in
Windows-1252 or UTF-8.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

# ISO 5426 non-spacing diacritics (written before the letter) and the spacing
# characters French records use.
_ISO5426_MARKS = {"\u0300": 0xC1, "\u0301": 0xC2, "\u0302": 0xC3, "\u0308": 0xC8, "\u0327": 0xD0}
_ISO5426_SPACING = {"œ": 0xFA, "Œ": 0xEA, "«": 0xAB, "»": 0xBB, "’": 0xB9}

Value = str | bytes
Subfields = Sequence[tuple[str, Value]]


def iso5426(text: str) -> bytes:
    """French text in ISO 5426 (the test's own encoder, independent of recueil's decoder)."""
    out = bytearray()
    for char in text:
        if char in _ISO5426_SPACING:
            out.append(_ISO5426_SPACING[char])
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:
            out.append(_ISO5426_MARKS[mark])
        out.extend(base.encode("ascii"))
    return bytes(out)


def field_100a(charset_code: str) -> str:
    """100$a: date entered, dates, language, then the character set at positions 26-27."""
    value = "20240301d2024    u  y0frey" + charset_code + "      ba"
    assert value[26:28] == charset_code
    return value.ljust(36)


def _latin1(value: Value) -> str:
    """The value's bytes (``str`` is written in UTF-8) as pymarc's Latin-1 writer needs them."""
    return (value if isinstance(value, bytes) else value.encode("utf-8")).decode("latin-1")


def unimarc_record(
    record_id: str, fields: Sequence[tuple[str, Subfields]], charset_code: str = "01"
) -> Record:
    """A UNIMARC record: 001, 100 declaring ``charset_code``, then the given data fields."""
    record = Record(leader="     nam  22        450 ", to_unicode=False)
    record.add_field(Field(tag="001", data=record_id))
    record.add_field(
        Field(
            tag="100",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", field_100a(charset_code))],
        )
    )
    for tag, subfields in fields:
        record.add_field(
            Field(
                tag=tag,
                indicators=Indicators(" ", " "),
                subfields=[Subfield(code, _latin1(value)) for code, value in subfields],
            )
        )
    return record


def write_records(path: Path, records: Sequence[Record]) -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    return path


TITLES = (
    "Petite enfance : un lieu d'accueil enfants-parents à Lens",
    "Réussite éducative et continuité pédagogique à Roubaix",
    "Café des parents : l'alliance éducative à Arras",
    "Prévention du décrochage scolaire dès la 6e",
    "Éducation artistique et culturelle : l'orchestre à l'école",
    "Santé mentale des élèves : premiers secours à Nîmes",
    "Égalité filles-garçons au collège Jean-Macé",
    "Numérique éducatif : tablettes et médiation à Créteil",
    "Œuvrer pour la citoyenneté des jeunes à Tourcoing",
    "Orientation : stages de 3e et découverte des métiers",
)
PUBLISHERS = ("Éditions de l'Atelier", "Réseau Canopé", "IREV Hauts-de-France", "Labo Cités")
PLACES = ("Lille", "Créteil", "Saint-Étienne", "Besançon")
ABSTRACT = "Synthèse des échanges : fiches d'expérience, vigilance et coopération réussie."


def mixed_export(path: Path, count: int = 60) -> tuple[Path, dict[str, str], set[str]]:
    """A PMB-like export declaring ISO 5426 where one record in three holds other bytes.

    Every third record has its 210 (place, publisher) and 955 in Windows-1252, and
    every sixth its 330 in UTF-8, as real exports do. Returns the file, the title
    expected for each record id, and the ids of the mis-encoded records.
    """
    records, titles, misencoded = [], {}, set()
    for number in range(count):
        record_id = str(3000 + number)
        title = TITLES[number % len(TITLES)]
        place, publisher = PLACES[number % len(PLACES)], PUBLISHERS[number % len(PUBLISHERS)]
        wrong = number % 3 == 2
        encode_210 = (lambda t: t.encode("cp1252")) if wrong else iso5426
        encode_330 = (lambda t: t.encode("utf-8")) if number % 6 == 5 else iso5426
        fields: list[tuple[str, Subfields]] = [
            ("200", [("a", iso5426(title))]),
            ("210", [("a", encode_210(place)), ("c", encode_210(publisher)), ("d", "2023")]),
            ("330", [("a", encode_330(ABSTRACT))]),
            ("610", [("a", iso5426("cité éducative"))]),
        ]
        if wrong:
            fields.append(("955", [("a", "Fonds documentaire, dépôt légal".encode("cp1252"))]))
            misencoded.add(record_id)
        records.append(unimarc_record(record_id, fields))
        titles[record_id] = title
    return write_records(path, records), titles, misencoded
