"""Read a member roster workbook (DESIGN §4 steps 1-2): detect the real file type from its bytes,
find the header row by its headings, stream data rows as ``(excel_row_number, {key: raw value})``.

Reading uses python-calamine (xlsx, xls, ods; .xlsb is refused, see :func:`guard`). Calamine holds the
sheet's cell range in memory (bounded by the guard: ``MAX_CELLS``); rows are converted to Python one at a
time, so a 100k-row sheet builds no extra list of rows here.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
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
from registry.excel.guard import TooLarge, check_ods, check_xlsx

__all__ = ["FileError", "RosterSheet", "TableSheet", "Workbook", "open_workbook", "read_roster", "read_table",
           "table_from_rows", "detect_kind", "MAX_BYTES", "MAX_CELLS", "HEADER_SCAN_ROWS"]

MAX_BYTES = 20 * 1024 * 1024  # same as the default upload limit (config.MAX_CONTENT_LENGTH)
# Bomb guard defaults (config ROSTER_MAX_ROWS, ROSTER_MAX_COLUMNS, ROSTER_MAX_UNCOMPRESSED): a value beyond
# row GUARD_ROWS + HEADER_SCAN_ROWS or column MAX_COLUMNS, or more inflated bytes, is file.too_large.
GUARD_ROWS = 200_000
MAX_COLUMNS = 64
# calamine keeps ~30 bytes per cell of the rectangle from the first to the last value: 5M cells ≈ 150 MB
# (200,000 rows × 25 columns); a wider or longer rectangle is file.too_large before calamine opens it.
MAX_CELLS = 5_000_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024
HEADER_SCAN_ROWS = 20

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# CFB directory entries store stream names in UTF-16LE: an Office-encrypted xlsx/ods is a CFB holding
# "EncryptionInfo" + "EncryptedPackage"; a real .xls holds a "Workbook" (BIFF8) or "Book" (BIFF5) stream.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_BLANK = " \t\r\n\v\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"

_MESSAGES = {
    "file.empty": "文件是空的（0 字节），请重新选择要导入的文件",
    "file.not_excel": "文件不是 Excel 表格（.xlsx/.xls/.ods），请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
    "file.encrypted": "文件设置了打开密码，请在 Excel 或 WPS 中取消密码、保存后再导入",
    "file.too_large": "文件太大，超过了导入上限 {limit}，请拆分后分批导入",
    "file.xlsb": "不支持 Excel 二进制工作簿（.xlsb），请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
    "file.no_header": ("在表格的前 {rows} 行中没有找到表头，"
                       "表头应包含“户编号、成员姓名、证件号码、与户主关系”等列"),
    "file.no_header_of": "在表格的前 {rows} 行中没有找到表头，表头应包含“{expected}”等列",
    "file.missing_column": "表格缺少必填列：{missing}",
}


class FileError(Exception):
    """The file as a whole cannot be read. ``code`` is a stable ``file.*`` code, ``message`` Chinese.

    For ``file.missing_column``, ``missing`` holds the Chinese headings of the absent columns.
    """

    def __init__(self, code: str, message: str | None = None, *, missing: tuple[str, ...] = ()) -> None:
        self.code = code
        self.message = message or _MESSAGES.get(code, code)
        self.missing = missing
        super().__init__(f"{code}: {self.message}")

    @property
    def message_zh(self) -> str:
        return self.message


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def detect_kind(data: bytes, *, max_uncompressed: int | None = None) -> str:
    """Real type of a spreadsheet file from its bytes: "xlsx", "xlsb", "ods" or "xls".

    Raises FileError ``file.empty``, ``file.encrypted`` (Office-encrypted CFB) or ``file.not_excel``
    (CSV, HTML or text saved under an Excel name, other zip/CFB documents, corrupt files), and
    ``file.too_large`` when a zip would inflate beyond ``max_uncompressed`` bytes (zip bomb guard).
    """
    if not data:
        raise FileError("file.empty")
    head = data[:8]
    if head.startswith(_ZIP_MAGICS):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
                names = {i.filename for i in infos}
                if max_uncompressed is not None and sum(i.file_size for i in infos) > max_uncompressed:
                    raise FileError("file.too_large", _MESSAGES["file.too_large"].format(
                        limit=_size_text(max_uncompressed) + "（解压后）"))
                if "mimetype" in names and zf.read("mimetype")[:200].strip().startswith(_ODS_MIME):
                    return "ods"
        except _ZIP_ERRORS as exc:
            raise FileError("file.not_excel") from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        raise FileError("file.not_excel")
    if head == _CFB_MAGIC:
        if _ENCRYPTED_PACKAGE in data or _ENCRYPTION_INFO in data:
            raise FileError("file.encrypted")
        if any(s in data for s in _XLS_STREAMS):
            return "xls"
        raise FileError("file.not_excel")  # .doc, .msg and other compound documents
    raise FileError("file.not_excel")


# A truncated or damaged zip fails in many ways: bad structure, bad deflate data, early end, an
# unsupported compression method or an encrypted member.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def guard(data: bytes, kind: str, *, max_rows: int, max_columns: int, max_uncompressed: int,
          max_cells: int = MAX_CELLS) -> None:
    """Refuse a zip bomb or a cell bomb (``registry.excel.guard``) with ``file.too_large``; a zip that
    breaks while being inflated is ``file.not_excel``. xls is a compound file of at most 65,536 rows.
    .xlsb (binary records the guard cannot count) is refused as ``file.not_excel``: save it as .xlsx."""
    if kind == "xlsb":
        raise FileError("file.not_excel", _MESSAGES["file.xlsb"])
    check = {"xlsx": check_xlsx, "ods": check_ods}.get(kind)
    if check is None:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check(zf, max_rows=max_rows, max_columns=max_columns, max_uncompressed=max_uncompressed,
                  max_cells=max_cells)
    except TooLarge as exc:
        limit = exc.detail or _size_text(max_uncompressed) + "（解压后）"
        raise FileError("file.too_large", _MESSAGES["file.too_large"].format(limit=limit)) from None
    except _ZIP_ERRORS as exc:
        raise FileError("file.not_excel", _CORRUPT) from exc


_CORRUPT = "文件已损坏或不是 Excel 表格（.xlsx/.xls/.ods），无法读取"


def _is_blank(row: list[Any]) -> bool:
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
                if _is_blank(row):
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

    __iter__ = rows


#: A located table of any register (the roster's class serves every layout).
TableSheet = RosterSheet


def _header_in(sheet: CalamineSheet, columns: ColumnSet = ROSTER) -> tuple[int, list[Any], dict[str, int]] | None:
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
            if not extra or not _is_blank(required_cells):
                return number, row, mapping
            merged = [below[i] if i in extra.values() or (i < len(row) and _is_blank([row[i]])) else row[i]
                      for i in range(len(below))]
            return number + 1, merged, {**mapping, **extra}
        if best is None or len(mapping) > len(best[2]):
            best = (number, row, mapping)
    return best


@dataclass(slots=True)
class Workbook:
    """An opened, guarded workbook: its detected kind and calamine workbook (see :func:`open_workbook`)."""
    kind: str
    book: CalamineWorkbook
    filename: str | None = None
    loaded: dict[int, CalamineSheet | None] = field(default_factory=dict)

    def _visible(self) -> list[tuple[int, str]]:
        # visible worksheets only: hidden ones hold templates' drop-down lists
        return [(index, meta.name) for index, meta in enumerate(self.book.sheets_metadata)
                if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet]

    def _sheet(self, index: int) -> CalamineSheet | None:  # loaded once; None when unreadable
        if index not in self.loaded:
            try:
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
            found = None if sheet is None else _header_in(sheet, columns)
            if found is None:
                continue
            if all(k in found[2] for k in columns.required_keys):
                if max_rows is not None and sheet.height - found[0] > max_rows:
                    raise FileError("file.too_large", f"表格数据超过 {max_rows} 行，请拆分后分批导入")
                return _make_sheet(self.kind, name, sheet, found, self.filename)
            if partial is None:
                partial = (name, sheet, found)
        if partial is not None:
            missing = tuple(columns.heading(k) for k in columns.required_keys if k not in partial[2][2])
            raise FileError("file.missing_column",
                            _MESSAGES["file.missing_column"].format(missing="、".join(missing)), missing=missing)
        if not required:
            return None
        expected = "、".join(columns.heading(k) for k in columns.required_keys[:4])
        raise FileError("file.no_header", _MESSAGES["file.no_header_of"].format(rows=HEADER_SCAN_ROWS,
                                                                                 expected=expected))


def open_workbook(data: bytes, filename: str | None = None, *, max_bytes: int = MAX_BYTES,
                  max_rows: int | None = None, max_columns: int = MAX_COLUMNS,
                  max_uncompressed: int = MAX_UNCOMPRESSED, max_cells: int = MAX_CELLS) -> Workbook:
    """Detect the file type from the bytes, run the bomb guard and open the workbook.

    Raises FileError ``file.empty``, ``file.not_excel``, ``file.encrypted`` or ``file.too_large`` (see
    :func:`read_roster` for the limits). ``filename`` is informational only.
    """
    if len(data) > max_bytes:
        raise FileError("file.too_large", _MESSAGES["file.too_large"].format(limit=_size_text(max_bytes)))
    kind = detect_kind(data, max_uncompressed=max_uncompressed)
    guard(data, kind, max_rows=(max_rows or GUARD_ROWS) + HEADER_SCAN_ROWS, max_columns=max_columns,
          max_uncompressed=max_uncompressed, max_cells=max_cells)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise FileError("file.encrypted") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise FileError("file.not_excel", _CORRUPT) from exc
    return Workbook(kind, book, filename)


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
        raise FileError("file.no_header", _MESSAGES["file.no_header"].format(rows=HEADER_SCAN_ROWS))
    return table


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
    found = _header_in(_RowsSheet(rows), columns)  # type: ignore[arg-type]
    if found is None:
        expected = "、".join(columns.heading(k) for k in columns.required_keys[:4])
        raise FileError("file.no_header", _MESSAGES["file.no_header_of"].format(rows=HEADER_SCAN_ROWS,
                                                                                 expected=expected))
    missing = tuple(columns.heading(k) for k in columns.required_keys if k not in found[2])
    if missing:
        raise FileError("file.missing_column", _MESSAGES["file.missing_column"].format(missing="、".join(missing)),
                        missing=missing)
    return _make_sheet(kind, name, _RowsSheet(rows), found, filename)  # type: ignore[arg-type]


def _make_sheet(kind: str, name: str, sheet: CalamineSheet,
                found: tuple[int, list[Any], dict[str, int]], filename: str | None) -> RosterSheet:
    number, row, mapping = found
    headings = tuple("" if c is None else str(c).strip(_BLANK) for c in row)
    used = set(mapping.values())
    ignored = tuple(h for i, h in enumerate(headings) if h and i not in used)
    return RosterSheet(kind, name, number, headings, dict(mapping), filename, ignored, sheet)
