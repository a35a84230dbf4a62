"""Catalogue tables as JSON lines: engine-neutral, so a backup restores anywhere.

Rows are read in one snapshot (the caller's connection) and written one JSON
object per line; dates and times as ISO strings. Loading converts them back
with the column types of the target schema, fixes self-references after the
insert and moves PostgreSQL sequences past the restored ids.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, MetaData, Table, func, select, text, update

SKIPPED = frozenset({"alembic_version"})  # the manifest holds the schema revision
BATCH = 500


def catalogue_tables(conn: Connection) -> list[Table]:
    """The tables of the catalogue in dependency order (parents first)."""
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def export_tables(conn: Connection, folder: Path) -> dict[str, int]:
    """Write every table to ``folder/<table>.jsonl``; return the row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in catalogue_tables(conn):
        order = list(table.primary_key.columns) or list(table.columns)
        rows = 0
        with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
            for row in conn.execute(select(table).order_by(*order)).mappings():
                record = {k: _plain(v) for k, v in row.items()}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                rows += 1
        counts[table.name] = rows
    return counts


def _converters(table: Table) -> dict[str, Any]:
    convert: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            convert[column.name] = dt.datetime.fromisoformat
        elif isinstance(column.type, Date):
            convert[column.name] = dt.date.fromisoformat
    return convert


def _read(path: Path, table: Table) -> Iterator[dict[str, Any]]:
    convert = _converters(table)
    known = set(table.columns.keys())
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield {
                k: (convert[k](v) if v is not None and k in convert else v)
                for k, v in record.items()
                if k in known
            }


def _self_references(table: Table) -> list[str]:
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table.name == table.name and fk.parent.name not in table.primary_key.columns
    ]


def import_tables(conn: Connection, folder: Path) -> dict[str, int]:
    """Load ``folder/<table>.jsonl`` files into empty tables of the same schema."""
    counts: dict[str, int] = {}
    for table in catalogue_tables(conn):
        path = folder / f"{table.name}.jsonl"
        if not path.exists():
            continue
        deferred = _self_references(table)
        later: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        rows = 0
        for record in _read(path, table):
            if deferred and any(record.get(c) is not None for c in deferred):
                later.append({c: record[c] for c in [*table.primary_key.columns.keys(), *deferred]})
                record = {**record, **dict.fromkeys(deferred)}
            batch.append(record)
            rows += 1
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
        key = list(table.primary_key.columns)
        for fix in later:
            where = [c == fix[c.name] for c in key]
            conn.execute(update(table).where(*where).values({c: fix[c] for c in deferred}))
        counts[table.name] = rows
        _reset_sequence(conn, table)
    return counts


def _reset_sequence(conn: Connection, table: Table) -> None:
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        sequence = conn.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
        )
        if sequence:
            highest = conn.scalar(select(func.max(column)))
            conn.execute(
                text("SELECT setval(:s, :v, :called)"),
                {"s": sequence, "v": highest or 1, "called": highest is not None},
            )


def count_rows(conn: Connection, table_name: str) -> int:
    for table in catalogue_tables(conn):
        if table.name == table_name:
            return int(conn.scalar(select(func.count()).select_from(table)) or 0)
    return 0
