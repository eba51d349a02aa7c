"""``flask backup OUT`` / ``flask restore IN`` (registry/backup.py, cli_ops.py): a seeded database
survives a round trip — every table's row count and checksum equal — on SQLite (online backup API) and
on PostgreSQL (pg_dump / pg_restore); a file that is not a backup is refused and changes nothing."""
from __future__ import annotations

import os
import shutil
import stat

import pytest
from flask import request_started
from sqlalchemy import delete, text

from registry import create_app
from registry.backup import table_fingerprint
from registry.extensions import db
from registry.services.areas import organization_for_village
from registry.services.roster.importer import import_roster
from tests import dbtest
from tests.conftest import SAMPLES, _fresh_g


@pytest.fixture
def seeded_app(tmp_path):
    """The demo district plus an imported roster, in a database of its own (a SQLite file, or a new
    PostgreSQL schema)."""
    from registry.services.demo import load_demo

    test_db, schema = dbtest.current(), None
    if test_db.is_postgres:
        if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
            pytest.skip("pg_dump / pg_restore not installed")
        schema = test_db.create_schema("bak")
        url = test_db.url_for_schema(schema)
    else:
        url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    request_started.connect(_fresh_g, app)
    try:
        with app.app_context():
            db.create_all()
            load_demo(db.session)
            org = organization_for_village(db.session, "370305100201")
            report = import_roster(db.session, (SAMPLES / "roster_370305100201.xlsx").read_bytes(), org, actor=None)
            assert report.committed
            db.session.commit()
            db.session.remove()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            test_db.drop_schema(schema)


def _wipe() -> None:
    """The disaster: every row gone (children first), and one stray row added afterwards."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "filings":
            db.session.execute(table.update().values(notice_id=None))
        db.session.execute(delete(table))
    db.session.execute(text("INSERT INTO holidays (day, is_workday, name) VALUES ('2030-01-01', false, 'x')"))
    db.session.commit()
    db.session.remove()


def test_backup_and_restore_round_trip_keeps_every_row(seeded_app, tmp_path):
    runner = seeded_app.test_cli_runner()
    before = table_fingerprint(db.engine, db.metadata)
    assert before["memberships"].rows == 347 and before["audit_events"].rows >= 1
    out = tmp_path / "registry.backup"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and "memberships" in result.output and "347 行" in result.output

    _wipe()
    assert table_fingerprint(db.engine, db.metadata)["memberships"].rows == 0

    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    after = table_fingerprint(db.engine, db.metadata)
    # The restore itself is audited, after the copy (issue 10): one audit event more than the backup.
    assert after["audit_events"].rows == before["audit_events"].rows + 1
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"}
    # The restored database works: new rows get fresh ids (sequences restored on PostgreSQL).
    from registry.services import audit

    audit.record(db.session, actor=None, action="test.after_restore", target_type="x", target_id=None,
                 area_code="370305")
    db.session.commit()


def test_restore_refuses_a_file_that_is_not_a_backup(seeded_app, tmp_path):
    before = table_fingerprint(db.engine, db.metadata)
    bogus = tmp_path / "not-a-backup.db"
    bogus.write_bytes(b"this is not a database" * 100)
    result = seeded_app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "备份文件" in result.output or "失败" in result.output
    assert table_fingerprint(db.engine, db.metadata) == before


def test_restore_asks_before_replacing_everything(seeded_app, tmp_path):
    out = tmp_path / "registry.backup"
    runner = seeded_app.test_cli_runner()
    assert runner.invoke(args=["backup", str(out)]).exit_code == 0
    result = runner.invoke(args=["restore", str(out)], input="n\n")
    assert result.exit_code != 0 and "替换当前数据库的全部内容" in result.output


def test_a_backup_is_audited_like_an_export(seeded_app, tmp_path):
    from sqlalchemy import select

    from registry.models import AuditEvent

    out = tmp_path / "registry.backup"
    assert seeded_app.test_cli_runner().invoke(args=["backup", str(out)]).exit_code == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.create"))
    assert event is not None and event.detail["file"] == str(out) and event.detail["bytes"] > 0


def test_a_backup_is_readable_by_its_owner_only(seeded_app, tmp_path):
    """Issue 10 item 11: backups were written 0644 (every ID number readable by any local account)."""
    out = tmp_path / "registry.backup"
    out.write_bytes(b"an older file, world-readable")
    out.chmod(0o644)
    previous = os.umask(0o022)
    try:
        assert seeded_app.test_cli_runner().invoke(args=["backup", str(out)]).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
