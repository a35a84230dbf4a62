"""One catalogue shared by several processes (PostgreSQL, and SQLite on one machine).

Every test here runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from pdfgen import make_pdf
from processes import start
from recueil.catalogue.db import Catalogue, current_revision, head_revision
from recueil.catalogue.models import Base, Document, IngestionItem, IngestionRun, MetadataEntry

FAST = ("--no-tag", "--no-index", "--jobs", "1", "--json")


def test_migrations_create_the_models_schema(catalogue: Catalogue) -> None:
    assert current_revision(catalogue.engine) == head_revision(catalogue.engine)
    with catalogue.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ on {catalogue.engine.dialect.name}: {diff}"


def test_json_columns_and_unique_hash(catalogue: Catalogue) -> None:
    from sqlalchemy.exc import IntegrityError

    with catalogue.transaction() as session:
        run = IngestionRun(arguments={"inputs": ["réunion.pdf"], "ocr": "auto", "jobs": 2})
        session.add(run)
        doc = Document(sha256="a" * 64, source="réunion.pdf", kind="pdf", title="Réunion")
        doc.metadata_entries = [MetadataEntry(namespace="pdf", key="Title", value="Réunion")]
        session.add(doc)
    with catalogue.session() as session:
        stored = session.scalars(select(Document)).one()
        assert stored.metadata_entries[0].value == "Réunion"
        assert session.scalars(select(IngestionRun)).one().arguments["inputs"] == ["réunion.pdf"]
    try:
        with catalogue.transaction() as session:
            session.add(Document(sha256="a" * 64, source="copie.pdf", kind="pdf", title="Copie"))
    except IntegrityError:
        pass
    else:
        raise AssertionError("the catalogue accepted two documents with the same SHA-256")


def test_two_ingests_at_once_lose_nothing_and_duplicate_nothing(
    run_cli, tmp_path: Path, settings
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    count = 12
    for n in range(count):
        make_pdf(
            inbox / f"compte-rendu-{n:02d}.pdf",
            [
                f"Compte rendu numéro {n} de la cité éducative.\n\nLe comité de pilotage "
                f"s'est réuni le {n + 1} mars 2023 pour la réunion {n}."
            ],
        )
    first = start(run_cli.root_args, "ingest", *FAST, str(inbox))
    second = start(run_cli.root_args, "ingest", *FAST, str(inbox))
    reports = []
    for process in (first, second):
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        reports.append(json.loads(out))

    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            documents = session.scalars(select(Document)).all()
            items = session.scalars(select(IngestionItem)).all()
            runs = session.scalar(select(func.count()).select_from(IngestionRun))
    finally:
        cat.close()
    # Nothing lost, nothing twice.
    assert len(documents) == count
    assert len({d.sha256 for d in documents}) == count
    assert {d.filename for d in documents} == {p.name for p in inbox.iterdir()}
    assert runs == 2
    # Each process recorded every file, as added or as a duplicate of the stored one.
    by_sha = {d.sha256: d.id for d in documents}
    assert len(items) == 2 * count
    for item in items:
        assert item.outcome in ("added", "duplicate"), (item.outcome, item.message)
        assert item.document_id == by_sha[item.sha256]
    added = [i for r in reports for i in r["items"] if i["outcome"] == "added"]
    assert len(added) == count
    for archived in documents:
        assert (settings.home / str(archived.original_path)).is_file()
