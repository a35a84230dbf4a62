"""New documents of a batch added with one bulk insert instead of one ORM object each.

A document that only needs its columns written (no analysis to attach: tags,
entities and dates go through the ORM) becomes a ``NewDocument``: the values
of its row, and its id once the batch's rows are inserted: one ``INSERT ...
RETURNING`` statement per batch (SQLite 3.35+ and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from recueil.catalogue.models import Base, Document, utcnow
from recueil.ingest.discover import readable

if TYPE_CHECKING:
    from recueil.ingest.stages import Unit


@dataclass(slots=True, eq=False)
class NewDocument:
    """A document to add with the batch's bulk insert; ``id`` is set by the insert."""

    values: dict[str, Any]
    id: int | None = None

    @property
    def sha256(self) -> str | None:
        value: str | None = self.values["sha256"]
        return value

    @property
    def external_id(self) -> str | None:
        value: str | None = self.values["external_id"]
        return value

    @property
    def source(self) -> str:
        value: str = self.values["source"]
        return value


def document_values(unit: Unit) -> dict[str, Any]:
    """The columns a unit's extraction result gives its catalogue document."""
    extracted = unit.extracted
    title = (extracted.title or "").strip()
    values: dict[str, Any] = {
        "sha256": unit.sha256,
        "external_id": extracted.external_id,
        "original_path": unit.original,
        "source": extracted.source_url or unit.source,
        "filename": readable(unit.path.name),
        "mime_type": extracted.mime_type,
        "size_bytes": unit.size_bytes,
        "kind": extracted.kind,
        "title": title or readable(unit.path.stem),
        "page_count": len(extracted.pages),
        "word_count": sum(len(p.text.split()) for p in extracted.pages),
        "garbage_ratio": extracted.garbage_ratio,
        "word_ratio": extracted.word_ratio,
        "needs_ocr": extracted.needs_ocr,
        "text_origin": extracted.text_origin,
        "updated_at": utcnow(),
    }
    if extracted.doc_type:  # else an existing document keeps its own
        values["doc_type"] = extracted.doc_type
    return values


def insert_documents(session: Session, documents: Sequence[NewDocument]) -> None:
    """Insert the rows of ``documents`` and give each its id.

    The ids come back with each row's ``sha256`` (unique, and always set on a new
    document), so the order in which the database returns them does not matter: asking
    for the order of the rows would make SQLite run one statement per row.
    """
    if not documents:
        return
    table = Base.metadata.tables[Document.__tablename__]
    columns = {key for document in documents for key in document.values}
    # One shape for every row (an executemany): only ``doc_type`` may be left out, and it
    # has no default.
    rows = [{key: document.values.get(key) for key in columns} for document in documents]
    connection = session.connection()
    if connection.dialect.insert_returning:
        statement = insert(table).returning(table.c.id, table.c.sha256)
        ids = {sha256: new_id for new_id, sha256 in connection.execute(statement, rows)}
    else:  # SQLite before 3.35: insert, then read the ids back
        connection.execute(insert(table), rows)
        shas = [document.sha256 for document in documents]
        ids = {}
        for start in range(0, len(shas), 500):
            found = select(table.c.sha256, table.c.id).where(
                table.c.sha256.in_(shas[start : start + 500])
            )
            ids.update({sha256: new_id for sha256, new_id in connection.execute(found)})
    for document in documents:
        document.id = ids[document.sha256]
