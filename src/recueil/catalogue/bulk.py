"""Bulk inserts of many small rows (pages, metadata entries, ingestion items).

``insert_rows`` hands the rows to the database driver's ``executemany`` in
one call, as Core's ``execute(insert(table), rows)`` would, without its
per-row parameter processing: the statement is compiled once for the
catalogue's dialect (so its placeholders and quoting suit SQLite and
PostgreSQL alike) and only the columns whose type converts values (an enum, a
date and time on SQLite) pass through that conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (every one with the same keys, column names of ``table``)."""
    if not rows:
        return
    names = list(rows[0])
    dialect = connection.dialect
    # Compiled as for an executemany: no RETURNING of the new ids (PostgreSQL adds one to
    # a single-row insert), one placeholder per named column.
    compiled = insert(table).compile(dialect=dialect, column_keys=names, for_executemany=True)
    if set(compiled.binds) != set(names):  # a column left out would need its default
        raise ValueError(f"{table.name}: rows must name the columns {sorted(compiled.binds)}")
    order = list(compiled.positiontup or ()) if compiled.positional else names
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(order):
        column_type = table.c[name].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((position, processor))
    values = _values(rows, order, converters)
    if compiled.positional:
        connection.exec_driver_sql(str(compiled), values)
    else:
        connection.exec_driver_sql(
            str(compiled), [dict(zip(order, row, strict=True)) for row in values]
        )


def _values(
    rows: Sequence[Mapping[str, Any]],
    order: list[str],
    converters: list[tuple[int, Callable[[Any], Any]]],
) -> list[tuple[Any, ...]]:
    """Each row's values in ``order``, converted where the column type says so."""
    if len(order) == 1:
        single = order[0]
        tuples = [(row[single],) for row in rows]
    else:
        getter = itemgetter(*order)
        tuples = [getter(row) for row in rows]
    if not converters:
        return tuples
    converted = []
    for row in tuples:
        values = list(row)
        for position, processor in converters:
            values[position] = processor(values[position])
        converted.append(tuple(values))
    return converted
