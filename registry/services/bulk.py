"""Bulk INSERT for the roster import (issue 5): one driver-level executemany per table.

SQLAlchemy's ORM bulk path merges RETURNING batches row by row (quadratic: 40 s of a 100k-row import)
and its Core executemany builds a parameter dict per row through the compiled statement; here the
statement is compiled once, the bind processors (dates, decimals, booleans for the dialect) run per
column, and the rows go to ``cursor.executemany`` as tuples (qmark/numeric dialects such as SQLite)
or dicts (named dialects such as psycopg). Same transaction as the session; nothing is committed.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

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
    conn = session.connection()
    dialect = conn.dialect
    table = model.__table__
    keys = list(rows[0])
    constants = {}
    for column in table.columns:
        if column.key in rows[0] or column.default is None:
            continue
        if not column.default.is_scalar:
            conn.execute(insert(table), rows)
            return
        constants[column.key] = column.default.arg
    names = keys + list(constants)
    compiled = _compiled(table, tuple(names), dialect)
    n = len(rows)
    columns = {}
    for key in names:
        values = [r[key] for r in rows] if key in keys else [constants[key]] * n
        column_type = table.c[key].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            columns[key] = values
        elif _python_type(column_type) in _REPEATING:  # e.g. 100k rows share a few hundred dates
            memo: dict = {}
            columns[key] = [memo[v] if v in memo else memo.setdefault(v, process(v)) for v in values]
        else:
            columns[key] = [process(v) for v in values]
    if compiled.positional:
        params = list(zip(*(columns[name] for name in compiled.positiontup)))
    else:
        params = [dict(zip(names, values)) for values in zip(*(columns[k] for k in names))]
    conn.exec_driver_sql(compiled.string, params)
