"""Migrations (registry/schema.py, migrations/): ``flask db upgrade`` builds on an empty database exactly
the schema the models describe — no pending autogenerate difference — on SQLite and on PostgreSQL
(whichever the suite runs against), and ``init-db`` goes through the migrations."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import request_started
from sqlalchemy import inspect, text

from registry import create_app
from registry.extensions import db as _db
from registry.schema import pending_differences
from tests import dbtest
from tests.conftest import _fresh_g

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database without any table: a new SQLite file, or a new PostgreSQL schema."""
    test_db = dbtest.current()
    schema = None
    if test_db.is_postgres:
        schema = test_db.create_schema("mig")
        url = test_db.url_for_schema(schema)
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    request_started.connect(_fresh_g, app)
    try:
        with app.app_context():
            yield app
            _db.session.remove()
            _db.engine.dispose()
    finally:
        if schema:
            test_db.drop_schema(schema)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(_db.engine).get_table_names())


def test_there_is_one_initial_revision():
    revisions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert len(revisions) == 1, "regenerate the initial revision (README: Migrations) instead of stacking"
    assert "down_revision = None" in revisions[0].read_text("utf-8")


def test_db_upgrade_on_an_empty_database_builds_exactly_the_models(empty_app):
    assert _tables(empty_app) == set()
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _tables(empty_app) == set(_db.metadata.tables) | {"alembic_version"}
    with empty_app.app_context(), _db.engine.connect() as conn:
        assert pending_differences(conn) == []
        # The half of the filings ↔ public_notices cycle that is added after both tables exist.
        fks = inspect(conn).get_foreign_keys("filings")
        assert any(fk["referred_table"] == "public_notices" for fk in fks)


def test_db_downgrade_removes_every_table(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert _tables(empty_app) == {"alembic_version"}


def test_init_db_on_an_empty_database_runs_the_migrations(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert _db.session.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        assert _db.session.scalar(text("SELECT count(*) FROM users")) == 8
        _db.session.rollback()


def test_init_db_stamps_a_database_created_from_the_models(empty_app):
    with empty_app.app_context():
        _db.create_all()
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert _db.session.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        _db.session.rollback()


def test_init_db_refuses_an_unversioned_database_that_differs_from_the_models(empty_app):
    with empty_app.app_context(), _db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE holidays (day DATE PRIMARY KEY)"))
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code != 0
    assert "没有迁移记录" in result.output
    assert "alembic_version" not in _tables(empty_app)
