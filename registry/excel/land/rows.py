"""One row of each land register sheet on its own (shared/samples/README.md "Rights registers"):
normalised values, errors and warnings. :class:`RowChecker` runs a sheet's cell rules (``row_rules``) over
its rows, with memos of the cells that repeat; ``CHECKERS`` builds the checker of each sheet. The rules
across rows and sheets are in ``validate``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from registry.codes import (
    CIRCULATION_METHOD,
    CONTRACT_METHOD,
    LAND_GRADE,
    LAND_USE,
    LAND_USE_TYPE,
    RELATION,
    CodeTable,
)
from registry.excel.columns import ColumnSet
from registry.excel.land.cells import (
    format_area,
    parse_code,
    parse_code_list,
)
from registry.excel.land.columns import CIRCULATIONS, COHOLDERS, CONTRACTORS, PARCELS
from registry.excel.land.row_rules import LandRow, RowRules
from registry.excel.normalise import (
    INVALID,
    parse_household_no,
    parse_text,
)
from registry.excel.reader import TableSheet

__all__ = ["LandRow", "RowChecker", "CHECKERS", "display"]

#: Per sheet: the keys holding free text (trimmed only, never listed as normalised) and the code tables
#: of the vocabulary columns (for display).
FREE = {"contractors": frozenset({"contract_no", "certificate_no"}),
        "parcels": frozenset({"name", "east", "south", "west", "north"}),
        "coholders": frozenset(),
        "circulations": frozenset({"code", "receiver_name"})}
TABLES: dict[str, dict[str, CodeTable]] = {
    "contractors": {"method": CONTRACT_METHOD},
    "parcels": {"land_use_type": LAND_USE_TYPE, "grade": LAND_GRADE, "land_use": LAND_USE},
    "coholders": {"relation": RELATION},
    "circulations": {"method": CIRCULATION_METHOD},
}
_NUMBERS = frozenset({"contract_area", "measured_area", "area", "price", "member_count"})
#: Keys whose cells (nearly) never repeat: not memoised.
_UNIQUE = frozenset({"contractor_code", "code", "household_no", "name", "id_number", "contract_no",
                     "certificate_no", "parcel_codes", "receiver_id"})
_MEMO_SIZE = 4096


def display(sheet: str, key: str, value: Any) -> str | None:
    """A normalised value of sheet ``sheet`` as the cell text of an export and of the expected files."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if key in ("contract_area", "measured_area", "area"):
        return format_area(value)
    if key == "parcel_codes":
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    table = TABLES[sheet].get(key)
    if table is not None:
        return table.label(value) or value
    return str(value)


class RowChecker(RowRules):
    """The per-row rules of one sheet, building a :class:`LandRow` from ``{key: raw}``."""

    def __init__(self, key: str, sheet: str, columns: ColumnSet, village_code: str, today: date) -> None:
        self.key, self.sheet, self.columns = key, sheet, columns
        self.village, self.today = village_code, today
        self.free = FREE[key]
        self.rules: dict[str, Callable[[LandRow, Any], Any]] = {}
        self._memos: dict[str, dict] | None = None
        self._steps: list | None = None

    def __call__(self, number: int, raw: Mapping[str, Any]) -> LandRow:
        """The row ``{key: raw cell}`` (a key left out: a blank cell) checked."""
        return self._check(number, [raw.get(key) for key in self.rules], range(len(self.rules)))

    def table_rows(self, table: TableSheet) -> Iterator[tuple[LandRow, list[Any]]]:
        """``(checked row, its cells as read)`` for every data row of a located sheet, the cells read by
        position (no ``{key: cell}`` per row; see ``TableSheet.row_dict`` for one)."""
        positions = [table.columns.get(key) for key in self.rules]
        check = self._check
        for number, cells in table.raw_rows():
            yield check(number, cells, positions), cells

    def _check(self, number: int, cells: list[Any], positions: Sequence[int | None]) -> LandRow:
        result = LandRow(self.sheet, number, {})
        values, normalised = result.values, result.normalised
        errors, warnings = result.errors, result.warnings
        width = len(cells)
        for (key, rule, memo, plain), at in zip(self.steps, positions):
            cell = cells[at] if at is not None and at < width else None
            if cell == "":
                cell = None  # an empty cell as calamine reads it
            if memo is not None:
                hit = memo.get((cell.__class__, cell))
                if hit is not None:  # the same cell seen before, with no issue: the same value and note
                    values[key] = hit[0]
                    if hit[1] is not None:
                        normalised[hit[1][0]] = hit[1][1]
                    continue
                issues = len(errors) + len(warnings)
            value = rule(result, cell)
            values[key] = value
            if value is None or plain is None:  # blank, or free text: never listed as normalised
                note = None
            elif plain and value.__class__ is str and cell.__class__ is str:
                # the text shows as itself (``display``): cleaned only when the cell differs
                note = None if cell == value else (self.columns.heading(key), value)
            else:
                note = self._note(key, cell, value)
            if note is not None:
                normalised[note[0]] = note[1]
            if memo is not None and len(memo) < _MEMO_SIZE and len(errors) + len(warnings) == issues:
                memo[(cell.__class__, cell)] = (value, note)
        if errors:
            normalised.clear()  # only accepted rows list their cleaned values
        return result

    @property
    def steps(self) -> list[tuple[str, Callable, dict | None, bool | None]]:
        """``(key, rule, memo or None, plain)`` per column, in rule order; ``plain``: None for free text,
        True when a text value is shown as itself (no code table), else False."""
        if self._steps is None:
            memos, tables = self.memos, TABLES[self.key]
            self._steps = [(key, rule, memos.get(key),
                            None if key in self.free else key not in tables and key != "parcel_codes")
                           for key, rule in self.rules.items()]
        return self._steps

    def share_memos(self, shared: dict[str, dict]) -> None:
        """Use (and fill) ``shared`` as the memos: the checkers of one sheet for several villages (an area
        import) share them. Safe because no memoised rule depends on the village or the date: the codes
        (village prefix) and IDs (today) are never memoised."""
        for key in self.rules:
            if key not in _UNIQUE:
                shared.setdefault(key, {})
        self._memos, self._steps = shared, None

    @property
    def memos(self) -> dict[str, dict]:
        """Per vocabulary, date, area and free-text key: cell -> (value, note) of the cells that raised no
        issue (the same few values repeat over a village's rows; codes, names and IDs never do)."""
        if self._memos is None:
            self._memos = {key: {} for key in self.rules if key not in _UNIQUE}
        return self._memos

    def _note(self, key: str, cell: Any, value: Any) -> tuple[str, str] | None:
        """A value that needed cleaning as ``(heading, shown)``: text that is not its display, a number
        cell in a code column (户编号 87 -> 0087), a date cell with a time; else None."""
        shown = display(self.key, key, value)
        if isinstance(cell, str):
            changed = cell != shown
        elif isinstance(cell, datetime):
            changed = cell.time() != datetime.min.time()
        else:
            changed = isinstance(cell, (int, float)) and key not in _NUMBERS and parse_text(cell) != shown
        return (self.columns.heading(key), shown) if changed else None

