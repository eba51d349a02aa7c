"""The share register's import template (issue 13 item 5), built from ``SHARE_COLUMNS``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry.excel.shares.columns import SHARE_COLUMNS, SHEET_NAMES
from registry.excel.template_book import SheetSpec, build_workbook

NOTES = {
    "certificate_no": "股权证号（已发证时填写）",
    "household_no": "户编号：与本村成员名册中的户编号一致",
    "head_name": "持股户户主姓名",
    "id_number": "户主的居民身份证号码（18位）",
    "population": "人口股股数，可有4位小数",
    "farm_age": "农龄股股数，可有4位小数",
    "total": "股份合计：应等于人口股 + 农龄股",
    "issued_on": "股权证发证日期",
}

EXAMPLE = {
    "certificate_no": "GQ0001", "household_no": "0001", "head_name": "张三", "id_number": "370305198001010015",
    "population": Decimal("3"), "farm_age": Decimal("1.5"), "total": Decimal("4.5"), "issued_on": date(2020, 1, 1),
}

SPEC = SheetSpec(SHEET_NAMES[0], SHARE_COLUMNS, NOTES, {},
                 ("certificate_no", "household_no", "id_number"), EXAMPLE)


def build() -> bytes:
    return build_workbook([SPEC])
