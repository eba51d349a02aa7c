"""The committed templates in imports/ equal freshly generated ones (DESIGN §1 imports/)."""
from __future__ import annotations

import io

import openpyxl

from registry.excel.columns import HEADINGS
from registry.excel.reader import read_roster
from registry.excel.templates import IMPORTS_DIR, TEMPLATES


def _cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


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
