"""Acronym expansion from the theme data: ``PRE`` also finds "programme de réussite éducative".

Acronyms collide with ordinary words (PRE, CLAS, ENT), so only a word typed
exactly as the acronym (same case) is expanded. The acronyms are read
straight from the theme data (JSON), without the tagging layer: the theme
data was validated when it was used for tagging; here a file that cannot be
read is a clear error, and entries of the wrong shape are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from recueil import querylang as q
from recueil.config import Settings
from recueil.errors import ThemeDataError

# The built-in theme data, read as a file: importlib.resources costs a search
# command more time to import than reading the file does.
BUILT_IN_THEMES = Path(__file__).parent.parent / "data" / "themes.json"


def _theme_data(settings: Settings) -> Any:
    path = settings.theme_file
    try:
        if path is None:
            text = BUILT_IN_THEMES.read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8-sig")
        return json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ThemeDataError(f"cannot read the theme data {path or ''}: {exc}".strip()) from exc


# Theme data file (path and stamp) -> its acronyms: a long-running process (the web
# site) reads the file again only when it changes.
_READ: dict[tuple[object, ...], dict[str, str]] = {}


def _stamp(settings: Settings) -> tuple[object, ...]:
    path = settings.theme_file
    if path is None:
        return ("package",)
    try:
        found = path.stat()
    except OSError:
        return (str(path), None)  # read (and reported) each time
    return (str(path), found.st_mtime_ns, found.st_size)


def load_acronyms(settings: Settings) -> dict[str, str]:
    """Acronym -> expansion, merged over every theme of the theme data."""
    key = _stamp(settings)
    if key not in _READ or key[-1] is None:
        if len(_READ) > 16:
            _READ.clear()
        _READ[key] = _read_acronyms(settings)
    return dict(_READ[key])


def _read_acronyms(settings: Settings) -> dict[str, str]:
    data = _theme_data(settings)
    themes = data.get("themes") if isinstance(data, dict) else None
    found: dict[str, str] = {}
    for theme in themes if isinstance(themes, list) else []:
        acronyms = theme.get("acronyms") if isinstance(theme, dict) else None
        if isinstance(acronyms, dict):
            found.update(
                (k.strip(), v.strip())
                for k, v in acronyms.items()
                if isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            )
    return found


def expand_acronyms(node: q.Node, acronyms: Mapping[str, str]) -> q.Node:
    """Rewrite each acronym word into (acronym OR "its expansion")."""
    if isinstance(node, q.Term) and node.field in (None, "title", "text"):
        expansion = acronyms.get(node.text)
        if expansion:
            return q.Or((node, q.Phrase(expansion, node.field)))
        return node
    if isinstance(node, q.And):
        return q.And(tuple(expand_acronyms(child, acronyms) for child in node.children))
    if isinstance(node, q.Or):
        return q.Or(tuple(expand_acronyms(child, acronyms) for child in node.children))
    if isinstance(node, q.Not):
        return q.Not(expand_acronyms(node.child, acronyms))
    return node
