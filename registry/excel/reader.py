"""Open a workbook and locate its tables (DESIGN §4 steps 1-2): the file's type and bounds come from
``registry.excel.file_kind`` (re-exported here); the sheet holding a layout's header row is chosen here
(:class:`Workbook`), the located table and its rows are ``registry.excel.sheet``'s (re-exported).

Reading uses python-calamine (xlsx, xls, ods; .xlsb is refused, see ``file_kind.guard``). Calamine holds the
sheet's cell range in memory (bounded by the guard: ``MAX_CELLS``); rows are converted to Python one at a
time, so a 100k-row sheet builds no extra list of rows here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from registry.excel.columns import ROSTER, ColumnSet, clean_heading
from registry.excel.file_kind import (
    CORRUPT,
    GUARD_ROWS,
    HEADER_SCAN_ROWS,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_UNCOMPRESSED,
    MESSAGES,
    FileError,
    detect_kind,
    guard,
    size_text,
)
from registry.excel.prefetch import SheetPrefetch
from registry.excel.sheet import RosterSheet, TableSheet, header_in, make_sheet, table_from_rows

__all__ = ["FileError", "RosterSheet", "TableSheet", "Workbook", "open_workbook", "read_roster", "read_table",
           "table_from_rows", "detect_kind", "MAX_BYTES", "MAX_CELLS", "MAX_COLUMNS", "MAX_UNCOMPRESSED",
           "HEADER_SCAN_ROWS"]


@dataclass(slots=True)
class Workbook:
    """An opened, guarded workbook: its detected kind and calamine workbook (see :func:`open_workbook`)."""
    kind: str
    book: CalamineWorkbook
    filename: str | None = None
    loaded: dict[int, CalamineSheet | None] = field(default_factory=dict)
    data: bytes | None = field(default=None, repr=False)
    prefetched: SheetPrefetch | None = field(default=None, repr=False)

    def _visible(self) -> list[tuple[int, str]]:
        # visible worksheets only: hidden ones hold templates' drop-down lists
        return [(index, meta.name) for index, meta in enumerate(self.book.sheets_metadata)
                if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet]

    def prefetch(self, threads: int = 2) -> None:
        """Parse every visible worksheet in ``threads`` background threads (``registry.excel.prefetch``)
        while the caller reads the first ones; call :meth:`close` when done."""
        if self.prefetched is None and self.data is not None:
            self.prefetched = SheetPrefetch(self.data, [i for i, _name in self._visible()
                                                        if i not in self.loaded], threads)

    def _named(self, names: tuple[str, ...]) -> int | None:
        """The first visible sheet named one of ``names`` (compared as :meth:`find_table` does), if any."""
        wanted = {clean_heading(n) for n in names}
        return next((i for i, name in self._visible() if clean_heading(name) in wanted), None)

    def ready(self, names: tuple[str, ...]) -> bool:
        """Whether the first visible sheet named one of ``names`` is loaded or parsed by the prefetch
        threads: locating a table there will not wait."""
        index = self._named(names)
        return index is not None and (index in self.loaded or (
            self.prefetched is not None and self.prefetched.ready(index)))

    def wait_any(self, groups: list[tuple[str, ...]]) -> None:
        """Wait until the sheet named in one of ``groups`` (as :meth:`ready`) is ready; at once when one of
        them is loaded already, not prefetched or not in the workbook."""
        indices = [self._named(names) for names in groups]
        if self.prefetched is not None and all(i is not None and i not in self.loaded and i in self.prefetched
                                               for i in indices):
            self.prefetched.wait_any(indices)

    def close(self) -> None:
        """Stop the prefetch threads, if any (the sheets already loaded stay readable)."""
        if self.prefetched is not None:
            self.prefetched.close()

    def _sheet(self, index: int) -> CalamineSheet | None:  # loaded once; None when unreadable
        if index not in self.loaded:
            try:
                if self.prefetched is not None and index in self.prefetched:
                    self.loaded[index] = self.prefetched.get(index)
                else:
                    self.loaded[index] = self.book.get_sheet_by_index(index)
            except PasswordError as exc:
                raise FileError("file.encrypted") from exc
            except CalamineError:
                self.loaded[index] = None
        return self.loaded[index]

    def find_table(self, columns: ColumnSet, *, names: tuple[str, ...] = (), max_rows: int | None = None,
                   required: bool = True) -> TableSheet | None:
        """The sheet holding a table of ``columns``: a sheet named in ``names`` (compared after
        :func:`registry.excel.columns.clean_heading`) is tried first, then every other visible sheet.

        Returns None when no sheet has such a header and ``required`` is False. Raises FileError
        ``file.missing_column`` (a header with a required column absent), ``file.no_header``,
        ``file.too_large`` (more than ``max_rows`` data rows).
        """
        wanted = {clean_heading(n) for n in names}
        order = sorted(self._visible(), key=lambda item: clean_heading(item[1]) not in wanted)
        partial: tuple[str, CalamineSheet, tuple[int, list[Any], dict[str, int]]] | None = None
        for index, name in order:  # a sheet is loaded only when its turn comes
            sheet = self._sheet(index)
            found = None if sheet is None else header_in(sheet, columns)
            if found is None:
                continue
            if all(k in found[2] for k in columns.required_keys):
                if max_rows is not None and sheet.height - found[0] > max_rows:
                    raise FileError("file.too_large", f"表格数据超过 {max_rows} 行，请拆分后分批导入")
                return make_sheet(self.kind, name, sheet, found, self.filename)
            if partial is None:
                partial = (name, sheet, found)
        if partial is not None:
            missing = tuple(columns.heading(k) for k in columns.required_keys if k not in partial[2][2])
            raise FileError("file.missing_column",
                            MESSAGES["file.missing_column"].format(missing="、".join(missing)), missing=missing)
        if not required:
            return None
        expected = "、".join(columns.heading(k) for k in columns.required_keys[:4])
        raise FileError("file.no_header", MESSAGES["file.no_header_of"].format(rows=HEADER_SCAN_ROWS,
                                                                                 expected=expected))


def open_workbook(data: bytes, filename: str | None = None, *, max_bytes: int = MAX_BYTES,
                  max_rows: int | None = None, max_columns: int = MAX_COLUMNS,
                  max_uncompressed: int = MAX_UNCOMPRESSED, max_cells: int = MAX_CELLS) -> Workbook:
    """Detect the file type from the bytes, run the bomb guard and open the workbook.

    Raises FileError ``file.empty``, ``file.not_excel``, ``file.encrypted`` or ``file.too_large`` (see
    :func:`read_roster` for the limits). ``filename`` is informational only.
    """
    if len(data) > max_bytes:
        raise FileError("file.too_large", MESSAGES["file.too_large"].format(limit=size_text(max_bytes)))
    kind = detect_kind(data, max_uncompressed=max_uncompressed)
    guard(data, kind, max_rows=(max_rows or GUARD_ROWS) + HEADER_SCAN_ROWS, max_columns=max_columns,
          max_uncompressed=max_uncompressed, max_cells=max_cells)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise FileError("file.encrypted") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise FileError("file.not_excel", CORRUPT) from exc
    return Workbook(kind, book, filename, data=data)


def read_table(data: bytes, columns: ColumnSet, filename: str | None = None, *, names: tuple[str, ...] = (),
               max_bytes: int = MAX_BYTES, max_rows: int | None = None, max_columns: int = MAX_COLUMNS,
               max_uncompressed: int = MAX_UNCOMPRESSED, max_cells: int = MAX_CELLS) -> TableSheet:
    """Open a one-table workbook of the layout ``columns`` and locate its header row (see
    :meth:`Workbook.find_table`; the sheets named in ``names`` are tried first)."""
    book = open_workbook(data, filename, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns,
                         max_uncompressed=max_uncompressed, max_cells=max_cells)
    table = book.find_table(columns, names=names, max_rows=max_rows)
    assert table is not None  # required=True raises instead
    return table


def read_roster(data: bytes, filename: str | None = None, *, max_bytes: int = MAX_BYTES,
                max_rows: int | None = None, max_columns: int = MAX_COLUMNS,
                max_uncompressed: int = MAX_UNCOMPRESSED, max_cells: int = MAX_CELLS) -> RosterSheet:
    """Open a roster workbook from its bytes and locate the header row.

    Reads the first visible worksheet whose first ``HEADER_SCAN_ROWS`` rows contain a header row
    (title rows and merged cells above it are normal). ``filename`` is informational only: the type
    is detected from the bytes.

    Raises FileError with code ``file.empty``, ``file.not_excel``, ``file.encrypted``,
    ``file.too_large`` (over ``max_bytes``, more than ``max_rows`` sheet rows, a value beyond row
    ``max_rows`` + HEADER_SCAN_ROWS or column ``max_columns``, values spanning more than ``max_cells``
    cells, more than ``max_uncompressed`` bytes
    inflated: see :func:`guard`), ``file.no_header`` or ``file.missing_column``.
    """
    book = open_workbook(data, filename, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns,
                         max_uncompressed=max_uncompressed, max_cells=max_cells)
    table = book.find_table(ROSTER, max_rows=max_rows, required=False)
    if table is None:
        raise FileError("file.no_header", MESSAGES["file.no_header"].format(rows=HEADER_SCAN_ROWS))
    return table


