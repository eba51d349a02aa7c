"""Homestead register rows (samples/RIGHTS.md, README "Rights registers"): cell rules and the file rule
D-01, without the database. The household checks (``household.unknown``) need the roster: they are in
``registry.services.homesteads.checks``.

Each row gives a :class:`~registry.excel.roster.types.RowResult` whose ``values`` hold the column keys
of ``HOMESTEAD_COLUMNS`` as Python values (None when blank or invalid) plus ``id_original``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from registry.codes import HOMESTEAD_STATUS
from registry.excel.homesteads.columns import FREE_TEXT, HOMESTEAD, HOMESTEAD_COLUMNS
from registry.excel.normalise import (
    INVALID,
    clean_text,
    mark_invisible,
    parse_date,
    parse_household_no,
    parse_name,
    parse_text,
)
from registry.excel.roster.types import MESSAGES as ROSTER_MESSAGES, Issue, RowResult
from registry.identity import normalise_resident_id

__all__ = ["MESSAGES", "parse_area", "check_row", "validate_homesteads", "second_in_use", "issue"]

MESSAGES: Mapping[str, str] = {
    **ROSTER_MESSAGES,
    "name.missing": "户主姓名为空",
    "name.invalid": "户主姓名“{value}”含有数字、问号或其他不能用于姓名的字符",
    "code.format": ("宗地代码“{value}”应为 19 位：本村 12 位区划代码 + JC + 5 位顺序号"
                    "（如 {expected}JC00001）"),
    "area.invalid": "{column}“{value}”应为大于 0 的数字（可带单位 ㎡、平方米）",
    "household.unknown": "户编号“{value}”不是本村名册中的户，或证件号码不是该户的成员",
    "homestead.second_in_use": "户编号 {value} 已有一处使用中的宅基地（{expected}），"
                               "一户只能有一处使用中的宅基地（D-01）",
    "homestead.other_household": ("宗地 {value} 已登记在户 {expected} 名下：宅基地在农户之间变动须办理转让或"
                                  "有偿退出（D-07、D-13），不能通过导入改变"),
    "homestead.area_over_cap": ("宗地面积 {value} ㎡ 超过标准 {expected} ㎡（D-02），"
                                "已接受并标记待核查"),
}
WARNING_CODES = frozenset({"id.legacy15", "homestead.area_over_cap"})
_H = {c.key: c.heading for c in HOMESTEAD_COLUMNS}
_CENT = Decimal("0.01")
# Spaces between the number and its unit, zero-width ones too ("110.88\u200b㎡").
_RE_AREA = re.compile(r"(\d+(?:\.\d+)?|\.\d+)[\s\u200b\u200c\u200d\u2060\ufeff]*(?:m2|平方米|平米|亩)?",
                      re.IGNORECASE)
_MAX_AREA = Decimal("99999999.99")  # Numeric(10,2)


def issue(row: int, key: str, code: str, value: Any = "", expected: Any = "") -> Issue:
    """The Issue of ``code`` on ``key``'s column of ``row`` (level from :data:`WARNING_CODES`)."""
    column = _H.get(key, key)
    message = MESSAGES[code].format(column=column, value=value, expected=expected)
    return Issue(row, column, code, message, "warning" if code in WARNING_CODES else "error")


