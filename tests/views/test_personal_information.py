"""Personal information (registry/permissions.py, views/roster.py, services/exports.py, views/audit.py):
full ID numbers only where the role needs them, every full-number view and every export audited (who,
which area, how many rows), and the district's audit log page with its filters."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from registry.models import AuditEvent
from registry.services import audit
from tests.conftest import make_id

V1 = "370305100201"
FULL = make_id(seq="101")
MASKED = FULL[:6] + "********" + FULL[-4:]


@pytest.fixture
def member(demo, add_member):
    add_member(V1, "张三", FULL)
    return add_member(V1, "张四", make_id(seq="103"), relation="10")


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_clerk_sees_full_ids_and_the_view_is_audited(login_as, db, member):
    html = login_as("clerk").get(f"/villages/{V1}/roster").get_data(as_text=True)
    assert FULL in html
    [event] = events(db, "view.roster_full_ids")
    assert event.detail["rows"] == 2 and event.area_code == V1
    assert event.actor_id is not None and "searched" in event.detail


def test_search_text_is_not_written_to_the_audit_log(login_as, db, member):
    login_as("clerk").get(f"/villages/{V1}/roster", query_string={"q": FULL})
    [event] = events(db, "view.roster_full_ids")
    assert FULL not in str(event.detail) and event.detail["searched"] is True


def test_member_page_with_full_id_is_audited_with_its_household_rows(login_as, db, member):
    html = login_as("clerk").get(f"/villages/{V1}/members/{member.id}").get_data(as_text=True)
    assert FULL in html
    [event] = events(db, "view.member_full_id")
    assert event.target_id == member.id and event.detail["rows"] == 2


@pytest.mark.parametrize("user", ["town", "district", "admin"])
def test_officers_see_masked_ids_and_leave_no_full_id_event(login_as, db, member, user):
    client = login_as(user)
    for url in (f"/villages/{V1}/roster", f"/villages/{V1}/members/{member.id}"):
        html = client.get(url).get_data(as_text=True)
        assert MASKED in html and FULL not in html
    assert not events(db, "view.roster_full_ids") and not events(db, "view.member_full_id")


def _ids_in(xlsx: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "证件号码" in r)
    col = rows[header].index("证件号码")
    return [r[col] for r in rows[header + 1:] if r[col]]


def test_district_export_has_full_ids_and_town_export_is_masked(login_as, db, member):
    url = f"/exports/{V1}/roster.xlsx?current=1"
    district = login_as("district").get(url)
    assert FULL in _ids_in(district.data)
    town = login_as("town").get(url)
    assert MASKED in _ids_in(town.data) and FULL not in _ids_in(town.data)
    assert "%E8%84%B1%E6%95%8F" in town.headers["Content-Disposition"]  # 脱敏 in the file name
    exported = events(db, "export.roster")
    assert [(e.detail["masked"], e.detail["rows"]) for e in exported] == [(False, 2), (True, 2)]
    assert all(e.actor_id for e in exported)


def test_roles_with_full_ids_in_exports_are_a_setting(app, login_as, db, member):
    app.config["FULL_ID_EXPORT_ROLES"] = ["district", "town"]
    assert FULL in _ids_in(login_as("town").get(f"/exports/{V1}/roster.xlsx?current=1").data)
    app.config["FULL_ID_EXPORT_ROLES"] = []
    assert FULL not in _ids_in(login_as("district").get(f"/exports/{V1}/roster.xlsx?current=1").data)


# --- the audit log page ---------------------------------------------------------------------------------

def _seed(db, n: int, action: str, area_code: str) -> None:
    for i in range(n):
        audit.record(db.session, actor=None, action=action, target_type="area", target_id=i,
                     area_code=area_code, rows=i)
    db.session.commit()


def test_audit_page_lists_events_newest_first_in_chinese(login_as, db, demo):
    _seed(db, 2, "export.roster", V1)
    html = login_as("district").get("/audit").get_data(as_text=True)
    assert "审计日志" in html and "导出名册" in html and "东柳庄村" in html and "命令行" in html
    assert "共 3 条记录" in html  # and the district officer's sign-in
    first, second = html.index(">1</td>"), html.index(">0</td>")
    assert first < second  # newest (rows=1) first


def test_audit_page_filters_by_action_and_area(login_as, db, demo):
    _seed(db, 3, "export.roster", V1)
    _seed(db, 2, "export.summary", "370305102000")
    client = login_as("district")
    assert "共 3 条记录" in client.get("/audit?action=export.roster").get_data(as_text=True)
    assert "共 2 条记录" in client.get("/audit?area=370305102").get_data(as_text=True)
    assert "共 0 条记录" in client.get("/audit?action=export.summary&area=370305100").get_data(as_text=True)
    bad = client.get("/audit?area=37x").get_data(as_text=True)
    assert "请输入6至12位区划代码" in bad


def test_audit_page_is_paginated(login_as, db, demo):
    _seed(db, 60, "export.roster", V1)
    client = login_as("admin")
    page1 = client.get("/audit").get_data(as_text=True)
    assert "共 61 条记录" in page1  # and the administrator's sign-in and "/audit?page=2" in page1
    page2 = client.get("/audit?page=2").get_data(as_text=True)
    assert page2.count("导出名册") >= 10
