"""What the index holds of a catalogue document, read from the catalogue only.

No PDF and no NLP work here: a rebuild is a read of the catalogue, as plain rows
(SQLAlchemy Core), one query per table for each batch of documents. Each
record carries a stamp (last update and active themes) so that ``index sync``
can tell exactly which documents differ.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from recueil.catalogue.models import Document, Entity, MetadataEntry, Page, ThemeTag

BATCH = 200
# Metadata that describes the subject of a document: searched with its words.
KEYWORD_ENTRIES = frozenset({("pdf", "Subject"), ("pdf", "Keywords"), ("xmp", "dc:subject"),
                             ("xmp", "pdf:Keywords"), ("notice", "keyword"),
                             ("notice", "descriptor")})  # fmt: skip


@dataclass(frozen=True)
class IndexRecord:
    id: int
    stamp: str
    title: str
    text: str
    themes: tuple[str, ...]
    cite: str | None
    doc_type: str | None
    date: dt.date | None
    year: int | None
    entities: tuple[str, ...]
    source: str
    filename: str | None
    # (offset in ``text``, page number) of each page, for documents of several pages.
    pages: tuple[tuple[int, int], ...] = ()
    # PDF Subject/Keywords, XMP subjects, notice keywords (``KEYWORD_ENTRIES``).
    keywords: tuple[str, ...] = ()


def make_stamp(updated_at: dt.datetime | None, theme_codes: Iterable[str]) -> str:
    # Tag edits do not always touch the document row: the active themes are
    # part of the stamp so that sync notices them too.
    when = updated_at.isoformat() if updated_at else ""
    return f"{when}|{','.join(sorted(theme_codes))}"


def page_starts(texts: Iterable[tuple[int, str]]) -> tuple[tuple[int, int], ...]:
    """Where each page starts in a document's text: ``(number, text)`` pages in order,
    joined by a blank line, empty pages left out."""
    starts, offset = [], 0
    for number, text in texts:
        if text:
            starts.append((offset, number))
            offset += len(text) + 2
    return tuple(starts) if len(starts) > 1 else ()


_DOCUMENT_COLUMNS = (Document.id, Document.updated_at, Document.title, Document.cite_educative,
                     Document.doc_type, Document.date, Document.year, Document.source,
                     Document.filename)  # fmt: skip


# Rows of a child table (pages, themes...) by document id.
Children = dict[int, list[Any]]


def _grouped(session: Session, statement: Executable) -> Children:
    """Rows of a child table by document id (the first column), in the statement's order."""
    found: Children = defaultdict(list)
    for row in session.connection().execute(statement).all():
        found[row[0]].append(row)
    return found


def _children(session: Session, ids: Sequence[int]) -> tuple[Children, ...]:
    """Pages, active themes, entities and keyword entries of these documents: one query
    per table, rows only (no ORM objects)."""
    pages = select(Page.document_id, Page.number, Page.text).where(Page.document_id.in_(ids))
    tags = select(ThemeTag.document_id, ThemeTag.theme_code).where(
        ThemeTag.document_id.in_(ids), ThemeTag.active.is_(True)
    )
    entities = select(Entity.document_id, Entity.text, Entity.count).where(
        Entity.document_id.in_(ids)
    )
    keys = {key for _, key in KEYWORD_ENTRIES}
    meta = select(
        MetadataEntry.document_id, MetadataEntry.namespace, MetadataEntry.key, MetadataEntry.value
    ).where(MetadataEntry.document_id.in_(ids), MetadataEntry.key.in_(keys))
    return (
        _grouped(session, pages.order_by(Page.document_id, Page.number)),
        _grouped(session, tags),
        _grouped(session, entities),
        _grouped(session, meta.order_by(MetadataEntry.id)),
    )


def _record(document: Any, children: tuple[Children, ...]) -> IndexRecord:
    pages, tags, entities, meta = (found.get(document.id, ()) for found in children)
    codes = sorted(tag.theme_code for tag in tags)
    by_count = sorted(entities, key=lambda e: (-e.count, e.text))
    texts = [(page.number, page.text) for page in pages]
    return IndexRecord(
        id=document.id,
        stamp=make_stamp(document.updated_at, codes),
        title=document.title or "",
        text="\n\n".join(text for _, text in texts if text),
        themes=tuple(codes),
        cite=document.cite_educative,
        doc_type=document.doc_type,
        date=document.date,
        year=document.year
        if document.year is not None
        else (document.date.year if document.date else None),
        entities=tuple(dict.fromkeys(e.text for e in by_count)),
        source=document.source or "",
        filename=document.filename,
        pages=page_starts(texts),
        keywords=tuple(dict.fromkeys(
            e.value for e in meta if (e.namespace, e.key) in KEYWORD_ENTRIES and e.value.strip()
        )),
    )  # fmt: skip


def load_records(session: Session, ids: Sequence[int]) -> Iterator[IndexRecord]:
    """Records of the given documents that exist, in id order, read in batches of
    ``BATCH`` documents with one query per table (memory stays flat)."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        children = _children(session, batch)
        documents = select(*_DOCUMENT_COLUMNS).where(Document.id.in_(batch))
        for document in session.connection().execute(documents.order_by(Document.id)):
            yield _record(document, children)


def all_ids(session: Session) -> list[int]:
    return list(session.connection().scalars(select(Document.id).order_by(Document.id)))


def catalogue_stamps(session: Session) -> dict[int, str]:
    """The stamp of every catalogue document, without loading any text."""
    codes: dict[int, list[str]] = defaultdict(list)
    tags = select(ThemeTag.document_id, ThemeTag.theme_code).where(ThemeTag.active.is_(True))
    connection = session.connection()  # Core rows: no ORM loading for 10,000s of rows
    for document_id, code in connection.execute(tags).all():
        codes[document_id].append(code)
    rows = connection.execute(select(Document.id, Document.updated_at)).all()
    return {doc_id: make_stamp(updated, codes.get(doc_id, ())) for doc_id, updated in rows}
