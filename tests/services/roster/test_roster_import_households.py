"""Roster import against an existing roster: household moves keep exactly one head (M-25), partial
imports leave out every household a left-out row touches, village codes must match, members
missing from the file are reported and kept, values the database could not hold are row errors."""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import func, select

from registry.models import Household, HouseholdMember, Membership, Person
from registry.services.areas import organization_for_village
from registry.services.roster.checks import headless_households
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

VILLAGE = "370305100201"
DATA = (SAMPLES / f"roster_{VILLAGE}.xlsx").read_bytes()


def _edit(data: bytes, changes: dict[tuple[int, str], object], *, delete_rows=()) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    headings = [c.value for c in ws[2]]
    for (row, heading), value in changes.items():
        ws.cell(row=row, column=headings.index(heading) + 1, value=value)
    for row in sorted(delete_rows, reverse=True):
        ws.delete_rows(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(data: bytes, row: int, heading: str):
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return ws.cell(row=row, column=[c.value for c in ws[2]].index(heading) + 1).value


def _org(db):
    return organization_for_village(db.session, VILLAGE)


def _import(db, data, **kw):
    report = import_roster(db.session, data, _org(db), actor=None, **kw)
    db.session.commit()
    return report


def test_M25_member_moves_to_another_household_and_back(db, demo):
    _import(db, DATA)
    # Row 5 is a non-head member; move them into household 0002 and back again.
    assert _cell(DATA, 5, "与户主关系") != "户主"
    original_hh = _cell(DATA, 5, "户编号")
    target = "0002" if original_hh != "0002" else "0003"
    moved = _import(db, _edit(DATA, {(5, "户编号"): target}))
    assert (moved.committed, moved.updated) == (True, 1)
    back = _import(db, DATA)
    assert (back.committed, back.updated, back.errors) == (True, 1, [])
    assert headless_households(db.session, _org(db)) == []
    person = db.session.scalar(select(Person).where(Person.id_number == _cell(DATA, 5, "证件号码")))
    links = db.session.scalars(select(HouseholdMember).where(HouseholdMember.person_id == person.id)).all()
    current = [link for link in links if link.valid_to is None]
    assert len(current) == 1 and current[0].household.number == original_hh
    assert len(links) == 2  # the stay in the other household stays on record


def test_M25_partial_import_leaves_out_households_a_left_out_row_touches(db, demo):
    _import(db, DATA)
    assert _cell(DATA, 3, "与户主关系") == "户主"
    head_hh = _cell(DATA, 3, "户编号")
    # Move only the head of the first household to a new household: the old one has no head.
    report = _import(db, _edit(DATA, {(3, "户编号"): "0999"}), partial=True)
    assert report.committed
    assert head_hh in report.skipped_households and "0999" in report.skipped_households
    assert headless_households(db.session, _org(db)) == []
    assert db.session.scalar(select(func.count()).select_from(Household).where(Household.number == "0999")) == 0


def test_M25_file_that_would_leave_a_household_headless_writes_nothing(db, demo):
    _import(db, DATA)
    head_hh = _cell(DATA, 3, "户编号")
    ws = openpyxl.load_workbook(io.BytesIO(DATA)).active
    headings = [c.value for c in ws[2]]
    same_household = [r for r in range(4, ws.max_row + 1)
                      if ws.cell(row=r, column=headings.index("户编号") + 1).value == head_hh]
    # The head moves to 0999 and the household's other members are not in the file at all.
    data = _edit(DATA, {(3, "户编号"): "0999"}, delete_rows=same_household)
    report = _import(db, data)
    assert not report.committed
    assert [e["code"] for e in report.errors] == ["household.no_head"]
    assert head_hh in report.errors[0]["message"]
    assert headless_households(db.session, _org(db)) == []
    assert db.session.scalar(select(func.count()).select_from(Household).where(Household.number == "0999")) == 0


def test_village_code_column_of_another_village_is_a_row_error(db, demo):
    wb = openpyxl.load_workbook(io.BytesIO(DATA))
    ws = wb.active
    ws.cell(row=2, column=ws.max_column + 1, value="村代码")
    for r in range(3, ws.max_row + 1):
        ws.cell(row=r, column=ws.max_column, value="370305100202")
    buf = io.BytesIO()
    wb.save(buf)
    report = _import(db, buf.getvalue())
    assert not report.committed
    assert {e["code"] for e in report.errors} == {"village.invalid"}
    assert len(report.errors) == 347


def test_members_missing_from_the_file_are_reported_and_kept(db, demo):
    _import(db, DATA)
    last = openpyxl.load_workbook(io.BytesIO(DATA)).active.max_row
    report = _import(db, _edit(DATA, {}, delete_rows=[last]))
    assert report.committed and report.unchanged == 346
    codes = [w["code"] for w in report.warnings]
    assert "roster.not_in_file" in codes
    message = next(w["message"] for w in report.warnings if w["code"] == "roster.not_in_file")
    # The one missing member is counted and named, and the message says nothing changes for them.
    assert f"名册中有 1 名成员不在本文件中（{_cell(DATA, last, '成员姓名')}）" in message
    assert "导入不改变他们的成员身份" in message
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.status == "confirmed")) == 347


def test_values_the_database_cannot_hold_are_row_errors(db, demo):
    data = _edit(DATA, {(3, "户籍所在地"): "山" * 121, (4, "人口股"): 1e20, (5, "户编号"): "12345",
                        (6, "联系电话"): "1" * 31})
    report = _import(db, data)
    codes = {(e["row"], e["code"]) for e in report.errors}
    assert {(3, "value.too_long"), (4, "shares.invalid"), (5, "household.invalid"), (6, "value.too_long")} <= codes
    assert not report.committed
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
