"""Engine setup: SQLite pragmas (foreign keys on, WAL, busy timeout) — DESIGN §2, §5."""
from __future__ import annotations

import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine

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
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
