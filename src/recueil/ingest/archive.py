"""Content-addressed archive of originals: ``originals/ab/abcdef….ext``, never modified."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from recueil.config import Settings

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_relpath(sha256: str, suffix: str) -> str:
    suffix = suffix.lower() if suffix and len(suffix) <= 10 else ""
    return f"originals/{sha256[:2]}/{sha256}{suffix}"


def archive_original(settings: Settings, path: Path, sha256: str) -> str:
    """Copy ``path`` into the archive (once) and return its path relative to the home.

    The copy goes to a temporary file first and is renamed into place, so a
    crash never leaves a half-written original under its final name.
    """
    relpath = archive_relpath(sha256, path.suffix)
    target = settings.home / relpath
    if target.exists():
        return relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, 0o444)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return relpath


def archive_many(
    settings: Settings, originals: Sequence[tuple[Path, str]]
) -> dict[str, OSError | None]:
    """Archive several files at once; each archive path to None, or the error that failed it.

    Same guarantee as ``archive_original`` (an original appears under its
    final name only once its content is on disk) with one flush to disk for
    the whole batch instead of one per file, which is most of the cost of
    storing a small document.
    """
    result: dict[str, OSError | None] = {}
    staged: list[tuple[Path, Path]] = []
    folders: set[Path] = set()  # made (or found) during this call
    try:
        for path, sha256 in originals:
            relpath = archive_relpath(sha256, path.suffix)
            if relpath in result:
                continue
            result[relpath] = None
            target = settings.home / relpath
            if target.exists():
                continue
            try:
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                staged.append((_copy_to_temp(path, target, sha256), target))
            except OSError as exc:
                result[relpath] = exc
        if staged:
            os.sync()  # every staged copy on disk before any takes its final name
            for tmp, target in staged:
                os.replace(tmp, target)
            staged = []
    finally:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
    return result


def _copy_to_temp(path: Path, target: Path, sha256: str) -> Path:
    """A read-only copy of ``path`` beside ``target``, under a temporary name."""
    tmp = target.with_name(f".tmp-{sha256[:16]}-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:  # left by a crashed run of a process with the same id
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            shutil.copyfileobj(src, out, CHUNK)
            os.fchmod(out.fileno(), 0o444)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
