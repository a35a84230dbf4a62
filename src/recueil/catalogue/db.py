"""Engine, sessions and schema migrations (Alembic) for the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from recueil.config import Settings

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]
from recueil.errors import CatalogueError, SchemaOutdatedError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets searches read while an ingest writes; busy_timeout waits for a writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise CatalogueError(
            f"cannot open the catalogue database {url!r}: {exc}",
            hint="Check the database URL; PostgreSQL needs `pip install recueil[postgres]`.",
        ) from exc
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates "%": escape it (URL-encoded passwords, ?options=-c%3D…).
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Any constant: the key of the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x7265637565696C  # "recueil"


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema migrations between processes opening the same catalogue.

    Two ingests started at once on a new catalogue would otherwise both create
    the tables. PostgreSQL: a session advisory lock; SQLite: a lock file beside
    the database file.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if fcntl is None or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema. Safe to run on an up-to-date catalogue,
    and by several processes at once (the first migrates, the others wait)."""
    try:
        with migration_lock(engine):
            command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise CatalogueError(f"cannot migrate the catalogue: {exc.orig}") from exc


class Catalogue:
    """An open catalogue: engine plus session factory, schema checked at open."""

    def __init__(self, settings: Settings, *, migrate: bool = True) -> None:
        self.settings = settings
        if settings.is_sqlite:
            settings.ensure_home()
        self.engine = make_engine(settings.database_url)
        try:
            current = current_revision(self.engine)
            head = head_revision(self.engine)
        except OperationalError as exc:
            raise CatalogueError(f"cannot connect to the catalogue: {exc.orig}") from exc
        if current != head:
            if migrate:
                upgrade(self.engine)
            else:
                raise SchemaOutdatedError(
                    f"the catalogue schema is at {current or 'nothing'}, recueil needs {head}"
                )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_catalogue(settings: Settings, *, migrate: bool = True) -> Catalogue:
    return Catalogue(settings, migrate=migrate)
