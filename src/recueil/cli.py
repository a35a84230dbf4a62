"""Root click group: the only place errors become exit codes and messages.

Each part of recueil keeps its commands in its own ``cli.py`` (``ingest/cli.py``,
``tagging/cli.py``, ``index/cli.py``, ``search/cli.py``…) and they are attached
here. Commands are thin: they call a tested library function and render.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from recueil import __version__
from recueil.cli_common import AppContext, pass_app
from recueil.config import resolve_settings
from recueil.errors import RecueilError

log = logging.getLogger("recueil")

__all__ = ["AppContext", "cli", "main", "pass_app"]


class RecueilGroup(click.Group):
    """Turns RecueilError into `Error [Exxx]: message` + hint, exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecueilError as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.verbose:
                log.exception("details")
            click.echo(f"Error [{exc.code}]: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            ctx.exit(1)


@click.group(cls=RecueilGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="recueil")
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="RECUEIL_HOME",
    help="Home directory (catalogue, originals, index). Default: the user data dir.",
)
@click.option(
    "--db",
    "database_url",
    envvar="RECUEIL_DATABASE_URL",
    help="SQLAlchemy URL of the catalogue, e.g. postgresql+psycopg://host/recueil.",
)
@click.option(
    "--themes",
    "theme_file",
    type=click.Path(dir_okay=False),
    envvar="RECUEIL_THEMES",
    help="Theme data file replacing the built-in 11 themes.",
)
@click.option("-v", "--verbose", count=True, help="Show details and tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or logs on stderr.")
@click.pass_context
def cli(
    ctx: click.Context,
    home: str | None,
    database_url: str | None,
    theme_file: str | None,
    verbose: int,
    quiet: bool,
) -> None:
    """recueil: catalogue, tag and search the documents of the Cités éducatives.

    \b
    Example:
      recueil --home ~/recueil ingest corpus/
      recueil search "petite enfance" --theme parentalite
    """
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    settings = resolve_settings(home, database_url, theme_file)
    app = AppContext(settings, verbose, quiet)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _attach_commands() -> None:
    from recueil.catalogue.cli import commands as catalogue_commands
    from recueil.index.cli import commands as index_commands
    from recueil.ingest.cli import commands as ingest_commands
    from recueil.maintenance.cli import commands as maintenance_commands
    from recueil.records_cli import commands as records_commands
    from recueil.search.cli import commands as search_commands
    from recueil.tagging.cli import commands as tagging_commands
    from recueil.web.cli import commands as web_commands

    for command in [
        *ingest_commands,
        *catalogue_commands,
        *index_commands,
        *search_commands,
        *records_commands,
        *tagging_commands,
        *maintenance_commands,
        *web_commands,
    ]:
        cli.add_command(command)


_attach_commands()


def main() -> None:
    cli(prog_name="recueil")
