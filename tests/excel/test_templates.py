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
from registry.excel.reader import read_roster, read_table
from registry.excel.shares.columns import SHARES, SHEET_NAMES
from registry.excel.shares.validate import validate_shares
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
    assert "village_code" in sheet.columns and list(sheet.rows()) == []


def test_roster_template_has_the_import_headings_and_reads_as_empty():
    sheet = read_roster((IMPORTS_DIR / "roster_template.xlsx").read_bytes(), "roster_template.xlsx")
    assert tuple(h for h in sheet.headings if h) == HEADINGS
    assert list(sheet.rows()) == []


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
