"""``flask restore`` is audited (issue 10 item 5): the event is written after the copy, into the
restored — now live — database; the operator at the command line is the actor (none)."""
from __future__ import annotations

from sqlalchemy import select

from registry import create_app
from registry.extensions import db
from registry.models import AuditEvent
from tests import dbtest


def test_restore_writes_an_audit_event_into_the_restored_database(tmp_path):
    if dbtest.current().is_postgres:
        import pytest

        pytest.skip("the SQLite copy is enough to show the event; PostgreSQL restore: tests/cli/test_backup.py")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    runner = app.test_cli_runner()
    backup = tmp_path / "copy.db"
    with app.app_context():
        db.create_all()
        db.session.remove()
        result = runner.invoke(args=["backup", str(backup)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["restore", "--yes", str(backup)])
        assert result.exit_code == 0, result.output
        db.session.remove()
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        restored = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.restore"))
        # The copy was taken before its own backup.create event was written: only the restore remains.
        assert actions == ["backup.restore"]
        assert restored.detail["file"] == str(backup) and restored.actor_id is None
        db.session.remove()
        db.engine.dispose()
