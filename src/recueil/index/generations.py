"""Generations of the index on disk and the atomic pointer to the live one.

    <home>/index/CURRENT          names the live generation (replaced atomically)
    <home>/index/gen-<stamp>/     one complete index + recueil-index.json (its engine)
    <home>/index/REBUILD_LOCK     held by the process that rebuilds

A rebuild writes a new generation beside the live one, then replaces CURRENT
with os.replace: readers see the old index or the new one, never half of one.
Each generation names the engine that built it; searches and updates use
that engine, so ``index rebuild --engine`` switches a home in one swap.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from recueil.config import Settings
from recueil.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexOutdatedError,
    RecueilError,
    SearchIndexError,
)
from recueil.index.engine import ENGINES, Engine, get_engine
from recueil.index.french import ANALYZER_ID
from recueil.index.schema import LANGUAGE, SCHEMA_VERSION

POINTER = "CURRENT"
META = "recueil-index.json"
PREFIX = "gen-"
READ_RETRIES = 3
T = TypeVar("T")
LOCK_WAIT = 5.0  # seconds a writer waits for another before giving up


def _pointer(root: Path) -> str | None:
    try:
        return (root / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def live_name(root: Path) -> str | None:
    """The name of the live generation as the pointer says (one small read, no check)."""
    return _pointer(root)


def current_generation(root: Path) -> Path | None:
    name = _pointer(root)
    if name is None:
        return None
    path = root / name
    return path if name.startswith(PREFIX) and path.is_dir() else None


def read_meta(generation: Path) -> dict[str, Any]:
    try:
        data = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_meta(meta: dict[str, Any]) -> str:
    """The engine of a generation whose metadata this recueil can read."""
    engine = meta.get("engine")
    if engine not in ENGINES:
        raise IndexOutdatedError(
            f"the index was built with engine {engine!r}, this recueil knows {', '.join(ENGINES)}"
        )
    expected = {"schema_version": SCHEMA_VERSION, "analyzer": ANALYZER_ID}
    for key, value in expected.items():
        if meta.get(key) != value:
            raise IndexOutdatedError(
                f"the index was built with {key} {meta.get(key)!r}, this recueil needs {value!r}"
            )
    return str(engine)


def live_engine_name(root: Path) -> str | None:
    """The engine of the live generation, if there is one."""
    generation = current_generation(root)
    if generation is None:
        return None
    engine = read_meta(generation).get("engine")
    return str(engine) if engine in ENGINES else None


def open_live(settings: Settings) -> tuple[Path, Engine]:
    """The live generation and its engine, checked for compatibility."""
    root = settings.index_dir
    generation = current_generation(root)
    if generation is None:
        raise IndexMissingError(f"there is no search index in {root}")
    return generation, get_engine(check_meta(read_meta(generation)))


def read_live(settings: Settings, read: Callable[[Path, Engine], T]) -> T:
    """``read(generation, engine)`` on the live generation, retried when a rebuild
    swaps and removes it meanwhile (a reader never sees a half-gone index). An engine
    that cannot read the live generation's files is a damaged index (E305)."""
    for _ in range(READ_RETRIES):
        pointer = _pointer(settings.index_dir)
        try:
            generation, engine = open_live(settings)
        except SearchIndexError:
            if _pointer(settings.index_dir) != pointer:
                continue  # swapped between reading the pointer and opening its folder
            raise
        try:
            return read(generation, engine)
        except Exception as exc:
            if current_generation(settings.index_dir) == generation:
                raise damaged(generation, exc) from exc
    generation, engine = open_live(settings)
    try:
        return read(generation, engine)
    except Exception as exc:
        raise damaged(generation, exc) from exc


def damaged(generation: Path, exc: Exception) -> Exception:
    """What a failure to read ``generation`` means: our own coded errors stay as they
    are; anything an engine library raised on its files is a damaged index."""
    if isinstance(exc, RecueilError):
        return exc
    return IndexDamagedError(
        f"the search index in {generation} is damaged ({type(exc).__name__}: {exc})"
    )


def still_live(settings: Settings, generation: Path) -> bool:
    return current_generation(settings.index_dir) == generation


def new_generation(root: Path, engine: Engine) -> Path:
    """An empty index of ``engine`` in a new generation folder (not live yet)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    generation = root / f"{PREFIX}{stamp}-{os.getpid()}"
    generation.mkdir()
    meta = {
        "engine": engine.name,
        "schema_version": SCHEMA_VERSION,
        "analyzer": ANALYZER_ID,
        "language": LANGUAGE,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        engine.name: engine.version(),
    }
    (generation / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    engine.create(generation)
    return generation


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
    import shutil

    live = current_generation(root)
    removed = 0
    for path in root.glob(f"{PREFIX}*"):
        if path.is_dir() and path != live:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    for tmp in root.glob(f"{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextmanager
def file_lock(path: Path, wait: float, message: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path``, waiting up to ``wait`` seconds for it."""
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise IndexLockedError(message)
            time.sleep(0.1)
        yield  # closing the file releases the lock


@contextmanager
def rebuild_lock(root: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(
        root / "REBUILD_LOCK", wait, f"another process is rebuilding the index in {root}"
    ):
        yield


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