def parse_area(value: Any, places: Decimal = _CENT, *, units: str = "m2") -> Decimal | None | object:
    """An area > 0 as Decimal rounded half-up to ``places``: a number cell, or text that after NFKC and
    trimming is a plain decimal optionally followed by its unit (``110.88平方米``, ``１２０．８４``,
    ``194.81㎡``).
    Zero, negative, other text (``约150``, ``待测``) -> INVALID; blank -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return INVALID
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        text = clean_text(value).replace("\u00b2", "2")
        if not text:
            return None
        m = _RE_AREA.fullmatch(text)
        if m is None or (units == "m2" and text.endswith("亩")):
            return INVALID
        try:
            number = Decimal(m[1])
        except InvalidOperation:
            return INVALID
    else:
        return INVALID
    try:
        number = number.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return INVALID
    return number if Decimal(0) < number <= _MAX_AREA else INVALID


def _plot_code(raw: Any) -> str | None | object:
    if raw is None:
        return None
    text = clean_text(raw) if isinstance(raw, str) else parse_text(raw)
    return text or None


def check_row(number: int, raw: Mapping[str, Any], *, village_code: str, cap: Decimal,
              today: date | None = None) -> RowResult:
    """One row's values and cell issues (codes of samples/RIGHTS.md)."""
    v: dict[str, Any] = {}
    errors: list[Issue] = []
    warnings: list[Issue] = []

    code = _plot_code(raw.get("plot_code"))
    v["plot_code"] = code
    if not isinstance(code, str) or len(code) != 19 or not code.startswith(village_code) \
            or code[12:14] != "JC" or not code[14:].isdigit() or not code[:12].isdigit():
        errors.append(issue(number, "plot_code", "code.format", code or "", village_code))
        v["plot_code"] = None

    hh = parse_household_no(raw.get("household_no"))
    v["household_no"] = hh if isinstance(hh, str) else None
    if hh is None:
        errors.append(issue(number, "household_no", "household.missing"))
    elif hh is INVALID or len(hh) not in (4, 18):
        errors.append(issue(number, "household_no", "household.invalid", parse_text(raw.get("household_no"))))
        v["household_no"] = None

    name = parse_name(raw.get("head_name")) if "head_name" in raw else ""
    v["head_name"] = name if isinstance(name, str) and name else None
    if name is None:
        errors.append(issue(number, "head_name", "name.missing"))
    elif name is INVALID:
        errors.append(issue(number, "head_name", "name.invalid", parse_text(raw.get("head_name"))))

    v["id_number"] = v["id_original"] = None
    if "id_number" in raw:
        ident = normalise_resident_id(raw.get("id_number"), today=today)
        if ident.error:
            errors.append(issue(number, "id_number", ident.error, mark_invisible(ident.original)))
        else:
            v["id_number"] = ident.value
            if ident.warning:
                v["id_original"] = ident.original
                warnings.append(issue(number, "id_number", ident.warning, ident.original))

    for key in ("plot_area", "building_area"):
        area = parse_area(raw.get(key))
        v[key] = area if isinstance(area, Decimal) else None
        if area is INVALID or (area is None and key == "plot_area"):
            errors.append(issue(number, key, "area.invalid", parse_text(raw.get(key)) or ""))

    approved = parse_date(raw.get("approved_on"))
    v["approved_on"] = approved if isinstance(approved, date) else None
    if approved is INVALID:
        errors.append(issue(number, "approved_on", "date.invalid", parse_text(raw.get("approved_on"))))

    status = HOMESTEAD_STATUS.lookup(raw.get("status"))
    v["status"] = status
    if status is None:
        errors.append(issue(number, "status", "value.unknown", parse_text(raw.get("status")) or "",
                            "、".join(HOMESTEAD_STATUS.labels.values())))

    for key in FREE_TEXT:
        text = parse_text(raw.get(key), free=True)
        limit = HOMESTEAD.by_key[key].max_length
        if text is not None and limit is not None and len(text) > limit:
            errors.append(issue(number, key, "value.too_long", text[:39], limit))
        v[key] = text

    if v["plot_area"] is not None and v["plot_area"] > cap and not errors:
        warnings.append(issue(number, "plot_area", "homestead.area_over_cap", v["plot_area"], cap))
    return RowResult(number, v, errors, warnings)


def second_in_use(results: list[RowResult], *, excepted: frozenset[str] = frozenset()) -> None:
    """D-01 in the file: per household, the first accepted 使用中 row in sheet order stands, every later
    one gets ``homestead.second_in_use``. Plots in ``excepted`` (a recorded D-01 exception) are not
    counted."""
    first: dict[str, int] = {}
    for r in results:
        v = r.values
        if r.errors or v["status"] != "in_use" or v["plot_code"] in excepted:
            continue
        seen = first.setdefault(v["household_no"], r.row)
        if seen != r.row:
            r.warnings.clear()
            r.errors.append(issue(r.row, "status", "homestead.second_in_use", v["household_no"],
                                  f"第 {seen} 行"))


def validate_homesteads(rows: Iterable[tuple[int, Mapping[str, Any]]], *, village_code: str, cap: Decimal,
                        today: date | None = None) -> list[RowResult]:
    """Every data row's result, in file order (without the household checks and D-01)."""
    return [check_row(n, raw, village_code=village_code, cap=cap, today=today) for n, raw in rows]
