"""Write the land contract register as .xlsx in its import layout (samples README "Rights registers"):
sheets 承包方, 承包地块, 共有人, 流转合同; a title in row 1, the Chinese headings in row 2, data from row 3.
Codes, ID numbers and 户编号 are text cells, dates date cells, areas numbers shown with 4 decimals and
prices with 2, so the file re-imports as "all unchanged"."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from registry.excel.land.columns import SHEETS
from registry.excel.writer import _finish, _formats, _new_workbook, neutralise

__all__ = ["write_land_xlsx"]

_AREAS = frozenset({"contract_area", "measured_area", "area"})


def write_land_xlsx(rows: Mapping[str, Iterable[Sequence[Any]]], *, title: str) -> bytes:
    """``rows``: per sheet key, the rows as values in the sheet's column order (str, date, Decimal, int)."""
    buffer, workbook = _new_workbook()
    fmt = _formats(workbook)
    area = workbook.add_format({"font_name": "宋体", "font_size": 11, "num_format": "0.0000"})
    money = workbook.add_format({"font_name": "宋体", "font_size": 11, "num_format": "0.00"})
    for spec in SHEETS:
        ws = workbook.add_worksheet(spec.title)
        columns = spec.columns.columns
        ws.merge_range(0, 0, 0, len(columns) - 1, f"{title}（{spec.title}）", fmt["title"])
        for c, col in enumerate(columns):
            ws.write_string(1, c, col.heading, fmt["head"])
            ws.set_column(c, c, 21 if col.cell == "text" and "编码" in col.heading else
                          max(10, len(col.heading) * 2 + 2))
        ws.freeze_panes(2, 0)
        for r, row in enumerate(rows.get(spec.key, ()), start=2):
            for c, (col, value) in enumerate(zip(columns, row)):
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    ws.write_datetime(r, c, value, fmt["date"])
                elif isinstance(value, (Decimal, int)) and not isinstance(value, bool):
                    style = area if col.key in _AREAS else money if col.key == "price" else None
                    ws.write_number(r, c, float(value), style)
                else:
                    ws.write_string(r, c, neutralise(str(value)), fmt["text"])
    return _finish(buffer, workbook)
