"""The committed templates in imports/ equal freshly generated ones (DESIGN §1 imports/)."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl

from registry.excel.columns import HEADINGS
from registry.excel.homesteads.columns import HOMESTEAD, SHEET_NAME
from registry.excel.homesteads.template import EXAMPLE
from registry.excel.homesteads.validate import validate_homesteads
from registry.excel.land.template import VILLAGE as LAND_VILLAGE
from registry.excel.land.validate import RosterView, read_land, validate_land
from registry.excel.reader import read_roster, read_table
from registry.excel.roster.template import AREA_EXAMPLE, EXAMPLE as ROSTER_EXAMPLE
from registry.excel.shares.columns import SHARES, SHEET_NAMES
from registry.excel.shares.validate import validate_shares
from registry.excel.template_book import LISTS_SHEET
from registry.excel.templates import IMPORTS_DIR, TEMPLATES


def _cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: ([[(c.value, c.number_format, c.comment.text if c.comment else None) for c in row]
                        for row in ws.iter_rows()],
                       sorted((dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation))
            for ws in wb.worksheets}


def test_committed_templates_equal_generated():
    for name, (_download, build) in TEMPLATES.items():
        committed = (IMPORTS_DIR / name).read_bytes()
        assert _cells(committed) == _cells(build()), f"imports/{name} is stale: run python -m registry.excel.templates"


def test_area_template_adds_the_village_code_column():
    sheet = read_roster((IMPORTS_DIR / "roster_area_template.xlsx").read_bytes(), "roster_area_template.xlsx")
    assert tuple(h for h in sheet.headings if h) == (*HEADINGS, "村代码")
    assert "village_code" in sheet.columns
    assert [row["village_code"] for _n, row in sheet.rows()] == [AREA_EXAMPLE["village_code"]]


def test_roster_template_keeps_the_import_layout_with_one_example_row():
    """Title in row 1, the 21 headings in row 2 (the layout the import and the samples use), one example row."""
    data = (IMPORTS_DIR / "roster_template.xlsx").read_bytes()
    sheet = read_roster(data, "roster_template.xlsx")
    assert tuple(h for h in sheet.headings if h) == HEADINGS
    rows = list(sheet.rows())
    assert [n for n, _row in rows] == [3] and rows[0][1]["id_number"] == ROSTER_EXAMPLE["id_number"]
    ws = openpyxl.load_workbook(io.BytesIO(data))["成员名册"]
    assert ws["A1"].value and ws["C2"].value == "户编号"


def test_roster_template_has_comments_dropdowns_and_text_ids():
    """Issue 13 item 5: every heading explained, the coded columns as dropdowns (与户主关系's long list on
    the hidden 选项 sheet), 户编号 and 证件号码 formatted as text."""
    wb = openpyxl.load_workbook(IMPORTS_DIR / "roster_template.xlsx")
    ws = wb["成员名册"]
    assert all(c.comment is not None and ("必填" in c.comment.text or "选填" in c.comment.text) for c in ws[2])
    formulas = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["F"] == '"男,女"' and "正式成员" in formulas["M"] and "改革确认" in formulas["N"]
    assert formulas["I"].startswith(f"'{LISTS_SHEET}'!$")
    assert wb[LISTS_SHEET].sheet_state == "hidden" and "户主" in [c.value for c in wb[LISTS_SHEET]["A"]]
    for column in ("C", "H"):
        assert ws[f"{column}3"].number_format == "@" and ws[f"{column}4"].number_format == "@"


def test_land_template_example_rows_pass_the_checks():
    """Issue 13 item 5: the four sheets' example rows are accepted against a roster holding the roster
    template's example member (L-rules of validate_land: no error, no warning)."""
    data = (IMPORTS_DIR / "land_template.xlsx").read_bytes()
    sheets = read_land(data, "land_template.xlsx")
    assert set(sheets) == {"contractors", "parcels", "coholders", "circulations"}
    idn = ROSTER_EXAMPLE["id_number"]
    roster = RosterView({"0001": frozenset({idn})}, {idn: "0001"})
    check = validate_land(sheets, LAND_VILLAGE, roster, today=date(2026, 6, 1))
    rows = check.all_rows()
    assert len(rows) == 4 and all(not r.errors and not r.warnings for r in rows), [r.codes for r in rows]


def test_homestead_template_example_row_passes_the_cell_checks():
    """Issue 13 item 5: the template's example row is accepted by the homestead validator (D-01, D-02 cells)."""
    data = (IMPORTS_DIR / "homestead_template.xlsx").read_bytes()
    sheet = read_table(data, HOMESTEAD, "homestead_template.xlsx", names=(SHEET_NAME,))
    results = validate_homesteads(sheet.rows(), village_code=EXAMPLE["plot_code"][:12], cap=Decimal("132"))
    assert len(results) == 1
    assert results[0].errors == [] and results[0].warnings == []


def test_homestead_template_has_comments_dropdown_and_text_ids():
    wb = openpyxl.load_workbook(IMPORTS_DIR / "homestead_template.xlsx")
    ws = wb["宅基地"]
    assert all(c.comment is not None and ("必填" in c.comment.text or "选填" in c.comment.text) for c in ws[1])
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"使用中,已有偿退出,已流转,灾毁灭失"' in formulas
    assert ws["A2"].number_format == "@" and ws["A3"].number_format == "@"


def test_share_template_example_row_passes_the_cell_checks():
    """Issue 13 item 5: the share template's example row is accepted by the share register validator."""
    data = (IMPORTS_DIR / "share_template.xlsx").read_bytes()
    sheet = read_table(data, SHARES, "share_template.xlsx", names=SHEET_NAMES)
    results = validate_shares(sheet.rows(), today=date(2026, 6, 1))
    assert len(results) == 1 and results[0].errors == []
