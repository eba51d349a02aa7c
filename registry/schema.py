"""Build or bring the database schema up to date with the Alembic migrations in ``migrations/``.

``flask --app registry db upgrade`` (Flask-Migrate) and ``flask --app registry init-db`` both end at
the newest revision. A database whose tables were made by ``create_all`` before it had migrations
(an early ``instance/registry.db``) is stamped as current — but only when it matches the models
exactly; otherwise init-db refuses and says why."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from registry.extensions import db


class SchemaMismatch(RuntimeError):
    """The database has tables but no migration history, and they differ from the models."""


def pending_differences(connection) -> list:
    """Alembic autogenerate's differences between the database and the models ([] = in step)."""
    return compare_metadata(MigrationContext.configure(connection), db.metadata)


def upgrade_schema() -> str:
    """Upgrade the app's database to the newest revision; returns "upgraded" or "stamped".
    Must run inside an app context. Raises :class:`SchemaMismatch` (see the module docstring)."""
    from flask_migrate import stamp, upgrade

    tables = set(inspect(db.engine).get_table_names())
    if "alembic_version" not in tables and tables & set(db.metadata.tables):
        with db.engine.connect() as conn:
            diffs = pending_differences(conn)
        if diffs:
            raise SchemaMismatch(f"{len(diffs)} difference(s), first: {diffs[0]!r}")
        stamp()
        return "stamped"
    upgrade()
    return "upgraded"
