"""A located table of a spreadsheet (DESIGN §4 steps 1-2): the header row found by its headings
(:func:`header_in`, a two-level header merged) and the data rows streamed as ``(excel_row_number,
{key: raw value})`` or as the cells read (:class:`RosterSheet`, :data:`TableSheet`); plain rows (a decoded
CSV file) located the same way (:func:`table_from_rows`). Opening a workbook and choosing its sheet:
``registry.excel.reader``.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from python_calamine import CalamineSheet

from registry.excel.columns import ROSTER, ColumnSet
from registry.excel.file_kind import HEADER_SCAN_ROWS, MESSAGES, FileError

__all__ = ["RosterSheet", "TableSheet", "header_in", "make_sheet", "table_from_rows", "is_blank"]

_BLANK = " \t\r\n\v\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"


def is_blank(row: list[Any]) -> bool:
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and not cell.strip(_BLANK):
            continue
        return False
    return True


@dataclass(slots=True)
class RosterSheet:
    """A roster sheet whose header row was found.

    kind:        detected file type ("xlsx", "xlsb", "xls", "ods").
    sheet_name:  the sheet read.
    header_row:  1-based Excel row number of the header.
    headings:    the header row's cells as text, as the user wrote them (index = column index).
    columns:     ``{key: column index}`` of the recognised columns (see ``columns.ROSTER_COLUMNS``).
    ignored:     headings of columns that are not roster columns (kept in the error workbook).

    Iterate :meth:`rows` (or the object itself) for data; :meth:`raw_rows` gives the original cells
    for the error workbook. Both skip fully blank rows and can be iterated more than once.
    """

    kind: str
    sheet_name: str
    header_row: int
    headings: tuple[str, ...]
    columns: Mapping[str, int]
    filename: str | None = None
    ignored: tuple[str, ...] = ()
    _sheet: CalamineSheet | None = field(default=None, repr=False)

    @property
    def height(self) -> int:
        """Rows of the sheet as stored (header and title rows included, blank rows too)."""
        return self._sheet.height if self._sheet is not None else 0

    def raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(excel_row_number, cells)`` for every non-blank row below the header (cells as calamine
        returns them: str, float, int, bool, date, datetime, time; "" for empty)."""
        if self._sheet is None:
            return
        header = self.header_row
        for number, row in enumerate(islice(self._sheet.iter_rows(), header, None), start=header + 1):
            first = row[0] if row else None
            # a first cell holding a value (most data rows) settles it without the full blank check
            if first is None or first == "" or (first.__class__ is str and not first.strip(_BLANK)):
                if is_blank(row):
                    continue
            yield number, row

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(excel_row_number, {key: raw cell value})`` for every non-blank data row; empty cells
        and missing trailing cells are None."""
        items = tuple(self.columns.items())
        for number, row in self.raw_rows():
            width = len(row)
            yield number, {key: (None if (cell := row[idx] if idx < width else None) == "" else cell)
                           for key, idx in items}

    def row_dict(self, row: list[Any]) -> dict[str, Any]:
        """One row of :meth:`raw_rows` as :meth:`rows` gives it (``{key: raw cell value}``)."""
        width = len(row)
        return {key: (None if (cell := row[idx] if idx < width else None) == "" else cell)
                for key, idx in self.columns.items()}

    __iter__ = rows


#: A located table of any register (the roster's class serves every layout).
TableSheet = RosterSheet


def header_in(sheet: CalamineSheet, columns: ColumnSet = ROSTER) -> tuple[int, list[Any], dict[str, int]] | None:
    """Best header candidate among the first rows: (row number, cells, mapping) or None.

    A two-level header (a group heading such as 股份 merged over 人口股/农龄股 in the row below) is
    merged: the lower row's headings fill the columns the upper row left unmapped, provided the lower
    row is not a data row (its required columns are blank). The row number is then the lower row's.
    """
    best = None
    rows = sheet.iter_rows()
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SCAN_ROWS:
            break
        mapping = columns.map_header(row)
        if len(mapping) < min(columns.min_header_matches, len(columns.columns)):
            continue
        if all(k in mapping for k in columns.required_keys):
            below = next(rows, None)
            if below is None:
                return number, row, mapping
            used = set(mapping.values())
            extra = {k: i for k, i in columns.map_header(below).items() if k not in mapping and i not in used}
            required_cells = [below[mapping[k]] for k in columns.required_keys if mapping[k] < len(below)]
            if not extra or not is_blank(required_cells):
                return number, row, mapping
            merged = [below[i] if i in extra.values() or (i < len(row) and is_blank([row[i]])) else row[i]
                      for i in range(len(below))]
            return number + 1, merged, {**mapping, **extra}
        if best is None or len(mapping) > len(best[2]):
            best = (number, row, mapping)
    return best


class _RowsSheet:
    """Plain rows (e.g. a decoded CSV file) behind the calamine sheet interface the table finder uses."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self._rows = rows
        self.height = len(rows)

    def iter_rows(self) -> Iterator[list[Any]]:
        return iter(self._rows)


def table_from_rows(rows: list[list[Any]], columns: ColumnSet, *, kind: str = "csv", name: str = "",
                    filename: str | None = None) -> TableSheet:
    """Locate the header row of ``columns`` in plain rows (text cells, e.g. a CSV file already decoded), as
    :meth:`Workbook.find_table` does in a sheet. Raises FileError ``file.missing_column`` or ``file.no_header``."""
    found = header_in(_RowsSheet(rows), columns)  # type: ignore[arg-type]
    if found is None:
        expected = "、".join(columns.heading(k) for k in columns.required_keys[:4])
        raise FileError("file.no_header", MESSAGES["file.no_header_of"].format(rows=HEADER_SCAN_ROWS,
                                                                                 expected=expected))
    missing = tuple(columns.heading(k) for k in columns.required_keys if k not in found[2])
    if missing:
        raise FileError("file.missing_column", MESSAGES["file.missing_column"].format(missing="、".join(missing)),
                        missing=missing)
    return make_sheet(kind, name, _RowsSheet(rows), found, filename)  # type: ignore[arg-type]


def make_sheet(kind: str, name: str, sheet: CalamineSheet,
                found: tuple[int, list[Any], dict[str, int]], filename: str | None) -> RosterSheet:
    number, row, mapping = found
    headings = tuple("" if c is None else str(c).strip(_BLANK) for c in row)
    used = set(mapping.values())
    ignored = tuple(h for i, h in enumerate(headings) if h and i not in used)
    return RosterSheet(kind, name, number, headings, dict(mapping), filename, ignored, sheet)
