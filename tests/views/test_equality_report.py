"""W-07: confirmations, rejections and losses by sex and reason, per organisation, town and district,
on screen and as .xlsx."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from registry.services.membership.changes import end_membership
from tests.services.filing_helpers import add_household, org, user

V1, T1, V2 = "370305100201", "370305100000", "370305100202"
TODAY = dt.date(2026, 6, 15)
D = dt.date


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def data(db, demo):
    s = db.session
    members = add_household(s, org(s), "0001", [("甲", "1", D(1970, 1, 1), "02"), ("乙", "2", D(1972, 1, 1), "10"),
                                                 ("丙", "2", D(1995, 1, 1), "20")])
    add_household(s, org(s, V2), "0001", [("丁", "2", D(1980, 1, 1), "02")])
    rejected = add_household(s, org(s), "0002", [("戊", "2", D(1990, 1, 1), "02")], status="pending",
                             ground="marriage")[0]
    rejected.status, rejected.rejection_reason = "rejected", "已出嫁"
    end_membership(s, members[2], ground="death", lost_at=D(2026, 1, 5), actor=user(s, "clerk"), today=TODAY)
    s.commit()


def _cells(html: str, table: str) -> str:
    return html.split(f'id="w07-{table}"')[1].split("</table>")[0]


def test_W07_report_per_organisation_town_and_district(login_as, data):
    html = login_as("clerk").get(f"/reports/{V1}/w07").get_data(as_text=True)
    rows = _cells(html, "organisations")
    # 3 reform confirmations in 东柳庄村: 1 man, 2 women; one woman lost by death; one woman not confirmed.
    assert "<td>确认</td><td>改革确认</td><td>1</td><td>2</td><td>0</td><td>3</td>" in rows.replace("\n", "")
    assert "<td>丧失</td><td>死亡</td><td>0</td><td>1</td><td>0</td><td>1</td>" in rows.replace("\n", "")
    assert "<td>不予确认</td><td>已出嫁</td><td>0</td><td>1</td><td>0</td><td>1</td>" in rows.replace("\n", "")
    assert 'id="w07-towns"' not in html and "北槐村" not in html  # a clerk sees the own village only
    town = login_as("town").get(f"/reports/{T1}/w07").get_data(as_text=True)
    assert "<td>镇</td><td>370305100000</td><td>齐都镇</td><td>确认</td><td>改革确认</td><td>1</td><td>3</td>" in \
        _cells(town, "towns").replace("\n", "")
    district = login_as("district").get("/reports/370305000000/w07?start=2026-01-01").get_data(as_text=True)
    # From 2026-01-01 only the death is in the period (the confirmations are of 2019).
    assert "<td>区</td><td>370305000000</td><td>临淄区</td><td>丧失</td><td>死亡</td><td>0</td><td>1</td>" in \
        _cells(district, "district").replace("\n", "")
    assert "确认</td><td>改革确认" not in district
    assert login_as("clerk").get(f"/reports/{V2}/w07").status_code == 404


def test_W07_workbook(login_as, data):
    resp = login_as("town").get(f"/reports/{T1}/w07.xlsx")
    assert resp.status_code == 200 and "W-07" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["按集体经济组织", "按镇"]
    rows = list(wb["按集体经济组织"].iter_rows(values_only=True))
    assert rows[0] == ("层级", "区划代码", "名称", "类别", "原因", "男", "女", "未说明", "合计")
    assert [r[1:] for r in rows if r[1] == V2] == [
        (V2, "临淄区齐都镇北槐村股份经济合作社", "确认", "改革确认", 0, 1, 0, 1)]
