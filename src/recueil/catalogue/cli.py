"""Commands of the catalogue part: `db status`, `db upgrade`."""

from __future__ import annotations

import click

from recueil.cli_common import AppContext, pass_app
from recueil.output import emit_object, output_options


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
    """Show the database URL, schema revision and document count."""
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
    """Create the schema or migrate it to the latest revision (never loses a record)."""
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


commands: list[click.Command] = [db]
