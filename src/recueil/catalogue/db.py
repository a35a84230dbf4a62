"""Engine, sessions and schema migrations (Alembic) for the catalogue.

Faults of the database itself become coded errors here, for every statement
of every session (an engine ``handle_error`` hook), so no command shows a raw
driver traceback: a corrupt file is ``CatalogueDamagedError`` (E015), a write
refused by a read-only file or home is ``CatalogueReadOnlyError`` (E016).
A SQLite catalogue that this process may not write (file or folder without
write permission) is opened read-only (``mode=ro``), so the reading commands
still work on it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from recueil.config import Settings

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]
from recueil.errors import (
    CatalogueDamagedError,
    CatalogueError,
    CatalogueReadOnlyError,
    DiskFullError,
    RecueilError,
    SchemaOutdatedError,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets searches read while an ingest writes; busy_timeout waits for a writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_read_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# SQLite result codes (and their extended forms) that mean a damaged file.
DAMAGED_SQLITE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
DAMAGED_MESSAGES = ("malformed", "file is not a database", "Could not decode to UTF-8")
READ_ONLY_MESSAGES = ("readonly database", "read-only database")


def translate_error(exc: BaseException, where: str) -> RecueilError | None:
    """The coded error for a database fault, or None for any other error.

    ``where`` names the catalogue in the message (a file path or a URL).
    """
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    message = str(exc)
    sqlstate = str(getattr(exc, "sqlstate", "") or "")
    if name.startswith(DAMAGED_SQLITE) or (
        isinstance(exc, sqlite3.DatabaseError) and any(m in message for m in DAMAGED_MESSAGES)
    ):
        return CatalogueDamagedError(f"the catalogue {where} is damaged ({message})")
    if sqlstate.startswith("XX"):  # PostgreSQL: data_corrupted, index_corrupted
        return CatalogueDamagedError(
            f"the catalogue {where} is damaged ({message.strip()})",
            hint="Restore the last backup with `recueil restore --force BACKUP`, "
            "or ask the database administrator to repair the database.",
        )
    if name.startswith("SQLITE_FULL") or "database or disk is full" in message:
        return DiskFullError(f"no space left for the catalogue {where} ({message})")
    if sqlstate == "53100":  # PostgreSQL: disk_full
        return DiskFullError(f"the database server has no space left ({message.strip()})")
    if name.startswith("SQLITE_READONLY") or any(m in message for m in READ_ONLY_MESSAGES):
        return CatalogueReadOnlyError(
            f"the catalogue {where} is read-only: this command writes to it ({message})"
        )
    return None


def _raise_coded(context: ExceptionContext) -> None:
    engine = context.engine
    where = (
        engine.url.database or ""
        if engine is not None and engine.dialect.name == "sqlite"
        else engine.url.render_as_string()
        if engine is not None
        else "database"
    )
    coded = translate_error(context.original_exception, where)
    if coded is not None:
        raise coded from context.original_exception


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for memory or a non-SQLite URL)."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy import make_url

    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def is_read_only(path: Path) -> bool:
    """True when this process may read the catalogue file but not write it
    (file or folder without write permission, read-only file system)."""
    if not path.exists():
        return not os.access(path.parent, os.W_OK) and path.parent.exists()
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _read_only_creator(path: Path) -> Any:
    # A WAL database opened read-only needs its -shm file, or a folder where it can
    # be made; a read-only folder without it is read as immutable (no one can write).
    folder_writable = os.access(path.parent, os.W_OK)
    shm = Path(f"{path}-shm")
    immutable = not folder_writable and not shm.exists()
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    return connect


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine whose database faults raise coded errors; ``read_only`` opens a
    SQLite file with ``mode=ro``."""
    try:
        if url.startswith("sqlite"):
            path = sqlite_path(url)
            if read_only and path is not None:
                engine = create_engine("sqlite://", creator=_read_only_creator(path))
                engine.url = engine.url.set(database=str(path))
                event.listen(engine, "connect", _sqlite_read_pragmas)
            else:
                engine = create_engine(url, connect_args={"timeout": 30})
                event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise CatalogueError(
            f"cannot open the catalogue database {url!r}: {exc}",
            hint="Check the database URL; PostgreSQL needs `pip install recueil[postgres]`.",
        ) from exc
    event.listen(engine, "handle_error", _raise_coded)
    return engine


def integrity_problems(engine: Engine, *, quick: bool = False, limit: int = 20) -> list[str]:
    """SQLite's own check of the file (``PRAGMA integrity_check``): the problems it
    lists, or [] when the file is sound. Other engines check their own storage: []."""
    if engine.dialect.name != "sqlite":
        return []
    pragma = "quick_check" if quick else "integrity_check"
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}({limit})")]
    return [] if rows == ["ok"] else rows


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
        path = sqlite_path(settings.database_url)
        # Read-only: a catalogue (or home) this process may not write; reads still work.
        self.read_only = path is not None and is_read_only(path)
        if settings.is_sqlite and not self.read_only:
            settings.ensure_home()
        if self.read_only and path is not None and not path.exists():
            raise CatalogueReadOnlyError(
                f"there is no catalogue in {path.parent} and that folder is read-only"
            )
        self.engine = make_engine(settings.database_url, read_only=self.read_only)
        try:
            current = current_revision(self.engine)
            head = head_revision(self.engine)
        except OperationalError as exc:
            raise CatalogueError(f"cannot connect to the catalogue: {exc.orig}") from exc
        if current != head:
            if self.read_only:
                raise CatalogueReadOnlyError(
                    f"the catalogue {path} is at schema {current or 'nothing'} and needs a "
                    f"migration to {head}, but it is read-only"
                )
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
