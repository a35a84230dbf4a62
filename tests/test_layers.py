"""The import layers of recueil (contracts in pyproject.toml, checked by import-linter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    # Layers, no cycle between sub-packages, search without spaCy or tagging,
    # index below search, the query language neutral.
    command = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(command), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_lazy_command_table_names_every_command_of_its_module() -> None:
    import importlib

    from recueil.cli import COMMAND_MODULES

    for module_name, names in COMMAND_MODULES.items():
        module = importlib.import_module(module_name)
        assert sorted(c.name or "" for c in module.commands) == sorted(names), module_name
