"""Workbook of a statistical report (issue 12 item 3): one sheet per table, each opening with the report's
title row (area name and code, "as of" date or period) merged across the table, then the headings and
the rows, values written by type (registry/excel/writer.py). A report without data gets one sheet with
the title row and ``empty_text`` (尚未登记)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from registry.excel.writer import _finish, _formats, _new_workbook, _sheet_title, _write_any, neutralise

__all__ = ["write_report_xlsx"]

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def write_report_xlsx(title: str, sheets: Sequence[Sheet], *, empty_text: str = "尚未登记") -> bytes:
    """``sheets``: ``(name, headings, rows)``; row 1 is ``title``, row 2 the headings, data from row 3."""
    buffer, workbook = _new_workbook()
    fmt = _formats(workbook)
    used: set[str] = set()
    for name, headings, rows in sheets or [(title, (), [(empty_text,)])]:
        ws = workbook.add_worksheet(_sheet_title(name, used))
        width = max(len(headings), 1)
        if width > 1:
            ws.merge_range(0, 0, 0, width - 1, neutralise(title), fmt["title"])
        else:
            ws.write_string(0, 0, neutralise(title), fmt["title"])
        ws.set_row(0, 28)
        for i, text in enumerate(headings):
            ws.write_string(1, i, neutralise(str(text)), fmt["head"])
            ws.set_column(i, i, max(8, min(40, len(str(text)) * 2 + 2)))
        if headings:
            ws.freeze_panes(2, 0)
        for r, row in enumerate(rows, start=2 if headings else 1):
            for c, value in enumerate(row):
                _write_any(ws, r, c, value, fmt)
    return _finish(buffer, workbook)
