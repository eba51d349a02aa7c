"""Statistical reports on screen, as .xlsx and their records lists (issue 12 items 2–3): every figure of the
member statistics (and of the other reports on a seeded district) equals the length of the list behind
it; each workbook opens with the title row; town / district / administrator only, scoped by area (F-02
filing progress, H-01 hukou-decoupled members among them)."""
from __future__ import annotations

import html
import io
import re

import pytest
from python_calamine import CalamineWorkbook

import registry.views.reports as views
from registry.services.homesteads.importer import import_homesteads
from registry.services.land.importer import import_land
from tests.services.homesteads.helpers import RIGHTS, village_with_roster

V1, T1, D = "370305100201", "370305100000", "370305000000"
V_OUT, T_OUT = "370305102201", "370305102000"
FIGURE = re.compile(r'<a class="figure" href="([^"]+)">([^<]+)</a>')
TOTAL = re.compile(r'<span class="record-count">共 (\d+) 条</span>')
FULL_ID = re.compile(r"\b\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]\b")  # a resident ID


@pytest.fixture
def seeded(db, demo, clock):
    """东柳庄村 with its sample roster, land and homestead registers; 后杨家村 (another town) with its roster."""
    org = village_with_roster(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None).committed
    assert import_homesteads(db.session, (RIGHTS / f"homestead_{V1}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    village_with_roster(db, V_OUT)


def _figures_match_lists(client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, url
    figures = FIGURE.findall(page.get_data(as_text=True))
    for href, value in figures:
        records = client.get(html.unescape(href))
        assert records.status_code == 200, href
        text = records.get_data(as_text=True)
        total = int(TOTAL.search(text).group(1))
        if "." in value:  # an area (亩): the list's records carry it; the count figures are checked below
            continue
        assert total == int(value), f"{href}: figure {value}, list {total}"
        assert not FULL_ID.search(text), f"{href} shows a full ID number"
    return len(figures)


@pytest.mark.parametrize("user,code", [("town", T1), ("district", D)])
def test_member_statistics_figures_equal_their_lists(seeded, login_as, user, code):
    client = login_as(user)
    assert _figures_match_lists(client, f"/statistics/{code}/members") >= 9 * 2


@pytest.mark.parametrize("name,query", [("changes", "?from=2015-01-01"), ("hukou", ""), ("filing", ""),
                                        ("homesteads", ""), ("land", "")])
def test_other_report_figures_equal_their_lists(seeded, login_as, name, query):
    client = login_as("district")
    assert _figures_match_lists(client, f"/statistics/{D}/{name}{query}") > 0


def test_member_statistics_on_screen(seeded, login_as):
    text = login_as("town").get(f"/statistics/{T1}/members").get_data(as_text=True)
    assert "齐都镇（370305100000）成员统计表（截至 2026-06-15）" in text
    assert "东柳庄村" in text and "后杨家村" not in text  # another town's village is not in the town's report
    district = login_as("district").get(f"/statistics/{D}/members").get_data(as_text=True)
    assert "皇城镇" in district and "齐都镇" in district
    assert "按镇（街道）" in district and "按村" in district and "东柳庄村" in district and "后杨家村" in district


def test_hukou_report_lists_members_with_hukou_outside_and_their_rights(seeded, login_as):
    text = login_as("district").get(f"/statistics/{V1}/hukou").get_data(as_text=True)
    assert "人员及保留的权益" in text and "承包面积（亩）" in text
    assert not FULL_ID.search(text)


@pytest.mark.parametrize("name", ["members", "changes", "hukou", "filing", "land", "homesteads", "transfers",
                                  "dividends"])
def test_each_report_xlsx_opens_with_the_title_row(seeded, login_as, name):
    resp = login_as("district").get(f"/statistics/{D}/{name}.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    book = CalamineWorkbook.from_filelike(io.BytesIO(resp.data))
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python()
        assert rows[0][0].startswith("临淄区（370305000000）"), rows[0]
        assert "截至 2026-06-15" in rows[0][0] or "至 2026-06-15" in rows[0][0]
    if name in ("transfers", "dividends"):  # no register yet in the seeded district
        assert book.get_sheet_by_name(book.sheet_names[0]).to_python()[1] == ["尚未登记"]


def test_a_register_without_data_says_not_recorded(seeded, login_as):
    text = login_as("district").get(f"/statistics/{D}/dividends").get_data(as_text=True)
    assert "尚未登记" in text and 'class="figure"' not in text


def test_scope_clerk_403_other_area_404(seeded, login_as):
    assert login_as("clerk").get(f"/statistics/{V1}/members").status_code == 403
    town = login_as("town")
    assert town.get(f"/statistics/{T_OUT}/members").status_code == 404
    assert town.get(f"/statistics/{V_OUT}/members.xlsx").status_code == 404
    # a records list of another town's village, asked through the town's own report: 404
    assert town.get(f"/statistics/{T1}/members/records", query_string={"cell": f"{V_OUT}:members"}).status_code == 404
    assert town.get(f"/statistics/{T1}/members/records", query_string={"cell": f"{V1}:nonsense"}).status_code == 404
    assert town.get(f"/statistics/{T1}/nonsense").status_code == 404


def test_bad_dates_are_refused_with_a_message(seeded, login_as):
    client = login_as("district")
    resp = client.get(f"/statistics/{D}/changes", query_string={"from": "2026-05-01", "to": "2026-02-30"})
    assert resp.status_code == 400 and "不是有效日期" in resp.get_data(as_text=True)
    resp = client.get(f"/statistics/{D}/changes", query_string={"from": "2026-05-01", "to": "2026-04-01"})
    assert resp.status_code == 400 and "晚于截止日期" in resp.get_data(as_text=True)
    assert client.get(f"/statistics/{D}/members.xlsx", query_string={"to": "2027-01-01"}).status_code == 400
    resp = client.get(f"/statistics/{D}/filing", query_string={"to": "2026-01-01"})  # the register as it is now
    assert resp.status_code == 400 and "只统计当前" in resp.get_data(as_text=True)


def test_records_list_is_paginated(seeded, login_as):
    client = login_as("district")
    first = client.get(f"/statistics/{D}/members/records", query_string={"cell": f"{D}:members"})
    text = first.get_data(as_text=True)
    total = int(TOTAL.search(text).group(1))
    assert total > 50 and text.count("<tr>") == 50 + 1  # the heading row and 50 records
    last = client.get(f"/statistics/{D}/members/records",
                      query_string={"cell": f"{D}:members", "page": (total + 49) // 50})
    assert last.get_data(as_text=True).count("<tr>") == total - 50 * ((total - 1) // 50) + 1


def test_statistics_nav_entry_for_officers(seeded, login_as):
    page = login_as("town").get(f"/statistics/{T1}").get_data(as_text=True)
    assert f'href="/statistics/{T1}"' in page and "统计报表" in page
    assert f'href="/statistics/{T1}/members"' in page
    assert f'href="/statistics/{V1}"' in page  # the town's villages
    assert "/statistics/" not in login_as("clerk").get(f"/villages/{V1}/roster").get_data(as_text=True)


def test_long_tables_are_cut_on_screen_not_in_the_workbook(seeded, login_as, monkeypatch):
    monkeypatch.setattr(views, "SCREEN_ROWS", 5)
    client = login_as("district")
    text = client.get(f"/statistics/{V1}/hukou").get_data(as_text=True)
    assert "页面显示前 5 行" in text
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get(f"/statistics/{V1}/hukou.xlsx").data))
    assert len(book.get_sheet_by_name("人员及保留的权益").to_python()) > 5 + 2
