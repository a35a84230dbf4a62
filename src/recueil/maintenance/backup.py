"""`recueil backup DEST`: the catalogue and its originals, consistent, in one place.

Layout of a backup (a folder, or the same packed as ``.tar.gz``)::

    manifest.json          version, schema revision, counts, SHA-256 of every file
    catalogue.sqlite3      SQLite catalogues: an exact copy (sqlite3 backup API)
    tables/<table>.jsonl   every table as JSON lines (any engine restores these)
    originals/ab/…         the originals the catalogue refers to

Consistency: the catalogue is read in one snapshot (SQLite: the copy made by
the backup API; PostgreSQL: a REPEATABLE READ transaction), and exactly the
originals that snapshot refers to are copied. The index is not saved: restore
rebuilds it from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import text

from recueil import __version__
from recueil.catalogue.db import (
    Catalogue,
    current_revision,
    integrity_problems,
    make_engine,
    translate_error,
)
from recueil.errors import BackupError, CatalogueDamagedError
from recueil.ingest.archive import sha256_file
from recueil.maintenance.tables import export_tables

FORMAT = "recueil-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_COPY = "catalogue.sqlite3"
TABLES = "tables"
ORIGINALS = "originals"


def is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def backup(catalogue: Catalogue, dest: Path) -> dict[str, Any]:
    """Write a backup to ``dest`` (a new or empty folder, or a ``.tar.gz`` file)."""
    dest = dest.absolute()
    if is_archive(dest):
        if dest.exists():
            raise BackupError(f"{dest} already exists; choose a new file name")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".recueil-backup-") as tmp:
            manifest = _write(catalogue, Path(tmp))
            partial = dest.with_name(f".{dest.name}.partial")
            with tarfile.open(partial, "w:gz") as tar:
                for item in sorted(Path(tmp).iterdir()):
                    tar.add(item, arcname=item.name)
            partial.replace(dest)
        return manifest
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} is not an empty folder; choose a new one")
    dest.mkdir(parents=True, exist_ok=True)
    return _write(catalogue, dest)


def _write(catalogue: Catalogue, folder: Path) -> dict[str, Any]:
    engine = catalogue.engine
    revision = current_revision(engine)
    if engine.dialect.name == "sqlite":
        copy = folder / SQLITE_COPY
        _sqlite_copy(engine.url.database or "", copy)
        snapshot = make_engine(f"sqlite:///{copy}", read_only=True)  # stays one file
        try:
            # A copy of a damaged catalogue is damaged too: refuse it rather than
            # give a backup that would fail when it is needed.
            problems = integrity_problems(snapshot)
            if problems:
                raise CatalogueDamagedError(
                    f"the catalogue {engine.url.database} is damaged "
                    f"(SQLite integrity check: {'; '.join(problems[:3])}); no backup written"
                )
            with snapshot.connect() as conn:
                counts = export_tables(conn, folder / TABLES)
                originals = _referenced(conn)
        finally:
            snapshot.dispose()
    else:
        snapshot_conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with snapshot_conn as conn, conn.begin():
            counts = export_tables(conn, folder / TABLES)
            originals = _referenced(conn)
    missing = _copy_originals(catalogue.settings.home, originals, folder)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "recueil_version": __version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": engine.dialect.name,
        "schema_revision": revision,
        "counts": counts,
        "documents": counts.get("document", 0),
        "originals": len(originals) - len(missing),
        "missing_originals": missing,
        "files": _checksums(folder),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def _sqlite_copy(database: str, target: Path) -> None:
    """A consistent copy of a live SQLite database (writers may go on meanwhile)."""
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        coded = translate_error(exc, database)
        if coded is None:
            raise
        coded.message += "; no backup written"
        raise coded from exc
    finally:
        source.close()


def _referenced(conn: Any) -> list[str]:
    rows = conn.execute(text("SELECT DISTINCT original_path FROM document"))
    return sorted(r[0] for r in rows if r[0])


def _copy_originals(home: Path, relpaths: list[str], folder: Path) -> list[str]:
    missing = []
    for relpath in relpaths:
        source = home / relpath
        if not source.is_file():
            missing.append(relpath)
            continue
        target = folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return missing


def _checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
