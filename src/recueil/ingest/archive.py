"""Content-addressed archive of originals: ``originals/ab/abcdef….ext``, never modified."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
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
