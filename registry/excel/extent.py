"""The rectangle of cells calamine will allocate for a sheet, and the refusal when it is too large: shared
by the bomb guards of xlsx (``registry.excel.guard``) and .ods (``registry.excel.ods_guard``).
"""
from __future__ import annotations

__all__ = ["TooLarge", "Extent", "EXCEL_ROWS", "EXCEL_COLUMNS", "column_name", "column_index"]


class TooLarge(Exception):
    """The workbook exceeds a bound: ``detail`` (Chinese) names the cell bound, None means the
    uncompressed size."""

    def __init__(self, detail: str | None = None):
        super().__init__(detail or "uncompressed size")
        self.detail = detail


EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


class Extent:
    """The rectangle calamine will allocate: from the lowest to the highest row and column holding a
    value. :meth:`add` raises :class:`TooLarge` as soon as a value lies beyond ``max_rows`` or
    ``max_columns`` or the rectangle would exceed ``max_cells``."""

    __slots__ = ("max_rows", "max_columns", "max_cells", "top", "bottom", "left", "right")

    def __init__(self, max_rows: int, max_columns: int, max_cells: int | None):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.max_cells = max_cells if max_cells is not None else max_rows * max_columns
        self.top = self.left = 1 << 62
        self.bottom = self.right = 0

    def refuse(self) -> None:
        raise TooLarge(f"{self.max_rows} 行、{self.max_columns} 列或 {self.max_cells} 个单元格")

    def fits(self, first_row: int, last_row: int, first_col: int, last_col: int) -> bool:
        """Whether :meth:`add` would accept these values (nothing is recorded)."""
        top, bottom = min(self.top, first_row), max(self.bottom, last_row)
        left, right = min(self.left, first_col), max(self.right, last_col)
        return (last_row <= self.max_rows and last_col <= self.max_columns
                and (bottom - top + 1) * (right - left + 1) <= self.max_cells)

    def add(self, first_row: int, last_row: int, first_col: int, last_col: int) -> None:
        """Values in rows ``first_row..last_row`` and columns ``first_col..last_col`` (1-based)."""
        if last_row > self.max_rows or last_col > self.max_columns:
            self.refuse()
        self.top, self.bottom = min(self.top, first_row), max(self.bottom, last_row)
        self.left, self.right = min(self.left, first_col), max(self.right, last_col)
        if (self.bottom - self.top + 1) * (self.right - self.left + 1) > self.max_cells:
            self.refuse()


def column_name(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA (Excel column letters)."""
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def column_index(letters: bytes) -> int:
    """b"A" → 1, b"AA" → 27 (either case; more than 3 letters give a number beyond Excel's grid)."""
    index = 0
    for ch in letters.upper()[:4]:
        index = index * 26 + ch - 64
    return index
