"""``insert_rows`` stores exactly what Core's ``execute(insert(table), rows)`` stores."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, text

from recueil.catalogue.bulk import insert_rows
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Base, Document, IngestionRun, Outcome, TextOrigin

SKIPPED = ("id", "document_id", "source")


def _raw(catalogue: Catalogue, table: str, document_id: int) -> list[tuple[object, ...]]:
    """The stored values as the database keeps them (no ORM type in between), but for the
    columns that differ on purpose between the two documents."""
    names = [c.name for c in Base.metadata.tables[table].c if c.name not in SKIPPED]
    query = f"SELECT {', '.join(names)} FROM {table} WHERE document_id = :d ORDER BY id"
    with catalogue.session() as session:
        return [tuple(row) for row in session.execute(text(query), {"d": document_id}).all()]


def test_insert_rows_stores_what_core_stores(catalogue: Catalogue) -> None:
    when = dt.datetime(2024, 3, 5, 14, 30, 0)
    with catalogue.transaction() as session:
        session.add_all([Document(source="a", kind="web"), Document(source="b", kind="web")])
        session.add(IngestionRun(arguments={}))
        session.flush()
        ids = session.scalars(select(Document.id).order_by(Document.id)).all()
        run_id = session.scalars(select(IngestionRun.id)).one()
    tables = Base.metadata.tables
    for document_id, bulk in zip(ids, (False, True), strict=True):
        pages = [
            {"document_id": document_id, "number": n, "text": f"Page {n} : l'école",
             "origin": TextOrigin.OCR if n == 2 else TextOrigin.TEXT,
             "garbage_ratio": 0.25 if n == 1 else None, "needs_ocr": n == 2}
            for n in (1, 2)
        ]  # fmt: skip
        entries = [{"document_id": document_id, "namespace": "web", "key": "key", "value": "%s ?"}]
        items = [
            {"run_id": run_id, "source": f"{document_id}-{n}.txt", "outcome": outcome,
             "sha256": None, "document_id": document_id, "error_code": "E101" if n else None,
             "message": "même contenu", "duration_s": 0.5, "pages": n, "finished_at": when}
            for n, outcome in enumerate((Outcome.ADDED, Outcome.SKIPPED))
        ]  # fmt: skip
        with catalogue.transaction() as session:
            connection = session.connection()
            for name, rows in (("page", pages), ("metadata_entry", entries),
                               ("ingestion_item", items)):  # fmt: skip
                if bulk:
                    insert_rows(connection, tables[name], rows)
                else:
                    connection.execute(insert(tables[name]), rows)
    first, second = ids
    for name in ("page", "metadata_entry", "ingestion_item"):
        core, ours = _raw(catalogue, name, first), _raw(catalogue, name, second)
        assert core == ours and len(core) > 0, name
    with catalogue.session() as session:
        document = session.get_one(Document, second)
        assert [(p.origin, p.needs_ocr) for p in document.pages] == [
            (TextOrigin.TEXT, False),
            (TextOrigin.OCR, True),
        ]
        assert document.meta("web", "key") == "%s ?"


def test_insert_rows_of_nothing_does_nothing(catalogue: Catalogue) -> None:
    with catalogue.transaction() as session:
        insert_rows(session.connection(), Base.metadata.tables["page"], [])


def test_insert_rows_refuses_rows_that_leave_a_column_out(catalogue: Catalogue) -> None:
    import pytest

    with catalogue.transaction() as session, pytest.raises(ValueError, match="finished_at"):
        row = {"run_id": 1, "source": "a.txt", "outcome": Outcome.ADDED}
        insert_rows(session.connection(), Base.metadata.tables["ingestion_item"], [row])
