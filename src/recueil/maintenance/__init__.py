"""Consistency checks, repair, backup and restore of a recueil home.

- ``check_home`` compares the catalogue with the archived originals, the index
  and the ingestion runs; ``repair=True`` fixes what the catalogue allows.
- ``backup`` writes a consistent copy of the catalogue and its originals;
  ``restore`` puts it back into an empty home and rebuilds the index.
"""

from __future__ import annotations

from recueil.maintenance.backup import backup
from recueil.maintenance.check import CheckReport, Problem, check_home
from recueil.maintenance.restore import restore

__all__ = ["CheckReport", "Problem", "backup", "check_home", "restore"]
