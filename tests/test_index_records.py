"""What the index reads of the catalogue: plain rows, one query per table and batch."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, Entity, MetadataEntry, Page, ThemeTag
from recueil.index import catalogue_records
from recueil.index.catalogue_records import KEYWORD_ENTRIES, load_records, make_stamp
from search_corpus import fill


def _expected(document: Document) -> dict[str, object]:
    """The record of a document as its ORM object tells it."""
    pages = [p for p in document.pages if p.text]
    starts, offset = [], 0
    for page in pages:
        starts.append((offset, page.number))
        offset += len(page.text) + 2
    entities = sorted(document.entities, key=lambda e: (-e.count, e.text))
    year_of_date = document.date.year if document.date else None
    return {
        "id": document.id,
        "stamp": make_stamp(document.updated_at, document.active_theme_codes),
        "title": document.title,
        "text": document.text,
        "themes": tuple(document.active_theme_codes),
        "entities": tuple(dict.fromkeys(e.text for e in entities)),
        "pages": tuple(starts) if len(starts) > 1 else (),
        "keywords": tuple(dict.fromkeys(
            e.value for e in document.metadata_entries
            if (e.namespace, e.key) in KEYWORD_ENTRIES and e.value.strip()
        )),
        "year": document.year if document.year is not None else year_of_date,
        "cite": document.cite_educative,
    }  # fmt: skip


def _add_awkward_document(catalogue: Catalogue) -> int:
    """Pages out of order and empty, a removed theme, repeated entities, mixed metadata."""
    with catalogue.transaction() as session:
        document = Document(source="x.pdf", filename="x.pdf", kind="pdf", title="Rapport",
                            doc_type="rapport")  # fmt: skip
        document.pages = [Page(number=3, text="Troisième page."), Page(number=1, text="Une."),
                          Page(number=2, text="")]  # fmt: skip
        document.tags = [ThemeTag(theme_code="parentalite", source="rules", score=0.9),
                         ThemeTag(theme_code="sante", source="manual", active=False)]  # fmt: skip
        document.entities = [Entity(label="LOC", text="Creil", normalised="creil", count=2),
                             Entity(label="ORG", text="CAF", normalised="caf", count=5),
                             Entity(label="LOC", text="Creil", normalised="creil", count=1)]  # fmt: skip
        document.metadata_entries = [
            MetadataEntry(namespace="pdf", key="Keywords", value="parentalité"),
            MetadataEntry(namespace="pdf", key="Author", value="Mairie"),
            MetadataEntry(namespace="xmp", key="dc:subject", value="  "),
            MetadataEntry(namespace="web", key="Keywords", value="pas un mot-clé du sujet"),
            MetadataEntry(namespace="pdf", key="Subject", value="Cité éducative"),
            MetadataEntry(namespace="xmp", key="dc:subject", value="parentalité"),
        ]
        session.add(document)
        session.flush()
        return document.id


def test_records_read_as_rows_match_the_documents(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(fill(catalogue).values())
    awkward = _add_awkward_document(catalogue)
    monkeypatch.setattr(catalogue_records, "BATCH", 3)  # several batches
    asked = [awkward, *reversed(ids), ids[0], 999_999]  # unordered, repeated, missing
    with catalogue.session() as session:
        records = list(load_records(session, asked))
        statement = select(Document).options(
            selectinload(Document.pages), selectinload(Document.tags),
            selectinload(Document.entities), selectinload(Document.metadata_entries),
        ).order_by(Document.id)  # fmt: skip
        expected = [_expected(d) for d in session.scalars(statement)]
    got = [{name: getattr(r, name) for name in expected[0]} for r in records]
    assert got == expected
    last = got[-1]
    assert last["id"] == awkward
    assert last["text"] == "Une.\n\nTroisième page."
    assert last["pages"] == ((0, 1), (6, 3))
    assert last["themes"] == ("parentalite",)
    assert last["entities"] == ("CAF", "Creil")
    assert last["keywords"] == ("parentalité", "Cité éducative")


def test_records_take_one_query_per_table_and_batch(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(fill(catalogue).values())
    monkeypatch.setattr(catalogue_records, "BATCH", 4)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(catalogue.engine, "before_cursor_execute", count)
    try:
        with catalogue.session() as session:
            assert [r.id for r in load_records(session, ids)] == ids
    finally:
        event.remove(catalogue.engine, "before_cursor_execute", count)
    batches = -(-len(ids) // 4)
    # The document rows, pages, themes, entities and keyword entries of each batch.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 5 * batches
