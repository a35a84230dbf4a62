"""The grammar every command shares: the app state, dates, global options, exit codes.

- ``AppContext``: settings resolved once, the catalogue opened lazily.
- ``DateBound``: the one parameter type of every date option (``--from``, ``--to``).
- ``global_options``: ``--home``, ``--db``, ``--themes``, ``-v``, ``-q`` typed after a
  command (``recueil ingest corpus/ --quiet``), merged with the values typed before it.
- ``ExitCode``: what a command returns when it ends without an error but not all went well
  (the root group turns it into the exit code; commands never call ``sys.exit``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

import click

from recueil.config import Settings, resolve_settings

if TYPE_CHECKING:
    from recueil.catalogue.db import Catalogue

C = TypeVar("C", bound=click.Command)

DATE_FORMS = "2022, 2022-06, 2022-06-09 or 09/06/2022"


class ExitCode(IntEnum):
    """Exit codes of recueil: 0 ok, 1 some inputs failed or an error, 2 usage."""

    OK = 0
    FAILED = 1
    USAGE = 2


class AppContext:
    """Per-invocation state: settings resolved once, the catalogue opened lazily."""

    def __init__(
        self,
        settings: Settings,
        verbose: int,
        quiet: bool,
        *,
        home: str | None = None,
        database_url: str | None = None,
        theme_file: str | None = None,
    ) -> None:
        self.settings = settings
        self.verbose = verbose
        self.quiet = quiet
        # The values typed before the command, kept to merge those typed after it.
        self._given = {"home": home, "database_url": database_url, "theme_file": theme_file}
        self._catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from recueil.catalogue.db import open_catalogue

            self._catalogue = open_catalogue(self.settings)
        return self._catalogue

    def merge(self, locations: dict[str, str | None], verbose: int, quiet: bool) -> None:
        """Apply the global options typed after a command: they win over those before it."""
        given = {key: value for key, value in locations.items() if value is not None}
        if given:
            self._given |= given
            self.settings = resolve_settings(**self._given)
            self.close()
            self._catalogue = None
        if verbose or quiet:
            from recueil.logs import configure_logging

            self.verbose += verbose
            self.quiet = self.quiet or quiet
            configure_logging(self.verbose, self.quiet)

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()


pass_app = click.make_pass_decorator(AppContext)


# --- dates ---------------------------------------------------------------------


def parse_date_bound(text: str, *, end: bool = False) -> dt.date:
    """A date bound: 2022, 2022-06, 2022-06-09 or 09/06/2022 (day first).

    A year or a month stands for its first day, or its last with ``end``.
    Raises ValueError for anything else.
    """
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = int(match.group(1)), int(match.group(2))
        first = dt.date(year, month, 1)
        if not end:
            return first
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    raise ValueError(f"{text!r} is not a date")


class DateError(click.BadParameter):
    """A date option that is not a date; printed by the root group as a coded usage error."""

    hint = f"Write a year, a month or a day: {DATE_FORMS}."


class DateBound(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.3
    """The parameter type of every date option; ``end=True`` for an upper bound (``--to``)."""

    name = "date"

    def __init__(self, *, end: bool = False) -> None:
        self.end = end

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date_bound(str(value), end=self.end)
        except ValueError:
            raise DateError(f"{value!r} is not a date", ctx, param) from None


DATE_FROM = DateBound()
DATE_TO = DateBound(end=True)


def date_range_options(func: Any) -> Any:
    """``--from`` / ``--to``: the command receives ``date_from`` / ``date_to`` as dates."""
    func = click.option(
        "--to", "date_to", type=DATE_TO, help="Up to this date (same forms as --from)."
    )(func)
    return click.option(
        "--from", "date_from", type=DATE_FROM, help=f"From this date: {DATE_FORMS}."
    )(func)


# --- global options typed after the command ------------------------------------

# The root's options: (declarations, keyword arguments). The root reads them from the
# environment too; after a command they have no environment, so the root's values stand.
ROOT_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("--home",),
        {
            "type": click.Path(file_okay=False),
            "help": "Home directory (catalogue, originals, index). Default: the user data dir.",
        },
    ),
    (
        ("--db",),
        {"help": "SQLAlchemy URL of the catalogue, e.g. postgresql+psycopg://host/recueil."},
    ),
    (
        ("--themes",),
        {
            "type": click.Path(dir_okay=False),
            "help": "Theme data file replacing the built-in 11 themes.",
        },
    ),
    (("-v", "--verbose"), {"count": True, "help": "Show details and tracebacks."}),
    (("-q", "--quiet"), {"is_flag": True, "help": "No progress bars or logs on stderr."}),
)
# Parameter names of the global options on a command (distinct from any command's own).
GLOBAL_PARAMS = ("global_home", "global_db", "global_themes", "global_verbose", "global_quiet")


def _with_global_values(callback: Any) -> Any:
    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        locations = {
            "home": kwargs.pop("global_home", None),
            "database_url": kwargs.pop("global_db", None),
            "theme_file": kwargs.pop("global_themes", None),
        }
        verbose = kwargs.pop("global_verbose", 0) or 0
        quiet = bool(kwargs.pop("global_quiet", False))
        app = click.get_current_context().find_object(AppContext)
        if app is not None:
            app.merge(locations, verbose, quiet)
        return callback(*args, **kwargs) if callback is not None else None

    return wrapper


def global_options(command: C) -> C:
    """Let a command (and, for a group, each of its commands) take the root's options.

    ``recueil search … --home DIR`` is ``recueil --home DIR search …``: a value typed
    after the command wins over one typed before it; ``-v`` counts add up.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            global_options(sub)
    if any(param.name in GLOBAL_PARAMS for param in command.params):
        return command
    for (decls, attrs), name in zip(ROOT_OPTIONS, GLOBAL_PARAMS, strict=True):
        command.params.append(click.Option([*decls, name], **attrs))
    command.callback = _with_global_values(command.callback)
    return command
