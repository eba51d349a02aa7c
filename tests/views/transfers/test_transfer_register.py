"""The transaction register over HTTP, its .xlsx export and the ``transfers`` CLI (issue 11): filters (type,
state, period of the agreement date), totals computed in SQL equal the listed rows; the export opens, keeps
codes as text and money with 2 decimals, and its total row equals its rows; ``--json``."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import event

from registry.services.homesteads.importer import import_homesteads
from tests.services.homesteads.helpers import RIGHTS
from tests.services.shares.helpers import TODAY
from tests.views.transfers.helpers import (
    TOWN,
    VILLAGE,
    VOLUNTARY,
    homesteads_in_use,
    households,
    new_transfer,
    share_form,
    with_shares,
)

ROW = re.compile(r'<tr data-transfer="\d+">(.*?)</tr>', re.S)
NUM = re.compile(r'<td class="num">([^<]*)</td>')


@pytest.fixture
def three(db, app, login_as, clock):
    """Three drafts in 东柳庄村: a share transfer (1 unit, 100.00), a buy-back (2 units, 300.50) and a
    homestead withdrawal (the plot's m², 20000.00 typed in full-width digits)."""
    app.config["WTF_CSRF_ENABLED"] = False
    org = with_shares(db)
    assert import_homesteads(db.session, (RIGHTS / f"homestead_{VILLAGE}.xlsx").read_bytes(), org,
                             actor=None).committed
    db.session.commit()
    hh = households(db, org)
    plot = homesteads_in_use(db, org)[0]
    clerk = login_as("clerk")
    for data in (share_form(hh[0], hh[1]),
                 share_form(hh[2], None, units="2", price="300.50", type="share_buyback"),
                 {"type": "homestead_withdrawal", "homestead": str(plot.id), "price": "２０，０００．００",  # as typed
                  "agreement_date": TODAY.isoformat(), **VOLUNTARY}):
        assert new_transfer(clerk, data).status_code == 302
    return clerk, plot


def _rows(html: str) -> list[list[str]]:
    return [NUM.findall(row) for row in ROW.findall(html)]


def test_register_totals_equal_the_listed_rows(three):
    clerk, plot = three
    html = clerk.get(f"/areas/{VILLAGE}/transfers").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 3 and "共 3 笔" in html
    foot = NUM.findall(html.split('<tr id="totals">')[1].replace("<th", "<td").replace("</th>", "</td>"))
    price = sum((Decimal(r[-1]) for r in rows), Decimal(0))
    m2 = sum((Decimal(r[2]) for r in rows if r[2]), Decimal(0))
    assert (Decimal(foot[-1]), Decimal(foot[2])) == (price, m2) == (Decimal("20400.50"), plot.plot_area)
    assert Decimal(foot[0]) == sum((Decimal(r[0]) for r in rows if r[0]), Decimal(0)) == 3
    # filters: type, state, period of the agreement date
    buyback = clerk.get(f"/areas/{VILLAGE}/transfers?type=share_buyback").get_data(as_text=True)
    assert len(_rows(buyback)) == 1 and "共 1 笔" in buyback and "300.50" in buyback
    assert "共 3 笔" in clerk.get(f"/areas/{VILLAGE}/transfers?state=draft").get_data(as_text=True)
    later = clerk.get(f"/areas/{VILLAGE}/transfers?date_from=2026-06-16").get_data(as_text=True)
    assert _rows(later) == [] and "共 0 笔" in later
    assert "新建交易" in html  # the village's clerk drafts from the register


def test_town_and_district_registers_roll_up(three, login_as):
    for user, code in (("town", TOWN), ("district", "370305000000")):
        html = login_as(user).get(f"/areas/{code}/transfers").get_data(as_text=True)
        assert len(_rows(html)) == 3 and "共 3 笔" in html and "新建交易" not in html


def test_export_opens_codes_as_text_money_two_decimals_totals_match(three, login_as):
    resp = login_as("town").get(f"/areas/{TOWN}/transfers.xlsx")
    assert resp.status_code == 200 and "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data))["交易登记簿"]
    assert ws.cell(3, 1).value == "登记编号" and ws.cell(3, 16).value == "价款（元）"
    data = [r for r in ws.iter_rows(min_row=4) if r[0].value != "合计"]
    total = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "合计")
    assert len(data) == 3 and total[1].value == "3 笔"
    assert all(r[1].data_type == "s" and r[1].value == VILLAGE for r in data)  # 村代码 as text
    assert all(r[15].number_format == "#,##0.00" for r in data + [total])
    for col in (12, 13, 14, 15):  # units, 亩, m², yuan
        listed = sum((Decimal(str(r[col].value)) for r in data if r[col].value is not None), Decimal(0))
        assert Decimal(str(total[col].value)) == listed
    assert Decimal(str(total[15].value)) == Decimal("20400.5")
    filtered = login_as("town").get(f"/areas/{TOWN}/transfers.xlsx?type=share_transfer")
    ws = openpyxl.load_workbook(io.BytesIO(filtered.data)).active
    assert [r[3].value for r in ws.iter_rows(min_row=4) if r[0].value != "合计"] == ["股份转让"]


