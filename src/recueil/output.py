"""One way to render data: --json, --nl (JSON lines), --csv, or a table.

Data goes to stdout only; progress and logs go to stderr. Human output (tables,
key: value lines, messages through ``echo``) shows terminal controls and bidi
characters as visible escapes; JSON keeps the exact text (escaped so that no
raw control reaches a terminal); CSV neutralises spreadsheet formulas
(``recueil.safetext``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import wraps
from typing import Any, TypeVar, overload

import click

from recueil.safetext import csv_cell, json_safe, visible, visible_line

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "nl", "csv")


@overload
def output_options(func: F, /) -> F: ...


@overload
def output_options(*, table: bool = True) -> Callable[[F], F]: ...


def output_options(func: F | None = None, /, *, table: bool = True) -> F | Callable[[F], F]:
    """Add --json/--nl/--csv/--table; the command receives ``fmt``.

    ``output_options(table=False)``: no --table, and ``fmt`` is None when no flag is
    given (for a command whose default output is not a table, e.g. ``export``).
    """

    flags = [
        click.option("--json", "fmt", flag_value="json", help="Output JSON."),
        click.option("--nl", "fmt", flag_value="nl", help="Output newline-delimited JSON."),
        click.option("--csv", "fmt", flag_value="csv", help="Output CSV."),
    ]
    if table:
        flags.append(
            click.option(
                "--table", "fmt", flag_value="table", default=True, help="Output a table (default)."
            )
        )

    def decorate(command: F) -> F:
        @wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return command(*args, **kwargs)

        for flag in reversed(flags):
            wrapper = flag(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate if func is None else decorate(func)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(data: Any) -> str:
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=json_default))


def echo(message: str, *, err: bool = False) -> None:
    """A human message (documents' names and titles in it made visible)."""
    click.echo(visible(message), err=err)


def render_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, max_width: int = 60
) -> str:
    if not rows:
        return ""
    keys = list(columns or rows[0].keys())
    cols = [visible_line(k) for k in keys]
    cells = [[visible_line(_cell(row.get(k))) for k in keys] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells
    )
    return "\n".join(lines)


def emit(rows: Iterable[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None) -> None:
    """Write rows to stdout in the chosen format; streams for nl and csv (no cap on rows)."""
    out = sys.stdout
    if fmt == "nl":
        for row in rows:
            out.write(json_safe(json.dumps(row, ensure_ascii=False, default=json_default)) + "\n")
        return
    if fmt == "csv":
        import csv

        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(
                    out, fieldnames=list(columns or row.keys()), extrasaction="ignore"
                )
                writer.writeheader()
            writer.writerow({k: csv_cell(row.get(k), _cell(row.get(k))) for k in writer.fieldnames})
        return
    materialised = list(rows)
    if fmt == "json":
        out.write(dumps(materialised) + "\n")
        return
    if materialised:
        out.write(render_table(materialised, columns) + "\n")


def emit_object(data: Mapping[str, Any], fmt: str) -> None:
    """Write one object: JSON, one JSON line (nl), one CSV row, or key: value lines."""
    if fmt in ("nl", "csv"):
        emit([data], fmt)
        return
    if fmt == "json":
        sys.stdout.write(dumps(data) + "\n")
        return
    width = max((len(k) for k in data), default=0)
    for key, value in data.items():
        sys.stdout.write(f"{visible_line(key).ljust(width)}  {visible(_cell(value))}\n")
