"""Build spreadsheet exports as bytes (DESIGN §4 step 7 and "Exports"), with XlsxWriter in
constant-memory mode (rows are flushed to a temp file as they are written, so 100k rows stay small).

Rules for every workbook written here:
- text cells starting with ``= + - @`` or TAB/CR are neutralised by prefixing a single quote
  (OWASP "CSV injection" advice), and text is always written with ``write_string`` — never as a formula;
- IDs, household numbers and phones are text cells (text-formatted columns keep leading zeros when edited);
- dates are real date cells (``yyyy-mm-dd``); shares and counts are number cells.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import xlsxwriter

from registry.excel.columns import (
    BY_HEADING,
    BY_KEY,
    HEADINGS,
    STANDARD_COLUMNS,
    Column,
    ColumnSet,
    match_heading,
)

__all__ = ["neutralise", "write_roster_xlsx", "write_error_workbook", "write_table_xlsx", "ERROR_COLUMN"]

ERROR_COLUMN = "错误说明"
ROW_COLUMN = "原行号"
from registry.excel.normalise import FORMULA_FIRST as _DANGEROUS_FIRST  # noqa: E402

_RE_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_RE_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False,
            # Cells written without a format (see write_roster_xlsx) use the default format: 宋体 11.
            "default_format_properties": {"font_name": "宋体", "font_size": 11}}


def neutralise(text: str) -> str:
    """Prefix ``'`` when ``text`` starts with a character a spreadsheet may treat as a formula."""
    if text and text[0] in _DANGEROUS_FIRST:
        return "'" + text
    return text


def _new_workbook() -> tuple[io.BytesIO, xlsxwriter.Workbook]:
    buffer = io.BytesIO()
    return buffer, xlsxwriter.Workbook(buffer, _OPTIONS)


def _finish(buffer: io.BytesIO, workbook: xlsxwriter.Workbook) -> bytes:
    workbook.close()
    return buffer.getvalue()


def _formats(workbook: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 11}
    return {
        "title": workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center",
                                      "valign": "vcenter"}),
        "head": workbook.add_format({**base, "bold": True, "align": "center", "valign": "vcenter",
                                     "border": 1, "text_wrap": True, "bg_color": "#DDEBF7"}),
        "text": workbook.add_format({**base, "num_format": "@"}),
        "date": workbook.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "time": workbook.add_format({**base, "num_format": "hh:mm:ss"}),
        "number": workbook.add_format({**base}),
    }


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _RE_ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str) and _RE_NUMBER.fullmatch(value):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return None


def _write_any(ws: Any, r: int, c: int, value: Any, fmt: dict[str, Any], style: Any = None) -> None:
    """Write a Python value by its type (generic tables, the user's own cells in error workbooks)."""
    if value is None or value == "":
        if style is not None:
            ws.write_blank(r, c, None, style)
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", style)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value) if isinstance(value, Decimal) else value, style)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(r, c, value, style or fmt["date"])
    elif isinstance(value, time):
        ws.write_datetime(r, c, value, style or fmt["time"])
    else:
        ws.write_string(r, c, neutralise(str(value)), style)


def _width(col: Column) -> int:
    return {"id_number": 21, "hukou_place": 28, "notes": 24, "village_code": 15, "phone": 14,
            "birth_date": 12, "acquired_at": 12}.get(col.key, max(6, len(col.heading) * 2 + 2))


