"""Root click group: the only place errors become exit codes and messages.

Each part of recueil keeps its commands in its own ``cli.py`` (``ingest/cli.py``,
``catalogue/cli.py``, ``index/cli.py``, ``search/cli.py``…) and they are attached
here. Commands are thin: they call a tested library function and render; they raise
coded errors, or return an ``ExitCode`` when some inputs failed, and never exit.
"""

from __future__ import annotations

import errno
import importlib
from typing import Any

import click

from recueil import __version__
from recueil.cli_common import (
    ROOT_OPTIONS,
    AppContext,
    ExitCode,
    global_options,
    pass_app,
)
from recueil.config import ENV_DATABASE_URL, ENV_HOME, ENV_THEMES, resolve_settings
from recueil.errors import DiskFullError, RecueilError, UsageError
from recueil.safetext import visible

__all__ = ["AppContext", "cli", "main", "pass_app"]

# The root's names and environment variables for the options of cli_common.ROOT_OPTIONS.
ROOT_NAMES = (
    ("home", ENV_HOME),
    ("database_url", ENV_DATABASE_URL),
    ("theme_file", ENV_THEMES),
    ("verbose", None),
    ("quiet", None),
)


def show_usage_error(exc: click.UsageError) -> None:
    """`Usage: …`, then `Error [E002]: message` and a hint, like every other error."""
    ctx = exc.ctx
    hint = getattr(exc, "hint", None)
    if ctx is not None:
        click.echo(ctx.get_usage() + "\n", err=True, color=ctx.color)
        if hint is None and ctx.command.get_help_option(ctx) is not None:
            hint = (
                f"`{ctx.command_path} {ctx.help_option_names[0]}` shows the options and an example."
            )
    click.echo(visible(f"Error [{UsageError.code}]: {exc.format_message()}"), err=True)
    click.echo(visible(f"Hint: {hint or UsageError.hint}"), err=True)


def _passes_through(exc: click.UsageError) -> bool:
    # click shows the help for a bare group (exit code 2): not an error to code.
    return type(exc).__name__ == "NoArgsIsHelpError"


# Where each command lives: a command's module is imported only when that
# command runs (``recueil search`` imports neither the catalogue nor spaCy).
COMMAND_MODULES = {
    "recueil.ingest.cli": ("ingest", "ocr"),
    "recueil.catalogue.cli": ("show", "list", "runs", "db"),
    "recueil.index.cli": ("index",),
    "recueil.search.cli": ("search", "similar"),
    "recueil.ingest.records_cli": ("harvest", "export"),
    "recueil.tagging.cli": ("themes", "tag", "retag", "explain", "eval", "train", "review"),
    "recueil.maintenance.cli": ("check", "backup", "restore"),
    "recueil.web.cli": ("serve",),
}

# Commands whose code logs nothing: the root does not load the logging module for
# them unless -v or -q asks for it (a search starts faster).
UNLOGGED_COMMANDS = frozenset({"search", "similar"})


class RecueilGroup(click.Group):
    """Turns errors into `Error [Exxx]: message` + hint and every outcome into an exit code.

    RecueilError: exit code 1 (2 for a UsageError); click's usage errors: E002, exit
    code 2; a command returning ExitCode.FAILED (some inputs failed): exit code 1.
    Messages may quote file names, titles or a server's words: their terminal
    controls are shown as visible escapes, never sent raw.
    Commands are attached on first use (``COMMAND_MODULES``).
    """

    def _attach(self, module_name: str) -> None:
        attached: set[str] = self.__dict__.setdefault("_attached", set())
        if module_name not in attached:
            attached.add(module_name)
            for command in importlib.import_module(module_name).commands:
                self.add_command(global_options(command))

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

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if _passes_through(exc):
                raise
            show_usage_error(exc)
            raise click.exceptions.Exit(ExitCode.USAGE) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                result = super().invoke(ctx)
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                raise DiskFullError(f"no space left on the disk ({exc})") from exc
        except RecueilError as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.verbose:
                import logging

                logging.getLogger("recueil").exception("details")
            click.echo(visible(f"Error [{exc.code}]: {exc.message}"), err=True)
            if exc.hint:
                click.echo(visible(f"Hint: {exc.hint}"), err=True)
            ctx.exit(ExitCode.USAGE if isinstance(exc, UsageError) else ExitCode.FAILED)
        except click.UsageError as exc:
            if _passes_through(exc):
                raise
            show_usage_error(exc)
            ctx.exit(ExitCode.USAGE)
        if isinstance(result, ExitCode) and result != ExitCode.OK:
            ctx.exit(result)
        return result


def _root_options(func: Any) -> Any:
    for (decls, attrs), (name, envvar) in reversed(
        list(zip(ROOT_OPTIONS, ROOT_NAMES, strict=True))
    ):
        func = click.option(*decls, name, envvar=envvar, **attrs)(func)
    return func


@click.group(cls=RecueilGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="recueil")
@_root_options
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

    The global options below also work after the command: recueil ingest corpus/ --quiet.

    \b
    Example:
      recueil --home ~/recueil ingest corpus/
      recueil search "petite enfance" --theme parentalite
    """
    if verbose or quiet or ctx.invoked_subcommand not in UNLOGGED_COMMANDS:
        from recueil.logs import configure_logging

        configure_logging(verbose, quiet)
    settings = resolve_settings(home, database_url, theme_file)
    app = AppContext(
        settings, verbose, quiet, home=home, database_url=database_url, theme_file=theme_file
    )
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    cli(prog_name="recueil")
