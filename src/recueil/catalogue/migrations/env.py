"""Alembic environment: runs migrations on the engine recueil hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from recueil.catalogue.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


def run_migrations_online() -> None:
    # A connection handed over runs the migrations inside the caller's transaction
    # (restore replaces a PostgreSQL catalogue in one transaction).
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = config.attributes.get("engine") or create_engine(
        config.get_main_option("sqlalchemy.url", "")
    )
    with engine.begin() as connection:
        _run(connection)


run_migrations_online()
