"""Normalise and check the rows of a share register (股权台账; samples README "Rights registers").

Row codes: ``id.missing id.format id.checksum id.birthdate`` (warning ``id.legacy15``), ``name.missing``
``name.invalid`` (户主姓名), ``household.missing household.invalid`` (户编号), ``date.invalid`` (发证日期),
``shares.invalid`` (a share column blank, negative or not a number) and ``shares.sum_mismatch``
(人口股 + 农龄股 ≠ 股份合计). The household checks against the roster (``household.unknown``, warning
``shares.roster_mismatch``) need the database and live in ``registry.services.shares.importer``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from registry.excel.normalise import (
    INVALID,
    format_decimal,
    mark_invisible,
    parse_date,
    parse_household_no,
    parse_name,
    parse_shares,
    parse_text,
)
from registry.excel.roster.types import MESSAGES as ROSTER_MESSAGES, Issue, RowResult
from registry.excel.shares.columns import HEADINGS
from registry.identity import normalise_resident_id

__all__ = ["MESSAGES", "SHARE_KEYS", "check_share_row", "validate_shares", "shown_values", "issue"]

SHARE_KEYS = ("population", "farm_age", "total")

MESSAGES: Mapping[str, str] = {
    **ROSTER_MESSAGES,
    "name.missing": "{column}为空",
    "name.invalid": "{column}“{value}”含有数字、问号或其他不能用于姓名的字符",
    "household.unknown": "户编号 {value} 不在本村成员名册上，或证件号码不是该户成员",
    "shares.sum_mismatch": "人口股 {value} + 农龄股 {expected} 不等于股份合计",
    "shares.roster_mismatch": ("本户人口股/农龄股/股份合计（{value}）与成员名册中本户成员的合计"
                               "（{expected}）不一致"),
    "shares.cap_exceeded": "本户股份 {value} 超过章程规定的持股上限（全村股份的 {expected}，S-10）",
    "shares.needs_resolution": ("户编号 {value} 的股份已登记：本社实行动态管理，股份调整须经成员大会决议，"
                                "在股份调整中办理，不能通过导入修改（S-04）"),
    "duplicate.in_file": "户编号 {value} 在本文件中重复出现（{expected}）",
}


def issue(row: int, key: str, code: str, value: Any = "", expected: Any = "", level: str = "error") -> Issue:
    column = HEADINGS.get(key, key)
    message = MESSAGES[code].format(column=column, value=value, expected=expected)
    return Issue(row, column, code, message, level)


def _shown(value: Any) -> str:
    return "" if value is None else mark_invisible(str(value).strip())


def check_share_row(number: int, raw: Mapping[str, Any], *, today: date) -> RowResult:
    """One row on its own: ``values`` holds certificate_no, household_no, head_name, id_number,
    id_original (the 15-digit ID when upgraded), population, farm_age, total (Decimal) and issued_on."""
    get = raw.get
    errors: list[Issue] = []
    warnings: list[Issue] = []
    household = parse_household_no(get("household_no"))
    if household is None:
        errors.append(issue(number, "household_no", "household.missing"))
    elif household is INVALID:
        errors.append(issue(number, "household_no", "household.invalid", _shown(get("household_no"))))
        household = None
    name = parse_name(get("head_name"))
    if name is None:
        errors.append(issue(number, "head_name", "name.missing"))
    elif name is INVALID:
        errors.append(issue(number, "head_name", "name.invalid", _shown(get("head_name"))))
        name = None
    res = normalise_resident_id(get("id_number"), today=today)
    id_number = id_original = None
    if res.error:
        errors.append(issue(number, "id_number", res.error, mark_invisible(res.original) or _shown(get("id_number"))))
    else:
        id_number = res.value
        if res.warning:
            warnings.append(issue(number, "id_number", res.warning, res.original, level="warning"))
            id_original = res.original
    units = {}
    for key in SHARE_KEYS:
        value = parse_shares(get(key))
        if value is None or value is INVALID:
            errors.append(issue(number, key, "shares.invalid", _shown(get(key))))
            value = None
        units[key] = value
    if None not in units.values() and units["population"] + units["farm_age"] != units["total"]:
        errors.append(issue(number, "total", "shares.sum_mismatch", format_decimal(units["population"]),
                            format_decimal(units["farm_age"])))
    issued_on = parse_date(get("issued_on"))
    if issued_on is INVALID or (issued_on is not None and issued_on > today):
        errors.append(issue(number, "issued_on", "date.invalid", _shown(get("issued_on"))))
        issued_on = None
    values = {"certificate_no": parse_text(get("certificate_no"), free=True), "household_no": household,
              "head_name": name, "id_number": id_number, "id_original": id_original, **units,
              "issued_on": issued_on}
    return RowResult(number, values, errors, warnings)


def validate_shares(rows: Iterable[tuple[int, Mapping[str, Any]]], *, today: date) -> list[RowResult]:
    """Every row's result, in file order (``rows``: ``TableSheet.rows()``)."""
    return [check_share_row(number, raw, today=today) for number, raw in rows]


def shown_values(values: Mapping[str, Any]) -> dict[str, str]:
    """``{heading: text}`` of normalised values as the register shows them (shares without trailing
    zeros, dates ISO) — exports and the expected-outcome comparison."""
    out = {}
    for key, heading in HEADINGS.items():
        value = values.get(key)
        if value is None:
            out[heading] = ""
        elif key in SHARE_KEYS:
            out[heading] = format_decimal(value)
        elif isinstance(value, date):
            out[heading] = value.isoformat()
        else:
            out[heading] = str(value)
    return out