def _contractors(village: str, today: date) -> RowChecker:
    c = RowChecker("contractors", "承包方", CONTRACTORS, village, today)
    c.rules = {
        "contractor_code": c.code("contractor_code", 18),
        "household_no": lambda r, cell: (None if (hh := parse_household_no(cell)) is INVALID else hh),
        "name": c.name("name"),
        "id_number": c.resident_id("id_number"),
        "method": c.choice("method", CONTRACT_METHOD),
        "contract_no": c.text("contract_no", 40),
        "term_start": c.when("term_start", required=True),
        "term_end": c.when("term_end", required=True),
        "signed_on": c.when("signed_on"),
        "certificate_no": c.text("certificate_no", 40),
        "member_count": c.count("member_count"),
    }
    return c


def _parcels(village: str, today: date) -> RowChecker:
    c = RowChecker("parcels", "承包地块", PARCELS, village, today)
    c.rules = {
        "code": c.code("code", 19),
        "contractor_code": lambda r, cell: parse_code(cell, 18) or None,
        "name": c.text("name", 60),
        "contract_area": c.area("contract_area"),
        "measured_area": c.area("measured_area", required=False),
        "land_use_type": c.choice("land_use_type", LAND_USE_TYPE),
        "grade": c.choice("grade", LAND_GRADE),
        "land_use": c.choice("land_use", LAND_USE),
        "basic_farmland": c.yes_no("basic_farmland"),
        **{side: c.text(side, 60) for side in ("east", "south", "west", "north")},
    }
    return c


def _coholders(village: str, today: date) -> RowChecker:
    c = RowChecker("coholders", "共有人", COHOLDERS, village, today)
    c.rules = {
        "contractor_code": lambda r, cell: parse_code(cell, 18) or None,
        "name": c.name("name"),
        "id_number": c.resident_id("id_number"),
        "relation": c.choice("relation", RELATION),
        "is_coholder": c.yes_no("is_coholder", required=True),
    }
    return c


def _circulations(village: str, today: date) -> RowChecker:
    c = RowChecker("circulations", "流转合同", CIRCULATIONS, village, today)
    c.rules = {
        "code": c.text("code", 40),
        "contractor_code": lambda r, cell: parse_code(cell, 18) or None,
        "parcel_codes": lambda r, cell: parse_code_list(cell),
        "receiver_name": c.text("receiver_name", 120, required=True),
        "receiver_id": c.text("receiver_id", 20, free=False),
        "method": c.choice("method", CIRCULATION_METHOD, required=True),
        "area": c.area("area"),
        "starts_on": c.when("starts_on", required=True),
        "ends_on": c.when("ends_on", required=True),
        "price": c.price("price"),
        "signed_on": c.when("signed_on"),
    }
    return c


#: Sheet key -> factory of its row checker ``(village_code, today) -> RowChecker``.
CHECKERS = {"contractors": _contractors, "parcels": _parcels, "coholders": _coholders,
            "circulations": _circulations}
