"""`recueil restore SRC`: a backup back into a home, then the index rebuilt.

Everything is validated before the current home is touched: the archive's
members, the manifest and the SHA-256 of every file, the originals' names
(their own SHA-256), the backup's catalogue (SQLite's integrity check) and
its schema revision (known to this recueil, hence not newer than its head).
The new catalogue is then built beside the current one, in a staging folder
of the home, migrated to this recueil's head and checked again.

Only then is the home changed, by renames: the originals folder is swapped,
then the new catalogue file replaces the old one in one atomic rename (the
commit point). A failure before that puts the old originals back; the current
home is never left half-restored. A PostgreSQL catalogue is replaced in one
transaction. ``force`` allows replacing a catalogue that holds documents, or
one that is damaged; it never skips a validation.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, MetaData, inspect

from recueil.catalogue.db import (
    Catalogue,
    alembic_config,
    current_revision,
    integrity_problems,
    make_engine,
    sqlite_path,
    upgrade,
)
from recueil.config import Settings
from recueil.errors import (
    BackupError,
    CatalogueDamagedError,
    CatalogueReadOnlyError,
    RestoreRefusedError,
)
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

STAGING_PREFIX = ".restore-"


def restore(settings: Settings, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore the backup at ``source`` (folder or .tar.gz) into ``settings``' home."""
    source = source.absolute()
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    settings.ensure_home()
    if not os.access(settings.home, os.W_OK):
        raise CatalogueReadOnlyError(f"cannot restore into {settings.home}: it is read-only")
    staging = Path(tempfile.mkdtemp(dir=settings.home, prefix=STAGING_PREFIX))
    try:
        folder = _unpack(source, staging / "backup") if is_archive(source) else source
        manifest = validate_backup(folder)
        candidate = _candidate_catalogue(folder, manifest, staging / "candidate.sqlite3")
        _refuse_unless_forced(settings, force)
        new_originals = _stage_originals(folder, staging / ORIGINALS)
        target = sqlite_path(settings.database_url)
        if target is not None:
            _swap_in(settings, target, candidate, new_originals, staging / "previous")
        else:
            _replace_server_catalogue(settings, folder, manifest)
            _swap_originals(settings, new_originals, staging / "previous")
            shutil.rmtree(staging / "previous", ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    catalogue = Catalogue(settings)  # migrates a server catalogue to this recueil's head
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


# -- validation (nothing of the home is touched) ------------------------------------


def _unpack(source: Path, folder: Path) -> Path:
    try:
        with tarfile.open(source, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member)
            tar.extractall(folder, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{source} is not a readable backup archive: {exc}") from exc
    return folder


def _check_member(member: tarfile.TarInfo) -> None:
    """Only the files and folders a backup is made of (no links, devices, escapes)."""
    name = PurePosixPath(member.name)
    top = name.parts[0] if name.parts else ""
    allowed = top in (MANIFEST, SQLITE_COPY, TABLES, ORIGINALS)
    if not (member.isfile() or member.isdir()) or not allowed or ".." in name.parts:
        raise BackupError(f"unexpected member in the backup archive: {member.name!r}")


def validate_backup(folder: Path) -> dict[str, Any]:
    """The manifest, once every file matches it and every original its name."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a recueil backup manifest")
    files: dict[str, str] = manifest.get("files", {})
    for relpath, expected in files.items():
        path = folder / relpath
        if not path.is_file() or sha256_file(path) != expected:
            raise BackupError(f"the backup is damaged: {relpath} is missing or altered")
        if relpath.startswith(f"{ORIGINALS}/") and not Path(relpath).name.startswith(expected):
            raise BackupError(f"the backup is damaged: {relpath} does not match its SHA-256")
    unlisted = [
        p.relative_to(folder).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST and p.relative_to(folder).as_posix() not in files
    ]
    if unlisted:
        raise BackupError(f"the backup holds files its manifest does not list: {unlisted[:3]}")
    _known_revision(manifest.get("schema_revision"))
    return manifest


def _known_revision(revision: str | None) -> None:
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is not None and revision not in known:
        raise BackupError(
            f"the backup's catalogue is at schema revision {revision!r}, which this recueil "
            f"does not know (its newest is {script.get_current_head()}): "
            "it was written by a newer recueil",
            hint="Upgrade recueil (pip install -U recueil), then restore again.",
        )


def _candidate_catalogue(folder: Path, manifest: dict[str, Any], target: Path) -> Path:
    """The new catalogue, built and checked in the staging folder, at this recueil's head."""
    copy = folder / SQLITE_COPY
    revision = manifest.get("schema_revision")
    if copy.is_file():
        _check_sqlite_copy(copy, revision)
        shutil.copyfile(copy, target)
        engine = make_engine(f"sqlite:///{target}")
    else:
        engine = make_engine(f"sqlite:///{target}")
        try:
            upgrade(engine, revision or "head")
            with engine.begin() as conn:
                import_tables(conn, folder / TABLES)
        except (ValueError, KeyError, TypeError) as exc:  # JSON lines that do not fit
            engine.dispose()
            raise BackupError(f"the backup's tables cannot be loaded: {exc}") from exc
    try:
        upgrade(engine)
        problems = integrity_problems(engine)
        documents = _documents(engine)
    finally:
        engine.dispose()
    if problems:
        raise BackupError(f"the restored catalogue fails SQLite's integrity check: {problems[:3]}")
    if documents != manifest.get("documents", documents):
        raise BackupError(
            f"the backup's catalogue holds {documents} documents, "
            f"its manifest says {manifest.get('documents')}"
        )
    return target


def _check_sqlite_copy(copy: Path, revision: str | None) -> None:
    engine = make_engine(f"sqlite:///{copy}", read_only=True)
    try:
        problems = integrity_problems(engine)
        found = current_revision(engine) if not problems else None
    except CatalogueDamagedError as exc:
        problems = [exc.message]
    finally:
        engine.dispose()
    if problems:
        raise BackupError(
            f"the backup's catalogue is damaged (SQLite integrity check: {'; '.join(problems[:3])})",
            hint="Use an older backup; this one was taken from a damaged catalogue.",
        )
    if found != revision:
        raise BackupError(
            f"the backup's catalogue is at schema revision {found!r}, "
            f"its manifest says {revision!r}"
        )
    _known_revision(found)


def _refuse_unless_forced(settings: Settings, force: bool) -> None:
    if force:
        return
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        return
    engine = make_engine(settings.database_url, read_only=path is not None)
    try:
        existing = _documents(engine)
    except CatalogueDamagedError as exc:
        raise RestoreRefusedError(
            f"{exc.message}; --force replaces it with the backup",
            hint="Add --force to replace the damaged catalogue (copy it aside first to salvage it).",
        ) from exc
    finally:
        engine.dispose()
    if existing:
        raise RestoreRefusedError(
            f"the catalogue {engine.url.render_as_string()} already holds {existing} documents"
        )


def _documents(engine: Engine) -> int:
    with engine.connect() as conn:
        if "document" not in inspect(conn).get_table_names():
            return 0
        return count_rows(conn, "document")


def _stage_originals(folder: Path, target_root: Path) -> Path:
    target_root.mkdir(parents=True, exist_ok=True)
    backup_root = folder / ORIGINALS
    if backup_root.is_dir():
        for path in sorted(backup_root.rglob("*")):
            if not path.is_file():
                continue
            target = target_root / path.relative_to(backup_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            os.chmod(target, 0o444)
    return target_root


# -- the swap: the only step that changes the home ------------------------------------


def _swap_originals(settings: Settings, new: Path, previous: Path) -> None:
    previous.mkdir(exist_ok=True)
    current = settings.originals_dir
    if current.exists():
        os.replace(current, previous / ORIGINALS)
    try:
        os.replace(new, current)
    except OSError:
        if (previous / ORIGINALS).exists():
            os.replace(previous / ORIGINALS, current)
        raise


def _swap_in(
    settings: Settings, target: Path, candidate: Path, new_originals: Path, previous: Path
) -> None:
    """Originals first, then the catalogue file in one atomic rename (the commit point)."""
    _swap_originals(settings, new_originals, previous)
    try:
        # The old catalogue's WAL must not be replayed onto the new file.
        for suffix in ("-wal", "-shm"):
            side = Path(f"{target}{suffix}")
            if side.exists():
                os.replace(side, previous / side.name)
        os.replace(candidate, target)
    except OSError:
        for suffix in ("-wal", "-shm"):
            aside = previous / f"{target.name}{suffix}"
            if aside.exists():
                os.replace(aside, Path(f"{target}{suffix}"))
        shutil.rmtree(settings.originals_dir, ignore_errors=True)
        os.replace(previous / ORIGINALS, settings.originals_dir)
        raise


def _replace_server_catalogue(settings: Settings, folder: Path, manifest: dict[str, Any]) -> None:
    """PostgreSQL: drop, recreate at the backup's revision and load, in one transaction."""
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            metadata = MetaData()
            metadata.reflect(conn)
            metadata.drop_all(conn)
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, manifest.get("schema_revision") or "head")
            except CommandError as exc:
                raise BackupError(f"cannot recreate the catalogue schema: {exc}") from exc
            import_tables(conn, folder / TABLES)
    finally:
        engine.dispose()
