"""Roster cell rules (DESIGN §4 step 3; shared/samples/README.md rules): what one cell of a column gives.

A *cell rule* turns a raw cell into an outcome ``(value, issues, late, blank)``: the normalised value,
the issues it raises as templates without the row number (``Issue(row, *template)``), the issues
reported after all the others of the row (values the database could not store: lengths, share range)
and, where a rule needs it (性别, 出生日期, 丧失日期), whether the cell was blank. The outcome depends
on the cell alone, so a column remembers it per distinct cell (:class:`Memo`) and replays it: rosters
repeat the same cells thousands of times (组, 户编号, 村代码, 性别, 与户主关系, 成员状态, dates, shares,
户籍所在地…). The rules across cells of a row are in ``roster_rows``.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from registry.codes import (
    ACQUISITION_GROUND,
    ID_TYPE,
    LOSS_GROUND,
    MEMBER_REMARK,
    MEMBER_STATUS,
    RELATION,
    SEX,
    YES_NO,
    CodeTable,
)
from registry.excel.columns import ROSTER_COLUMNS
from registry.excel.normalise import (
    INVALID,
    format_decimal,
    mark_invisible,
    parse_date,
    parse_digits_code,
    parse_group,
    parse_household_no,
    parse_name,
    parse_shares,
    parse_text,
    strip_text_marker,
)
from registry.excel.roster.types import (
    HEADINGS_BY_KEY as _H,
    IMPORT_LOSS_GROUNDS,
    MESSAGES,
    ROSTER_ID_TYPES,
    ROSTER_STATUSES,
)

__all__ = ["RULES", "MAX_SHARES", "MAX_LENGTHS", "BARE", "Memo", "NoMemo", "error", "shown", "shared",
           "shared_seen"]

#: Share units are Numeric(12,4): at most 8 digits before the point.
MAX_SHARES = Decimal("99999999.9999")
#: The longest text each column's database field holds (columns.py); longer -> ``value.too_long``.
MAX_LENGTHS = {c.key: c.max_length for c in ROSTER_COLUMNS if c.max_length}
_HUKOU_WORDS = ("户口", "户籍", "落户", "农转非", "迁出", "迁往")
_NONE: tuple = ()


def shown(raw: Any) -> str:
    """A cell as quoted in a message (at most 40 characters)."""
    text = parse_text(raw) or ""
    return mark_invisible(text if len(text) <= 40 else text[:39] + "…")


def error(key: str, code: str, value: Any = "", expected: Any = "") -> tuple[str, str, str, str]:
    """An issue template: Issue(row, *template) is the issue of a row."""
    column = _H[key]
    return (column, code, MESSAGES[code].format(column=column, value=value, expected=expected), "error")


def _too_long(key: str, value: Any) -> tuple | None:
    """``value.too_long`` when a text is longer than its database column holds (columns.py)."""
    limit = MAX_LENGTHS.get(key)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        return error(key, "value.too_long", shown(value), limit)
    return None


_SHARED: dict[str, str] = {}


def shared(text: str | None) -> str | None:
    """One string object per distinct text of the columns that repeat row after row (户籍所在地, 户主
    姓名, 备注): a 100k-row roster then holds a few hundred strings, not 300k (issue 5, memory)."""
    if text is None:
        return None
    if len(_SHARED) >= 65536:
        _SHARED.clear()
    return _SHARED.setdefault(text, text)


#: The string :func:`shared` keeps for a text, or None when it keeps none yet.
shared_seen = _SHARED.get


# --- cell rules: raw cell -> (value, issues, late issues, blank) ---------------------------------------
def _plain(parse):
    """A column that raises no issue."""

    def rule(raw: Any) -> tuple:
        return (parse(raw), _NONE, _NONE, False)
    return rule


def _text_rule(key: str, *, free: bool = False, share: bool = False, marker: bool = False):
    """A text column: cleaned (free text keeps its punctuation), the ``'`` marker of identifier-like cells
    dropped (``marker``), one string per distinct text (``share``); longer than the field -> too long."""

    def rule(raw: Any) -> tuple:
        text = parse_text(raw, free=free)
        if marker:
            text = (strip_text_marker(text) or None) if text else None
        if share:
            text = shared(text)
        late = _too_long(key, text)
        return (None, _NONE, (late,), False) if late else (text, _NONE, _NONE, False)
    return rule


def _head_name(raw: Any) -> tuple:
    """户主姓名 is informational: a name when it is one, else the cleaned text."""
    head = parse_name(raw)
    return (shared(head if isinstance(head, str) else parse_text(raw)), _NONE, _NONE, False)


def _group(raw: Any) -> tuple:
    """组: a 2-digit code for a number, else the cleaned text (normalise.parse_group)."""
    group = parse_group(raw)
    late = _too_long("group", group)
    return (None, _NONE, (late,), False) if late else (group, _NONE, _NONE, False)


def _household(raw: Any) -> tuple:
    """户编号: required; 4 digits (0001) or an 18-digit 承包方编码."""
    hh = parse_household_no(raw)
    if hh is None:
        return (None, (error("household_no", "household.missing"),), _NONE, True)
    if hh is INVALID:
        return (None, (error("household_no", "household.invalid", shown(raw)),), _NONE, False)
    if len(hh) not in (4, 18):  # 0001, or an 18-digit CBFBM (NY/T 2539)
        return (None, _NONE, (error("household_no", "household.invalid", hh),), False)
    late = _too_long("household_no", hh)
    return (None, _NONE, (late,), False) if late else (hh, _NONE, _NONE, False)


def _name(raw: Any) -> tuple:
    """成员姓名: required, letters of any script and the minority-name separator."""
    name = parse_name(raw)
    if name is None:
        return (None, (error("name", "name.missing"),), _NONE, True)
    if name is INVALID:
        return (None, (error("name", "name.invalid", shown(raw)),), _NONE, False)
    late = _too_long("name", name)
    return (None, _NONE, (late,), False) if late else (name, _NONE, _NONE, False)


def _choice(key: str, table: CodeTable, allowed: frozenset[str] | None = None, convert=None):
    """Code from a vocabulary column; blank -> None; unknown -> value.unknown (relation.unknown, also for
    a blank relation: it is required). ``convert`` maps the code (or None) to the stored value."""

    labels = "、".join(table.labels[c] for c in table.labels if allowed is None or c in allowed)

    def rule(raw: Any) -> tuple:
        code = table.lookup(raw) if raw is not None else None
        issues = _NONE
        if raw is not None and (code is None or (allowed is not None and code not in allowed)):
            code = None
            if isinstance(raw, str) and not parse_text(raw):
                pass  # whitespace only: blank
            elif table is RELATION:
                issues = (error(key, "relation.unknown", shown(raw)),)
            else:
                issues = (error(key, "value.unknown", shown(raw), labels),)
        blank = parse_text(raw) is None
        if table is RELATION and code is None and blank:
            issues += (error(key, "relation.unknown", "（空）"),)
        return (convert(code) if convert else code, issues, _NONE, blank)
    return rule


def _date_rule(key: str):
    """A date column (normalise.parse_date): an impossible date -> ``date.invalid``."""

    def rule(raw: Any) -> tuple:
        value = parse_date(raw)
        blank = parse_text(raw) is None
        if value is INVALID:
            return (None, (error(key, "date.invalid", shown(raw)),), _NONE, blank)
        return (value, _NONE, _NONE, blank)
    return rule


def _shares_rule(key: str):
    """A share column: not a number >= 0 -> ``shares.invalid``; too large for Numeric(12,4): the same,
    late."""

    def rule(raw: Any) -> tuple:
        amount = parse_shares(raw)
        if amount is INVALID:
            return (None, (error(key, "shares.invalid", shown(raw)),), _NONE, False)
        if amount is not None and amount > MAX_SHARES:
            return (None, _NONE, (error(key, "shares.invalid", format_decimal(amount)),), False)
        return (amount, _NONE, _NONE, False)
    return rule


def _village(raw: Any) -> tuple:
    """村代码 (area imports): exactly 12 digits."""
    village = parse_digits_code(raw, 0)  # exactly 12 digits, never padded
    if village is INVALID or (village is not None and len(village) != 12):
        return (None, (error("village_code", "village.invalid", shown(raw)),), _NONE, False)
    return (village, _NONE, _NONE, False)


def _loss_ground(raw: Any) -> tuple:
    """A 已丧失 row's 丧失原因: a lawful ground (M-09; a hukou move is never one, H-02; a voluntary
    withdrawal goes through the app, M-18); otherwise ``value.unknown``."""
    text = parse_text(raw) if raw is not None else None
    ground = LOSS_GROUND.lookup(raw) if text else None
    if ground in IMPORT_LOSS_GROUNDS:
        return (ground, _NONE, _NONE, False)
    allowed = "、".join(LOSS_GROUND.labels[c] for c in LOSS_GROUND if c in IMPORT_LOSS_GROUNDS)
    if not text:
        msg = f"成员状态为“已丧失”的行须在“丧失原因”列填写法定事由（可选：{allowed}）"
    elif ground == "withdrawal":
        msg = "自愿退出须在系统中办理（本人书面申请并经集体经济组织同意，M-18），不能通过导入办理"
    elif any(w in text for w in _HUKOU_WORDS):
        msg = f"丧失原因“{shown(raw)}”：户籍迁移不是丧失成员身份的事由（H-02）；可选：{allowed}"
    else:
        msg = MESSAGES["value.unknown"].format(column="丧失原因", value=shown(raw), expected=allowed)
    return (None, ((_H["loss_ground"], "value.unknown", msg, "error"),), _NONE, False)


_lost_date = _date_rule("lost_at")


def _lost_at(raw: Any) -> tuple:
    """A 已丧失 row's 丧失日期: a valid date, and not blank."""
    value, issues, _late, blank = _lost_date(raw)
    if value is None and blank:
        issues += ((_H["lost_at"], "value.unknown", "成员状态为“已丧失”的行须填写丧失日期", "error"),)
    return (value, issues, _NONE, blank)


