"""Shapes shared by the statistical reports (issue 12 item 3): a report is a title row plus one or more
tables; a figure (:class:`Figure`) carries the key of the records list behind it (item 2); a
:class:`Drill` is that list (headings, a SELECT and a row function), so the view paginates the same
SELECT the figure was counted from.

Rows are grouped per village (a village or town area) or per town (the district), like the other area
summaries (``registry.reports.land.rights_overview``, ``registry.reports.homesteads``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from registry.models import Area, Organization

#: What a report says instead of figures when its register holds nothing in the area.
NOT_RECORDED = "尚未登记"


@dataclass(frozen=True)
class Period:
    """``end`` is the "as of" date; ``start`` (optional) opens a period ``start``–``end`` (inclusive)."""

    end: dt.date
    start: dt.date | None = None

    def text(self) -> str:
        if self.start is None:
            return f"截至 {self.end.isoformat()}"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


@dataclass(frozen=True)
class Figure:
    """A number in a report; ``cell`` names the records list behind it (None: no list)."""

    value: int | Decimal
    cell: str | None = None

    def __str__(self) -> str:
        return str(self.value)


@dataclass
class Table:
    caption: str
    headings: Sequence[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Report:
    name: str
    title: str
    area: Area
    period: Period
    tables: list[Table] = field(default_factory=list)
    empty: bool = False  # the register holds nothing in the area: shown as 尚未登记

    @property
    def title_row(self) -> str:
        """The first row of the screen and of every sheet: report, area name and code, date or period."""
        return f"{self.area.name}（{self.area.code}）{self.title}（{self.period.text()}）"

    def figures(self) -> list[Figure]:
        return [c for t in self.tables for row in t.rows for c in row if isinstance(c, Figure)]


@dataclass
class Drill:
    """The records behind one figure: ``stmt`` selects them (ordered), ``row`` turns one result into cells."""

    title: str
    headings: Sequence[str]
    stmt: Any
    row: Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Units:
    """The grouping of an area's rows: ``width`` digits of the organisation's division code (12 = per
    village, 9 = per town) and the units' ``(12-digit code, name)`` in code order."""

    width: int
    names: dict[str, str]

    def key(self):
        """SQL: the unit's code prefix of the organisation. The numbers are inlined so that every call
        renders the same text: PostgreSQL matches a SELECT column to its GROUP BY by text."""
        return func.substr(Organization.area_code, literal_column("1"), literal_column(str(int(self.width))))

    def code(self, key: str) -> str:
        return key.ljust(12, "0")


def units_of(session: Session, area: Area, width: int | None = None) -> Units:
    """Villages of a village or town area, towns of the district (each with an organisation below it);
    ``width=12``: the villages whatever the area."""
    width = width or (9 if area.level == "district" else 12)
    level = "town" if width == 9 else "village"
    names = dict(session.execute(select(Area.code, Area.name).where(
        Area.code.startswith(area.scope_prefix), Area.level == level).order_by(Area.code)).all())
    with_org = {code[:width].ljust(12, "0") for code in session.scalars(
        select(Organization.area_code).where(Organization.area_code.startswith(area.scope_prefix)))}
    return Units(width, {c: n for c, n in names.items() if c in with_org})


def unit_prefix(report_area: Area, unit_code: str) -> str | None:
    """The division-code prefix of a unit key of ``report_area``'s report (the area itself for the total
    row), or None when the key is not a unit of that area (a records URL naming something else)."""
    if unit_code == report_area.code:
        return report_area.scope_prefix
    if not (unit_code.isdigit() and len(unit_code) == 12 and unit_code.startswith(report_area.scope_prefix)):
        return None
    if unit_code.endswith("000"):  # a town of the district (a village code never ends in 000)
        return unit_code[:9] if report_area.level == "district" else None
    return unit_code


def cell_key(unit: str, column: str) -> str:
    return f"{unit}:{column}"


def split_cell(cell: str) -> tuple[str, str]:
    unit, _sep, column = (cell or "").partition(":")
    return unit, column


def mu(value) -> Decimal:
    """A summed 亩 area with 4 decimals (SQLite sums Numeric as floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


def money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb → 28 Feb): born on or before it = aged ≥ ``years``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def plain(value):
    """A cell's value for a workbook or the terminal (a figure's number)."""
    return value.value if isinstance(value, Figure) else value


def report_sheets(report: Report) -> list[tuple[str, Sequence[str], list[list]]]:
    """The report's tables as ``(sheet name, headings, rows)`` for ``registry.excel.report_book``."""
    return [(t.caption, t.headings, [[plain(c) for c in row] for row in t.rows]) for t in report.tables]


def unit_rows(units: Units, area: Area, counts: dict[str, list], keys: Sequence[str]) -> list[list]:
    """One row per unit (code, name, a figure per key) and the total row (keyed by the area's own code);
    ``counts``: ``{unit code: [value per key]}`` (a unit without any is all zeros)."""
    rows, total = [], [0] * len(keys)
    for code, name in units.names.items():
        values = counts.get(code, [0] * len(keys))
        total = [a + b for a, b in zip(total, values)]
        rows.append([code, name, *(Figure(v, cell_key(code, k)) for k, v in zip(keys, values))])
    rows.append(["", "合计", *(Figure(v, cell_key(area.code, k)) for k, v in zip(keys, total))])
    return rows


def locate(area: Area, cell: str) -> tuple[str | None, str]:
    """``(division-code prefix of the cell's unit or None, column key)`` of a records-list cell key."""
    unit, column = split_cell(cell)
    return unit_prefix(area, unit), column
