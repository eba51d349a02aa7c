"""Cell parsers and messages of the rights registers (shared/samples/RIGHTS.md, samples README "Rights
registers"): codes of fixed width (CBFBM, DKBM, 宗地代码), areas with their unit, prices, code lists.

Like ``registry.excel.normalise`` they never raise: a value, None for blank, or INVALID.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from registry.excel.normalise import INVALID, TRIM_CHARS, clean_text, parse_text, strip_text_marker

__all__ = ["MESSAGES", "MU", "parse_code", "parse_area", "parse_price", "parse_code_list", "format_area",
           "MAX_AREA", "Q4", "Q2"]

Q4 = Decimal("0.0001")
Q2 = Decimal("0.01")
#: 亩 Numeric(12,4) holds 8 digits before the point; money Numeric(14,2) 12.
MAX_AREA = Decimal("99999999.9999")
MAX_PRICE = Decimal("999999999999.99")
#: Above 10^20 a number is far over both caps; quantizing it to 4 places would overflow Decimal's 28 digits.
_MAX_EXPONENT = 20
_RE_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# Units after NFKC: ㎡ -> "m2", m² -> "m2".
_UNITS = ("平方米", "平米", "m2", "M2", "亩")
#: The unit of the land register's area columns (合同面积, 实测面积, 流转面积 are in 亩).
MU = ("亩",)
_RE_LIST_SEP = re.compile(r"[、,;\s]+")

#: Messages of the codes the rights registers add to the roster's (``{column}``, ``{value}``, ``{expected}``).
MESSAGES: Mapping[str, str] = {
    "household.unknown": "{column}“{value}”与本村名册不符：{expected}",
    "code.format": "{column}“{value}”格式不对：{expected}",
    "parcel.duplicate": "地块编码 {value} 在本文件中重复出现（{expected}）",
    "parcel.contractor_unknown": "承包方编码“{value}”不在“承包方”表中",
    "parcel.other_contractor": ("地块编码 {value} 已登记在承包方 {expected} 名下：地块在承包方之间变动须办理互换或"
                                "转让（L-12、L-13），不能通过导入改变"),
    "area.invalid": "{column}“{value}”不是大于 0 的面积（可写作 1.5 或 1.5亩）",
    "term.invalid": "{column} {value} 早于开始日期 {expected}",
    "circulation.term_exceeds_contract": "流转结束日期 {value} 晚于承包期限止 {expected}（L-16）",
    "circulation.parcel_unknown": "地块编码“{value}”不在“承包地块”表中，或不属于该承包方",
    "circulation.area_exceeds": "流转面积 {value} 亩大于所列地块的合同面积合计 {expected} 亩",
    "contractor.duplicate": "承包方编码 {value} 在“承包方”表中重复出现（{expected}）",
    "price.invalid": "{column}“{value}”应为不小于 0 的金额（元）",
    "coholder.left_household": ("共有人 {value} 已不在该户的名册中：仍为承包经营权共有人，"
                                "不因婚嫁或户籍迁移而丧失（L-10）"),
    "value.missing": "{column}为空",
    "count.invalid": "{column}“{value}”应为不小于 0 的整数",
    "village.unknown": "{column}“{value}”：{expected}",  # town / district import
}


def parse_code(value: Any, width: int) -> str | None | Any:
    """A code of exactly ``width`` digits written as text (full-width digits and stray spaces at the ends
    cleaned, the ``'`` text marker dropped). A number cell (Excel has rounded an 18-digit code), a space
    inside, other characters or another length -> INVALID; blank -> None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return INVALID
    if len(value) == width and value.isascii() and value.isdigit():
        return value  # already clean (the common case): what the steps below would return
    text = strip_text_marker(clean_text(value))
    if not text:
        return None
    if len(text) != width or not text.isascii() or not text.isdigit():
        return INVALID
    return text


def _decimal(value: Any, *, units: tuple[str, ...] = ()) -> Decimal | None | Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else INVALID
    if not isinstance(value, str):
        return INVALID
    text = clean_text(value)
    if not text:
        return None
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)].rstrip().rstrip(TRIM_CHARS)  # "1.5 亩", "1.5\u200b亩"
            break
    if not _RE_PLAIN.fullmatch(text):
        return INVALID
    try:
        return Decimal(text)
    except InvalidOperation:
        return INVALID


def parse_area(value: Any, units: tuple[str, ...] = _UNITS) -> Decimal | None | Any:
    """An area: a number, or text that is a plain decimal optionally followed by one of ``units`` (by
    default 亩 or m²; the land register's columns pass :data:`MU`) with or without spaces before it
    (``1.5亩`` -> 1.5000, ``１．２`` -> 1.2000, ``1.50 亩``, ``110.88平方米``). Zero, negative, another unit,
    anything else -> INVALID."""
    number = _decimal(value, units=units)
    if number is None or number is INVALID:
        return number
    if number.adjusted() > _MAX_EXPONENT:  # 1e300: more digits than quantize can hold, far above the cap
        return INVALID
    number = number.quantize(Q4, ROUND_HALF_UP)
    return number if Decimal(0) < number <= MAX_AREA else INVALID


def parse_price(value: Any) -> Decimal | None | Any:
    """Yuan with 2 decimals (ROUND_HALF_UP), not negative; anything else -> INVALID."""
    number = _decimal(value)
    if number is None or number is INVALID:
        return number
    if number.adjusted() > _MAX_EXPONENT:  # 1e300: more digits than quantize can hold, far above the cap
        return INVALID
    number = number.quantize(Q2, ROUND_HALF_UP)
    return number if Decimal(0) <= number <= MAX_PRICE else INVALID


def parse_code_list(value: Any) -> list[str] | None:
    """地块编码 of a circulation: one or several joined with 、 , ， ; or spaces (as written, cleaned)."""
    text = parse_text(value)
    if not text:
        return None
    return [strip_text_marker(p) for p in _RE_LIST_SEP.split(text) if p]


def format_area(value: Decimal | None) -> str | None:
    """亩 with 4 decimals as text ("1.2000")."""
    return None if value is None else str(value.quantize(Q4))
