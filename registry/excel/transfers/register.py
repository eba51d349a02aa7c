"""The transaction register as .xlsx (交易登记簿): a title row, one row per transaction, a total row.
Conventions of ``registry.excel.writer``: XlsxWriter in constant-memory mode, text written with
``write_string`` and neutralised, IDs, codes and household numbers as text cells, dates as date cells,
money with 2 decimals, 亩 and share units with 4, m² with 2. No Flask, no database."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter

from registry.excel.writer import neutralise

SHEET = "交易登记簿"
#: (heading, cell kind, column width); kinds: text, int, date, units, mu, m2, money.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("登记编号", "int", 9), ("村代码", "text", 15), ("村", "text", 14), ("交易类型", "text", 18),
    ("状态", "text", 16), ("协议日期", "date", 12), ("生效日期", "date", 12), ("转出户", "text", 10),
    ("转出人", "text", 10), ("受让户", "text", 10), ("受让人", "text", 10), ("标的", "text", 22),
    ("股数", "units", 12), ("面积（亩）", "mu", 12), ("面积（㎡）", "m2", 12), ("价款（元）", "money", 14),
)
TOTAL_KINDS = ("units", "mu", "m2", "money")
_FORMATS = {"date": "yyyy-mm-dd", "units": "0.0000", "mu": "0.0000", "m2": "0.00", "money": "#,##0.00",
            "text": "@", "int": "0"}
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_format_properties": {"font_name": "宋体", "font_size": 11}}


def write_transfer_register(rows: Iterable[Sequence[Any]], *, title: str, subtitle: str,
                            totals: dict[str, Decimal], count: int) -> bytes:
    """``rows``: values in :data:`COLUMNS` order (Decimal, date, int, str or None). ``totals``: the sums
    by kind (``units``, ``mu``, ``m2``, ``money``) written on the total row with ``count``."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, _OPTIONS)
    ws = wb.add_worksheet(SHEET)
    base = {"font_name": "宋体", "font_size": 11}
    fmt = {kind: wb.add_format({**base, "num_format": f}) for kind, f in _FORMATS.items()}
    head = wb.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"})
    bold = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
    total_fmt = {kind: wb.add_format({**base, "bold": True, "num_format": _FORMATS[kind]})
                 for kind in (*TOTAL_KINDS, "int")}
    for c, (_heading, kind, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width, fmt[kind])
    last = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, neutralise(title), bold)
    ws.merge_range(1, 0, 1, last, neutralise(subtitle))
    for c, (heading, _kind, _w) in enumerate(COLUMNS):
        ws.write_string(2, c, heading, head)
    ws.freeze_panes(3, 0)
    r = 3
    for row in rows:
        for c, ((_h, kind, _w), value) in enumerate(zip(COLUMNS, row, strict=True)):
            _cell(ws, r, c, kind, value, fmt)
        r += 1
    ws.write_string(r, 0, "合计", head)
    ws.write_string(r, 1, f"{count} 笔", head)
    for c, (_h, kind, _w) in enumerate(COLUMNS):
        if kind in TOTAL_KINDS:
            ws.write_number(r, c, float(totals.get(kind, Decimal(0))), total_fmt[kind])
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    wb.close()
    return buffer.getvalue()


def _cell(ws, r: int, c: int, kind: str, value: Any, fmt: dict) -> None:
    if value is None or value == "":
        return
    if kind == "date" and isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt["date"])
    elif kind in ("int", *TOTAL_KINDS) and isinstance(value, (int, Decimal)):
        ws.write_number(r, c, float(value), fmt[kind])
    else:
        ws.write_string(r, c, neutralise(str(value)), fmt["text"])
