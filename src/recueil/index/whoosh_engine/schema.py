"""The Whoosh schema of the index fields (``recueil.index.schema``)."""

from __future__ import annotations

from whoosh import fields

from recueil.index.schema import ENTITY_BOOST, TITLE_BOOST
from recueil.index.whoosh_engine.analysis import FrenchAnalyzer


def build_schema() -> fields.Schema:
    analyzer = FrenchAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        stamp=fields.ID(sortable=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST, sortable=False),
        # Stored: passages and "similar documents" read it back. spelling=True
        # keeps the unstemmed words in "spell_text" (schema.SPELLING_FIELD).
        text=fields.TEXT(analyzer=analyzer, stored=True, spelling=True),
        entities=fields.TEXT(analyzer=analyzer, field_boost=ENTITY_BOOST),
        keywords=fields.TEXT(analyzer=analyzer),  # PDF Subject/Keywords, XMP subjects
        codes=fields.KEYWORD(lowercase=False),  # PRE, REP+, QPV as written
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
        pages=fields.STORED(),  # [offset, page number] of each page (several pages only)
    )