def _text_cell(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value.__class__ is str:
        return "'" + value if value[0] in _DANGEROUS_FIRST else value
    return neutralise(value.isoformat() if isinstance(value, (date, time)) else str(value))


def _typed_cell(convert):
    """A column's cell converter remembering each distinct value (numbers and dates repeat a lot)."""
    memo: dict[Any, Any] = {}

    def cell(value: Any):
        if value is None or value == "":
            return None
        try:
            return memo[value]
        except KeyError:
            typed = convert(value)
            result = _text_cell(value) if typed is None else typed
            if len(memo) < 50_000:
                memo[value] = result
            return result
        except TypeError:  # unhashable: not a cell value we memoise
            typed = convert(value)
            return _text_cell(value) if typed is None else typed
    return cell


def write_roster_xlsx(rows: Iterable[Mapping[str, Any]], *, title: str | None = None,
                      village_code: bool = False, sheet_name: str = "成员名册",
                      replace: Mapping[str, Column] | None = None) -> bytes:
    """Member roster workbook (the sample layout): optional merged title row, the 21 headings of
    ``columns.STANDARD_COLUMNS`` (+ 村代码 when ``village_code``), one row per dict; ``replace``: columns
    written instead of the standard ones of the same key.

    ``rows`` are display dicts ``{heading: value}`` as produced by ``roster.display_values`` (values
    may also be date / Decimal / int). 组/序号/shares go to number cells when numeric, 出生日期/取得日期
    to date cells when an ISO date, everything else to text cells (neutralised).

    Speed: each column carries its format (text "@", date, number) and cells are written a row at a
    time with ``write_row`` and no per-cell format — XlsxWriter applies the column's format to every
    cell written without one, so the cells are the same as with per-cell formats, for less Python.
    """
    columns = list(STANDARD_COLUMNS) + ([BY_KEY["village_code"]] if village_code else [])
    if replace:  # e.g. a masked export writes 出生年份 in place of 出生日期 (reports/roster/masking.py)
        columns = [replace.get(col.key, col) for col in columns]
    buffer, workbook = _new_workbook()
    fmt = _formats(workbook)
    ws = workbook.add_worksheet(sheet_name)
    for i, col in enumerate(columns):
        ws.set_column(i, i, _width(col), fmt[col.cell if col.cell != "number" else "number"])
    r = 0
    if title:
        ws.set_row(0, 30)
        ws.merge_range(0, 0, 0, len(columns) - 1, neutralise(title), fmt["title"])
        r = 1
    for i, col in enumerate(columns):
        ws.write_string(r, i, col.heading, fmt["head"])
    ws.freeze_panes(r + 1, 0)
    converters = {"number": lambda: _typed_cell(_as_number), "date": lambda: _typed_cell(_as_date)}
    plan = [(col.heading, converters[col.cell]() if col.cell in converters else _text_cell) for col in columns]
    headings = [col.heading for col in columns]
    typed = [(i, cell) for i, (_h, cell) in enumerate(plan) if cell is not _text_cell]
    texts = [i for i, (_h, cell) in enumerate(plan) if cell is _text_cell]
    write_row = ws.write_row
    for row in rows:
        r += 1
        values = list(map(row.get, headings))
        try:
            # The usual row: every text cell is a str (or None); one regex over the joined texts tells
            # whether any needs the formula guard. A non-str value raises TypeError: slow path.
            joined = _SEP.join([values[i] if values[i] is not None else "" for i in texts])
        except TypeError:
            write_row(r, 0, [cell(v) for v, (_h, cell) in zip(values, plan)])
            continue
        if _RE_DANGER.search(joined):
            for i in texts:
                values[i] = _text_cell(values[i])
        for i, cell in typed:
            values[i] = cell(values[i])
        write_row(r, 0, values)  # "" and None are blank cells to XlsxWriter
    return _finish(buffer, workbook)


_SEP = "\x00"  # never inside a cell text
_RE_DANGER = re.compile("(?:^|\x00)[" + re.escape("".join(sorted(_DANGEROUS_FIRST))) + "]")


def write_error_workbook(original_rows: Iterable[tuple[int, Sequence[Any]]], issues: Iterable[Any], *,
                         headings: Sequence[str] | None = None, only_with_issues: bool = False,
                         sheet_name: str = "导入错误", columns: ColumnSet | None = None) -> bytes:
    """The user's own rows plus an ``错误说明`` column (and ``原行号``), offending cells highlighted
    (errors red, warnings yellow).

    ``original_rows`` yields ``(excel_row_number, cells)`` (``RosterSheet.raw_rows()``), ``headings`` are
    the user's header cells (``RosterSheet.headings``); ``issues`` are ``roster.Issue`` objects (any object
    with ``row``, ``column`` = Chinese canonical heading, ``message_zh`` and ``level``). The output can be
    corrected and imported again: the extra columns are not roster headings and are ignored.
    Without ``headings`` the cells are taken to be in the standard 21-column order. ``columns``: the
    layout of another register (default the roster's), for matching headings and issue columns.
    """
    match = columns.match_heading if columns is not None else match_heading
    if headings is None:
        headings = HEADINGS
    by_row: dict[int, list[Any]] = defaultdict(list)
    for issue in issues:
        by_row[issue.row].append(issue)
    key_to_index: dict[str, int] = {}
    for idx, text in enumerate(headings):
        key = match(text)
        if key is not None:
            key_to_index.setdefault(key, idx)

    buffer, workbook = _new_workbook()
    fmt = _formats(workbook)
    red = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
    yellow = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
    mark = {
        "error": workbook.add_format(red), "warning": workbook.add_format(yellow),
        ("error", "date"): workbook.add_format({**red, "num_format": "yyyy-mm-dd"}),
        ("warning", "date"): workbook.add_format({**yellow, "num_format": "yyyy-mm-dd"}),
    }
    wrap = workbook.add_format({"text_wrap": True, "font_color": "#9C0006", "valign": "top"})
    ws = workbook.add_worksheet(sheet_name)
    width = len(headings)
    ws.set_column(width, width, 60)
    for i, text in enumerate(list(headings) + [ERROR_COLUMN, ROW_COLUMN]):
        ws.write_string(0, i, neutralise(str(text)), fmt["head"])
    ws.freeze_panes(1, 0)
    r = 0
    for number, cells in original_rows:
        found = by_row.get(number, [])
        if only_with_issues and not found:
            continue
        r += 1
        styles: dict[int, Any] = {}
        for issue in found:
            col = BY_HEADING.get(issue.column) if columns is None else None
            col_key = match(issue.column) if columns is not None else getattr(col, "key", None)
            idx = key_to_index.get(col_key) if col_key is not None else None
            if idx is not None and styles.get(idx) is not mark["error"]:
                level = "error" if issue.level == "error" else "warning"
                styles[idx] = mark[level]
        for c, value in enumerate(cells[:width]):
            style = styles.get(c)
            if style is not None and isinstance(value, (date, datetime)):
                style = mark[("error" if style is mark["error"] else "warning", "date")]
            _write_any(ws, r, c, value, fmt, style)
        for c, style in styles.items():
            if c >= len(cells):
                ws.write_blank(r, c, None, style)
        if found:
            ws.write_string(r, width, neutralise("；".join(
                f"{i.column}：{i.message_zh}" if i.column and i.column not in i.message_zh else i.message_zh
                for i in found)), wrap)
        ws.write_number(r, width + 1, number)
    return _finish(buffer, workbook)


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 1
    while title.casefold() in used:
        n += 1
        suffix = f"({n})"
        title = base[:31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def write_table_xlsx(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Summary workbook: one sheet per entry ``{name: (headings, rows)}``; each value written by its type
    (str -> neutralised text, int/float/Decimal -> number, date -> date cell, bool -> 是/否, None -> blank).
    Sheet names are made valid for Excel (≤31 characters, no ``[]:*?/\\``, unique)."""
    buffer, workbook = _new_workbook()
    fmt = _formats(workbook)
    used: set[str] = set()
    for name, (headings, rows) in sheets.items():
        ws = workbook.add_worksheet(_sheet_title(name, used))
        for i, text in enumerate(headings):
            ws.write_string(0, i, neutralise(str(text)), fmt["head"])
            ws.set_column(i, i, max(8, min(40, len(str(text)) * 2 + 2)))
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                _write_any(ws, r, c, value, fmt)
    if not used:
        workbook.add_worksheet("Sheet1")
    return _finish(buffer, workbook)
