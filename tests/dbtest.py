"""Which database the suite runs against: SQLite in memory (default) or PostgreSQL.

``REGISTRY_TEST_DATABASE_URL=postgresql+psycopg://user:pw@127.0.0.1:54329/db pytest`` (or
``pytest --db-url=…``) runs the whole suite against PostgreSQL. The session creates a fresh schema
``rt_<random>`` in that database, creates the tables there once, and every ``app`` fixture empties
them (one ``TRUNCATE … RESTART IDENTITY CASCADE``); the schema is dropped at the end. Nothing
outside that schema is touched, so the database may be shared.

Either way ``FLASK_SQLALCHEMY_DATABASE_URI`` is set for the session, so every ``create_app("testing")``
(also the second apps some tests build) uses the test database, and a developer's own setting of that
variable can never point the tests at a real database.
"""
from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV = "REGISTRY_TEST_DATABASE_URL"
URI_ENV = "FLASK_SQLALCHEMY_DATABASE_URI"


class TestDatabase:
    """The session's test database: ``url`` for the apps, ``is_postgres``, and helpers that make
    further empty schemas (the migration test needs a database without tables)."""

    __test__ = False  # not a test class

    def __init__(self, url: str | None):
        self.base_url = make_url(url) if url else None
        self.is_postgres = bool(self.base_url) and self.base_url.get_backend_name() == "postgresql"
        if self.base_url is not None and not self.is_postgres:
            raise ValueError(f"{ENV} must be a postgresql URL (SQLite is the default): {url}")
        self.schema: str | None = None
        self.url = "sqlite://"
        self._tables_ready = False

    # --- schemas ---------------------------------------------------------------------------------
    def url_for_schema(self, schema: str) -> str:
        url = self.base_url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def create_schema(self, prefix: str = "rt") -> str:
        """Create an empty schema and return its name."""
        name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        self._admin(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        self._admin(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.base_url, poolclass=_null_pool())
        try:
            with engine.begin() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    # --- session lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        if self.is_postgres:
            self.schema = self.create_schema()
            self.url = self.url_for_schema(self.schema)
        os.environ[URI_ENV] = self.url

    def stop(self) -> None:
        if self.schema:
            self.drop_schema(self.schema)
            self.schema = None

    def prepare(self, db) -> None:
        """Give the pushed app an empty schema: SQLite in memory is new per app, so create the tables;
        PostgreSQL keeps the session's tables, so empty them (create them the first time, or again
        after a test dropped them)."""
        if not self.is_postgres:
            db.create_all()
            return
        if self._tables_ready and self._truncate(db):
            return
        db.create_all()
        self._tables_ready = True

    @staticmethod
    def _truncate(db) -> bool:
        from sqlalchemy.exc import ProgrammingError

        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        try:
            with db.engine.begin() as conn:
                # Fail loudly instead of waiting forever behind a connection a test leaked.
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        except ProgrammingError:  # a table is missing: a test dropped them
            return False
        return True


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


TEST_DB = TestDatabase(None)
_KEY = pytest.StashKey[TestDatabase]()


def pytest_addoption(parser):
    parser.addoption("--db-url", default=None,
                     help=f"run the suite against this PostgreSQL database (or set {ENV})")


def pytest_configure(config):
    global TEST_DB
    TEST_DB = TestDatabase(config.getoption("--db-url") or os.environ.get(ENV) or None)
    TEST_DB.start()
    config.stash[_KEY] = TEST_DB


def pytest_unconfigure(config):
    db = config.stash.get(_KEY, None)
    if db is not None:
        db.stop()


def pytest_report_header(config):
    db = config.stash.get(_KEY, None)
    if db is None:
        return None
    if db.is_postgres:
        shown = db.base_url.render_as_string(hide_password=True)
        return f"database: PostgreSQL {shown} schema {db.schema}"
    return "database: SQLite in memory"


def current() -> TestDatabase:
    return TEST_DB
