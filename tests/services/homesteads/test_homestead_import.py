"""Homestead register import (issue 15 items 3-4): every row of the messy sample gets its expected outcome,
the clean samples import with the expected warnings only, re-import is unchanged, all-or-nothing/partial."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.codes import HOMESTEAD_STATUS
from registry.excel.homesteads.columns import HOMESTEAD
from registry.excel.reader import read_table
from registry.models import AuditEvent, Homestead
from registry.services.homesteads.importer import check_file, import_homesteads
from registry.services.roster.importer import ImportReport
from tests.services.homesteads.helpers import RIGHTS, VILLAGE, village_with_roster

MESSY = RIGHTS / f"homestead_messy_{VILLAGE}.xlsx"
TODAY = date(2026, 6, 15)


def _count(db, *where):
    return db.session.scalar(select(func.count()).select_from(Homestead).where(*where))


def _shown(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def test_messy_file_every_row_gets_its_expected_outcome(db, demo):
    org = village_with_roster(db)
    expected = json.loads((RIGHTS / f"homestead_messy_{VILLAGE}.expected.json").read_text("utf-8"))
    data = MESSY.read_bytes()
    checked = check_file(db.session, data, org, ImportReport(), today=TODAY)
    results, sheet, _households, _current = checked
    assert sheet.sheet_name == "宅基地"
    by_row = {r.row: r for r in results}
    assert sorted(by_row) == [e["row"] for e in expected]
    raw = dict(read_table(data, HOMESTEAD).rows())
    for exp in expected:
        r = by_row[exp["row"]]
        where = f"row {exp['row']}"
        messages = [i.message_zh for i in r.errors]
        assert (r.outcome, r.codes) == (exp["outcome"], exp["codes"]), (where, messages)
        if r.outcome != "accepted":
            continue
        for heading, value in exp["normalised"].items():
            key = HOMESTEAD.match_heading(heading)
            got = HOMESTEAD_STATUS.label(r.values[key]) if key == "status" else _shown(r.values[key])
            if isinstance(r.values[key], Decimal):
                assert Decimal(got) == Decimal(value), (where, heading)
            else:
                assert got == value, (where, heading)
        for key, cell in raw[exp["row"]].items():  # values not listed are stored as read
            if HOMESTEAD.heading(key) in exp["normalised"] or cell is None or key == "status":
                continue
            if isinstance(cell, str):
                assert _shown(r.values[key]) == cell, (where, key)
            elif isinstance(cell, float):
                assert r.values[key] == Decimal(repr(cell)).quantize(Decimal("0.01")), (where, key)
    assert sum(1 for r in results if r.outcome == "accepted") == 31


def test_messy_file_all_or_nothing_writes_nothing(db, demo):
    org = village_with_roster(db)
    report = import_homesteads(db.session, MESSY.read_bytes(), org, actor=None, today=TODAY)
    db.session.commit()
    assert not report.committed and report.errors and not report.file_error
    assert _count(db) == 0
    assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "homestead.import"))


def test_messy_file_partial_imports_households_without_errors(db, demo):
    org = village_with_roster(db)
    report = import_homesteads(db.session, MESSY.read_bytes(), org, actor=None, partial=True, today=TODAY)
    db.session.commit()
    assert report.committed and report.skipped_households
    assert report.created == _count(db) > 0
    assert report.created + report.skipped_rows == report.rows_read == 56
    refused = {"0003", "0078"}  # D-01 second plots in use: the whole household is left out
    assert refused <= set(report.skipped_households)


CLEAN = [("370305100201", 102, 5), ("370305100202", 239, 15), ("370305102201", 464, 36)]


@pytest.mark.parametrize("code,plots,over_cap", CLEAN)
def test_clean_file_imports_without_error_and_reimports_unchanged(db, demo, code, plots, over_cap):
    org = village_with_roster(db, code)
    data = (RIGHTS / f"homestead_{code}.xlsx").read_bytes()
    report = import_homesteads(db.session, data, org, actor=None, filename="h.xlsx", today=TODAY)
    db.session.commit()
    assert report.errors == [] and report.committed
    assert {w["code"] for w in report.warnings} == {"homestead.area_over_cap"}
    assert len(report.warnings) == over_cap
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (plots, plots, 0, 0)
    stmt = select(Homestead.status, func.count()).group_by(Homestead.status)
    statuses = dict(db.session.execute(stmt).all())
    assert statuses["in_use"] == db.session.scalar(
        select(func.count(func.distinct(Homestead.household_id))))
    again = import_homesteads(db.session, data, org, actor=None, filename="h.xlsx", today=TODAY)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, plots)
    assert _count(db) == plots
