"""`recueil restore SRC`: a backup back into a home, then the index rebuilt.

Refuses a catalogue that already holds documents unless ``force``. Every file
is checked against the manifest's SHA-256 before anything is written. A
SQLite backup restored into a SQLite catalogue is copied as is; any other
combination loads the JSON lines at the backup's schema revision, then the
catalogue is migrated to this recueil's head.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, inspect

from recueil.catalogue.db import Catalogue, make_engine, upgrade
from recueil.config import Settings
from recueil.errors import BackupError, RestoreRefusedError
from recueil.ingest.archive import sha256_file
from recueil.maintenance.backup import (
    FORMAT,
    MANIFEST,
    ORIGINALS,
    SQLITE_COPY,
    TABLES,
    is_archive,
)
from recueil.maintenance.tables import count_rows, import_tables


def restore(settings: Settings, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore the backup at ``source`` (folder or .tar.gz) into ``settings``' home."""
    source = source.absolute()
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    settings.ensure_home()
    if is_archive(source):
        with tempfile.TemporaryDirectory(dir=settings.home, prefix=".restore-") as tmp:
            try:
                with tarfile.open(source, "r:gz") as tar:
                    tar.extractall(tmp, filter="data")
            except (tarfile.TarError, OSError) as exc:
                raise BackupError(f"{source} is not a readable backup archive: {exc}") from exc
            return _restore(settings, Path(tmp), force)
    return _restore(settings, source, force)


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a recueil backup manifest")
    for relpath, expected in manifest.get("files", {}).items():
        path = folder / relpath
        if not path.is_file() or sha256_file(path) != expected:
            raise BackupError(f"the backup is damaged: {relpath} is missing or altered")
    return manifest


def _restore(settings: Settings, folder: Path, force: bool) -> dict[str, Any]:
    manifest = _manifest(folder)
    engine = make_engine(settings.database_url)
    try:
        existing = _documents(engine)
        if existing and not force:
            raise RestoreRefusedError(
                f"the catalogue {engine.url.render_as_string()} already holds {existing} documents"
            )
        _drop_all(engine)
        sqlite_copy = folder / SQLITE_COPY
        if engine.dialect.name == "sqlite" and sqlite_copy.is_file():
            engine.dispose()
            database = Path(engine.url.database or "")
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(sqlite_copy, database)
        else:
            upgrade(engine, manifest["schema_revision"] or "head")
            with engine.begin() as conn:
                import_tables(conn, folder / TABLES)
    finally:
        engine.dispose()
    _restore_originals(settings, folder, force)
    catalogue = Catalogue(settings)  # migrates an older backup to this recueil's head
    try:
        from recueil.index import rebuild

        indexed = rebuild(settings, catalogue)
    finally:
        catalogue.close()
    return {
        "documents": manifest.get("documents", 0),
        "originals": manifest.get("originals", 0),
        "schema_revision": manifest.get("schema_revision"),
        "indexed": indexed,
    }


def _documents(engine: Any) -> int:
    with engine.connect() as conn:
        if "document" not in inspect(conn).get_table_names():
            return 0
        return count_rows(conn, "document")


def _drop_all(engine: Any) -> None:
    with engine.begin() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        metadata.drop_all(conn)


def _restore_originals(settings: Settings, folder: Path, force: bool) -> None:
    target_root = settings.originals_dir
    if force and target_root.exists():
        shutil.rmtree(target_root)
    target_root.mkdir(parents=True, exist_ok=True)
    backup_root = folder / ORIGINALS
    if not backup_root.is_dir():
        return
    for path in sorted(backup_root.rglob("*")):
        if not path.is_file():
            continue
        target = target_root / path.relative_to(backup_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            continue
        tmp = target.with_name(f".tmp-{target.name}")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
