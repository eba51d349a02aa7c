"""The row check of a roster (DESIGN §4 step 4): :func:`row_check` makes the check that normalises and
checks one row on its own (``registry.excel.roster.validate.check_row``; the file rules are in ``roster.py``).

Each column's cell outcome is replayed from its memory (``roster_cells``); what involves several cells
runs for every row: 证件类型 against 证件号码 (I-01..I-05, I-07), sex and birth date against a valid ID
(I-04), the loss columns of a 已丧失 row (M-09), and the order of the issues — the columns' own issues in
column order, then the cross-cell ones where they belong, then the values the database could not store.
Cells that are clean as they stand skip the rules: a clean 18-character resident ID, a name of letters
only, a date cell, a phone number of digits.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from registry.codes import RESIDENT_NUMBER_ID_TYPES
from registry.excel.normalise import mark_invisible, parse_int
from registry.excel.roster.cells import (
    BARE,
    MAX_LENGTHS,
    RULES,
    Memo,
    NoMemo,
    error,
    shared,
    shared_seen,
    shown,
)
from registry.excel.roster.types import HEADINGS_BY_KEY, MESSAGES, Issue, RowResult
from registry.identity import normalise_resident_id

__all__ = ["row_check", "check_cells"]

_SEX_LABEL = {"1": "男", "2": "女"}
_CHECK_CHARS = "0123456789X"  # GB 11643 check character: (1 - 2 * int(first 17 digits, 13)) % 11
_ID_BIRTH: dict[str, date | bool] = {}


def _id_birth(yyyymmdd: str) -> date | bool:
    """The date in positions 7-14 of an ID number (I-03), False when it does not exist (remembered)."""
    try:
        born: date | bool = date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        born = False
    if len(_ID_BIRTH) >= 65536:
        _ID_BIRTH.clear()
    _ID_BIRTH[yyyymmdd] = born
    return born


def _make_check(memory):
    """The row check bound to one memory per column (:class:`Memo`, or :class:`NoMemo`)."""
    m = {key: memory(rule) for key, rule in RULES.items()}
    m_group, m_hh, m_head, m_kind, m_rel, m_sex, m_born = (
        m[k] for k in ("group", "household_no", "head_name", "id_type", "relation", "sex", "birth_date"))
    m_place, m_yn, m_status, m_acq, m_acq_at, m_remark = (m[k] for k in (
        "hukou_place", "hukou_in_village", "status", "acquisition_ground", "acquired_at", "remark"))
    m_pop, m_farm, m_total, m_phone, m_notes, m_village = (m[k] for k in (
        "population_shares", "farm_age_shares", "total_shares", "phone", "notes", "village_code"))
    m_loss, m_lost_at, m_basis, m_other = (m[k] for k in ("loss_ground", "lost_at", "loss_basis", "id_other"))
    m_declared = m["declared_no_other"]
    name_rule, name_limit, phone_limit = RULES["name"], MAX_LENGTHS["name"], MAX_LENGTHS["phone"]
    bare, resident, check_chars, id_births = BARE, RESIDENT_NUMBER_ID_TYPES, _CHECK_CHARS, _ID_BIRTH
    nfkc, shared_get, id_heading = unicodedata.is_normalized, shared_seen, HEADINGS_BY_KEY["id_number"]

    def check(number: int, raw: Any, today: date) -> RowResult:
        get = raw.get
        x = get("seq")
        seq = int(x) if x.__class__ is float and x.is_integer() else parse_int(x)
        x = get("group")
        o_group = m_group[x if x.__class__ in bare else (x.__class__, x)]
        x = get("household_no")
        o_hh = m_hh[x if x.__class__ in bare else (x.__class__, x)]
        x = get("head_name")
        if x.__class__ is str and x.isalpha() and nfkc("NFKC", x):  # letters only: parse_name(x) is x
            head = shared_get(x) or shared(x)
        else:
            head = m_head[x if x.__class__ in bare else (x.__class__, x)][0]
        x = get("name")
        if x.__class__ is str and x.isalpha() and len(x) <= name_limit and nfkc("NFKC", x):
            name, o_name = x, None
        else:
            o_name = name_rule(x)  # names hardly repeat: not remembered
            name = o_name[0]
        x = get("id_type")
        o_kind = m_kind[x if x.__class__ in bare else (x.__class__, x)]
        errors = []
        if o_hh[1]:
            errors += o_hh[1]
        if o_name is not None and o_name[1]:
            errors += o_name[1]
        if o_kind[1]:
            errors += o_kind[1]
        warnings = []

        # ID (I-01..I-05 for resident-number types, I-07 for other documents).
        x = get("id_number")
        kind = o_kind[0]
        id_original = id_sex = id_born = None
        if kind in resident:
            if (x.__class__ is str and len(x) == 18 and x.isascii() and (body := x[:17]).isdigit()
                    and x[17] == check_chars[(1 - 2 * int(body, 13)) % 11]
                    and (idb := id_births.get(x[6:14]) or _id_birth(x[6:14])) and idb <= today):
                id_number, id_sex, id_born = x, ("1" if x[16] in "13579" else "2"), idb  # a clean ID
            else:
                res = normalise_resident_id(x, today=today)
                if res.error:
                    shown_id = shown(x) if res.error != "id.format" else mark_invisible(res.original)
                    errors.append(error("id_number", res.error, shown_id))
                else:
                    id_sex, id_born = res.sex, res.birth_date
                    if res.warning:
                        warnings.append(Issue(number, id_heading, res.warning,
                                              MESSAGES[res.warning].format(value=res.original), "warning"))
                        id_original = res.original
                id_number = res.value
        else:
            o = m_other[x if x.__class__ in bare else (x.__class__, x)]
            id_number = o[0]
            if o[1]:
                errors += o[1]

        x = get("relation")
        o_rel = m_rel[x if x.__class__ in bare else (x.__class__, x)]
        if o_rel[1]:
            errors += o_rel[1]
        # 性别 / 出生日期: taken from the ID when blank; compared with it when the ID is valid (I-04).
        x = get("sex")
        o_sex = m_sex[x if x.__class__ in bare else (x.__class__, x)]
        sex = o_sex[0]
        if o_sex[1]:
            errors += o_sex[1]
        x = get("birth_date")
        if x.__class__ is date:  # a date cell: parse_date(x) is x
            born, born_blank = x, False
        else:
            o = m_born[x if x.__class__ in bare else (x.__class__, x)]
            born, born_blank = o[0], o[3]
            if o[1]:
                errors += o[1]
        if born is not None and born > today:
            errors.append(error("birth_date", "date.invalid", born.isoformat()))
            born = None
        if id_sex is not None:
            if sex is None and o_sex[3]:
                sex = id_sex
            elif sex is not None and sex != id_sex:
                errors.append(error("sex", "sex.mismatch", _SEX_LABEL[sex], _SEX_LABEL[id_sex]))
            if born is None and born_blank:
                born = id_born
            elif born is not None and born != id_born:
                errors.append(error("birth_date", "birthdate.mismatch", born.isoformat(),
                                    id_born.isoformat()))

        x = get("hukou_place")
        o_place = m_place[x if x.__class__ in bare else (x.__class__, x)]
        x = get("hukou_in_village")
        o_yn = m_yn[x if x.__class__ in bare else (x.__class__, x)]
        x = get("status")
        o_status = m_status[x if x.__class__ in bare else (x.__class__, x)]
        x = get("acquisition_ground")
        o_acq = m_acq[x if x.__class__ in bare else (x.__class__, x)]
        x = get("acquired_at")
        if x.__class__ is date:
            acquired_at, acquired_issues = x, ()
        else:
            o = m_acq_at[x if x.__class__ in bare else (x.__class__, x)]
            acquired_at, acquired_issues = o[0], o[1]
        x = get("remark")
        o_remark = m_remark[x if x.__class__ in bare else (x.__class__, x)]
        x = get("population_shares")
        o_pop = m_pop[x if x.__class__ in bare else (x.__class__, x)]
        x = get("farm_age_shares")
        o_farm = m_farm[x if x.__class__ in bare else (x.__class__, x)]
        x = get("total_shares")
        o_total = m_total[x if x.__class__ in bare else (x.__class__, x)]
        if (o_yn[1] or o_status[1] or o_acq[1] or acquired_issues or o_remark[1] or o_pop[1] or o_farm[1]
                or o_total[1]):
            errors += (*o_yn[1], *o_status[1], *o_acq[1], *acquired_issues, *o_remark[1], *o_pop[1],
                       *o_farm[1], *o_total[1])
        x = get("phone")
        if x is None:
            phone, o_phone = None, None
        elif x.__class__ is str and x.isdigit() and x.isascii() and len(x) <= phone_limit:
            phone, o_phone = x, None  # digits only: parse_text(x) is x
        else:
            o_phone = m_phone[x if x.__class__ in bare else (x.__class__, x)]
            phone = o_phone[0]
        x = get("notes")
        notes = m_notes[x if x.__class__ in bare else (x.__class__, x)][0]

        # A 已丧失 row carries a lawful 丧失原因 (M-09) and a 丧失日期; otherwise value.unknown.
        loss_ground = lost_at = None
        status = o_status[0]
        if status == "lost":
            x = get("loss_ground")
            o = m_loss[x if x.__class__ in bare else (x.__class__, x)]
            x = get("lost_at")
            d = m_lost_at[x if x.__class__ in bare else (x.__class__, x)]
            loss_ground, lost_at = o[0], d[0]
            if o[1] or d[1]:
                errors += (*o[1], *d[1])
        x = get("loss_basis")
        basis = m_basis[x if x.__class__ in bare else (x.__class__, x)][0]
        x = get("village_code")
        o_village = m_village[x if x.__class__ in bare else (x.__class__, x)]
        if o_village[1]:
            errors += o_village[1]
        x = get("declared_no_other")
        o_declared = m_declared[x if x.__class__ in bare else (x.__class__, x)]
        if o_declared[1]:
            errors += o_declared[1]
        # Values the database could not store, after the other issues (lengths, then the share range).
        if (o_hh[2] or o_group[2] or (o_name is not None and o_name[2]) or o_place[2]
                or (o_phone is not None and o_phone[2]) or o_pop[2] or o_farm[2] or o_total[2]):
            errors += (*o_hh[2], *o_group[2], *(o_name[2] if o_name else ()), *o_place[2],
                       *(o_phone[2] if o_phone else ()), *o_pop[2], *o_farm[2], *o_total[2])
        values = {
            "seq": seq, "group": o_group[0], "household_no": o_hh[0], "head_name": head, "name": name,
            "id_type": kind, "id_original": id_original, "id_number": id_number, "relation": o_rel[0],
            "sex": sex, "birth_date": born, "hukou_place": o_place[0], "hukou_in_village": o_yn[0],
            "status": status, "acquisition_ground": o_acq[0], "acquired_at": acquired_at,
            "remark": o_remark[0],
            "population_shares": o_pop[0], "farm_age_shares": o_farm[0], "total_shares": o_total[0],
            "phone": phone, "notes": notes, "loss_ground": loss_ground, "lost_at": lost_at,
            "loss_basis": basis, "village_code": o_village[0], "declared_no_other": o_declared[0],
        }
        if errors:
            errors = [Issue(number, *t) for t in errors]
        return RowResult(number, values, errors, warnings)

    return check


_check_as_is = _make_check(NoMemo)


def row_check() -> Callable[[int, Any, date], RowResult]:
    """A row check with a memory of its own: ``check(number, raw, today)`` normalises and checks one row
    (``raw`` maps column keys to cell values; absent keys count as blank). One per file: the memory
    goes with it."""
    check = _make_check(Memo)

    def check_cells(number: int, raw: Any, today: date) -> RowResult:
        try:
            return check(number, raw, today)
        except TypeError:  # an unhashable cell (a list…) cannot be remembered: check the row without memory
            return _check_as_is(number, raw, today)
    return check_cells


#: A row check for single rows (``roster.check_row``), its memory bounded by ``roster_cells.MEMO_SIZE``.
check_cells = row_check()
