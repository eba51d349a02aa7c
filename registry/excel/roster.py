"""Normalise and validate member roster rows (DESIGN §4 steps 3-4; shared/samples/README.md rules).

:func:`validate_roster` checks EVERY row and collects every issue (never stops at the first): cell
rules per row, then the file rules (household head M-25, duplicate IDs I-08). :func:`display_values`
turns normalised values back into the Chinese cell texts used by exports.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from registry.clock import local_today
from registry.codes import (ACQUISITION_GROUND, HEAD_RELATIONS, ID_TYPE, LOSS_GROUND, MEMBER_REMARK, MEMBER_STATUS,
                            RELATION, RESIDENT_NUMBER_ID_TYPES, SEX, YES_NO, CodeTable)
from registry.excel.columns import ROSTER_COLUMNS
from registry.excel.display import display_values  # noqa: E402,F401  (re-exported: roster rows ↔ cells)
from registry.excel.normalise import (INVALID, format_decimal, parse_date, parse_digits_code, parse_group,
                                      parse_household_no, parse_int, parse_name, parse_shares, parse_text,
                                      strip_text_marker)
from registry.excel.roster_types import (ERROR_CODES, HEADINGS_BY_KEY, IMPORT_LOSS_GROUNDS, MESSAGES,
                                         ROSTER_ID_TYPES, ROSTER_STATUSES, WARNING_CODES, Issue, RosterCheck,
                                         RowResult, household_key, id_key)
from registry.identity import normalise_resident_id

__all__ = ["Issue", "RowResult", "RosterCheck", "validate_roster", "check_row", "display_values",
           "MESSAGES", "ROSTER_STATUSES", "ROSTER_ID_TYPES", "ERROR_CODES", "WARNING_CODES"]

_HUKOU_WORDS = ("户口", "户籍", "落户", "农转非", "迁出", "迁往")
_H = HEADINGS_BY_KEY
_SHARE_KEYS = ("population_shares", "farm_age_shares", "total_shares")
_MAX_LENGTHS = {c.key: c.max_length for c in ROSTER_COLUMNS if c.max_length}
_SEX_LABEL = {"1": "男", "2": "女"}


def _shown(raw: Any) -> str:
    text = parse_text(raw) or ""
    return text if len(text) <= 40 else text[:39] + "…"


class _Row:
    """Collects issues for one row (small helper keeping check_row readable)."""

    __slots__ = ("number", "errors", "warnings")

    def __init__(self, number: int) -> None:
        self.number = number
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, key: str, code: str, value: Any = "", expected: Any = "") -> None:
        column = _H[key]
        msg = MESSAGES[code].format(column=column, value=value, expected=expected)
        self.errors.append(Issue(self.number, column, code, msg))

    def warning(self, key: str, code: str, value: Any = "") -> None:
        column = _H[key]
        self.warnings.append(Issue(self.number, column, code, MESSAGES[code].format(value=value), "warning"))


def _choice(row: _Row, raw: Any, key: str, table: CodeTable, allowed: frozenset[str] | None = None) -> Any:
    """Code from a vocabulary column; blank -> None; unknown -> value.unknown (relation.unknown)."""
    if raw is None:
        return None
    code = table.lookup(raw)
    if code is not None and (allowed is None or code in allowed):
        return code
    if isinstance(raw, str) and not parse_text(raw):
        return None  # whitespace only
    if table is RELATION:
        row.error(key, "relation.unknown", _shown(raw))
    else:
        labels = [table.labels[c] for c in table.labels if allowed is None or c in allowed]
        row.error(key, "value.unknown", _shown(raw), "、".join(labels))
    return None


def _date(row: _Row, raw: Any, key: str) -> date | None:
    value = parse_date(raw)
    if value is INVALID:
        row.error(key, "date.invalid", _shown(raw))
        return None
    return value  # type: ignore[return-value]


def check_row(number: int, raw: Mapping[str, Any], *, today: date | None = None) -> RowResult:
    """Normalise and check one row on its own (no household or duplicate checks).

    ``raw`` maps column keys to cell values as the reader gives them; absent keys count as blank.
    """
    today = today or local_today()  # the Beijing date (registry.clock)
    get = raw.get
    row = _Row(number)
    v: dict[str, Any] = {}

    v["seq"] = parse_int(get("seq"))
    v["group"] = parse_group(get("group"))
    hh = parse_household_no(get("household_no"))
    if hh is None:
        row.error("household_no", "household.missing")
    elif hh is INVALID:
        row.error("household_no", "household.invalid", _shown(get("household_no")))
        hh = None
    v["household_no"] = hh
    head = parse_name(get("head_name"))
    v["head_name"] = _shared(head if isinstance(head, str) else parse_text(get("head_name")))

    name = parse_name(get("name"))
    if name is None:
        row.error("name", "name.missing")
    elif name is INVALID:
        row.error("name", "name.invalid", _shown(get("name")))
        name = None
    v["name"] = name

    # ID (I-01..I-05 for resident-number types, I-07 for other documents).
    id_type = _choice(row, get("id_type"), "id_type", ID_TYPE, ROSTER_ID_TYPES)
    v["id_type"] = id_type or "1"
    raw_id = get("id_number")
    id_ok = None
    v["id_original"] = None
    if v["id_type"] in RESIDENT_NUMBER_ID_TYPES:
        res = normalise_resident_id(raw_id, today=today)
        if res.error:
            row.error("id_number", res.error, _shown(raw_id) if res.error != "id.format" else res.original)
        else:
            id_ok = res
            if res.warning:
                row.warning("id_number", res.warning, res.original)
                v["id_original"] = res.original
        v["id_number"] = res.value
    else:
        text = parse_text(raw_id)
        text = (strip_text_marker(text) or None) if text else None
        if text is None:
            row.error("id_number", "id.missing")
        elif len(text) > 20:
            row.error("id_number", "id.format", _shown(raw_id))
            text = None
        v["id_number"] = text

    v["relation"] = _choice(row, get("relation"), "relation", RELATION)
    if v["relation"] is None and parse_text(get("relation")) is None:
        row.error("relation", "relation.unknown", "（空）")

    # 性别 / 出生日期: taken from the ID when blank; compared with it when the ID is valid (I-04).
    sex = _choice(row, get("sex"), "sex", SEX)
    born = _date(row, get("birth_date"), "birth_date")
    if born is not None and born > today:
        row.error("birth_date", "date.invalid", born.isoformat())
        born = None
    if id_ok is not None:
        if sex is None and parse_text(get("sex")) is None:
            sex = id_ok.sex
        elif sex is not None and sex != id_ok.sex:
            row.error("sex", "sex.mismatch", _SEX_LABEL[sex], _SEX_LABEL[id_ok.sex])
        if born is None and parse_text(get("birth_date")) is None:
            born = id_ok.birth_date
        elif born is not None and born != id_ok.birth_date:
            row.error("birth_date", "birthdate.mismatch", born.isoformat(), id_ok.birth_date.isoformat())
    v["sex"] = sex
    v["birth_date"] = born

    v["hukou_place"] = _shared(parse_text(get("hukou_place"), free=True))
    yn = _choice(row, get("hukou_in_village"), "hukou_in_village", YES_NO)
    v["hukou_in_village"] = None if yn is None else yn == "1"
    v["status"] = _choice(row, get("status"), "status", MEMBER_STATUS, ROSTER_STATUSES)
    v["acquisition_ground"] = _choice(row, get("acquisition_ground"), "acquisition_ground",
                                      ACQUISITION_GROUND)
    v["acquired_at"] = _date(row, get("acquired_at"), "acquired_at")
    v["remark"] = _choice(row, get("remark"), "remark", MEMBER_REMARK)

    for key in _SHARE_KEYS:
        amount = parse_shares(get(key))
        if amount is INVALID:
            row.error(key, "shares.invalid", _shown(get(key)))
            amount = None
        v[key] = amount
    phone = parse_text(get("phone"))
    v["phone"] = (strip_text_marker(phone) or None) if phone else None
    v["notes"] = _shared(parse_text(get("notes"), free=True))

    _check_loss(row, v, get)

    village = parse_digits_code(get("village_code"), 0)  # exactly 12 digits, never padded
    if village is INVALID or (village is not None and len(village) != 12):
        row.error("village_code", "village.invalid", _shown(get("village_code")))
        village = None
    v["village_code"] = village
    _check_limits(row, v)
    return RowResult(number, v, row.errors, row.warnings)


_SHARED: dict[str, str] = {}


def _shared(text: str | None) -> str | None:
    """One string object per distinct text of the columns that repeat row after row (户籍所在地, 户主
    姓名, 备注): a 100k-row roster then holds a few hundred strings, not 300k (issue 5, memory)."""
    if text is None:
        return None
    if len(_SHARED) >= 65536:
        _SHARED.clear()
    return _SHARED.setdefault(text, text)


#: Share units are Numeric(12,4): at most 8 digits before the point.
MAX_SHARES = Decimal("99999999.9999")


def _check_limits(row: _Row, v: dict[str, Any]) -> None:
    """Values the database could not store are row errors, never a failed write later."""
    hh = v.get("household_no")
    if hh is not None and len(hh) not in (4, 18):  # 0001, or an 18-digit CBFBM (NY/T 2539)
        row.error("household_no", "household.invalid", hh)
        v["household_no"] = None
    for key, limit in _MAX_LENGTHS.items():  # what the database columns hold (columns.py)
        text = v.get(key)
        if isinstance(text, str) and len(text) > limit:
            row.error(key, "value.too_long", _shown(text), limit)
            v[key] = None
    for key in _SHARE_KEYS:
        amount = v.get(key)
        if amount is not None and amount > MAX_SHARES:
            row.error(key, "shares.invalid", format_decimal(amount))
            v[key] = None


def _check_loss(row: _Row, v: dict[str, Any], get) -> None:
    """A 已丧失 row carries a lawful 丧失原因 (M-09; a hukou move is never one, H-02; a voluntary
    withdrawal goes through the app, M-18) and a 丧失日期; otherwise ``value.unknown``."""
    v["loss_ground"], v["lost_at"] = None, None
    v["loss_basis"] = parse_text(get("loss_basis"), free=True)
    if v["status"] != "lost":
        return
    raw = get("loss_ground")
    text = parse_text(raw) if raw is not None else None
    ground = LOSS_GROUND.lookup(raw) if text else None
    if ground not in IMPORT_LOSS_GROUNDS:
        allowed = "、".join(LOSS_GROUND.labels[c] for c in LOSS_GROUND if c in IMPORT_LOSS_GROUNDS)
        if not text:
            msg = f"成员状态为“已丧失”的行须在“丧失原因”列填写法定事由（可选：{allowed}）"
        elif ground == "withdrawal":
            msg = "自愿退出须在系统中办理（本人书面申请并经集体经济组织同意，M-18），不能通过导入办理"
        elif any(w in text for w in _HUKOU_WORDS):
            msg = f"丧失原因“{_shown(raw)}”：户籍迁移不是丧失成员身份的事由（H-02）；可选：{allowed}"
        else:
            msg = MESSAGES["value.unknown"].format(column="丧失原因", value=_shown(raw), expected=allowed)
        row.errors.append(Issue(row.number, _H["loss_ground"], "value.unknown", msg))
        ground = None
    v["loss_ground"] = ground
    lost_at = _date(row, get("lost_at"), "lost_at")
    if lost_at is None and parse_text(get("lost_at")) is None:
        row.errors.append(Issue(row.number, _H["lost_at"], "value.unknown", "成员状态为“已丧失”的行须填写丧失日期"))
    v["lost_at"] = lost_at


_household_key, _id_key = household_key, id_key


def validate_roster(rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                    today: date | None = None) -> RosterCheck:
    """Check every row of a roster and return all results.

    ``rows`` yields ``(excel_row_number, {key: raw cell value})`` (e.g. ``RosterSheet.rows()``).
    Per-row rules: see :func:`check_row`. File rules, applied to every row concerned:
    ``household.no_head`` / ``household.multiple_heads`` (exactly one head, relation 01 or 02, per
    household = village code + normalised 户编号; M-25) and ``duplicate.in_file`` (same normalised ID).
    """
    today = today or local_today()  # the Beijing date (registry.clock)
    results = [check_row(number, raw, today=today) for number, raw in rows]

    households: dict[tuple[str, str], list[RowResult]] = defaultdict(list)
    by_id: dict[tuple[str, str], list[RowResult]] = defaultdict(list)
    for r in results:
        values = r.values
        if values["household_no"] is not None:
            households[_household_key(values)].append(r)
        key = _id_key(values)
        if key is not None:
            by_id[key].append(r)

    relation_heading = _H["relation"]
    for (_village, number), members in households.items():
        heads = sum(1 for m in members if m.values["relation"] in HEAD_RELATIONS)
        if heads == 1:
            continue
        code = "household.no_head" if heads == 0 else "household.multiple_heads"
        msg = MESSAGES[code].format(value=number, expected=heads)
        for m in members:
            m.errors.append(Issue(m.row, relation_heading, code, msg))

    id_heading = _H["id_number"]
    for (_kind, number), same in by_id.items():
        if len(same) < 2:
            continue
        # Name a few rows only: a filled-down ID column repeats one number thousands of times.
        shown = "、".join(str(s.row) for s in same[:5])
        where = f"第 {shown} 行" + (f" 等共 {len(same)} 行" if len(same) > 5 else "")
        msg = MESSAGES["duplicate.in_file"].format(value=number, expected=where)
        for s in same:
            s.errors.append(Issue(s.row, id_heading, "duplicate.in_file", msg))
    return RosterCheck(results)
