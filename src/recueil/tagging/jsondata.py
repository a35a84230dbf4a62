"""JSON data files that name the line of every error (pure Python).

Theme and gazetteer files are edited by documentalists: an error must say
where it is. ``load_located`` parses JSON keeping, for every object, the
line where it starts and where each of its keys sits.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recueil.errors import RecueilError

# Pure-Python parts of the json module (untyped in typeshed).
_py_make_scanner: Callable[..., Any] = getattr(json.scanner, "py_make_scanner")  # noqa: B009
_json_object: Callable[..., Any] = getattr(json.decoder, "JSONObject")  # noqa: B009


class LocatedDict(dict[str, Any]):
    """A JSON object that remembers its line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _LocatingDecoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__()
        self.parse_object = self._parse_object
        # The C scanner ignores parse_object; the pure-Python one honours it.
        self.scan_once = _py_make_scanner(self)

    def _parse_object(
        self,
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Callable[..., Any],
        _object_hook: Any,
        _object_pairs_hook: Any,
        memo: dict[str, str] | None = None,
    ) -> Any:
        text, start = s_and_end
        pairs, end = _json_object(s_and_end, strict, scan_once, None, lambda p: p, memo)
        located = LocatedDict(pairs)
        located.line = _line_at(text, start)
        located.key_lines = {}
        cursor = start
        for key, _ in pairs:
            found = text.find(json.dumps(key, ensure_ascii=False), cursor, end)
            if found < 0:
                found = text.find(json.dumps(key), cursor, end)
            if found >= 0:
                located.key_lines[key] = _line_at(text, found)
                cursor = found + 1
        return located, end


def load_located(path: Path | None, text: str, error: type[RecueilError]) -> Any:
    """Parse ``text`` (read from ``path``) or raise ``error`` naming the line."""
    where = str(path) if path else "built-in data"
    try:
        return _LocatingDecoder().decode(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{where}, line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"
        ) from exc


def read_data_file(path: Path, error: type[RecueilError]) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc


class Checker:
    """Collects the context of schema errors: which file, which object, which field."""

    def __init__(self, where: str, error: type[RecueilError]) -> None:
        self.where = where
        self.error = error

    def fail(self, obj: Any, field: str | None, message: str, context: str = "") -> RecueilError:
        line = (
            obj.line_of(field)
            if isinstance(obj, LocatedDict) and field
            else getattr(obj, "line", 0)
        )
        parts = [f"{self.where}, line {line}"]
        if context:
            parts.append(context)
        if field:
            parts.append(f"field {field!r}")
        return self.error(", ".join(parts) + f": {message}")

    def obj(
        self, value: Any, context: str, parent: Any = None, field: str | None = None
    ) -> LocatedDict:
        if not isinstance(value, LocatedDict):
            raise self.fail(parent, field, "expected a JSON object {...}", context)
        return value

    def text(self, obj: LocatedDict, field: str, context: str, *, required: bool = True) -> str:
        value = obj.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(obj, field, "expected a non-empty string", context)
        return value.strip()

    def strings(
        self, obj: LocatedDict, field: str, context: str, *, required: bool = False
    ) -> list[str]:
        value = obj.get(field)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(obj, field, "expected a list of non-empty strings", context)
        return [v.strip() for v in value]

    def known_keys(self, obj: LocatedDict, allowed: set[str], context: str) -> None:
        for key in obj:
            if key not in allowed:
                raise self.fail(
                    obj, key, f"unknown field (allowed: {', '.join(sorted(allowed))})", context
                )
