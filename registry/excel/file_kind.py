"""The spreadsheet file as a whole (DESIGN §4 step 1): its real type from its bytes (:func:`detect_kind`), the
bounds a file must keep before any grid is built (:func:`guard`: zip and cell bombs, ``registry.excel.guard``)
and :class:`FileError` with its stable ``file.*`` codes and Chinese messages. ``registry.excel.reader``
re-exports the public names."""
from __future__ import annotations

import io
import zipfile
import zlib

from registry.excel.guard import TooLarge, check_xlsx
from registry.excel.ods_guard import check_ods

__all__ = ["FileError", "detect_kind", "guard", "MAX_BYTES", "GUARD_ROWS", "MAX_COLUMNS", "MAX_CELLS",
           "MAX_UNCOMPRESSED", "HEADER_SCAN_ROWS", "MESSAGES", "CORRUPT", "ZIP_ERRORS", "size_text"]

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

MESSAGES = {
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
        self.message = message or MESSAGES.get(code, code)
        self.missing = missing
        super().__init__(f"{code}: {self.message}")

    @property
    def message_zh(self) -> str:
        return self.message


def size_text(n: int) -> str:
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
                    raise FileError("file.too_large", MESSAGES["file.too_large"].format(
                        limit=size_text(max_uncompressed) + "（解压后）"))
                if "mimetype" in names and zf.read("mimetype")[:200].strip().startswith(_ODS_MIME):
                    return "ods"
        except ZIP_ERRORS as exc:
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
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def guard(data: bytes, kind: str, *, max_rows: int, max_columns: int, max_uncompressed: int,
          max_cells: int = MAX_CELLS) -> None:
    """Refuse a zip bomb or a cell bomb (``registry.excel.guard``) with ``file.too_large``; a zip that
    breaks while being inflated is ``file.not_excel``. xls is a compound file of at most 65,536 rows.
    .xlsb (binary records the guard cannot count) is refused as ``file.not_excel``: save it as .xlsx."""
    if kind == "xlsb":
        raise FileError("file.not_excel", MESSAGES["file.xlsb"])
    check = {"xlsx": check_xlsx, "ods": check_ods}.get(kind)
    if check is None:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check(zf, max_rows=max_rows, max_columns=max_columns, max_uncompressed=max_uncompressed,
                  max_cells=max_cells)
    except TooLarge as exc:
        limit = exc.detail or size_text(max_uncompressed) + "（解压后）"
        raise FileError("file.too_large", MESSAGES["file.too_large"].format(limit=limit)) from None
    except ZIP_ERRORS as exc:
        raise FileError("file.not_excel", CORRUPT) from exc


CORRUPT = "文件已损坏或不是 Excel 表格（.xlsx/.xls/.ods），无法读取"
