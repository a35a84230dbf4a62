"""Consistency checks, repair, backup and restore of a recueil home.

- ``check_home`` compares the catalogue with the archived originals, the index
  and the ingestion runs; ``repair=True`` fixes what the catalogue allows.
- ``backup`` writes a consistent copy of the catalogue and its originals;
  ``restore`` puts it back into an empty home and rebuilds the index.

Names are loaded on first use (PEP 562): the CLI imports ``maintenance.cli``
at start-up, and that must not import SQLAlchemy and Alembic for every command
(a search must start fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recueil.maintenance.backup import backup
    from recueil.maintenance.check import CheckReport, Problem, check_home
    from recueil.maintenance.restore import restore

_WHERE = {
    "backup": "backup",
    "CheckReport": "check",
    "Problem": "check",
    "check_home": "check",
    "restore": "restore",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'recueil.maintenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"recueil.maintenance.{module}"), name)
    globals()[name] = value
    return value


__all__ = ["CheckReport", "Problem", "backup", "check_home", "restore"]
