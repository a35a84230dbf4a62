"""Discovery: turn PATH arguments (files, folders, globs) into an ordered list of files."""

from __future__ import annotations

import glob
import os
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

# Files that document a folder rather than belong to the collection.
DOCUMENTATION_NAMES = ("readme", "lisezmoi")


@dataclass(frozen=True, slots=True)
class Input:
    path: Path  # as found on disk (may be NFD, may hold bytes that are not UTF-8)
    source: str  # readable, NFC, absolute: how the catalogue and the report name it
    missing: bool = False
    unreadable: str | None = None  # why a folder or a special file could not be read


def readable(text: str) -> str:
    """A name fit for display and for the catalogue: NFC, and the bytes of a file name
    that are not UTF-8 shown as ``\\xNN`` instead of making the database refuse it."""
    if not text.isascii():
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate that no file name decoding produced
            raw = text.encode("utf-8", "backslashreplace")
        text = unicodedata.normalize("NFC", raw.decode("utf-8", "backslashreplace"))
    return text


def source_name(path: Path) -> str:
    return readable(str(path.absolute()))


def locator(path: Path) -> str:
    """A lossless, plain-ASCII form of a path (its bytes percent-encoded), from which
    ``from_locator`` finds the very same file again, whatever its normalisation or bytes."""
    return quote_from_bytes(os.fsencode(path.absolute()), safe="/")


def from_locator(text: str) -> Path:
    return Path(os.fsdecode(unquote_to_bytes(text)))


def is_documentation(path: Path) -> bool:
    stem = unicodedata.normalize("NFC", path.stem).lower()
    return stem in DOCUMENTATION_NAMES


def _special(path: Path) -> str | None:
    """Why an existing path that is neither a folder nor a regular file cannot be read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read {readable(str(path))}: {exc.strerror or exc}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"{readable(path.name)} is a {kind}, not a regular file"


def _walk(folder: Path) -> list[tuple[Path, str | None]]:
    """Every file under ``folder`` (hidden ones aside), with why it cannot be read if so.

    A sub-folder that cannot be listed is reported, not silently left out.
    """
    found: list[tuple[Path, str | None]] = []

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        found.append((where, f"cannot read folder {readable(str(where))}: {error.strerror}"))

    for top, dirs, files in os.walk(folder, onerror=unlisted):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                child = Path(top) / name
                found.append((child, _special(child)))
    return sorted(found, key=lambda pair: source_name(pair[0]))


def discover(arguments: Iterable[str | Path]) -> list[Input]:
    """Expand arguments in order, recursing into folders, each file once.

    An argument that matches nothing is kept as a missing input so that the
    report says so instead of silently ignoring a typo.
    """
    seen: set[str] = set()
    inputs: list[Input] = []

    def add(path: Path, missing: bool = False, unreadable: str | None = None) -> None:
        source = source_name(path)
        if source not in seen:
            seen.add(source)
            inputs.append(Input(path, source, missing, unreadable))

    def add_existing(path: Path) -> None:
        if path.is_dir():
            for child, unreadable in _walk(path):
                add(child, unreadable=unreadable)
        else:
            add(path, unreadable=_special(path))

    for argument in arguments:
        text = str(argument)
        path = Path(text).expanduser()
        if path.exists():
            add_existing(path)
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            for match in matches:
                add_existing(Path(match))
            if not matches:
                add(path, missing=True)
        else:
            add(path, missing=True)
    return inputs
