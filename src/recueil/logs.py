"""Logs on stderr for the CLI: the format, the level from -v/-q, terminal controls made visible.

Kept apart from ``cli_common`` so that a command that logs nothing (``search``) does
not load the ``logging`` module at start-up.
"""

from __future__ import annotations

import logging
import sys

from recueil.safetext import visible

FORMAT = "%(levelname)s %(name)s: %(message)s"


class VisibleFormatter(logging.Formatter):
    """Log lines with terminal controls made visible (logs quote file names and titles)."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def configure_logging(verbose: int, quiet: bool) -> None:
    """Logs on stderr: warnings by default, -v info, -vv debug, -q errors only."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    if quiet:
        level = logging.ERROR
    logging.basicConfig(format=FORMAT, stream=sys.stderr)
    logging.getLogger().setLevel(level)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(VisibleFormatter(FORMAT))
