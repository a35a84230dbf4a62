"""The Whoosh schema of the index and the conversion of records to fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whoosh import fields

from recueil.index import french
from recueil.index.analysis import FrenchAnalyzer

if TYPE_CHECKING:
    from recueil.index.records import IndexRecord

ENGINE = "whoosh"
SCHEMA_VERSION = 1  # bump on any change of fields: an index built otherwise needs a rebuild
LANGUAGE = "fr"
TITLE_BOOST = 3.0
ENTITY_BOOST = 1.5
# Fields searched when a word has no prefix.
DEFAULT_FIELDS = ("title", "text", "entities")
# Whole words with their accents, kept by Whoosh beside the stemmed "text" field.
SPELLING_FIELD = "spell_text"


def build_schema() -> fields.Schema:
    analyzer = FrenchAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        stamp=fields.ID(sortable=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST, sortable=False),
        # Stored: highlights and "similar documents" read it back.
        text=fields.TEXT(analyzer=analyzer, stored=True, spelling=True),
        entities=fields.TEXT(analyzer=analyzer, field_boost=ENTITY_BOOST),
        entity_names=fields.STORED(),
        themes=fields.KEYWORD(stored=True, scorable=False),
        cite=fields.ID(),  # normalised key: filters and `cite:` queries
        cite_name=fields.ID(stored=True, sortable=True),  # display name: facets
        doc_type=fields.ID(stored=True, sortable=True),
        year=fields.NUMERIC(int, stored=True, sortable=True),
        date=fields.STORED(),
        # The day range the document covers (a year alone covers the whole year),
        # as YYYYMMDD numbers: --from/--to keep documents whose range overlaps.
        day_min=fields.NUMERIC(int, bits=32, sortable=True),
        day_max=fields.NUMERIC(int, bits=32),
        sort_title=fields.ID(sortable=True),
        source=fields.TEXT(analyzer=analyzer, stored=True),
        filename=fields.STORED(),
    )


def day_number(year: int, month: int, day: int) -> int:
    return year * 10000 + month * 100 + day


def to_fields(record: IndexRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": str(record.id),
        "stamp": record.stamp,
        "title": record.title,
        "text": record.text,
        "entities": "\n".join(record.entities),
        "entity_names": list(record.entities),
        "themes": " ".join(record.themes),
        "sort_title": french.fold(record.title)[:200],
        "source": record.source,
        "filename": record.filename,
        "date": record.date.isoformat() if record.date else None,
    }
    if record.cite:
        values["cite"] = french.keyword(record.cite)
        values["cite_name"] = record.cite
    if record.doc_type:
        values["doc_type"] = french.keyword(record.doc_type)
    if record.year is not None:
        values["year"] = record.year
    if record.date is not None:
        day = day_number(record.date.year, record.date.month, record.date.day)
        values["day_min"] = values["day_max"] = day
    elif record.year is not None:
        values["day_min"] = day_number(record.year, 1, 1)
        values["day_max"] = day_number(record.year, 12, 31)
    else:
        values["day_min"] = 0  # undated documents sort last by date
    return values
