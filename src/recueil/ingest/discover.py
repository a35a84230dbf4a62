"""Discovery: turn PATH arguments (files, folders, globs) into an ordered list of files."""

from __future__ import annotations

import glob
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Files that document a folder rather than belong to the collection.
DOCUMENTATION_NAMES = ("readme", "lisezmoi")


@dataclass(frozen=True, slots=True)
class Input:
    path: Path  # as found on disk (may be NFD)
    source: str  # NFC, absolute: how the catalogue and the report name it
    missing: bool = False


def source_name(path: Path) -> str:
    return unicodedata.normalize("NFC", str(path.absolute()))


def is_documentation(path: Path) -> bool:
    stem = unicodedata.normalize("NFC", path.stem).lower()
    return stem in DOCUMENTATION_NAMES


def _walk(folder: Path) -> list[Path]:
    found = []
    for child in folder.rglob("*"):
        if any(part.startswith(".") for part in child.relative_to(folder).parts):
            continue
        if child.is_file():
            found.append(child)
    return sorted(found, key=lambda p: unicodedata.normalize("NFC", str(p)))


def discover(arguments: Iterable[str | Path]) -> list[Input]:
    """Expand arguments in order, recursing into folders, each file once.

    An argument that matches nothing is kept as a missing input so that the
    report says so instead of silently ignoring a typo.
    """
    seen: set[str] = set()
    inputs: list[Input] = []

    def add(path: Path, missing: bool = False) -> None:
        source = source_name(path)
        if source not in seen:
            seen.add(source)
            inputs.append(Input(path, source, missing))

    for argument in arguments:
        text = str(argument)
        path = Path(text).expanduser()
        if path.is_dir():
            for child in _walk(path):
                add(child)
        elif path.is_file():
            add(path)
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for child in _walk(match_path):
                        add(child)
                elif match_path.is_file():
                    add(match_path)
            if not matches:
                add(path, missing=True)
        else:
            add(path, missing=True)
    return inputs
