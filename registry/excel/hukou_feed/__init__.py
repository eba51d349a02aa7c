"""The police's hukou change list (户籍变动清单, issue 12 item 6): its columns, reading (.xlsx/.xls/.ods through
the generic reader; CSV in UTF-8 or GBK/GB18030 as Chinese Windows saves it) and the reading of each row
(the roster's ID normalisation: full-width digits, lower-case x, spaces; GB 11643 check character).
No database here: matching rows to members is ``registry.services.hukou_feed``."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from registry.excel.columns import Column, ColumnSet
from registry.excel.normalise import INVALID, parse_date, parse_name, parse_text
from registry.excel.reader import MAX_BYTES, FileError, TableSheet, read_table, table_from_rows
from registry.excel.text_files import decode_text
from registry.identity import normalise_resident_id

__all__ = ["FEED", "FEED_COLUMNS", "CHANGE_LABELS", "FeedRow", "read_feed", "feed_rows", "change_type",
           "is_town"]

FEED_COLUMNS: tuple[Column, ...] = (
    Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "公民身份证号码", "证件号码", "身份证"),
           required=True),
    Column("name", "姓名", ("人员姓名", "成员姓名", "户籍人员姓名")),
    Column("change_type", "变动类型", ("变动类别", "变更类型", "户籍变动类型", "变动情况", "变动项目"),
           required=True),
    Column("change_date", "变动日期", ("变更日期", "变动时间", "办理日期", "迁移日期"), cell="date", required=True),
    Column("destination", "迁往地", ("去向", "迁往地址", "迁入地", "迁往地区", "迁移去向", "去向地址")),
)
FEED = ColumnSet(FEED_COLUMNS)

#: 变动类型 as the police write it → the code stored on a hint.
CHANGE_LABELS = {"out": "迁出", "in": "迁入", "death": "死亡", "other": "其他"}
_CHANGE_WORDS = {
    "迁出": "out", "户口迁出": "out", "户籍迁出": "out", "迁移": "out", "迁往": "out",
    "迁入": "in", "户口迁入": "in", "户籍迁入": "in", "迁回": "in",
    "死亡": "death", "死亡注销": "death", "注销（死亡）": "death", "注销(死亡)": "death", "宣告死亡": "death",
    "其他": "other", "其它": "other",
}

# A destination in a town or city (进城落户): a street office, a residents' community, an urban district.
_TOWN_MARKERS = ("街道", "社区", "居委会", "居民委员会", "城区", "市区", "县城", "城镇")
_BLANKS = re.compile(r"\s+")


def change_type(value: Any) -> str | None:
    """The change code of a 变动类型 cell (``out``, ``in``, ``death``, ``other``); None when unknown."""
    text = parse_text(value)
    if not text:
        return None
    return _CHANGE_WORDS.get(_BLANKS.sub("", text)) or _CHANGE_WORDS.get(unicodedata.normalize("NFKC", text))


def is_town(destination: str | None) -> bool:
    """Whether a destination reads as a town or city (进城落户: a street office, a community, an urban
    district, a city, a town) rather than a village (any place naming a 村), a school or the army."""
    if not destination:
        return False
    if "村" in destination and "社区" not in destination:
        return False
    return any(marker in destination for marker in _TOWN_MARKERS) or destination.endswith(("市", "区", "镇"))


def read_feed(data: bytes, filename: str | None = None, *, max_bytes: int = MAX_BYTES,
              max_rows: int | None = None) -> TableSheet:
    """The change list's table: a spreadsheet through the generic reader, or a CSV file (decided by the
    bytes: anything that is not a zip or compound document is read as CSV text)."""
    if not data:
        raise FileError("file.empty")
    if len(data) > max_bytes:
        raise FileError("file.too_large", f"文件太大，超过了导入上限 {max_bytes // 1024 // 1024} MB")
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return read_table(data, FEED, filename, max_bytes=max_bytes, max_rows=max_rows)
    text = _decode(data)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""))]
    if max_rows is not None and len(rows) > max_rows + 20:
        raise FileError("file.too_large", f"表格数据超过 {max_rows} 行，请拆分后分批导入")
    return table_from_rows(rows, FEED, kind="csv", filename=filename)


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        raise FileError("file.not_excel",
                        "文件既不是 Excel 表格，也不是 UTF-8 或 GBK 编码的 CSV 文件，无法读取") from None


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One row of the list as read: ``id_number`` normalised (None when invalid), ``code`` an error code
    (``id.*``, ``change.unknown``, ``date.invalid``, ``date.missing``, ``date.future``) with ``message``."""

    row: int
    id_text: str
    id_number: str | None
    name: str
    change_type: str | None
    change_date: dt.date | None
    destination: str | None
    code: str | None = None
    message: str | None = None


_ID_MESSAGES = {
    "id.missing": "身份证号为空",
    "id.format": "身份证号格式不对（应为 18 位，最后一位可以是 X）",
    "id.checksum": "身份证号校验位不对",
    "id.birthdate": "身份证号中的出生日期不存在或晚于今天",
    "id.precision_lost": "身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本后重新导出",
}


def feed_rows(table: TableSheet, *, today: dt.date) -> Iterator[FeedRow]:
    """Read every data row of the table (never raises for a bad cell)."""
    for number, values in table.rows():
        yield _read_row(number, values, today)


def _read_row(number: int, values: dict[str, Any], today: dt.date) -> FeedRow:
    raw_id = values.get("id_number")
    id_text = "" if raw_id is None else str(raw_id).strip()
    if isinstance(raw_id, str):
        raw_id = _BLANKS.sub("", unicodedata.normalize("NFKC", raw_id))  # "3703 0519…", full-width spaces
    ident = normalise_resident_id(raw_id, today=today)
    name = parse_name(values.get("name"))
    name = name if isinstance(name, str) else (parse_text(values.get("name")) or "")
    kind = change_type(values.get("change_type"))
    when = parse_date(values.get("change_date"))
    destination = parse_text(values.get("destination"))
    row = FeedRow(number, id_text, ident.value, name, kind, when if isinstance(when, dt.date) else None,
                  destination[:120] if destination else None)
    if not ident.ok:
        return _error(row, ident.error, _ID_MESSAGES.get(ident.error, "身份证号无效"))
    if kind is None:
        return _error(row, "change.unknown", "变动类型应为 迁出、迁入、死亡 或 其他")
    if when is None:
        return _error(row, "date.missing", "变动日期为空")
    if when is INVALID or not isinstance(when, dt.date):
        return _error(row, "date.invalid", "变动日期无法识别")
    if when > today:
        return _error(row, "date.future", "变动日期晚于今天")
    return row


def _error(row: FeedRow, code: str | None, message: str) -> FeedRow:
    return FeedRow(row.row, row.id_text, None, row.name, row.change_type, row.change_date, row.destination,
                   code, message)
