"""Roster check results and messages (DESIGN §4 step 4): :class:`Issue`, :class:`RowResult`,
:class:`RosterCheck`, the issue codes and their Chinese messages, and the vocabularies a roster file may use.

Re-exported by ``registry.excel.roster.validate`` (the public module); the cell rules live in ``roster_cells``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.codes import LOSS_GROUND, RESIDENT_NUMBER_ID_TYPES
from registry.excel.columns import ROSTER_COLUMNS

__all__ = ["Issue", "RowResult", "RosterCheck", "MESSAGES", "ROSTER_STATUSES", "ROSTER_ID_TYPES",
           "IMPORT_LOSS_GROUNDS", "ERROR_CODES", "WARNING_CODES", "HEADINGS_BY_KEY", "household_key",
           "id_key"]

#: 成员状态 values a roster file may carry (samples README "Vocabularies"); ``lost`` only with a lawful
#: 丧失原因 and a 丧失日期 (issue 3, M-09).
ROSTER_STATUSES = frozenset({"confirmed", "pending", "lost"})
#: Loss grounds an import may carry: withdrawal needs the written application and consent (M-18).
IMPORT_LOSS_GROUNDS = frozenset(LOSS_GROUND) - {"withdrawal"}
#: 证件类型 values for a person (C.15 without 3, the organisation code certificate).
ROSTER_ID_TYPES = frozenset({"1", "2", "4", "5", "9"})
WARNING_CODES = frozenset({"id.legacy15"})

MESSAGES: Mapping[str, str] = {
    "id.missing": "证件号码为空",
    "id.format": "证件号码“{value}”格式不对：居民身份证号码应为 18 位（最后一位可为 X）或 15 位旧号码",
    "id.checksum": "证件号码“{value}”的校验位（最后一位）不对，请核对是否抄错",
    "id.birthdate": "证件号码“{value}”中的出生日期不存在或晚于今天",
    "id.precision_lost": ("证件号码被 Excel 存成了数字（{value}），后几位已丢失；"
                          "请把该列设为“文本”格式后重新录入"),
    "id.legacy15": "15 位旧身份证号码“{value}”已升级为 18 位",
    "name.missing": "成员姓名为空",
    "name.invalid": "成员姓名“{value}”含有数字、问号或其他不能用于姓名的字符",
    "sex.mismatch": "性别“{value}”与证件号码不符（按号码第 17 位应为{expected}）",
    "birthdate.mismatch": "出生日期 {value} 与证件号码中的出生日期 {expected} 不符",
    "relation.unknown": "与户主关系“{value}”不是 GB/T 4761 家庭关系（如 户主、配偶、子、女、儿媳、孙子）",
    "household.no_head": "户编号 {value} 这一户没有户主",
    "household.multiple_heads": "户编号 {value} 这一户有 {expected} 个户主，每户只能有一个",
    "household.missing": "户编号为空",
    "household.invalid": "户编号“{value}”应为 4 位数字（如 0001）或 18 位承包方编码",
    "date.invalid": "{column}“{value}”不是有效日期（可写作 1990-01-05、1990.1.5、1990年1月5日 或 19900105）",
    "value.unknown": "{column}“{value}”不在可选范围内（可选：{expected}）",
    "shares.invalid": "{column}“{value}”应为不小于 0 的数字",
    "duplicate.in_file": "证件号码 {value} 在本文件中重复出现（{expected}）",
    "village.invalid": "村代码“{value}”应为 12 位数字",
    "value.too_long": "{column}“{value}”太长，最多 {expected} 个字符",
}
ERROR_CODES = frozenset(MESSAGES) - WARNING_CODES

#: Column key -> Chinese heading (the ``column`` of an :class:`Issue`).
HEADINGS_BY_KEY: Mapping[str, str] = {c.key: c.heading for c in ROSTER_COLUMNS}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a row. ``column`` is the Chinese heading (columns.py), ``code`` a stable
    code (MESSAGES keys), ``message_zh`` the text shown to the clerk, ``level`` "error" or "warning"."""

    row: int
    column: str
    code: str
    message_zh: str
    level: str = "error"


@dataclass(slots=True)
class RowResult:
    """Outcome for one data row. ``values`` holds every roster key (None when blank or invalid), plus
    ``id_original`` (the 15-digit legacy ID when it was upgraded, I-05, else None)."""

    row: int
    values: dict[str, Any]
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def outcome(self) -> str:
        """"accepted" (warnings allowed) or "error"."""
        return "error" if self.errors else "accepted"

    @property
    def codes(self) -> list[str]:
        """Sorted distinct codes of errors and warnings."""
        return sorted({i.code for i in self.errors} | {i.code for i in self.warnings})

    @property
    def issues(self) -> list[Issue]:
        return self.errors + self.warnings


@dataclass(slots=True)
class RosterCheck:
    """All row results of a file, in file order."""

    rows: list[RowResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def member_count(self) -> int:
        return len(self.rows)

    @property
    def household_count(self) -> int:
        """Distinct (village code, 户编号) among rows with a valid household number."""
        return len({household_key(r.values) for r in self.rows if r.values["household_no"] is not None})

    def issues(self) -> Iterator[Issue]:
        """Every issue, by row (errors before warnings)."""
        for r in self.rows:
            yield from r.errors
            yield from r.warnings

    def code_counts(self) -> Counter[str]:
        """Number of rows carrying each code."""
        counts: Counter[str] = Counter()
        for r in self.rows:
            counts.update(r.codes)
        return counts


def household_key(values: Mapping[str, Any]) -> tuple[str, str]:
    """A household of the file: (village code or "", normalised 户编号)."""
    return (values.get("village_code") or "", values["household_no"])


def id_key(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """What makes two rows' IDs the same: resident ID types share one number space ("R")."""
    number = values.get("id_number")
    if number is None:
        return None
    kind = values.get("id_type") or "1"
    return ("R" if kind in RESIDENT_NUMBER_ID_TYPES else kind, number)
