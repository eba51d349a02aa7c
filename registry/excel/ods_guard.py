"""The .ods side of the zip/cell-bomb guard (``registry.excel.guard`` has the bounds, :class:`Extent`,
:class:`TooLarge` and the .xlsx side): repeated rows and cells are counted as calamine expands them."""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from registry.excel.extent import Extent, TooLarge

__all__ = ["check_ods"]


_ODS_TOKEN = re.compile(
    rb"<table:table-row\b([^>]*?)(/?)>|</table:table-row>|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>"
    rb"|<table:table[\s>]|<text:p\b")
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]+)')
_REPEAT_COLS = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]+)')


def check_ods(zf: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_uncompressed: int,
              max_cells: int | None = None) -> None:
    """The .ods counterpart of :func:`check_xlsx`: repeated rows and cells are counted as calamine
    expands them, up to the last row and column holding a value."""
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > max_uncompressed:
        raise TooLarge()
    try:
        info = zf.getinfo("content.xml")
    except KeyError:
        return
    with zf.open(info) as stream:
        content = stream.read(max_uncompressed + 1)
    if len(content) > max_uncompressed:
        raise TooLarge()
    _walk_ods(content, lambda: Extent(max_rows, max_columns, max_cells))


def _walk_ods(content: bytes, new_extent: Callable[[], Extent]) -> None:
    row, row_repeat = 0, 1  # rows before the current row element; its repeat count
    col, col_repeat = 0, 1  # cells before the current cell element; its repeat count
    extent = new_extent()

    def value_here() -> None:
        extent.add(row + 1, row + row_repeat, col + 1, col + col_repeat)

    for m in _ODS_TOKEN.finditer(content):
        token = m.group(0)
        if token.startswith(b"<table:table-row"):
            reps = _REPEAT_ROWS.search(m.group(1))
            row_repeat = int(reps.group(1)) if reps else 1
            col, col_repeat = 0, 0
            if m.group(2):  # <table:table-row …/>: an empty row
                row, row_repeat = row + row_repeat, 1
        elif token == b"</table:table-row>":
            row, row_repeat = row + row_repeat, 1
        elif token.startswith((b"<table:table-cell", b"<table:covered")):
            col += col_repeat
            reps = _REPEAT_COLS.search(m.group(3))
            col_repeat = int(reps.group(1)) if reps else 1
            if b"office:value-type" in m.group(3):
                value_here()
        elif token.startswith(b"<table:table"):  # a new sheet
            row, row_repeat, col, col_repeat = 0, 1, 0, 0
            extent = new_extent()
        else:  # <text:p> inside the current cell
            value_here()
