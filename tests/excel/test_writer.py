"""Exports and error workbooks (registry/excel/writer.py)."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from registry.excel.columns import HEADINGS
from registry.excel.reader import read_roster
from registry.excel.roster.validate import display_values, validate_roster
from registry.excel.writer import (
    ERROR_COLUMN,
    neutralise,
    write_error_workbook,
    write_roster_xlsx,
    write_table_xlsx,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
TODAY = date(2026, 1, 5)


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def has_formula(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist()
                   if n.startswith("xl/worksheets/"))


def checked(name: str, today: date):
    return validate_roster(read_roster((SAMPLES / name).read_bytes()).rows(), today=today)


def strip(values):
    return {k: v for k, v in values.items() if k != "id_original"}


@pytest.mark.parametrize("name", ["roster_370305100201.xlsx", "roster_370305100202.xlsx",
                                  "roster_370305102201.xlsx"])
def test_round_trip_write_read_validate_gives_identical_values(name):
    first = checked(name, TODAY)
    data = write_roster_xlsx((display_values(r.values) for r in first.rows), title="成员名册")
    second = validate_roster(read_roster(data).rows(), today=TODAY)
    assert second.ok
    assert [r.values for r in second.rows] == [r.values for r in first.rows]


def test_round_trip_of_cleaned_messy_rows_incl_non_bmp_names_and_village_code():
    accepted = [r for r in checked("roster_messy.xlsx", TODAY).rows if r.ok]
    for r in accepted:
        r.values["village_code"] = "370305100203"
    data = write_roster_xlsx((display_values(r.values) for r in accepted), village_code=True)
    again = validate_roster(read_roster(data).rows(), today=TODAY)
    before = [strip(r.values) for r in accepted]
    after = [strip(r.values) for r in again.rows]
    for a, b in zip(before, after):   # household checks may differ (rows were dropped), values may not
        assert a == b
    names = {v["name"] for v in after}
    assert {"李𡐤", "徐𠮷", "热依拉·吐尔逊"} <= names


def test_roster_layout_text_ids_real_dates_and_number_shares():
    rows = [display_values(r.values) for r in checked("roster_370305100201.xlsx", TODAY).rows[:3]]
    ws = load(write_roster_xlsx(rows, title="齐都镇东柳庄村股份经济合作社成员名册")).active
    assert ws.title == "成员名册"
    assert ws["A1"].value == "齐都镇东柳庄村股份经济合作社成员名册" and "A1:U1" in ws.merged_cells
    assert tuple(c.value for c in ws[2]) == HEADINGS
    row = {h: c for h, c in zip(HEADINGS, ws[3])}
    for heading in ("证件号码", "户编号", "联系电话"):
        assert row[heading].data_type == "s" and row[heading].number_format == "@"
    assert row["户编号"].value == "0001" and len(row["证件号码"].value) == 18
    assert isinstance(row["出生日期"].value, datetime) and row["出生日期"].number_format == "yyyy-mm-dd"
    assert isinstance(row["人口股"].value, (int, float)) and isinstance(row["组"].value, (int, float))


def test_village_code_column_only_when_asked():
    values = {"household_no": "0001", "name": "张三", "village_code": "370305100201"}
    plain = load(write_roster_xlsx([display_values(values, village_code=False)])).active
    assert plain.max_column == 21
    wide = load(write_roster_xlsx([display_values(values)], village_code=True)).active
    assert wide.cell(1, 22).value == "村代码" and wide.cell(2, 22).value == "370305100201"
    assert wide.cell(2, 22).data_type == "s"


@pytest.mark.parametrize("text", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_injection_neutralised(text):
    assert neutralise(text) == "'" + text
    row = {"成员姓名": text, "备注": text, "户籍所在地": text, "联系电话": text, "组": text}
    data = write_roster_xlsx([row], title=text)
    cells = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert cells[0][0] == "'" + text
    assert {c for c in cells[2] if c != ""} == {"'" + text}
    assert all(c.data_type == "s" for c in load(data).active[3] if c.value is not None)
    assert not has_formula(data)


def test_safe_text_is_not_changed():
    assert neutralise("张三") == "张三" and neutralise("") == "" and neutralise("1=1") == "1=1"


def test_error_workbook_highlights_cells_and_can_be_imported_again():
    sheet = read_roster((SAMPLES / "roster_messy.xlsx").read_bytes())
    check = validate_roster(sheet.rows(), today=TODAY)
    data = write_error_workbook(sheet.raw_rows(), check.issues(), headings=sheet.headings)
    ws = load(data).active
    header = [c.value for c in ws[1]]
    assert header[:21] == list(HEADINGS) and header[21] == ERROR_COLUMN and header[22] == "原行号"
    assert ws.max_row == 1 + len(check.rows)
    by_number = {ws.cell(r, 23).value: r for r in range(2, ws.max_row + 1)}
    bad = by_number[36]                                    # id.precision_lost
    assert ws.cell(bad, 8).fill.fgColor.rgb.endswith("FFC7CE")
    assert "后几位已丢失" in ws.cell(bad, 22).value
    assert ws.cell(bad, 5).fill.fgColor.rgb in (None, "00000000")
    legacy = by_number[43]                                 # id.legacy15 warning
    assert ws.cell(legacy, 8).fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.cell(by_number[4], 22).value is None
    assert isinstance(ws.cell(by_number[4], 10).value, datetime)

    again_sheet = read_roster(data)
    assert set(again_sheet.ignored) == {ERROR_COLUMN, "原行号"}
    again = validate_roster(again_sheet.rows(), today=TODAY)
    assert [r.codes for r in again.rows] == [r.codes for r in check.rows]


def test_error_workbook_only_rows_with_issues():
    sheet = read_roster((SAMPLES / "roster_messy.xlsx").read_bytes())
    check = validate_roster(sheet.rows(), today=TODAY)
    data = write_error_workbook(sheet.raw_rows(), list(check.issues()), headings=sheet.headings,
                                only_with_issues=True)
    assert load(data).active.max_row == 1 + sum(1 for r in check.rows if r.issues)


def test_write_table_xlsx_types_and_sheet_names():
    data = write_table_xlsx({
        "汇总": (["村", "户数", "人数", "股份", "日期", "是否"],
               [["=东柳庄", 94, 347, Decimal("31.5"), date(2026, 1, 5), True],
                ["北槐", 225, 804, None, None, False]]),
        "按村/性别[统计]:一个非常非常非常非常非常非常长的名字": (["a"], [[1.5]]),
    })
    wb = load(data)
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames[1]) <= 31 and "/" not in wb.sheetnames[1]
    ws = wb["汇总"]
    assert [c.value for c in ws[1]] == ["村", "户数", "人数", "股份", "日期", "是否"]
    assert ws["A2"].value == "'=东柳庄" and ws["B2"].value == 94 and ws["D2"].value == 31.5
    assert isinstance(ws["E2"].value, datetime) and ws["F2"].value == "是" and ws["D3"].value is None
    assert not has_formula(data)


def test_error_workbook_defaults_to_standard_headings():
    from registry.excel.roster.validate import Issue
    cells = ["1", "1", "0001", "张三", "张三", "男", "居民身份证", "123", "户主"]
    data = write_error_workbook([(3, cells)], [Issue(3, "证件号码", "id.format", "格式不对")])
    ws = load(data).active
    assert ws.cell(1, 22).value == ERROR_COLUMN and ws.cell(2, 22).value == "证件号码：格式不对"
    assert ws.cell(2, 8).fill.fgColor.rgb.endswith("FFC7CE") and ws.cell(2, 23).value == 3


def test_roster_text_columns_keep_non_text_values_as_text():
    row = {"成员姓名": 0, "备注": date(2026, 1, 5), "户籍所在地": Decimal("1.5"), "联系电话": "13800000000"}
    ws = load(write_roster_xlsx([row])).active
    cells = {h: c for h, c in zip(HEADINGS, ws[2])}
    assert cells["成员姓名"].value == "0" and cells["成员姓名"].data_type == "s"
    assert cells["备注"].value == "2026-01-05" and cells["户籍所在地"].value == "1.5"