def test_cli_transfers_json_totals_and_period(three, runner):
    result = runner.invoke(args=["transfers", "--area", "370305100", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["totals"]["count"] == len(out["transfers"]) == 3
    assert out["totals"]["price"] == "20400.50"
    assert sum(Decimal(t["price"]) for t in out["transfers"]) == Decimal(out["totals"]["price"])
    assert {t["type"] for t in out["transfers"]} == {"share_transfer", "share_buyback", "homestead_withdrawal"}
    period = runner.invoke(args=["transfers", "--area", VILLAGE, "--from", "2026-06-16", "--to", "2026-12-31",
                                 "--json"])
    assert json.loads(period.output)["totals"] == {"count": 0, "area_mu": "0.0000", "area_m2": "0.00",
                                                  "units": "0.0000", "price": "0.00"}
    text = runner.invoke(args=["transfers", "--area", VILLAGE])
    assert text.exit_code == 0 and "合计 3 笔" in text.output
    assert runner.invoke(args=["transfers", "--area", VILLAGE, "--from", "15/06/2026"]).exit_code == 2


def test_register_runs_a_fixed_number_of_statements(three, db):
    """No N+1: one statement for the rows, one for the totals, whatever the number of rows (issue 5)."""
    clerk, _plot = three
    counts = []

    def count(*_args):
        counts[-1] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for query in ("?type=share_buyback", ""):
            counts.append(0)
            assert clerk.get(f"/areas/{VILLAGE}/transfers{query}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counts[0] == counts[1] <= 8, counts


def test_register_pages_keep_the_filter_and_the_totals_cover_every_page(three, monkeypatch):
    from registry.views import transfer_register

    clerk, _ = three
    monkeypatch.setattr(transfer_register, "PER_PAGE", 2)
    first = clerk.get(f"/areas/{VILLAGE}/transfers?state=draft&code=x").get_data(as_text=True)
    second = clerk.get(f"/areas/{VILLAGE}/transfers?state=draft&page=2").get_data(as_text=True)
    ids = [re.findall(r'data-transfer="(\d+)"', page) for page in (first, second)]
    assert [len(i) for i in ids] == [2, 1] and not set(ids[0]) & set(ids[1])
    assert "共 3 笔" in first and "共 3 笔" in second  # totals are the filter's, not the page's
    assert f"/areas/{VILLAGE}/transfers?page=2&amp;state=draft" in first  # the pager keeps the filter
    beyond = clerk.get(f"/areas/{VILLAGE}/transfers?page=9")
    assert beyond.status_code == 200 and "没有交易" in beyond.get_data(as_text=True)


def test_a_bad_date_in_the_filter_keeps_the_other_filters_and_says_so(three, login_as):
    """QA: with 类型 = 股份赎回 and a mistyped 协议日期, the register showed every row and the totals of every
    type under the chosen 类型, and the export said 全部交易; the valid filters stay, the date says why."""
    clerk, _ = three
    html = clerk.get(f"/areas/{VILLAGE}/transfers?type=share_buyback&date_from=2026-13-01").get_data(as_text=True)
    assert len(_rows(html)) == 1 and "共 1 笔" in html and "300.50" in html
    assert "不是有效的日期" in html
    ws = openpyxl.load_workbook(io.BytesIO(login_as("town").get(
        f"/areas/{TOWN}/transfers.xlsx?type=share_buyback&date_from=2026-13-01").data)).active
    assert ws.cell(2, 1).value == "股份赎回"
    assert [r[3].value for r in ws.iter_rows(min_row=4) if r[0].value != "合计"] == ["股份赎回"]


def test_the_filter_reads_dates_as_clerks_type_them(three):
    """2026.6.16, 2026/6/16, 2026年6月16日 and full-width digits are the same day as 2026-06-16."""
    clerk, _ = three
    for typed in ("2026.6.16", "2026/6/16", "2026年6月16日", "２０２６－０６－１６"):
        html = clerk.get(f"/areas/{VILLAGE}/transfers", query_string={"date_from": typed}).get_data(as_text=True)
        assert _rows(html) == [] and "共 0 笔" in html, typed
        assert "不是有效的日期" not in html, typed


def test_a_start_after_the_end_is_refused_not_an_empty_register(three, runner):
    """QA: 协议日期 2026-06-16 至 2026-01-01 listed 0 rows as if none were made; ``flask transfers --from
    2026-01-01 --to 2025-01-01`` exited 0 with 0 rows. Both refuse it as ``flask report`` does."""
    clerk, _ = three
    html = clerk.get(f"/areas/{VILLAGE}/transfers?type=share_buyback&date_from=2026.6.16&date_to=2026-01-01"
                     ).get_data(as_text=True)
    assert "开始日期 2026-06-16 晚于截止日期 2026-01-01" in html
    assert len(_rows(html)) == 1 and "共 1 笔" in html  # the type filter is kept, the period left out
    for args in (["--from", "2026-01-01", "--to", "2025-01-01"], ["--from", "2026-01-01", "--to", "2025-01-01",
                                                                  "--json"]):
        result = runner.invoke(args=["transfers", "--area", VILLAGE, *args])
        assert result.exit_code == 1, result.output
        assert "开始日期 2026-01-01 晚于截止日期 2025-01-01" in result.output and "合计" not in result.output


def test_the_statistical_report_names_types_and_states_as_the_register_does(three, db, login_as):
    """QA: the register said 土地承包经营权转让 / 已登记生效, the report 权益交易登记汇总表 承包地转让 / 乡镇已登记生效
    for the same transaction: one label table (registry/reports/transfers/labels.py) for both."""
    import datetime as dt

    from registry.models import Organization, Transfer
    from registry.reports.transfers.labels import STATE_LABELS, TYPE_LABELS

    org = db.session.query(Organization).filter_by(area_code=VILLAGE).one()
    buyer = households(db, org)[4]
    plot = homesteads_in_use(db, org)[1]
    db.session.add(Transfer(organization_id=org.id, area_code=VILLAGE, type="homestead_transfer", state="recorded",
                            household_from_id=plot.household_id, household_to_id=buyer.id, homestead_id=plot.id,
                            area_m2=plot.plot_area, price=Decimal(800), agreement_date=dt.date(2026, 3, 1),
                            effective_on=dt.date(2026, 3, 9), journal_no=1, voluntary_applied=True,
                            voluntary_applied_on=dt.date(2026, 2, 20), voluntary_document="自愿申请书.pdf"))
    db.session.commit()
    town = login_as("town")
    register = town.get(f"/areas/{TOWN}/transfers").get_data(as_text=True)
    assert TYPE_LABELS["homestead_transfer"] in register and STATE_LABELS["recorded"] in register
    report = town.get(f"/statistics/{TOWN}/transfers").get_data(as_text=True)
    for label in (TYPE_LABELS["homestead_transfer"], STATE_LABELS["recorded"], TYPE_LABELS["share_buyback"],
                  STATE_LABELS["draft"]):
        assert f"<td>{label}</td>" in report, label
    assert "宅基地流转" not in report and "乡镇已登记生效" not in report
    drill = re.search(r'<a class="figure" href="([^"]+)">1</a>', report)[1].replace("&amp;", "&")
    listed = town.get(drill).get_data(as_text=True)
    assert STATE_LABELS["draft"] in listed or STATE_LABELS["recorded"] in listed
    assert "宅基地流转" not in listed and "乡镇已登记生效" not in listed
