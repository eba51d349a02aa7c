"""Exports (issue 2 §7): the roster export re-imports as all unchanged; formula-safe; summary counts."""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from registry.models import AuditEvent, Membership
from registry.services.areas import area_by_code, organization_for_village
from registry.services.exports import export_roster, export_summary
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES


def _import(db, code):
    org = organization_for_village(db.session, code)
    report = import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), org, actor=None)
    db.session.commit()
    assert report.committed
    return org


def test_current_village_export_reimports_unchanged(db, demo):
    org = _import(db, "370305100201")
    result = export_roster(db.session, area_by_code(db.session, "370305100201"), actor=None, filed_only=False)
    db.session.commit()
    assert result.rows == 347
    again = import_roster(db.session, result.data, org, actor=None)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 347, [])
    ws = openpyxl.load_workbook(io.BytesIO(result.data)).active
    header = [c.value for c in ws[2]]
    ids = [r[header.index("证件号码")] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert all(isinstance(i, str) and len(i) == 18 for i in ids)  # IDs as text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.roster"))
    assert event.detail["rows"] == 347


def test_export_neutralises_formula_text_and_reimports_it_unchanged(db, demo):
    org = _import(db, "370305100201")
    member = db.session.scalars(select(Membership).where(Membership.organization_id == org.id)).first()
    member.notes = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    result = export_roster(db.session, area_by_code(db.session, "370305100201"), actor=None, filed_only=False)
    ws = openpyxl.load_workbook(io.BytesIO(result.data)).active
    header = [c.value for c in ws[2]]
    notes = [r[header.index("备注")] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in notes
    assert not any(isinstance(n, str) and n.startswith("=") for n in notes)
    again = import_roster(db.session, result.data, org, actor=None)
    assert again.unchanged == 347


def test_town_export_carries_village_code_column(db, demo):
    _import(db, "370305100201")
    _import(db, "370305100202")
    result = export_roster(db.session, area_by_code(db.session, "370305100"), actor=None, filed_only=False)
    ws = openpyxl.load_workbook(io.BytesIO(result.data)).active
    header = [c.value for c in ws[2]]
    codes = {r[header.index("村代码")] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert codes == {"370305100201", "370305100202"}
    assert result.rows == 347 + 804


def test_filed_export_is_empty_before_any_filing(db, demo):
    _import(db, "370305100201")
    result = export_roster(db.session, area_by_code(db.session, "370305100201"), actor=None)
    assert result.rows == 0


def test_summary_counts_by_sex_ground_and_hukou(db, demo):
    _import(db, "370305102201")
    result = export_summary(db.session, area_by_code(db.session, "370305"), actor=None)
    wb = openpyxl.load_workbook(io.BytesIO(result.data))
    rows = list(wb["按村汇总"].iter_rows(values_only=True))
    header = rows[0]
    row = next(r for r in rows if r[1] == "370305102201")
    members = row[header.index("成员数")]
    assert members == 1444  # 1,446 rows, two of them 待确认 candidates
    assert row[header.index("男")] + row[header.index("女")] == members
    assert row[header.index("待确认人员")] == 2
    grounds = sum(row[header.index(g)] for g in ("改革确认", "出生", "婚姻", "收养", "政策性移民"))
    assert grounds == members
    assert 0 < row[header.index("户籍不在本村的成员")] < members
    towns = list(wb["按镇街汇总"].iter_rows(values_only=True))
    assert towns[-1][1] == "合计" and towns[-1][towns[0].index("成员数")] == members
