"""Column spec of the member roster sheet (成员名册, DOMAIN §5) — one entry per column.

Used by the reader (header detection, synonyms), the validator (issue column headings), the writer
(export order and cell kinds) and the downloadable templates in ``imports/``.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "Column", "ColumnSet", "ROSTER", "ROSTER_COLUMNS", "STANDARD_COLUMNS", "BY_KEY", "BY_HEADING", "HEADINGS",
    "REQUIRED_KEYS",
    "heading", "match_heading", "clean_heading", "map_header",
]

CellKind = Literal["text", "number", "date"]


@dataclass(frozen=True, slots=True)
class Column:
    """One roster column.

    key:      English field key used in row dicts (``values["id_number"]``).
    heading:  the exact Chinese heading of the sample rosters and of exports.
    synonyms: other headings accepted on import (matched after :func:`clean_heading`).
    cell:     how the writer stores the value: text cell, number cell or real date cell.
    required: absent column -> ``file.missing_column``.
    optional: not part of the standard 21-column export (written only when asked).
    max_length: the longest value the database column holds (characters); longer -> ``value.too_long``.
    """

    key: str
    heading: str
    synonyms: tuple[str, ...] = ()
    cell: CellKind = "text"
    required: bool = False
    optional: bool = False
    max_length: int | None = None


ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("顺序号", "行号", "NO", "NO.", "序"), cell="number"),
    Column("group", "组", ("组别", "组号", "组名", "小组", "村民小组", "所在组", "所属组", "村组"),
           cell="number", max_length=20),
    Column("household_no", "户编号", ("户号", "户编码", "户代码", "家庭编号", "家庭户号", "承包方编码",
                                      "户序号"), required=True, max_length=20),
    Column("head_name", "户主姓名", ("户主", "户主名称", "户主名", "承包方代表名称")),
    Column("name", "成员姓名", ("姓名", "家庭成员姓名", "成员名称", "股东姓名", "名字", "成员名字"),
           required=True, max_length=60),
    Column("sex", "性别", ("成员性别",)),
    Column("id_type", "证件类型", ("证件种类", "证件名称", "身份证件类型")),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号",
                                     "身份证", "身份证件号码", "成员身份证号", "成员身份证号码", "证件编号"),
           required=True),
    Column("relation", "与户主关系", ("与户主的关系", "与户主关系代码", "关系", "家庭关系", "户内关系",
                                      "与户主之关系"), required=True),
    Column("birth_date", "出生日期", ("出生年月日", "出生年月", "出生时间", "生日"), cell="date"),
    Column("hukou_place", "户籍所在地", ("户籍地", "户口所在地", "户籍地址", "户口地址"), max_length=120),
    Column("hukou_in_village", "是否本村户籍",
           ("本村户籍", "是否本村户口", "户籍是否在本村", "是否在本村户籍")),
    Column("status", "成员状态", ("身份状态", "成员身份状态", "状态")),
    Column("acquisition_ground", "取得方式", ("取得原因", "成员身份取得方式", "取得途径", "身份取得方式")),
    Column("acquired_at", "取得日期", ("取得时间", "身份取得日期", "确认日期"), cell="date"),
    Column("remark", "成员备注", ("成员备注类型", "备注类型")),
    Column("population_shares", "人口股", ("基本股", "人口股数"), cell="number"),
    Column("farm_age_shares", "农龄股", ("劳龄股", "农龄股数"), cell="number"),
    Column("total_shares", "股份合计", ("合计", "股份总数", "合计股数", "总股数", "股数合计"), cell="number"),
    Column("phone", "联系电话", ("电话", "电话号码", "手机", "手机号", "手机号码", "联系方式"), max_length=30),
    Column("notes", "备注", ("说明", "其他备注说明")),
    Column("village_code", "村代码", ("村级代码", "行政区编号", "村编码", "行政区划代码", "村级编码"),
           optional=True),
    # Ending a membership by import (issue 3): a 成员状态 已丧失 row names a lawful ground (§2.5) and a
    # date; 丧失依据 holds the charter article (charter_or_law) or the proof (other_membership).
    Column("loss_ground", "丧失原因", ("丧失事由", "成员身份丧失原因", "丧失成员身份原因"), optional=True),
    Column("lost_at", "丧失日期", ("丧失时间", "成员身份丧失日期"), cell="date", optional=True),
    Column("loss_basis", "丧失依据", ("丧失证明", "丧失依据及证明"), optional=True),
    # M-17 (issue 14): a signed declaration of holding no other membership, 是/否; blank leaves it as is.
    Column("declared_no_other", "声明无其他成员身份", ("已签署无其他成员身份声明", "无其他成员身份声明"),
           optional=True),
)

#: The 21 columns of the standard layout, in order (without the optional columns).
STANDARD_COLUMNS: tuple[Column, ...] = tuple(c for c in ROSTER_COLUMNS if not c.optional)
HEADINGS: tuple[str, ...] = tuple(c.heading for c in STANDARD_COLUMNS)
BY_KEY: Mapping[str, Column] = MappingProxyType({c.key: c for c in ROSTER_COLUMNS})
BY_HEADING: Mapping[str, Column] = MappingProxyType({c.heading: c for c in ROSTER_COLUMNS})
REQUIRED_KEYS: tuple[str, ...] = tuple(c.key for c in ROSTER_COLUMNS if c.required)

# Heading clean-up: NFKC; drop BOM, NBSP, zero-width and every whitespace (so "性 别" == "性别");
# drop required-field stars and a trailing note in brackets ("证件号码（必填）"), and a trailing colon.
_DROP = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00a0\u3000*"), None)
_RE_SPACE = re.compile(r"\s+")
_RE_NOTE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")


def clean_heading(value: Any) -> str:
    """The comparable form of a heading cell ("" for blanks and non-text cells)."""
    if not isinstance(value, str) or not value:
        return ""
    text = _RE_SPACE.sub("", unicodedata.normalize("NFKC", value).translate(_DROP))
    text = text.rstrip(":")
    stripped = _RE_NOTE.sub("", text)
    return (stripped or text).upper()


class ColumnSet:
    """The column spec of one sheet layout: heading matching and header mapping for that layout.

    Every register (roster, land contract sheets, homesteads, shares) declares its columns as a tuple of
    :class:`Column` and wraps it in a ``ColumnSet``; the generic reader finds a sheet's header row with
    it. Canonical headings win over synonyms; headings are compared after :func:`clean_heading`.
    ``min_header_matches``: a row with fewer recognised headings is a title or notes row, not a header.
    """

    def __init__(self, columns: Iterable[Column], *, min_header_matches: int = 3) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self.by_key: Mapping[str, Column] = MappingProxyType({c.key: c for c in self.columns})
        self.required_keys: tuple[str, ...] = tuple(c.key for c in self.columns if c.required)
        self.min_header_matches = min_header_matches
        index: dict[str, str] = {}
        for col in self.columns:
            index[clean_heading(col.heading)] = col.key
        for col in self.columns:
            for syn in col.synonyms:
                index.setdefault(clean_heading(syn), col.key)
        self._index: Mapping[str, str] = MappingProxyType(index)

    def heading(self, key: str) -> str:
        """Chinese heading of a column key (KeyError for an unknown key)."""
        return self.by_key[key].heading

    def match_heading(self, value: Any) -> str | None:
        """Column key for a heading cell as found in a user's file, or None when not one of these headings."""
        text = clean_heading(value)
        if not text:
            return None
        key = self._index.get(text)
        if key is None:
            # "证件号码（必填）" was reduced by clean_heading; also accept "证件号码(18位)"-style notes
            # written without closing bracket by trying the text before the first bracket.
            cut = re.split(r"[(\[【]", text, maxsplit=1)[0]
            key = self._index.get(cut) if cut and cut != text else None
        return key

    def map_header(self, cells: Iterable[Any]) -> dict[str, int]:
        """``{key: column index}`` for a header row; the first column wins when two map to one key."""
        found: dict[str, int] = {}
        for idx, cell in enumerate(cells):
            key = self.match_heading(cell)
            if key is not None and key not in found:
                found[key] = idx
        return found


#: The member roster's layout.
ROSTER = ColumnSet(ROSTER_COLUMNS)


def heading(key: str) -> str:
    """Chinese heading of a roster column key (KeyError for an unknown key)."""
    return ROSTER.heading(key)


def match_heading(value: Any) -> str | None:
    """Roster column key for a heading cell as found in a user's file, or None when not a roster heading."""
    return ROSTER.match_heading(value)


def map_header(cells: Iterable[Any]) -> dict[str, int]:
    """``{key: column index}`` for a roster header row; the first column wins when two map to one key."""
    return ROSTER.map_header(cells)
