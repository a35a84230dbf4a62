"""The Alembic migrations create exactly the schema of the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from recueil.catalogue.db import (
    current_revision,
    head_revision,
    make_engine,
    open_catalogue,
    upgrade,
)
from recueil.catalogue.models import Base
from recueil.config import resolve_settings


def test_upgrade_empty_database_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "document",
        "page",
        "metadata_entry",
        "theme",
        "theme_tag",
        "entity",
        "ingestion_run",
        "ingestion_item",
        "document_date",
        "harvest_state",
    } <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    engine.dispose()


def test_upgrade_is_idempotent_and_keeps_records(tmp_path: Path) -> None:
    from recueil.catalogue.models import Document

    settings = resolve_settings(home=tmp_path)
    cat = open_catalogue(settings)
    with cat.transaction() as session:
        session.add(Document(source="x.pdf", kind="pdf", title="Compte rendu"))
    cat.close()
    cat = open_catalogue(settings)  # opening again runs the upgrade check again
    upgrade(cat.engine)
    with cat.session() as session:
        assert session.get(Document, 1).title == "Compte rendu"  # type: ignore[union-attr]
    cat.close()


def test_db_commands(run_cli) -> None:
    import json

    upgraded = run_cli("db", "upgrade")
    assert upgraded.exit_code == 0 and "Catalogue schema:" in upgraded.stderr
    status = json.loads(run_cli("db", "status", "--json").output)
    assert status["up_to_date"] is True and status["documents"] == 0
