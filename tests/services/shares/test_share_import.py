"""Share register import (股权台账): the shared messy file row by row, the clean files, re-import."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.excel.reader import read_table
from registry.excel.shares.columns import SHARES
from registry.excel.shares.validate import shown_values
from registry.models.shares import ShareCertificate, ShareHolding
from registry.services.shares.importer import import_shares
from tests.services.shares.helpers import RIGHTS, TODAY, VILLAGES, roster_imported, shares_file

TOTALS = {"370305100201": (94, Decimal(347), Decimal("6075.5")),
          "370305100202": (225, Decimal(804), Decimal(13198)),
          "370305102201": (427, Decimal(1446), Decimal("24135.5"))}


def _units(db, org, share_type):
    return db.session.scalar(select(func.sum(ShareHolding.units)).where(
        ShareHolding.organization_id == org.id, ShareHolding.share_type == share_type,
        ShareHolding.valid_to.is_(None)))


def test_messy_file_every_row_gets_its_expected_outcome(db, demo):
    org = roster_imported(db)
    data = shares_file(messy=True)
    expected = json.loads((RIGHTS / "shares_messy_370305100201.expected.json").read_text("utf-8"))
    report = import_shares(db.session, data, org, actor=None, filename="m.xlsx", dry_run=True, today=TODAY)
    assert not report.file_error and report.rows_read == len(expected) == 60
    codes: dict[int, set] = {}
    levels: dict[int, set] = {}
    for item, level in [(e, "error") for e in report.errors] + [(w, "warning") for w in report.warnings]:
        codes.setdefault(item["row"], set()).add(item["code"])
        levels.setdefault(item["row"], set()).add(level)
    for exp in expected:
        assert exp["sheet"] == "股权台账"
        where = f"row {exp['row']}"
        assert codes.get(exp["row"], set()) == set(exp["codes"]), where
        outcome = "error" if "error" in levels.get(exp["row"], set()) else "accepted"
        assert outcome == exp["outcome"], where
    # normalised values of the accepted rows (compared as the register shows them)
    sheet = read_table(data, SHARES, names=("股权台账",))
    from registry.excel.shares.validate import validate_shares

    results = {r.row: r for r in validate_shares(sheet.rows(), today=TODAY)}
    raw = dict(sheet.rows())
    for exp in expected:
        if exp["outcome"] != "accepted":
            continue
        shown = shown_values(results[exp["row"]].values)
        for heading, value in exp["normalised"].items():
            if heading in ("人口股", "农龄股", "股份合计"):
                assert Decimal(shown[heading]) == Decimal(value), (exp["row"], heading)
            else:
                assert shown[heading] == value, (exp["row"], heading)
        for key, cell in raw[exp["row"]].items():  # values not listed are stored as read
            heading = SHARES.heading(key)
            if heading in exp["normalised"] or cell is None or key == "certificate_no":
                continue
            if isinstance(cell, str):
                assert shown[heading] == cell, (exp["row"], heading)
            elif isinstance(cell, (int, float)):
                assert Decimal(shown[heading]) == Decimal(repr(cell)), (exp["row"], heading)
    assert (report.created, report.updated, report.unchanged) == (38, 0, 0)
    assert not report.committed  # errors: all or nothing


def test_messy_file_partial_imports_the_38_good_rows(db, demo):
    org = roster_imported(db)
    report = import_shares(db.session, shares_file(messy=True), org, actor=None, partial=True, today=TODAY)
    db.session.commit()
    assert report.committed and report.rows_to_import == 38
    assert db.session.scalar(select(func.count(func.distinct(ShareHolding.household_id)))
                             .where(ShareHolding.organization_id == org.id)) == 38


@pytest.mark.parametrize("code", VILLAGES)
def test_clean_files_import_without_codes_and_reimport_unchanged(db, demo, code):
    org = roster_imported(db, code)
    households, population, farm_age = TOTALS[code]
    report = import_shares(db.session, shares_file(code), org, actor=None, filename="s.xlsx", today=TODAY)
    db.session.commit()
    assert report.errors == [] and report.warnings == [] and report.committed
    assert (report.rows_read, report.created) == (households, households)
    assert _units(db, org, "population") == population and _units(db, org, "farm_age") == farm_age
    assert db.session.scalar(select(func.count()).select_from(ShareCertificate)
                             .where(ShareCertificate.organization_id == org.id)) == households
    again = import_shares(db.session, shares_file(code), org, actor=None, filename="s.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, households)


def _with_issued_on(data: bytes, household_no: str, day) -> bytes:
    """The file with the 发证日期 of one household changed (nothing else)."""
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    heading = next(r for r in ws.iter_rows() if any(c.value == "发证日期" for c in r))
    col = next(c.column for c in heading if c.value == "发证日期")
    key = next(c.column for c in heading if c.value == "户编号")
    row = next(r for r in ws.iter_rows(min_row=heading[0].row + 1) if r[key - 1].value == household_no)
    ws.cell(row=row[0].row, column=col, value=day)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_reimport_with_only_the_issue_date_changed_is_an_update(db, demo):
    """QA finding: a row whose units and 股权证号 match but whose 发证日期 differs was counted unchanged and
    the corrected date dropped. It is an update: the certificate's date is the new one, the audit event
    says old → new."""
    import datetime as dt

    from registry.models import AuditEvent
    org = roster_imported(db)
    assert import_shares(db.session, shares_file(), org, actor=None, filename="s.xlsx", today=TODAY).committed
    db.session.commit()
    corrected = _with_issued_on(shares_file(), "0001", dt.datetime(2019, 10, 8))
    again = import_shares(db.session, corrected, org, actor=None, filename="s2.xlsx", today=TODAY)
    db.session.commit()
    assert again.errors == [] and (again.created, again.updated, again.unchanged) == (0, 1, 93)
    cert = db.session.scalar(select(ShareCertificate).where(ShareCertificate.organization_id == org.id,
                                                            ShareCertificate.number == "东柳庄股证字第0001号"))
    assert cert.issued_on == dt.date(2019, 10, 8) and cert.status == "issued"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shares.updated"))
    detail = event.detail if isinstance(event.detail, dict) else json.loads(event.detail)
    assert detail["issued_on"] == "2019-10-08" and detail["old"]["issued_on"] == "2019-09-26"
    # the holdings are untouched: no new holding opened for an unchanged number of units
    assert db.session.scalar(select(func.count()).select_from(ShareHolding).where(
        ShareHolding.organization_id == org.id, ShareHolding.valid_to.is_not(None))) == 0
    third = import_shares(db.session, corrected, org, actor=None, filename="s2.xlsx", today=TODAY)
    assert (third.updated, third.unchanged) == (0, 94)
