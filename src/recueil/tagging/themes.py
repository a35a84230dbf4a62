"""Theme data: the national themes, their vocabulary and acronyms (pure Python).

The themes are data a documentalist edits (``data/themes.json``, or a file
named by ``--themes``, ``RECUEIL_THEMES`` or ``<home>/themes.json``), never
code. This module must not import spaCy: search imports it to expand
acronyms.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from recueil.config import Settings
from recueil.errors import ThemeDataError
from recueil.tagging.jsondata import Checker, LocatedDict, load_located, read_data_file

SUPPORTED_VERSION = 1
DEFAULT_THRESHOLD = 0.35
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_THEME_KEYS = {"code", "label", "description", "terms", "acronyms"}
_TOP_KEYS = {"version", "threshold", "themes", "common_terms", "description"}


@dataclass(frozen=True, slots=True)
class Theme:
    code: str
    label: str
    description: str
    terms: tuple[str, ...]
    acronyms: dict[str, str] = field(default_factory=dict)

    def all_terms(self) -> list[str]:
        """Terms, acronyms and the expansions of the acronyms, without duplicates."""
        seen: dict[str, None] = {}
        for term in (*self.terms, *self.acronyms, *self.acronyms.values()):
            seen.setdefault(term, None)
        return list(seen)


@dataclass(frozen=True, slots=True)
class ThemeSet:
    themes: tuple[Theme, ...]
    threshold: float
    common_terms: tuple[str, ...]
    digest: str  # SHA-256 of the canonical data: tags record which data produced them
    source: str  # file path, or "built-in"
    version: int = SUPPORTED_VERSION

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.themes]

    def get(self, code: str) -> Theme | None:
        for theme in self.themes:
            if theme.code == code:
                return theme
        return None

    @property
    def short_digest(self) -> str:
        return self.digest[:12]


def builtin_theme_text() -> str:
    return resources.files("recueil").joinpath("data/themes.json").read_text(encoding="utf-8")


def load_themes(settings: Settings | None = None) -> ThemeSet:
    """Load the theme data named by the settings, or the built-in 11 themes."""
    path = settings.theme_file if settings is not None else None
    if path is None:
        return parse_themes(builtin_theme_text(), None)
    return parse_themes(read_data_file(Path(path), ThemeDataError), Path(path))


def parse_themes(text: str, path: Path | None) -> ThemeSet:
    """Validate theme data; raise ThemeDataError naming the line and the field."""
    data = load_located(path, text, ThemeDataError)
    check = Checker(str(path) if path else "built-in themes", ThemeDataError)
    top = check.obj(data, "top level")
    check.known_keys(top, _TOP_KEYS, "top level")
    version = top.get("version", SUPPORTED_VERSION)
    if version != SUPPORTED_VERSION:
        raise check.fail(
            top, "version", f"unsupported version {version!r} (expected {SUPPORTED_VERSION})"
        )
    threshold = top.get("threshold", DEFAULT_THRESHOLD)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 < threshold < 1
    ):
        raise check.fail(top, "threshold", "expected a number between 0 and 1")
    raw_themes = top.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise check.fail(top, "themes", "expected a non-empty list of themes")
    themes: list[Theme] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_themes, start=1):
        theme = _parse_theme(check, raw, index, top)
        if theme.code in seen:
            raise check.fail(
                raw,
                "code",
                f"duplicate theme code {theme.code!r}",
                f"theme #{index} ({theme.code})",
            )
        seen.add(theme.code)
        themes.append(theme)
    common = check.strings(top, "common_terms", "top level")
    canonical = json.dumps(_plain(top), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return ThemeSet(
        themes=tuple(themes),
        threshold=float(threshold),
        common_terms=tuple(common),
        digest=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        source=str(path) if path else "built-in",
    )


def _parse_theme(check: Checker, raw: Any, index: int, parent: LocatedDict) -> Theme:
    context = f"theme #{index}"
    obj = check.obj(raw, context, parent, "themes")
    code = obj.get("code")
    if isinstance(code, str) and code:
        context = f"theme #{index} ({code})"
    check.known_keys(obj, _THEME_KEYS, context)
    code = check.text(obj, "code", context)
    if not _CODE.match(code):
        raise check.fail(obj, "code", "codes use lower-case letters, digits and hyphens", context)
    label = check.text(obj, "label", context)
    description = check.text(obj, "description", context, required=False)
    terms = check.strings(obj, "terms", context)
    acronyms_raw = obj.get("acronyms", {})
    if not isinstance(acronyms_raw, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in acronyms_raw.items()
    ):
        raise check.fail(obj, "acronyms", 'expected an object {"ACRONYM": "expansion"}', context)
    acronyms = {k.strip(): v.strip() for k, v in acronyms_raw.items()}
    for key in acronyms:
        if " " in key:
            raise check.fail(obj, "acronyms", f"acronym {key!r} must be one word", context)
    if not terms and not acronyms:
        raise check.fail(obj, "terms", "a theme needs at least one term or acronym", context)
    return Theme(code, label, description, tuple(terms), acronyms)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
