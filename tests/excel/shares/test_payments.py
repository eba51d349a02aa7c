"""The dividend payment sheet (issue 16 item 4, S-12): every amount a 2-decimal number cell, a name that
starts like a formula written as text, and the total row."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from registry.excel.shares.payments import HEADINGS, write_payment_sheet


def test_S12_payment_sheet_amounts_are_money_cells_and_formulas_stay_text():
    rows = [("0001", "张三", Decimal("4.5"), Decimal("123.45")),
            ("=1+1", "=HYPERLINK(1)", Decimal("1"), Decimal("0.05"))]
    data = write_payment_sheet(iter(rows), organisation="东柳庄", title="2025年度收益分配", subtitle="股权登记日",
                               total_units=Decimal("5.5"), total_amount=Decimal("123.50"))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[3]] == list(HEADINGS)
    first, second, total = ws[4], ws[5], ws[6]
    assert [c.value for c in first[:5]] == [1, "0001", "张三", 4.5, 123.45]
    assert first[4].number_format == "#,##0.00" and second[4].number_format == "#,##0.00"
    assert second[1].value == "'=1+1" and second[2].value == "'=HYPERLINK(1)"
    assert total[2].value == "合计" and total[4].value == 123.5 and total[4].number_format == "#,##0.00"
