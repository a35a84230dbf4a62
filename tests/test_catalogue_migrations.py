"""The Alembic migrations create exactly the schema of the models."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select

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


SCORES_0001 = {
    "tagger_version": "rules-1+themes:abc",
    "threshold": 0.35,
    "words": 420,
    "scores": {
        "parentalite": {"score": 0.8, "evidence": {"terms": {"café des parents": 3}}},
        "numerique": {"score": 0.2, "evidence": {"terms": {"tablette": 1}}},
    },
    "set_by_rules": ["cite", "doc_type"],
}


def _fill_at_0001(url: str) -> None:
    """A catalogue as revision 0001 stored it: the scores in the theme_scores JSON."""
    engine = make_engine(url)
    upgrade(engine, "0001")
    rows = {
        "theme": [
            {"code": c, "label": c.title(), "description": "", "position": n}
            for n, c in enumerate(["parentalite", "numerique", "sante"])
        ],
        "ingestion_run": [{"id": 1, "status": "finished", "command": "ingest"}],
        "document": [
            {
                "id": 1,
                "source": "cr.pdf",
                "kind": "pdf",
                "title": "Café des parents",
                "doc_type": "compte-rendu",
                "cite_educative": "Roubaix",
                "theme_scores": SCORES_0001,
            },
            {
                "id": 2,
                "source": "notice#1",
                "kind": "record",
                "title": "Notice",
                "doc_type": "notice",
                "theme_scores": None,
            },
        ],
        "theme_tag": [  # rules tag, manual tag with a (stale) score, manual removal unscored
            {
                "document_id": 1,
                "theme_code": "parentalite",
                "score": 0.8,
                "source": "rules",
                "active": True,
                "evidence": {"terms": {"café des parents": 3}},
            },
            {
                "document_id": 1,
                "theme_code": "numerique",
                "score": 1.0,
                "source": "manual",
                "active": True,
                "evidence": None,
            },
            {
                "document_id": 1,
                "theme_code": "sante",
                "score": 0.0,
                "source": "manual",
                "active": False,
                "evidence": None,
            },
        ],
        "ingestion_item": [
            {"run_id": 1, "source": "cr.pdf", "outcome": "added", "document_id": 1},
            {"run_id": 1, "source": "notice#2", "outcome": "deleted", "document_id": None},
        ],
    }
    now = dt.datetime(2026, 1, 5, 10, 0)
    required = {  # the NOT NULL columns of revision 0001 that the rows above leave out
        "ingestion_run": {"started_at": now},
        "document": {"language": "fr", "page_count": 1, "word_count": 420, "needs_ocr": False,
                     "text_origin": "text", "created_at": now, "updated_at": now},
        "theme_tag": {"created_at": now},
        "ingestion_item": {"finished_at": now},
    }  # fmt: skip
    with engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)
        for table, values in rows.items():
            for given in values:
                conn.execute(tables.tables[table].insert(), {**required.get(table, {}), **given})
    engine.dispose()


def test_upgrade_from_0001_moves_scores_into_columns(settings, run_cli) -> None:
    from recueil.catalogue.models import Document, IngestionItem, Outcome, TagSource

    _fill_at_0001(settings.database_url)
    explained = run_cli("explain", "1", "--json")  # opening the catalogue upgrades it
    assert explained.exit_code == 0, explained.output
    cat = open_catalogue(settings)
    try:
        assert current_revision(cat.engine) == head_revision(cat.engine)
        with cat.session() as session:
            first = session.get(Document, 1)
            assert first is not None
            assert (first.tagger_version, first.tag_threshold, first.tagged_words) == (
                "rules-1+themes:abc",
                0.35,
                420,
            )
            assert first.doc_type_by_rules and first.cite_by_rules
            tags = {t.theme_code: t for t in first.tags}
            assert tags["parentalite"].source is TagSource.RULES
            assert tags["parentalite"].score == 0.8
            # The manual decision stays; its score and evidence are now the rules' ones.
            assert tags["numerique"].source is TagSource.MANUAL and tags["numerique"].active
            assert tags["numerique"].score == 0.2
            assert tags["numerique"].evidence == {"terms": {"tablette": 1}}
            assert not tags["sante"].active and tags["sante"].evidence is None
            # 0003: the rules' score is each tag's rules_score; the model's is unknown yet.
            assert tags["parentalite"].rules_score == 0.8 and tags["numerique"].rules_score == 0.2
            assert tags["sante"].rules_score is None
            assert all(t.model_score is None for t in tags.values())
            second = session.get(Document, 2)
            assert second is not None and second.tagger_version is None
            assert not second.doc_type_by_rules and second.doc_type == "notice"
            outcomes = [i.outcome for i in session.scalars(select(IngestionItem))]
            assert outcomes == [Outcome.ADDED, Outcome.DELETED]
    finally:
        cat.close()
    shown = json.loads(explained.output)
    assert shown["tagger_version"] == "rules-1+themes:abc" and shown["words"] == 420
    rows = {r["theme"]: r for r in shown["themes"]}
    assert rows["parentalite"]["score"] == 0.8 and rows["numerique"]["score"] == 0.2
    assert rows["numerique"]["status"] == "added by hand"
    assert rows["sante"]["score"] == 0.0 and rows["sante"]["status"] == "removed by hand"


def test_downgrade_to_0001_puts_the_scores_back(settings) -> None:
    from sqlalchemy import text

    _fill_at_0001(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        from alembic import command

        from recueil.catalogue.db import alembic_config

        command.downgrade(alembic_config(engine), "0001")
        with engine.connect() as conn:
            stored = conn.scalar(text("SELECT theme_scores FROM document WHERE id = 1"))
        back = json.loads(stored) if isinstance(stored, str) else stored
        assert back["scores"] == SCORES_0001["scores"]
        assert back["set_by_rules"] == ["cite", "doc_type"]
        assert back["threshold"] == 0.35 and back["words"] == 420
    finally:
        engine.dispose()
