"""What the index holds of a catalogue document, read from the catalogue only.

No PDF and no NLP work here: a rebuild is a read of the catalogue. Each
record carries a stamp (last update and active themes) so that ``index sync``
can tell exactly which documents differ.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.models import Document, ThemeTag

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


def page_starts(document: Document) -> tuple[tuple[int, int], ...]:
    """Where each page starts in ``Document.text`` (pages joined by a blank line)."""
    starts, offset = [], 0
    for page in document.pages:
        if page.text:
            starts.append((offset, page.number))
            offset += len(page.text) + 2
    return tuple(starts) if len(starts) > 1 else ()


def to_record(document: Document) -> IndexRecord:
    codes = document.active_theme_codes
    entities = sorted(document.entities, key=lambda e: (-e.count, e.text))
    return IndexRecord(
        id=document.id,
        stamp=make_stamp(document.updated_at, codes),
        title=document.title or "",
        text=document.text,
        themes=tuple(codes),
        cite=document.cite_educative,
        doc_type=document.doc_type,
        date=document.date,
        year=document.year
        if document.year is not None
        else (document.date.year if document.date else None),
        entities=tuple(dict.fromkeys(e.text for e in entities)),
        source=document.source or "",
        filename=document.filename,
        pages=page_starts(document),
        keywords=tuple(dict.fromkeys(
            e.value for e in document.metadata_entries
            if (e.namespace, e.key) in KEYWORD_ENTRIES and e.value.strip()
        )),
    )  # fmt: skip


def _load(session: Session, ids: Sequence[int]) -> list[Document]:
    statement = (
        select(Document)
        .where(Document.id.in_(ids))
        .options(
            selectinload(Document.pages),
            selectinload(Document.tags),
            selectinload(Document.entities),
            selectinload(Document.metadata_entries),
        )
        .order_by(Document.id)
    )
    return list(session.scalars(statement))


def load_records(session: Session, ids: Sequence[int]) -> Iterator[IndexRecord]:
    """Records of the given documents that exist, in batches (memory stays flat)."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), BATCH):
        for document in _load(session, unique[start : start + BATCH]):
            yield to_record(document)
        session.expunge_all()


def all_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Document.id).order_by(Document.id)))


def catalogue_stamps(session: Session) -> dict[int, str]:
    """The stamp of every catalogue document, without loading any text."""
    codes: dict[int, list[str]] = defaultdict(list)
    tags = select(ThemeTag.document_id, ThemeTag.theme_code).where(ThemeTag.active.is_(True))
    for document_id, code in session.execute(tags):
        codes[document_id].append(code)
    rows = session.execute(select(Document.id, Document.updated_at))
    return {doc_id: make_stamp(updated, codes.get(doc_id, ())) for doc_id, updated in rows}
