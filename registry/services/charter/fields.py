"""The charter settings' names, the law's minimums and defaults (DOMAIN §8), and how each setting is
parsed from a value or its text, checked, stored and shown. No database access here."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType

from registry.excel.normalise import clean_number_text
from registry.services.errors import DomainError

# --- the law's minimums (A-02, A-03, A-05, F-04) and the choices -----------------------------------------
LAW_QUORUM = Fraction(2, 3)
LAW_PASS = Fraction(2, 3)
LAW_ART15 = Fraction(3, 4)
LAW_NOTICE_WORKING_DAYS = 7  # F-04 / Q-02 (practice; the floor a charter may not go below)
MAX_NOTICE_WORKING_DAYS = 60

MEMBER_ASSEMBLY, REPRESENTATIVE = "member_assembly", "representative"
#: Q-08: who consents to a withdrawal → the resolution bodies accepted as consent (M-18).
CONSENT_BODIES = {MEMBER_ASSEMBLY: (MEMBER_ASSEMBLY,), REPRESENTATIVE: (MEMBER_ASSEMBLY, REPRESENTATIVE)}
CONSENT_BODY_LABELS = {MEMBER_ASSEMBLY: "成员大会", REPRESENTATIVE: "成员大会或成员代表大会"}
HOUSEHOLD, PERSON = "household", "person"  # S-06
HOLDER_UNIT_LABELS = {HOUSEHOLD: "按户", PERSON: "按人"}
STATIC, DYNAMIC = "static", "dynamic"  # S-04
MANAGEMENT_LABELS = {STATIC: "静态管理（生不增、死不减）", DYNAMIC: "动态管理（定期调整）"}
DEATH_FULL_YEAR = "full_year"  # S-16
DEATH_TREATMENT_LABELS = {DEATH_FULL_YEAR: "当年全额分配（由继承人领取）", "pro_rata": "按在册月数折算",
                          "excluded": "当年不参与分配"}
SHARE_TYPE_LABELS: Mapping[str, str] = MappingProxyType({
    "population": "人口股", "farm_age": "农龄股", "collective": "集体股", "contribution": "贡献股", "other": "其他",
})
#: S-07 / §2.9: code → (weight, counts in the divisor); the collective share stays out of the divisor.
DEFAULT_SHARE_TYPES: Mapping[str, tuple[Decimal, bool]] = MappingProxyType({
    code: (Decimal(1), code != "collective") for code in SHARE_TYPE_LABELS})

#: Setting name → Chinese label, in display order (the web form and the CLI use the same names).
SETTINGS = {
    "confirmation_threshold": "成员身份确认表决比例",
    "art15_threshold": "第十五条非成员授权表决比例",
    "quorum_threshold": "成员大会出席比例",
    "notice_working_days": "名册公示工作日数",
    "withdrawal_consent_body": "同意自愿退出的机构",
    "state_payroll_loss_ground": "财政供养、事业单位或国有企业人员丧失成员身份（须章程规定）",
    "allow_nested_membership": "允许同时为组级和村级成员",
    "holder_unit": "股份持有单位",
    "management": "股权管理方式",
    "adjustment_years": "动态调整周期（年）",
    "share_types": "股份类型及权重",
    "holding_cap_percent": "单个持有人持股上限（%）",
    "reserve_rate": "公积公益金提取比例",
    "death_treatment": "年内去世持有人的分配",
}
_THRESHOLD_MIN = {"confirmation_threshold": LAW_PASS, "art15_threshold": LAW_ART15, "quorum_threshold": LAW_QUORUM}
_CHOICES = {"withdrawal_consent_body": (CONSENT_BODY_LABELS, "Q-08"), "holder_unit": (HOLDER_UNIT_LABELS, "S-06"),
            "management": (MANAGEMENT_LABELS, "S-04"), "death_treatment": (DEATH_TREATMENT_LABELS, "S-16")}
_BOOLS = {"state_payroll_loss_ground": "Q-05", "allow_nested_membership": "M-16"}
_TRUE = {"1", "true", "yes", "y", "on", "是", "允许", "计入"}
_FALSE = {"0", "false", "no", "n", "off", "否", "不允许", "不计入"}


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _bad(name: str, text: str, rule: str | None = None):
    return DomainError(f"charter.{name}", f"{SETTINGS.get(name, name)}：{text}", rule=rule)


def parse_fraction(name: str, raw) -> Fraction:
    """A threshold from ``3/4``, ``0.75``, ``75%`` or a number; ≥ the law's minimum (A-04), ≤ 1."""
    try:
        text = clean_number_text(str(raw))
        value = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise _bad(name, f"“{raw}”不是有效的比例（如 3/4）", "A-04") from None
    minimum = _THRESHOLD_MIN[name]
    if value < minimum:
        raise _bad(name, f"{fraction_text(value)} 低于法律规定的 {fraction_text(minimum)}："
                         "章程只能提高表决比例，不能降低", "A-04")
    if value > 1:
        raise _bad(name, f"{fraction_text(value)} 大于全体成员", "A-04")
    return value


def _parse_int(name: str, raw, lo: int, hi: int, rule: str) -> int:
    try:
        value = int(clean_number_text(str(raw)))
    except ValueError:
        raise _bad(name, f"“{raw}”不是整数", rule) from None
    if name == "notice_working_days" and value < lo:
        raise _bad(name, f"{value} 个工作日少于最短公示期 {lo} 个工作日", rule)
    if not lo <= value <= hi:
        raise _bad(name, f"应在 {lo} 至 {hi} 之间", rule)
    return value


