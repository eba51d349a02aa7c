"""Generic builder of a downloadable import template (issue 13 item 5): one sheet from a column spec,
a header comment per column (what it holds, format, required or not), list validation with the Chinese
labels for coded columns, text format for ID/code columns and one example row the importer accepts."""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.excel.columns import Column

__all__ = ["LISTS_SHEET", "SheetSpec", "build_workbook"]

_FORMAT = {"text": "文本", "number": "数字", "date": "日期（如 2020-01-31）"}


@dataclass(frozen=True)
class SheetSpec:
    """One template sheet: its columns, what each holds, the coded columns' labels and an example row."""

    title: str
    columns: Sequence[Column]
    notes: Mapping[str, str]
    choices: Mapping[str, Sequence[str]]
    text_keys: Sequence[str]
    example: Mapping[str, Any]
    #: A title above the headings (the roster's layout: title in row 1, headings in row 2).
    title_row: str | None = None


def _comment(col: Column, note: str, choices: Sequence[str] | None) -> Comment:
    lines = [note or col.heading, f"格式：{_FORMAT[col.cell]}", "必填" if col.required else "选填"]
    if choices:
        lines.append("可选：" + "、".join(choices))
    if col.max_length:
        lines.append(f"最多 {col.max_length} 个字")
    return Comment("\n".join(lines), "模板说明", width=240, height=120)


#: Excel keeps a list validation's inline formula under 256 characters; longer lists go to this hidden sheet.
LISTS_SHEET = "选项"
_INLINE_LIMIT = 255


def _list_formula(wb, choices: Sequence[str]) -> str:
    """The validation formula of ``choices``: inline when short, else a column of the hidden lists sheet."""
    inline = '"' + ",".join(choices) + '"'
    if len(inline) <= _INLINE_LIMIT:
        return inline
    if LISTS_SHEET in wb.sheetnames:
        lists = wb[LISTS_SHEET]
        column = lists.max_column + 1
    else:
        lists, column = wb.create_sheet(LISTS_SHEET), 1
        lists.sheet_state = "hidden"
    for row, label in enumerate(choices, start=1):
        lists.cell(row=row, column=column, value=label)
    letter = get_column_letter(column)
    return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"


def _sheet(ws, spec: SheetSpec) -> None:
    ws.title = spec.title
    bold = Font(bold=True)
    head = 1
    if spec.title_row:
        ws.cell(row=1, column=1, value=spec.title_row).font = Font(bold=True, size=16)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.columns))
        head = 2
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=head, column=i, value=col.heading)
        cell.font = bold
        choices = spec.choices.get(col.key)
        cell.comment = _comment(col, spec.notes.get(col.key, ""), choices)
        ws.column_dimensions[letter].width = max(12, 2 * len(col.heading) + 4)
        if choices:
            dv = DataValidation(type="list", formula1=_list_formula(ws.parent, choices), allow_blank=True)
            dv.add(f"{letter}{head + 1}:{letter}1000")
            ws.add_data_validation(dv)
        value = spec.example.get(col.key)
        example = ws.cell(row=head + 1, column=i, value=value)
        if col.key in spec.text_keys:
            example.number_format = "@"
            for row in range(head + 2, 201):
                ws.cell(row=row, column=i).number_format = "@"
        elif col.cell == "date" and value is not None:
            example.number_format = "yyyy-mm-dd"
    ws.freeze_panes = f"A{head + 1}"


def build_workbook(sheets: Sequence[SheetSpec]) -> bytes:
    """The template workbook's bytes (deterministic: fixed created/modified times)."""
    wb = openpyxl.Workbook()
    first = wb.active
    for n, spec in enumerate(sheets):
        _sheet(first if n == 0 else wb.create_sheet(index=n), spec)
    stamp = datetime(2026, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
