"""One row of each land register sheet on its own (shared/samples/README.md "Rights registers"):
normalised values, errors and warnings. The rules across rows and sheets are in ``validate``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from registry.codes import (
    CIRCULATION_METHOD,
    CONTRACT_METHOD,
    LAND_GRADE,
    LAND_USE,
    LAND_USE_TYPE,
    RELATION,
    YES_NO,
    CodeTable,
)
from registry.excel.columns import ColumnSet
from registry.excel.land.cells import (
    MESSAGES,
    MU,
    format_area,
    parse_area,
    parse_code,
    parse_code_list,
    parse_price,
)
from registry.excel.land.columns import CIRCULATIONS, COHOLDERS, CONTRACTORS, PARCELS
from registry.excel.normalise import (
    INVALID,
    mark_invisible,
    parse_date,
    parse_household_no,
    parse_int,
    parse_name,
    parse_text,
)
from registry.excel.reader import TableSheet
from registry.excel.roster.types import MESSAGES as ROSTER_MESSAGES, Issue
from registry.identity import normalise_resident_id

__all__ = ["LandRow", "RowChecker", "CHECKERS", "display"]

_MESSAGES = {**ROSTER_MESSAGES, **MESSAGES}
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
_MAX_COUNT = 2**31 - 1  # INTEGER on PostgreSQL


@dataclass(slots=True)
class LandRow:
    """Outcome of one data row of a sheet (``sheet``: the Chinese sheet title)."""

    sheet: str
    row: int
    values: dict[str, Any]
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    normalised: dict[str, str] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        return "error" if self.errors else "accepted"

    @property
    def codes(self) -> list[str]:
        return sorted({i.code for i in (*self.errors, *self.warnings)})

    def error(self, columns: ColumnSet, key: str, code: str, value: Any = "", expected: Any = "") -> None:
        self.errors.append(_issue(self.row, columns, key, code, value, expected))

    def warn(self, columns: ColumnSet, key: str, code: str, value: Any = "", expected: Any = "") -> None:
        self.warnings.append(_issue(self.row, columns, key, code, value, expected, "warning"))


def _issue(row: int, columns: ColumnSet, key: str, code: str, value: Any, expected: Any,
           level: str = "error") -> Issue:
    heading = columns.heading(key)
    message = _MESSAGES[code].format(column=heading, value=value, expected=expected)
    return Issue(row, heading, code, message, level)


def _shown(raw: Any) -> str:
    text = parse_text(raw) or ""
    return mark_invisible(text if len(text) <= 40 else text[:39] + "…")


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


class RowChecker:
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

    # --- rules ----------------------------------------------------------------------------------------
    def code(self, key: str, width: int, *, prefix: bool = True):
        def rule(result: LandRow, cell: Any):
            code = parse_code(cell, width)
            if code is None or code is INVALID or (prefix and not code.startswith(self.village)):
                expected = f"应为 {width} 位数字，并以本村代码 {self.village} 开头"
                result.error(self.columns, key, "code.format", _shown(cell) or "（空）", expected)
                return None
            return code
        return rule

    def text(self, key: str, limit: int, *, free: bool = True, required: bool = False):
        """A text column: longer than its database field -> ``value.too_long`` (never cut short)."""
        def rule(result: LandRow, cell: Any):
            text = parse_text(cell, free=free)
            if text is None and required:
                result.error(self.columns, key, "name.missing")
            elif text is not None and len(text) > limit:
                result.error(self.columns, key, "value.too_long", _shown(cell), limit)
                return None
            return text
        return rule

    def name(self, key: str):
        def rule(result: LandRow, cell: Any):
            name = parse_name(cell)
            if name is None:
                result.error(self.columns, key, "name.missing")
                return None
            if name is INVALID:
                result.errors.append(Issue(result.row, self.columns.heading(key), "name.invalid",
                                           ROSTER_MESSAGES["name.invalid"].format(value=_shown(cell))))
                return None
            if len(name) > 60:
                result.error(self.columns, key, "value.too_long", _shown(cell), 60)
                return None
            return name
        return rule

    def resident_id(self, key: str):
        def rule(result: LandRow, cell: Any):
            res = normalise_resident_id(cell, today=self.today)
            if res.error:
                shown = _shown(cell) if res.error != "id.format" else mark_invisible(res.original)
                result.error(self.columns, key, res.error, shown)
                return None
            if res.warning:
                result.warn(self.columns, key, res.warning, res.original)
            return res.value
        return rule

    def choice(self, key: str, table: CodeTable, *, required: bool = False):
        labels = "、".join(table.labels.values())

        def rule(result: LandRow, cell: Any):
            if parse_text(cell) is None:
                if required:
                    result.error(self.columns, key, "value.unknown", "（空）", labels)
                return None
            code = table.lookup(cell)
            if code is None:
                result.error(self.columns, key, "value.unknown", _shown(cell), labels)
            return code
        return rule

    def yes_no(self, key: str, *, required: bool = False):
        choose = self.choice(key, YES_NO, required=required)

        def rule(result: LandRow, cell: Any):
            code = choose(result, cell)
            return None if code is None else code == "1"
        return rule

    def when(self, key: str, *, required: bool = False):
        def rule(result: LandRow, cell: Any):
            value = parse_date(cell)
            if value is INVALID or (value is None and required):
                result.error(self.columns, key, "date.invalid", _shown(cell) or "（空）")
                return None
            return value
        return rule

    def area(self, key: str, *, required: bool = True):
        def rule(result: LandRow, cell: Any):
            value = parse_area(cell, MU)  # 亩: "110.88平方米" in a 亩 column is not 110.88 亩
            if value is INVALID or (value is None and required):
                result.error(self.columns, key, "area.invalid", _shown(cell) or "（空）")
                return None
            return value
        return rule

    def count(self, key: str):
        """A count (家庭成员数 CBFCYSL): a whole number the database can hold, not negative; text that is
        not a whole number is left out, as for 序号 (informational)."""
        def rule(result: LandRow, cell: Any):
            value = parse_int(cell)
            if value is not None and not 0 <= value <= _MAX_COUNT:
                result.error(self.columns, key, "count.invalid", _shown(cell))
                return None
            return value
        return rule

    def price(self, key: str):
        def rule(result: LandRow, cell: Any):
            value = parse_price(cell)
            if value is INVALID:
                result.error(self.columns, key, "price.invalid", _shown(cell))
                return None
            return value
        return rule


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
