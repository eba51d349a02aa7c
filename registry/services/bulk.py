"""Bulk INSERT for the roster and land imports (issues 5, 15): one driver-level executemany per table.

SQLAlchemy's ORM bulk path merges RETURNING batches row by row (quadratic: 40 s of a 100k-row import)
and its Core executemany builds a parameter dict per row through the compiled statement; here the
statement is compiled once, the bind processors (dates, decimals, booleans for the dialect) run per
column, and the rows go to ``cursor.executemany`` as tuples (qmark/numeric dialects such as SQLite)
or dicts (named dialects such as psycopg). ``insert_rows`` takes a dict per row; ``insert_columns``
takes the values column by column (a list per column plus constants), so a caller that has the
values in columns builds no dict per row. Same transaction as the session; nothing is committed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import repeat
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

#: Column types whose equal values bind the same way, so a value is processed once per column.
_REPEATING = (dt.date, dt.datetime, bool)


def _python_type(column_type):
    try:
        return column_type.python_type
    except NotImplementedError:
        return None


@lru_cache(maxsize=128)
def _compiled(table, names: tuple[str, ...], dialect):
    """The INSERT of ``names`` into ``table`` compiled for ``dialect``, once (an area import inserts
    into the same tables village after village)."""
    return insert(table).compile(dialect=dialect, column_keys=list(names))


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """INSERT ``rows`` (dicts with the same keys, column attribute names of ``model``) into the
    model's table. Columns left out get their scalar Python-side default; a left-out column whose
    default is a function falls back to Core's executemany (which calls it per row). Ids are not
    returned: read them back by natural key. Raises the driver's IntegrityError like any insert."""
    if not rows:
        return
    first = rows[0]
    if any(column.key not in first and column.default is not None and not column.default.is_scalar
           for column in model.__table__.columns):
        session.connection().execute(insert(model.__table__), rows)
        return
    insert_columns(session, model, {key: [r[key] for r in rows] for key in first})


def insert_columns(session: Session, model, columns: Mapping[str, Sequence],
                   constants: Mapping[str, Any] | None = None) -> None:
    """INSERT one row per position of ``columns`` (column attribute name -> the values, all of the
    same length) into the model's table; ``constants`` (name -> value) are the same on every row.
    Columns named in neither get their scalar Python-side default (a function default must be given).
    Ids are not returned. Raises the driver's IntegrityError like any insert."""
    n = len(next(iter(columns.values()))) if columns else 0
    if not n:
        return
    constants = dict(constants or {})
    conn = session.connection()
    dialect = conn.dialect
    table = model.__table__
    for column in table.columns:
        if column.key in columns or column.key in constants or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"{table.name}.{column.key}: give a value (its default is a function)")
        constants[column.key] = column.default.arg
    names = list(columns) + list(constants)
    compiled = _compiled(table, tuple(names), dialect)
    processed: dict[str, Any] = {}
    for key in names:
        column_type = table.c[key].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if key in constants:
            value = constants[key]
            processed[key] = repeat(value if process is None else process(value), n)
            continue
        values = columns[key]
        if len(values) != n:
            raise ValueError(f"{table.name}.{key}: {len(values)} values for {n} rows")
        if process is None:
            processed[key] = values
        elif _python_type(column_type) in _REPEATING:  # e.g. 100k rows share a few hundred dates
            memo: dict = {}
            processed[key] = [memo[v] if v in memo else memo.setdefault(v, process(v)) for v in values]
        else:
            processed[key] = [process(v) for v in values]
    if compiled.positional:
        params = list(zip(*(processed[name] for name in compiled.positiontup)))
    else:
        params = [dict(zip(names, values)) for values in zip(*(processed[k] for k in names))]
    conn.exec_driver_sql(compiled.string, params)


def plain_rows(session: Session, stmt) -> list[tuple]:
    """The rows of ``stmt`` as the driver returns them (tuples, no result processing), read on the
    session's connection (same transaction): for large reads of plain integer and text columns (ids by
    natural key), where building SQLAlchemy rows costs more than the query. The parameters are bound as
    given (no bind processing): integers and text only."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return cursor.fetchall()
    finally:
        cursor.close()
