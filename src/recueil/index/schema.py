"""The fields of the index, engine-neutral: names, boosts and the record -> values mapping.

Every engine indexes the same fields under the same names; each engine
module turns them into its own schema (``whoosh_engine.schema``,
``tantivy_engine.schema``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recueil.index import french

if TYPE_CHECKING:
    from recueil.index.catalogue_records import IndexRecord

SCHEMA_VERSION = 3  # bump on any change of fields: an index built otherwise needs a rebuild
LANGUAGE = "fr"
TITLE_BOOST = 3.0
ENTITY_BOOST = 1.5
# Fields searched when a word has no prefix.
DEFAULT_FIELDS = ("title", "text", "entities", "keywords")
# Analysed (French) text fields. "keywords": PDF Subject/Keywords, XMP subjects.
TEXT_FIELDS = ("title", "text", "entities", "source", "keywords")
# Exact keys (french.keyword): filters, facets and `theme:`, `cite:`, `type:` queries.
KEYWORD_FIELDS = ("themes", "cite", "doc_type")
# Whole words with their accents, beside the stemmed "text" field: "did you
# mean" and wildcards draw from it (Whoosh: a field; tantivy: ``vocabulary.py``).
SPELLING_FIELD = "spell_text"
# Acronyms and codes of the title and text as written (``french.codes``), space-separated.
CODES_FIELD = "codes"
BOOSTS = {"title": TITLE_BOOST, "entities": ENTITY_BOOST}
# What a hit shows, read back from the index.
STORED_FIELDS = ("id", "title", "text", "entity_names", "themes", "cite_name", "doc_type",
                 "year", "date", "source", "filename", "pages")  # fmt: skip


def day_number(year: int, month: int, day: int) -> int:
    return year * 10000 + month * 100 + day


def digest(value: str) -> int:
    """A string (a record's stamp, a text) as a 63-bit number: engines keep it as a fast
    integer, SQLite as a signed one."""
    import hashlib  # loads OpenSSL: only paid by writers, not by every search command

    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest()) >> 1


def to_fields(record: IndexRecord) -> dict[str, Any]:
    """The values of every field for one record (absent keys: no value)."""
    values: dict[str, Any] = {
        "id": str(record.id),
        "stamp": record.stamp,
        "title": record.title,
        "text": record.text,
        "entities": "\n".join(record.entities),
        "keywords": "\n".join(record.keywords),
        CODES_FIELD: " ".join(french.codes(record.title + "\n" + record.text)),
        "entity_names": list(record.entities),
        "themes": " ".join(record.themes),
        "sort_title": french.fold(record.title)[:200],
        "source": record.source,
        "filename": record.filename,
        "date": record.date.isoformat() if record.date else None,
        "pages": [list(pair) for pair in record.pages] or None,
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
