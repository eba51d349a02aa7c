"""The outcome of one land register row (:class:`LandRow`) and the rules that read one cell of it
(:class:`RowRules`: codes, text, names, resident IDs, vocabularies, dates, areas, counts, prices), each adding
its issue to the row. The checker that runs them over a sheet is ``rows.RowChecker``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from registry.codes import YES_NO, CodeTable
from registry.excel.columns import ColumnSet
from registry.excel.land.cells import MESSAGES, MU, parse_area, parse_code, parse_price
from registry.excel.normalise import INVALID, mark_invisible, parse_date, parse_int, parse_name, parse_text
from registry.excel.roster.types import MESSAGES as ROSTER_MESSAGES, Issue
from registry.identity import normalise_resident_id

__all__ = ["LandRow", "RowRules", "shown_cell"]

_MESSAGES = {**ROSTER_MESSAGES, **MESSAGES}
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


def shown_cell(raw: Any) -> str:
    """A cell as a message quotes it: trimmed text, at most 40 characters, invisible characters marked."""
    text = parse_text(raw) or ""
    return mark_invisible(text if len(text) <= 40 else text[:39] + "…")


class RowRules:
    """Rule factories of one sheet's checker: each returns ``rule(row, cell) -> value`` (None after an
    error). Needs ``columns`` (the sheet's ColumnSet), ``village`` (the code prefix) and ``today``."""

    columns: ColumnSet
    village: str
    today: date

    def code(self, key: str, width: int, *, prefix: bool = True):
        def rule(result: LandRow, cell: Any):
            code = parse_code(cell, width)
            if code is None or code is INVALID or (prefix and not code.startswith(self.village)):
                expected = f"应为 {width} 位数字，并以本村代码 {self.village} 开头"
                result.error(self.columns, key, "code.format", shown_cell(cell) or "（空）", expected)
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
                result.error(self.columns, key, "value.too_long", shown_cell(cell), limit)
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
                                           ROSTER_MESSAGES["name.invalid"].format(value=shown_cell(cell))))
                return None
            if len(name) > 60:
                result.error(self.columns, key, "value.too_long", shown_cell(cell), 60)
                return None
            return name
        return rule

    def resident_id(self, key: str):
        def rule(result: LandRow, cell: Any):
            res = normalise_resident_id(cell, today=self.today)
            if res.error:
                text = shown_cell(cell) if res.error != "id.format" else mark_invisible(res.original)
                result.error(self.columns, key, res.error, text)
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
                result.error(self.columns, key, "value.unknown", shown_cell(cell), labels)
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
                result.error(self.columns, key, "date.invalid", shown_cell(cell) or "（空）")
                return None
            return value
        return rule

    def area(self, key: str, *, required: bool = True):
        def rule(result: LandRow, cell: Any):
            value = parse_area(cell, MU)  # 亩: "110.88平方米" in a 亩 column is not 110.88 亩
            if value is INVALID or (value is None and required):
                result.error(self.columns, key, "area.invalid", shown_cell(cell) or "（空）")
                return None
            return value
        return rule

    def count(self, key: str):
        """A count (家庭成员数 CBFCYSL): a whole number the database can hold, not negative; text that is
        not a whole number is left out, as for 序号 (informational)."""
        def rule(result: LandRow, cell: Any):
            value = parse_int(cell)
            if value is not None and not 0 <= value <= _MAX_COUNT:
                result.error(self.columns, key, "count.invalid", shown_cell(cell))
                return None
            return value
        return rule

    def price(self, key: str):
        def rule(result: LandRow, cell: Any):
            value = parse_price(cell)
            if value is INVALID:
                result.error(self.columns, key, "price.invalid", shown_cell(cell))
                return None
            return value
        return rule