def _other_id(raw: Any) -> tuple:
    """证件号码 of a document other than a resident ID (I-07): at most 20 characters."""
    text = parse_text(raw)
    text = (strip_text_marker(text) or None) if text else None
    if text is None:
        return (None, (error("id_number", "id.missing"),), _NONE, True)
    if len(text) > 20:
        return (None, (error("id_number", "id.format", shown(raw)),), _NONE, False)
    return (text, _NONE, _NONE, False)


#: Column key -> cell rule ("id_other": 证件号码 of a document other than a resident ID).
RULES = {
    "group": _group,
    "household_no": _household,
    "head_name": _head_name,
    "name": _name,
    "id_type": _choice("id_type", ID_TYPE, ROSTER_ID_TYPES, lambda code: code or "1"),
    "relation": _choice("relation", RELATION),
    "sex": _choice("sex", SEX),
    "birth_date": _date_rule("birth_date"),
    "hukou_place": _text_rule("hukou_place", free=True, share=True),
    "hukou_in_village": _choice("hukou_in_village", YES_NO, None, lambda yn: yn if yn is None else yn == "1"),
    "status": _choice("status", MEMBER_STATUS, ROSTER_STATUSES),
    "acquisition_ground": _choice("acquisition_ground", ACQUISITION_GROUND),
    "acquired_at": _date_rule("acquired_at"),
    "remark": _choice("remark", MEMBER_REMARK),
    "population_shares": _shares_rule("population_shares"),
    "farm_age_shares": _shares_rule("farm_age_shares"),
    "total_shares": _shares_rule("total_shares"),
    "phone": _text_rule("phone", marker=True),
    "notes": _text_rule("notes", free=True, share=True),
    "village_code": _village,
    "loss_ground": _loss_ground,
    "lost_at": _lost_at,
    "loss_basis": _plain(lambda raw: parse_text(raw, free=True)),
    "declared_no_other": _choice("declared_no_other", YES_NO, None, lambda yn: yn if yn is None else yn == "1"),
    "id_other": _other_id,
}