def parse_bool(name: str, raw, rule: str | None = None) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise _bad(name, f"“{raw}”应为 是/否", rule)


def _parse_decimal(name: str, raw, rule: str, places: int) -> Decimal:
    try:
        text = clean_number_text(str(raw))
        value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise _bad(name, f"“{raw}”不是有效的数", rule) from None
    if not value.is_finite() or value != value.quantize(Decimal(1).scaleb(-places)):
        raise _bad(name, f"“{raw}”最多 {places} 位小数", rule)
    return value


def _parse_weight(code: str, raw) -> Decimal:
    value = _parse_decimal("share_types", raw, "S-07", 4)
    if not Decimal(0) <= value <= Decimal(1000):
        raise _bad("share_types", f"{SHARE_TYPE_LABELS[code]}的权重应在 0 至 1000 之间", "S-07")
    return value


def _share_code(code: str) -> str:
    if code not in SHARE_TYPE_LABELS:
        raise _bad("share_types", f"未知的股份类型“{code}”（可选：{'、'.join(SHARE_TYPE_LABELS)}）", "S-07")
    return code


def parse_share_types(raw: Mapping) -> dict[str, tuple[Decimal, bool]]:
    """``{code: (weight, counts)}`` or ``{code: {"weight": …, "counts_in_divisor": …}}``, every code known."""
    out = {}
    for code, entry in raw.items():
        code = _share_code(str(code))
        weight, counts = (entry["weight"], entry["counts_in_divisor"]) if isinstance(entry, Mapping) else entry
        out[code] = (_parse_weight(code, weight), parse_bool("share_types", counts, "S-07"))
    return out


def parse(name: str, raw):
    """The checked value of one setting (``raw`` a value or its text)."""
    if name in _THRESHOLD_MIN:
        return parse_fraction(name, raw)
    if name == "notice_working_days":
        return _parse_int(name, raw, LAW_NOTICE_WORKING_DAYS, MAX_NOTICE_WORKING_DAYS, "F-04")
    if name in _CHOICES:
        labels, rule = _CHOICES[name]
        value = str(raw).strip()
        value = {label: code for code, label in labels.items()}.get(value, value)
        if value not in labels:
            raise _bad(name, f"“{raw}”无效（可选：{'、'.join(labels)}）", rule)
        return value
    if name in _BOOLS:
        return parse_bool(name, raw, _BOOLS[name])
    if name == "adjustment_years":
        return None if raw in (None, "") else _parse_int(name, raw, 1, 30, "S-04")
    if name == "holding_cap_percent":
        value = _parse_decimal(name, str(raw).rstrip("%％"), "S-10", 2)
        if not Decimal(0) < value <= Decimal(100):
            raise _bad(name, "应大于 0 且不超过 100", "S-10")
        return value
    if name == "reserve_rate":
        value = _parse_decimal(name, raw, "S-11", 4)
        if not Decimal(0) < value < Decimal(1):
            raise _bad(name, "应大于 0 且小于 1（如 0.30 或 30%）", "S-11")
        return value
    if name == "share_types":
        return parse_share_types(raw)
    raise DomainError("charter.unknown_setting", f"未知的设置项“{name}”（可选：{'、'.join(SETTINGS)}）")


def apply_changes(values: Mapping, changes: Mapping) -> dict:
    """``values`` with ``changes`` applied and checked; ``share_types.<code>.weight`` and
    ``share_types.<code>.counts_in_divisor`` change one share type. Raises DomainError."""
    out = dict(values)
    types = dict(out["share_types"])
    for key, raw in changes.items():
        key = str(key).strip()
        if key.startswith("share_types."):
            _, code, part = (key.split(".") + ["", ""])[:3]
            weight, counts = types[_share_code(code)]
            if part == "weight":
                types[code] = (_parse_weight(code, raw), counts)
            elif part == "counts_in_divisor":
                types[code] = (weight, parse_bool("share_types", raw, "S-07"))
            else:
                raise DomainError("charter.unknown_setting", f"未知的设置项“{key}”（weight 或 counts_in_divisor）")
        elif key == "share_types":
            types.update(parse(key, raw))
        else:
            out[key] = parse(key, raw)
    out["share_types"] = MappingProxyType(types)
    if out["management"] != DYNAMIC and out["adjustment_years"] is not None:
        raise _bad("adjustment_years", "只有动态管理才设调整周期", "S-04")
    return out


def to_stored(name: str, value):
    """JSON-ready form (audit detail, CLI ``--json``, the stored share types)."""
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if name == "share_types":
        return {code: {"weight": decimal_text(w), "counts_in_divisor": c} for code, (w, c) in value.items()}
    return value


def to_column(name: str, value):
    """The model column value."""
    return value if isinstance(value, Decimal) else to_stored(name, value)


def from_stored(name: str, value):
    """The view value of a model column."""
    if name in _THRESHOLD_MIN:
        return Fraction(value)
    if name == "share_types":
        return MappingProxyType({code: (Decimal(entry["weight"]), bool(entry["counts_in_divisor"]))
                                 for code, entry in value.items()})
    return value


def display(name: str, value) -> str:
    """The Chinese text of a setting's value (web page, CLI)."""
    if name in _CHOICES:
        return _CHOICES[name][0].get(value, value)
    if name in _BOOLS:
        return "是" if value else "否"
    if name == "share_types":
        return "；".join(f"{SHARE_TYPE_LABELS[c]} {decimal_text(w)}{'' if counts else '（不计入分母）'}"
                        for c, (w, counts) in value.items())
    if value is None:
        return "—"
    if name == "reserve_rate":
        return f"{decimal_text(value * 100)}%"
    return str(to_stored(name, value))
