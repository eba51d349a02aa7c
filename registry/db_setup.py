"""Engine setup: SQLite pragmas (foreign keys on, WAL, busy timeout) and an explicit BEGIN — DESIGN §2, §5.

A SQLite *file* database starts every transaction with ``BEGIN IMMEDIATE``: the write lock is taken
at the start, so a second writer waits (up to the busy timeout) instead of reading first and then
failing with "database is locked" when it tries to write — two clerks importing at once are
serialised, never refused. The price: as every transaction (a web request's too) takes the lock,
SQLite runs one transaction at a time. Fine for an office; PostgreSQL for many concurrent users."""
from __future__ import annotations

import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000

# Engines already configured. A WeakSet, not a set of id()s: an id is reused once an engine is
# garbage-collected, and a new engine with a recycled id would silently go without the pragmas.
_configured: weakref.WeakSet[Engine] = weakref.WeakSet()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or engine in _configured:
        return
    _configured.add(engine)
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # The driver's own lazy BEGIN (only before DML) is replaced by an explicit one below: with
        # it, a SAVEPOINT opened before any write started the real transaction and its RELEASE
        # committed, so a later rollback of the request could not undo the import (SQLAlchemy's
        # documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if in_memory:
            # One shared connection (tests): a second session's BEGIN joins the open transaction.
            if not conn.connection.dbapi_connection.in_transaction:
                conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