# --- remembered outcomes -------------------------------------------------------------------------------
MEMO_SIZE = 16384
#: Cell classes whose equal cells always have equal outcomes (Decimal("1.0") == Decimal("1.00") and aware
#: datetimes compare by instant although they print differently: such cells are never remembered).
_SAFE = frozenset({str, float, int, bool, type(None), date})
#: Classes remembered under the cell itself: no cell of one equals a cell of another (float 0.0 and -0.0
#: are equal and have equal outcomes). Other cells go under ``(class, cell)``, as 1 == 1.0 == True.
BARE = frozenset({str, float, type(None), date})


class Memo(dict):
    """The outcomes of one column's rule by cell: ``memo[key]`` with ``key`` the cell itself when its class
    is in :data:`BARE`, else ``(class, cell)``. A missing outcome is computed and kept (the memory is
    cleared when it holds :data:`MEMO_SIZE` cells). An unhashable cell raises TypeError (see NoMemo)."""

    __slots__ = ("rule",)

    def __init__(self, rule) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, key: Any) -> tuple:
        raw = key[1] if key.__class__ is tuple else key
        out = self.rule(raw)
        cls = raw.__class__
        if (cls in _SAFE or (cls in (datetime, time) and raw.tzinfo is None)) and raw == raw:  # NaN != NaN
            if len(self) >= MEMO_SIZE:
                self.clear()
            self[key] = out
        return out


class NoMemo:
    """Stands in for a :class:`Memo` while a row holding an unhashable cell is checked: no memory."""

    __slots__ = ("rule",)

    def __init__(self, rule) -> None:
        self.rule = rule

    def __getitem__(self, key: Any) -> tuple:
        return self.rule(key[1] if key.__class__ is tuple else key)
