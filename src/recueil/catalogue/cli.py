"""Commands of the catalogue: browsing (`show`, `list`, `runs`) and `db status|upgrade`."""

from __future__ import annotations

from typing import Any

import click

from recueil.cli_common import AppContext, date_range_options, pass_app
from recueil.output import emit, emit_object, output_options

OUTCOMES = ("added", "updated", "duplicate", "skipped", "deleted", "failed")


@click.command()
@click.argument("document_id", type=int)
@click.option("--lines", default=8, show_default=True, help="Lines of text to show.")
@output_options
@pass_app
def show(app: AppContext, document_id: int, lines: int, fmt: str) -> None:
    """Show one document: metadata, themes, entities, text, original.

    \b
    Example:
      recueil show 12
      recueil show 12 --json
    """
    from recueil.catalogue.queries import document_details

    with app.catalogue.session() as session:
        details = document_details(session, app.settings, document_id, text_lines=lines)
    emit_object(details, fmt)


@click.command(name="list")
@click.option("--type", "doc_type", help="Document type (compte-rendu, fiche-experience, …).")
@click.option("--theme", help="Theme code.")
@click.option("--cite", help="Cité éducative.")
@click.option("--year", type=int, help="Year of the document.")
@date_range_options
@click.option(
    "--outcome",
    type=click.Choice(OUTCOMES),
    help="Last ingestion outcome of the document's source.",
)
@click.option("--needs-ocr", is_flag=True, help="Only documents with pages that need OCR.")
@click.option("--limit", type=int, default=0, help="At most this many rows (0: all).")
@output_options
@pass_app
def list_documents(app: AppContext, /, fmt: str, limit: int, **filters: Any) -> None:
    """List catalogue documents with filters.

    \b
    Example:
      recueil list --type fiche-experience --year 2022
      recueil list --from 2022-09 --to 2023 --csv > documents.csv
    """
    from recueil.catalogue.queries import DocumentFilter
    from recueil.catalogue.queries import list_documents as query

    with app.catalogue.session() as session:
        rows = query(session, DocumentFilter(**filters), limit=limit)
    emit(
        rows,
        fmt,
        columns=None if fmt != "table" else ["id", "date", "type", "cite", "themes", "title"],
    )


@click.command()
@click.argument("run_id", type=int, required=False)
@click.option("--failed", is_flag=True, help="Only the inputs that failed.")
@output_options
@pass_app
def runs(app: AppContext, run_id: int | None, failed: bool, fmt: str) -> None:
    """List ingestion runs, or the per-file report of one run.

    \b
    Example:
      recueil runs
      recueil runs 3 --failed
    """
    from recueil.ingest.report import run_items, run_rows

    with app.catalogue.session() as session:
        if run_id is None:
            emit(run_rows(session), fmt)
        else:
            emit(
                run_items(session, run_id, failed_only=failed),
                fmt,
                columns=None
                if fmt != "table"
                else ["source", "outcome", "document_id", "error_code", "message"],
            )


@click.group()
def db() -> None:
    """Catalogue database: schema status and migrations.

    \b
    Example:
      recueil db status
      recueil --db postgresql+psycopg://cosoter@serveur/recueil db upgrade
    """


@db.command()
@output_options
@pass_app
def status(app: AppContext, fmt: str) -> None:
    """Show the database URL, schema revision and document count.

    \b
    Example:
      recueil db status
      recueil db status --json
    """
    from sqlalchemy import func, select

    from recueil.catalogue.db import current_revision, head_revision, make_engine
    from recueil.catalogue.models import Document

    engine = make_engine(app.settings.database_url)
    try:
        current, head = current_revision(engine), head_revision(engine)
        count = None
        if current is not None:
            with engine.connect() as conn:
                count = conn.scalar(select(func.count()).select_from(Document))
    finally:
        engine.dispose()
    emit_object(
        {
            "database": engine.url.render_as_string(hide_password=True),
            "revision": current,
            "head": head,
            "up_to_date": current == head,
            "documents": count,
        },
        fmt,
    )


@db.command()
@pass_app
def upgrade(app: AppContext) -> None:
    """Create the schema or migrate it to the latest revision (never loses a record).

    \b
    Example:
      recueil db upgrade
      recueil --db postgresql+psycopg://cosoter@serveur/recueil db upgrade
    """
    from recueil.catalogue.db import current_revision, make_engine
    from recueil.catalogue.db import upgrade as run_upgrade

    engine = make_engine(app.settings.database_url)
    try:
        before = current_revision(engine)
        run_upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    click.echo(f"Catalogue schema: {before or 'empty'} -> {after}", err=True)


commands: list[click.Command] = [show, list_documents, runs, db]
