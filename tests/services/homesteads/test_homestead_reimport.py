"""Re-imports of the homestead register against what it holds (D-01 over the register), and the cell
rules of the area column (samples README "Rights registers")."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from registry.excel.homesteads.columns import HOMESTEAD_COLUMNS
from registry.excel.homesteads.validate import parse_area
from registry.excel.normalise import INVALID
from registry.models import Homestead
from registry.services.homesteads.importer import import_homesteads
from tests.services.homesteads.helpers import VILLAGE, village_with_homesteads

TODAY = date(2026, 6, 15)
HEAD = {"household_no": "0001", "head_name": "商庆华", "id_number": "370305197504134314"}  # the sample's 0001


def _workbook(rows: list[dict]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "宅基地"
    ws.append([c.heading for c in HOMESTEAD_COLUMNS])
    for row in rows:
        ws.append([row.get(c.key) for c in HOMESTEAD_COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _current(db, number="0001"):
    return db.session.scalar(select(Homestead).join(Homestead.household).where(
        Homestead.status == "in_use", Homestead.valid_to.is_(None), Homestead.household.has(number=number)))


def _row(h: Homestead, **change) -> dict:
    return {"plot_code": h.plot_code, **HEAD, "plot_area": float(h.plot_area),
            "status": "使用中", **change}


def test_D01_new_plot_in_use_refused_while_the_register_holds_one(db, demo):
    org = village_with_homesteads(db)
    old = _current(db)
    data = _workbook([{"plot_code": f"{VILLAGE}JC90009", **HEAD, "plot_area": 120,
                       "status": "使用中"}])
    report = import_homesteads(db.session, data, org, actor=None, today=TODAY)
    assert not report.committed and [e["code"] for e in report.errors] == ["homestead.second_in_use"]
    assert old.plot_code in report.errors[0]["message"]


def test_plot_withdrawn_and_new_plot_in_use_in_one_file(db, demo):
    org = village_with_homesteads(db)
    old = _current(db)
    data = _workbook([_row(old, status="已有偿退出"),
                      {"plot_code": f"{VILLAGE}JC90009", **HEAD, "plot_area": "125.5㎡",
                       "status": "使用中"}])
    report = import_homesteads(db.session, data, org, actor=None, today=TODAY)
    db.session.commit()
    assert report.committed and (report.created, report.updated) == (1, 1), report.errors
    assert _current(db).plot_code == f"{VILLAGE}JC90009" and _current(db).plot_area == Decimal("125.50")
    assert ("状态", "使用中", "已有偿退出") in report.diff["changed"][0]["fields"]


def test_area_cells():
    assert parse_area("1２０．８４") == Decimal("120.84")
    assert parse_area("110.88平方米") == Decimal("110.88") and parse_area(" 69.1 m² ") == Decimal("69.10")
    assert parse_area(120.845) == Decimal("120.85")  # ROUND_HALF_UP to 2 places
    for bad in ("约150", "待测", "0", -80.0, 0.0, "1.5亩", True):
        assert parse_area(bad) is INVALID, bad
    assert parse_area(None) is None and parse_area("  ") is None


def test_D13_a_registered_plot_listed_under_another_household_is_refused_not_moved(db, demo):
    """A homestead changes household only by a recorded transfer or paid withdrawal (D-07, D-13, issue 11),
    never by a re-import: ``homestead.other_household`` on that row; with ``partial`` the row's household is
    left out and the plot stays where it is."""
    from registry.models import Household, HouseholdMember, Person

    org = village_with_homesteads(db)
    old = _current(db)
    other = db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                      Household.id != old.household_id).order_by(Household.number))
    member = db.session.scalar(select(Person).join(HouseholdMember, HouseholdMember.person_id == Person.id)
                               .where(HouseholdMember.household_id == other.id, HouseholdMember.valid_to.is_(None)))
    row = _row(old, household_no=other.number, head_name=member.name, id_number=member.id_number,
               status="已流转")
    report = import_homesteads(db.session, _workbook([row]), org, actor=None, today=TODAY)
    assert not report.committed and [e["code"] for e in report.errors] == ["homestead.other_household"]
    assert old.plot_code in report.errors[0]["message"] and "0001" in report.errors[0]["message"]
    db.session.rollback()
    partial = import_homesteads(db.session, _workbook([row]), org, actor=None, today=TODAY, partial=True)
    assert partial.skipped_households == [other.number]
    db.session.commit()
    db.session.expire_all()
    assert _current(db).plot_code == old.plot_code  # still 0001's, still in use
