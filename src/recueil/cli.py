"""Root click group: the only place errors become exit codes and messages.

Each part of recueil keeps its commands in its own ``cli.py`` (``ingest/cli.py``,
``tagging/cli.py``, ``index/cli.py``, ``search/cli.py``…) and they are attached
here. Commands are thin: they call a tested library function and render.
"""

from __future__ import annotations

import importlib
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


# Where each command lives: a command's module is imported only when that
# command runs (``recueil search`` imports neither the catalogue nor spaCy).
COMMAND_MODULES = {
    "recueil.ingest.cli": ("ingest", "show", "list", "runs"),
    "recueil.catalogue.cli": ("db",),
    "recueil.index.cli": ("index",),
    "recueil.search.cli": ("search", "similar"),
    "recueil.records_cli": ("harvest", "export"),
    "recueil.tagging.cli": ("themes", "tag", "retag", "explain", "eval"),
    "recueil.maintenance.cli": ("check", "backup", "restore"),
}


class RecueilGroup(click.Group):
    """Turns RecueilError into `Error [Exxx]: message` + hint, exit code 1.

    Commands are attached on first use (``COMMAND_MODULES``).
    """

    def _attach(self, module_name: str) -> None:
        for command in importlib.import_module(module_name).commands:
            self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            for module_name, names in COMMAND_MODULES.items():
                if cmd_name in names:
                    self._attach(module_name)
                    return super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module_name in COMMAND_MODULES:
            self._attach(module_name)
        return super().list_commands(ctx)

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


def main() -> None:
    cli(prog_name="recueil")
