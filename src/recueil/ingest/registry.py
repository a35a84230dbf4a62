"""Registry of extractors, tried in order; built-ins register like a plugin would."""

from __future__ import annotations

import importlib
from pathlib import Path

from recueil.ingest.base import Extractor

HEAD_BYTES = 4096

_EXTRACTORS: list[Extractor] = []


def register(extractor: Extractor, *, first: bool = False) -> Extractor:
    if first:
        _EXTRACTORS.insert(0, extractor)
    else:
        _EXTRACTORS.append(extractor)
    return extractor


def extractors() -> list[Extractor]:
    _load_builtins()
    return list(_EXTRACTORS)


_warm: set[str] = set()  # extractors warmed up in this process


def warm_up(extractor: Extractor | None = None) -> None:
    """Let an extractor (or every one) load what it needs once, before extraction
    children are forked: a records file does not pay for the PDF libraries."""
    for each in extractors() if extractor is None else [extractor]:
        if each.name in _warm:
            continue
        _warm.add(each.name)
        hook = getattr(each, "warm_up", None)
        if hook is not None:
            hook()


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def find_extractor(path: Path, head: bytes) -> Extractor | None:
    for extractor in extractors():
        if extractor.sniff(path, head):
            return extractor
    return None


def claimed_by_suffix(path: Path) -> Extractor | None:
    """The extractor whose format the file's name announces (``.pdf``), if any: a file
    so named that no extractor recognises is damaged, not of an unsupported type."""
    suffix = path.suffix.lower()
    for extractor in extractors():
        if suffix in getattr(extractor, "suffixes", ()):
            return extractor
    return None


# Modules that register the built-in extractors, in the order they are tried:
# records sniff XML by content before the web-page extractor claims .html/.xml.
BUILTIN_MODULES = ("recueil.ingest.pdf", "recueil.ingest.records", "recueil.ingest.webpage")

_loaded = False


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
