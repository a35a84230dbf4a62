"""Generations of the index on disk and the atomic pointer to the live one.

    <home>/index/CURRENT          names the live generation (replaced atomically)
    <home>/index/gen-<stamp>/     one complete Whoosh index + recueil-index.json
    <home>/index/REBUILD_LOCK     held by the process that rebuilds

A rebuild writes a new generation beside the live one, then replaces CURRENT
with os.replace: readers see the old index or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.util.filelock import FileLock, try_for

from recueil.config import Settings
from recueil.errors import IndexLockedError, IndexMissingError, IndexOutdatedError
from recueil.index.french import ANALYZER_ID
from recueil.index.schema import ENGINE, LANGUAGE, SCHEMA_VERSION, build_schema

POINTER = "CURRENT"
META = "recueil-index.json"
PREFIX = "gen-"
LOCK_WAIT = 5.0  # seconds a writer waits for another before giving up


def current_generation(root: Path) -> Path | None:
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = root / name
    return path if name.startswith(PREFIX) and path.is_dir() else None


def read_meta(generation: Path) -> dict[str, Any]:
    try:
        data = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_meta(meta: dict[str, Any]) -> None:
    expected = {"engine": ENGINE, "schema_version": SCHEMA_VERSION, "analyzer": ANALYZER_ID}
    for key, value in expected.items():
        if meta.get(key) != value:
            raise IndexOutdatedError(
                f"the index was built with {key} {meta.get(key)!r}, this recueil needs {value!r}"
            )


def open_live(settings: Settings) -> tuple[Path, Any]:
    """The live generation and its opened Whoosh index, checked for compatibility."""
    root = settings.index_dir
    generation = current_generation(root)
    if generation is None:
        raise IndexMissingError(f"there is no search index in {root}")
    check_meta(read_meta(generation))
    try:
        return generation, whoosh_index.open_dir(str(generation))
    except Exception as exc:  # whoosh raises bare Exception subclasses, unpickling errors too
        raise IndexOutdatedError(
            f"the search index in {generation} cannot be opened: {exc}"
        ) from exc


def new_generation(root: Path) -> tuple[Path, Any]:
    root.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    generation = root / f"{PREFIX}{stamp}-{os.getpid()}"
    generation.mkdir()
    meta = {
        "engine": ENGINE,
        "schema_version": SCHEMA_VERSION,
        "analyzer": ANALYZER_ID,
        "language": LANGUAGE,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "whoosh": whoosh.versionstring(),
    }
    (generation / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return generation, whoosh_index.create_in(str(generation), build_schema())


def publish(root: Path, generation: Path) -> None:
    """Make ``generation`` the live index in one atomic step."""
    tmp = root / f"{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / POINTER)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def collect_garbage(root: Path) -> int:
    """Remove generations other than the live one (call under the rebuild lock)."""
    live = current_generation(root)
    removed = 0
    for path in root.glob(f"{PREFIX}*"):
        if path.is_dir() and path != live:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    for tmp in root.glob(f"{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


@contextmanager
def rebuild_lock(root: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / "REBUILD_LOCK"))
    if not try_for(lock.acquire, timeout=wait, delay=0.2):
        raise IndexLockedError(f"another process is rebuilding the index in {root}")
    try:
        yield
    finally:
        lock.release()


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
