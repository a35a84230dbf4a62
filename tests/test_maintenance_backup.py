"""`recueil backup` / `recueil restore`: round trips into new homes, on both engines."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import Cli
from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionItem, MetadataEntry
from recueil.config import resolve_settings, sqlite_url


def document_row(d: Document) -> tuple:
    pages = [(p.number, p.text, p.origin) for p in d.pages]
    themes = sorted((t.theme_code, t.source, t.active, t.score, t.evidence) for t in d.tags)
    tagging = (d.tagger_version, d.tag_threshold, d.tagged_words, d.doc_type_by_rules)
    return (d.id, d.sha256, d.title, d.original_path, d.created_at, d.attached_to_id, pages,
            themes, tagging)  # fmt: skip


def snapshot(settings) -> dict:
    """What must survive a round trip: documents, pages, metadata, runs, themes."""
    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            docs = session.scalars(select(Document).order_by(Document.id)).all()
            return {
                "documents": [document_row(d) for d in docs],
                "metadata": sorted(
                    (m.document_id, m.namespace, m.key, m.value)
                    for m in session.scalars(select(MetadataEntry))
                ),
                "items": sorted(
                    (i.run_id, i.source, i.outcome, i.document_id)
                    for i in session.scalars(select(IngestionItem))
                ),
            }
    finally:
        cat.close()


@pytest.fixture
def filled(run_cli, tmp_path: Path, settings) -> dict:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_pdf(inbox / "cr-roubaix.pdf", french_pages(2), metadata={"title": "Rencontre à Roubaix"})
    make_pdf(inbox / "parentalite.pdf", french_pages(1), metadata={"title": "Café des parents"})
    result = run_cli("ingest", "--jobs", "1", "--json", str(inbox))
    assert result.exit_code == 0, result.output
    cat = Catalogue(settings)
    with cat.transaction() as session:  # a self-reference the restore must keep
        first, second = session.scalars(select(Document).order_by(Document.id)).all()
        first.attached_to_id = second.id
    cat.close()
    return snapshot(settings)


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "tar.gz"])
def test_round_trip_into_a_new_home(
    run_cli, filled: dict, tmp_path: Path, settings, packed: bool
) -> None:
    dest = tmp_path / ("sauvegarde.tar.gz" if packed else "sauvegarde")
    result = run_cli("backup", str(dest), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["documents"], summary["originals"]) == (2, 2)
    if packed:
        with tarfile.open(dest) as tar:
            names = tar.getnames()
        assert "manifest.json" in names and "tables/document.jsonl" in names
    else:
        manifest = json.loads((dest / "manifest.json").read_text())
        assert manifest["counts"]["document"] == 2 and manifest["schema_revision"]
        assert all(len(sha) == 64 for sha in manifest["files"].values())

    # Another machine: a new home with its own SQLite catalogue.
    new_home = tmp_path / "nouvelle-maison"
    restored = Cli(new_home)
    result = restored("restore", str(dest), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indexed"] == 2
    new_settings = resolve_settings(
        home=new_home, database_url=sqlite_url(new_home / "catalogue.sqlite3")
    )
    assert snapshot(new_settings) == filled
    assert sorted(p.name for p in (new_home / "originals").rglob("*.pdf")) == sorted(
        p.name for p in (settings.home / "originals").rglob("*.pdf")
    )
    check = restored("check", "--json")
    assert check.exit_code == 0, check.output
    hits = json.loads(restored("search", "Roubaix", "--json").stdout)
    assert "Roubaix" in json.dumps(hits, ensure_ascii=False)
    # New documents get new ids after a restore (sequences moved past restored ids).
    make_pdf(tmp_path / "nouveau.pdf", french_pages(3))
    added = json.loads(
        restored("ingest", "--no-tag", "--json", str(tmp_path / "nouveau.pdf")).stdout
    )
    assert added["items"][0]["document_id"] == 3


def test_restore_refuses_a_catalogue_with_documents(run_cli, filled: dict, tmp_path: Path) -> None:
    dest = tmp_path / "sauvegarde"
    assert run_cli("backup", str(dest)).exit_code == 0
    refused = run_cli("restore", str(dest))
    assert refused.exit_code == 1 and "E014" in refused.output and "--force" in refused.output
    forced = run_cli("restore", "--force", str(dest))
    assert forced.exit_code == 0, forced.output
    assert run_cli("check").exit_code == 0


def test_restore_rejects_a_damaged_backup(run_cli, filled: dict, tmp_path: Path) -> None:
    dest = tmp_path / "sauvegarde"
    assert run_cli("backup", str(dest)).exit_code == 0
    table = dest / "tables" / "document.jsonl"
    table.write_text(table.read_text().replace("Roubaix", "Rubaix"))
    result = Cli(tmp_path / "autre")("restore", str(dest))
    assert result.exit_code == 1 and "E013" in result.output and "document.jsonl" in result.output
    assert run_cli("backup", str(dest)).exit_code == 1  # never overwrites a backup


def test_sqlite_backup_restores_into_postgresql_and_back(
    filled: dict, tmp_path: Path, settings, database_url: str
) -> None:
    """The JSON lines make a backup engine-neutral."""
    import os

    base = os.environ.get("RECUEIL_TEST_DATABASE_URL")
    if settings.is_sqlite or not base:
        pytest.skip("needs the PostgreSQL variant")
    dest = tmp_path / "depuis-postgres"
    source = Cli(settings.home, database_url)
    assert source("backup", str(dest)).exit_code == 0
    sqlite_home = tmp_path / "poste-sqlite"
    assert Cli(sqlite_home)("restore", str(dest)).exit_code == 0
    sqlite_settings = resolve_settings(
        home=sqlite_home, database_url=sqlite_url(sqlite_home / "catalogue.sqlite3")
    )
    assert snapshot(sqlite_settings) == filled
    back = tmp_path / "depuis-sqlite.tar.gz"
    assert Cli(sqlite_home)("backup", str(back)).exit_code == 0
    assert source("restore", "--force", str(back)).exit_code == 0
    assert snapshot(settings) == filled
