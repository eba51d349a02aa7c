"""``flask report NAME --area CODE [--from D --to D] --out FILE`` (issue 12 item 3): the workbook opens
with the title row (area name and code, date or period); an unknown report, an unknown area or a bad
date exits 1 with a Chinese message and no traceback, and writes no file."""
from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from registry.models import AuditEvent
from tests.services.homesteads.helpers import village_with_roster

V1 = "370305100201"


@pytest.fixture
def roster(db, demo, clock):
    village_with_roster(db, V1)


def _rows(path):
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_report_members_of_a_town(runner, db, roster, tmp_path):
    out = tmp_path / "m.xlsx"
    result = runner.invoke(args=["report", "members", "--area", "370305100", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "齐都镇（370305100000）成员统计表（截至 2026-06-15）" in result.output
    sheet = _rows(out)["按村"]
    assert sheet[0][0] == "齐都镇（370305100000）成员统计表（截至 2026-06-15）"
    assert sheet[1][:4] == ["区划代码", "名称", "户数", "成员数"]
    total = sheet[-1]
    assert total[1] == "合计" and total[3] == 347  # the sample roster's members
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.report")).detail["report"] == \
        "members"


def test_report_changes_over_a_period(runner, roster, tmp_path):
    out = tmp_path / "c.xlsx"
    result = runner.invoke(args=["report", "changes", "--area", "370305", "--from", "2000-01-01",
                                 "--to", "2026-06-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheets = _rows(out)
    assert sheets["增减汇总"][0][0] == "临淄区（370305000000）成员增减变动表（2000-01-01 至 2026-06-01）"
    assert sheets["变动明细"][0][0] == sheets["增减汇总"][0][0]
    assert sheets["变动明细"][1][:2] == ["日期", "变动"]


def test_report_of_an_empty_register_says_not_recorded(runner, roster, tmp_path):
    out = tmp_path / "d.xlsx"
    result = runner.invoke(args=["report", "dividends", "--area", V1, "--out", str(out)])
    assert result.exit_code == 0 and "尚未登记" in result.output
    (sheet,) = _rows(out).values()
    assert sheet == [["东柳庄村（370305100201）收益分配汇总表（截至 2026-06-15）"], ["尚未登记"]]


@pytest.mark.parametrize("args,message", [
    (["report", "nonsense", "--area", V1], "没有名为「nonsense」的报表"),
    (["report", "members", "--area", "370305999999"], "区划不存在：370305999999"),
    (["report", "members", "--area", V1, "--to", "2026-02-30"], "截止日期「2026-02-30」不是有效日期"),
    (["report", "changes", "--area", V1, "--from", "2026-05-01", "--to", "2026-04-01"], "晚于截止日期"),
    (["report", "members", "--area", V1, "--to", (dt.date(2026, 6, 16)).isoformat()], "晚于今天"),
    (["report", "homesteads", "--area", V1, "--to", "2026-01-01"], "只统计当前（今天）的登记情况"),
])
def test_refusals_exit_1_with_a_message(runner, roster, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()
