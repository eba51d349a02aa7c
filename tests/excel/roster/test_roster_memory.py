"""The per-column memory of cell outcomes (registry/excel/roster_cells.py, roster_rows.py, issue 5): a
remembered outcome is replayed only for the same cell — equal cells of other classes, Decimals that print
differently, NaN and unhashable cells are checked as they are — and the memory never changes a result."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry.excel.roster import cells as roster_cells
from registry.excel.roster.validate import check_row, validate_roster
from tests.excel.roster.test_roster_validate import TODAY, raw


def run(*rows):
    return validate_roster(((n, r) for n, r in enumerate(rows, start=4)), today=TODAY).rows


FILE_CODES = ("household.no_head", "household.multiple_heads", "duplicate.in_file")


def signature(results, *, file_rules=True):
    return [(r.row, list(r.values.items()), [(i.column, i.code, i.message_zh, i.level) for i in r.issues
                                             if file_rules or i.code not in FILE_CODES])
            for r in results]


def test_equal_cells_of_other_classes_are_other_cells():
    # True == 1 == 1.0, but a boolean cell is no relation code, while 1 and 1.0 mean "01".
    rows = run(raw(relation=True), raw(relation=1.0), raw(relation=1), raw(relation=True),
               raw(hukou_in_village=True), raw(hukou_in_village=1.0), raw(hukou_in_village=True))
    assert [r.values["relation"] for r in rows[:4]] == [None, "01", "01", None]
    assert "relation.unknown" in rows[0].codes and "relation.unknown" in rows[3].codes
    assert [r.values["hukou_in_village"] for r in rows[4:]] == [None, True, None]


def test_decimals_nan_and_unhashable_cells_are_checked_as_they_are():
    rows = run(raw(notes=Decimal("1.0")), raw(notes=Decimal("1.00")),
               raw(total_shares=float("nan")), raw(total_shares=float("nan")), raw(group=[1]))
    assert [r.values["notes"] for r in rows[:2]] == ["1.0", "1.00"]
    assert ["shares.invalid" in r.codes for r in rows[1:4]] == [False, True, True]
    assert rows[4].values["group"] == "[1]"
    assert signature([check_row(8, raw(group=[1]), today=TODAY)]) == signature(rows[4:], file_rules=False)


def test_results_do_not_depend_on_the_memory(monkeypatch):
    cells = [None, "", " ", "户主", "配偶", "老乡", 2.0, "1968/06/26", "2019年2月30日", 25000.0,
             date(1990, 1, 5), "0001", 19.0, "abc", -1.0, "是", "否", "√", "x", 21.5, "99999999.99995"]
    keys = ["relation", "birth_date", "household_no", "hukou_in_village", "farm_age_shares", "acquired_at"]
    rows = [raw(**{k: cells[(i * (j + 3)) % len(cells)] for j, k in enumerate(keys)}) for i in range(60)]
    remembered = signature(run(*rows))
    monkeypatch.setattr(roster_cells, "MEMO_SIZE", 2)
    assert signature(run(*rows)) == remembered
    alone = [check_row(n, r, today=TODAY) for n, r in enumerate(rows, start=4)]
    assert signature(alone) == signature(run(*rows), file_rules=False)
