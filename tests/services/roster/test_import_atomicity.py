"""All or nothing (DESIGN §4 step 6), proven by fault injection: a failure on row N while the import is
being written — the database refusing row N, or the process failing midway — leaves zero rows written,
through the service, the web screen and the CLI."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Filing, Household, HouseholdMember, HukouRecord, Membership, Person
from registry.services.areas import organization_for_village
from registry.services.roster import importer as roster_import
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

V1 = "370305100201"
ROSTER = SAMPLES / "roster_370305100201.xlsx"  # 347 rows
WRITTEN = (Person, Household, HouseholdMember, HukouRecord, Membership, Filing, AuditEvent)


def rows_written(db) -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in WRITTEN}


NOTHING = {m.__name__: 0 for m in WRITTEN}


def refuse_row(monkeypatch, n: int) -> None:
    """Make the database refuse row ``n`` of the plan: negative shares break a CHECK constraint when
    the memberships are inserted, after persons, households, links and hukou records were."""
    real = roster_import.plan_rows

    def plan_with_a_bad_row(*args, **kwargs):
        plan = real(*args, **kwargs)
        plan.rows[n].membership["population_shares"] = Decimal(-1)
        return plan

    monkeypatch.setattr(roster_import, "plan_rows", plan_with_a_bad_row)


def crash_at_statement(monkeypatch, session, n: int) -> None:
    """Raise on the ``n``-th INSERT/UPDATE sent to the database while the import is being written
    (counted at the cursor, whichever layer — ORM, Core or driver-level executemany — sends it)."""
    from sqlalchemy import event

    from registry.services.roster import apply as roster_apply

    real_apply = roster_apply.apply_plan

    def apply_then_crash(s, *args, **kwargs):
        engine = s.get_bind()
        calls = {"n": 0}

        def count(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
                calls["n"] += 1
                if calls["n"] == n:
                    raise RuntimeError(f"injected failure at statement {n}")

        event.listen(engine, "before_cursor_execute", count)
        try:
            return real_apply(s, *args, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    monkeypatch.setattr(roster_import, "apply_plan", apply_then_crash)


@pytest.mark.parametrize("n", [0, 173, 346])
def test_database_refusing_row_n_writes_nothing(db, demo, monkeypatch, n):
    refuse_row(monkeypatch, n)
    report = import_roster(db.session, ROSTER.read_bytes(), organization_for_village(db.session, V1), actor=None)
    assert not report.committed and [e["code"] for e in report.errors] == ["roster.conflict"]
    db.session.rollback()  # what every caller does when nothing was committed
    assert rows_written(db) == NOTHING


@pytest.mark.parametrize("n", [2, 4, 5])  # at the households; at the hukou records; at the memberships
def test_a_crash_midway_through_writing_writes_nothing(db, demo, monkeypatch, n):
    crash_at_statement(monkeypatch, db.session, n)
    with pytest.raises(RuntimeError, match="injected"):
        import_roster(db.session, ROSTER.read_bytes(), organization_for_village(db.session, V1), actor=None)
    db.session.rollback()
    assert rows_written(db) == NOTHING


def test_web_import_with_a_refused_row_writes_nothing_and_says_why(login_as, db, monkeypatch):
    client = login_as("clerk")
    assert rows_written(db) == {**NOTHING, "AuditEvent": 1}  # the sign-in is audited (issue 10)
    preview = client.post(f"/villages/{V1}/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(ROSTER.read_bytes()), "roster.xlsx")}).get_data(as_text=True)
    token = re.search(r"/import/([0-9a-f]{32})/", preview).group(1)
    refuse_row(monkeypatch, 200)
    resp = client.post(f"/villages/{V1}/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 422 and "roster.conflict" in resp.get_data(as_text=True)
    assert rows_written(db) == {**NOTHING, "AuditEvent": 1}


def test_web_import_that_crashes_midway_writes_nothing(app, login_as, db, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer like production: the 500 page, not a traceback
    client = login_as("clerk")
    assert rows_written(db) == {**NOTHING, "AuditEvent": 1}  # the sign-in is audited (issue 10)
    preview = client.post(f"/villages/{V1}/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(ROSTER.read_bytes()), "roster.xlsx")}).get_data(as_text=True)
    token = re.search(r"/import/([0-9a-f]{32})/", preview).group(1)
    crash_at_statement(monkeypatch, db.session, 4)
    resp = client.post(f"/villages/{V1}/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 500 and "Traceback" not in resp.get_data(as_text=True)
    db.session.rollback()
    assert rows_written(db) == {**NOTHING, "AuditEvent": 1}


def test_cli_import_with_a_refused_row_writes_nothing(runner, db, demo, monkeypatch):
    refuse_row(monkeypatch, 100)
    result = runner.invoke(args=["import-roster", str(ROSTER), "--village", V1, "--json"])
    assert result.exit_code == 2 and "roster.conflict" in result.output
    assert rows_written(db) == NOTHING
