"""Working-day calendar for notice periods (F-04, F-05).

Weekends are rest days; statutory holidays and adjusted working days (调休) come from the
``holidays`` table, maintained data seeded from imports/holidays.csv (2025–2026, to confirm
against each year's State Council notice) and extended with ``flask --app registry load-holidays
FILE`` or the administrator's 节假日日历 page.

A year with no row in the table is not maintained yet (the State Council publishes next year's
arrangement in November or December). The work does not stop: such a year is counted on a
**provisional** calendar that can only make a notice longer, never shorter, than the official one
will: weekends, the statutory holidays as the ``holidays`` package estimates them, and the days an
arrangement usually adds around them (:func:`provisional_rest_days`) are rest days, and no weekend
is taken as an adjusted working day. A notice counted on it is marked provisional and recounted
when the official year is loaded (:func:`registry.services.filing.notices.recount_provisional`)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import holidays as holiday_estimates
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Holiday
from registry.services.errors import DomainError

HOLIDAYS_CSV = Path(__file__).resolve().parents[2] / "imports" / "holidays.csv"
CSV_COLUMNS = ("date", "is_workday", "name")
_WORKDAY = {"1": True, "true": True, "yes": True, "是": True, "0": False, "false": False, "no": False, "否": False}
_NAME_MAX = 40  # Holiday.name
_SHOW = 10  # errors listed in a refusal


def parse_holidays(text: str) -> list[tuple[dt.date, bool, str]]:
    """Parse calendar CSV text (header ``date,is_workday,name``; ``is_workday`` 1/0, true/false,
    是/否) into ``(day, is_workday, name)`` rows. Every line is checked; raises DomainError
    ``calendar.bad_file`` listing the bad lines (line numbers as in the file) when any is wrong,
    including a date given twice."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if header[:3] != list(CSV_COLUMNS):
        raise DomainError("calendar.bad_file",
                          f"节假日文件的表头须为 {','.join(CSV_COLUMNS)}，实际为 {','.join(header)}", rule="F-05")
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        raw_day, raw_flag = (row.get("date") or "").strip(), (row.get("is_workday") or "").strip().lower()
        name = (row.get("name") or "").strip()
        try:
            day = dt.date.fromisoformat(raw_day)
        except ValueError:
            errors.append(f"第 {line} 行：日期「{raw_day}」不是 YYYY-MM-DD 格式")
            continue
        if raw_flag not in _WORKDAY:
            errors.append(f"第 {line} 行：is_workday「{raw_flag}」须为 1（调休上班）或 0（放假）")
            continue
        if len(name) > _NAME_MAX:
            errors.append(f"第 {line} 行：名称超过 {_NAME_MAX} 个字")
            continue
        if day in seen:
            errors.append(f"第 {line} 行：日期 {day.isoformat()} 与第 {seen[day]} 行重复")
            continue
        seen[day] = line
        rows.append((day, _WORKDAY[raw_flag], name))
    if errors:
        more = f"（共 {len(errors)} 处）" if len(errors) > _SHOW else ""
        raise DomainError("calendar.bad_file", "节假日文件有误，未导入任何数据：" + "；".join(errors[:_SHOW]) + more,
                          rule="F-05")
    return rows


def load_holidays(session: Session, rows: Iterable[tuple[dt.date, bool, str]]) -> dict[str, int]:
    """Insert or update calendar exceptions (the file wins over the table for a date it lists).
    Returns ``{"added", "updated", "unchanged"}`` counts. Flushes, never commits."""
    known = {h.day: h for h in session.scalars(select(Holiday))}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for day, is_workday, name in rows:
        holiday = known.get(day)
        if holiday is None:
            holiday = Holiday(day=day, is_workday=is_workday, name=name)
            session.add(holiday)
            known[day] = holiday
            counts["added"] += 1
        elif (holiday.is_workday, holiday.name) != (is_workday, name):
            holiday.is_workday, holiday.name = is_workday, name
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    session.flush()
    return counts


def load_default_holidays(session: Session, path: Path = HOLIDAYS_CSV) -> int:
    """Insert the shipped calendar's exceptions not present yet (existing rows are kept).
    Returns the number added."""
    known = set(session.scalars(select(Holiday.day)))
    rows = [r for r in parse_holidays(path.read_text(encoding="utf-8")) if r[0] not in known]
    return load_holidays(session, rows)["added"]


def covered_years(session: Session) -> list[int]:
    """The years the holiday table covers (has at least one row for), ascending."""
    return sorted({day.year for day in session.scalars(select(Holiday.day))})


_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=16)
def provisional_rest_days(year: int) -> frozenset[dt.date]:
    """Weekday rest days assumed for a year whose official arrangement is not loaded [to confirm].

    The statutory holidays (国务院《全国年节及纪念日放假办法》, 2025 revision: 元旦 1, 春节 4, 清明 1, 劳动节 2,
    端午 1, 中秋 1, 国庆 3 days) with the lunar dates and observed days as estimated by the ``holidays``
    package, widened to what the State Council's arrangements have given in 2025–2026 so that the
    estimate errs on the long side: the Spring Festival from the day before New Year's Eve for ten
    days, 1–5 May, 1–8 October, and a single weekday left between a holiday and a weekend (a
    Monday or Friday bridge). The official calendar, once loaded, replaces all of it."""
    estimated = set(holiday_estimates.China(years=year, language="en_US"))
    for day, name in holiday_estimates.China(years=year, language="en_US").items():
        if name == "Chinese New Year's Eve":
            estimated.update(day + k * _DAY for k in range(-1, 9))
    estimated.update(dt.date(year, 5, d) for d in range(1, 6))
    estimated.update(dt.date(year, 10, d) for d in range(1, 9))
    for day in list(estimated):
        if day.weekday() == 3:  # Thursday holiday → Friday bridge
            estimated.add(day + _DAY)
        elif day.weekday() == 1:  # Tuesday holiday → Monday bridge
            estimated.add(day - _DAY)
    return frozenset(d for d in estimated if d.year == year and d.weekday() < 5)


class WorkCalendar:
    """Answers "is this a working day" from weekends plus the exception table (F-05).

    ``covered_years``: the years the exceptions are maintained for; a day of any other year is
    answered from the provisional calendar (see the module docstring). None (a calendar built by
    hand) means every year counts as maintained."""

    def __init__(self, exceptions: dict[dt.date, bool], covered_years: Iterable[int] | None = None):
        self.exceptions = exceptions
        self.covered_years = None if covered_years is None else frozenset(covered_years)

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        exceptions = {h.day: h.is_workday for h in session.scalars(select(Holiday))}
        return cls(exceptions, covered_years={day.year for day in exceptions})

    def missing_years(self, posted: dt.date, end: dt.date) -> list[int]:
        """Years between the day after ``posted`` and ``end`` that the calendar does not cover: a
        period reaching them is counted on the provisional calendar."""
        if self.covered_years is None:
            return []
        first = posted + dt.timedelta(days=1)
        return [y for y in range(first.year, end.year + 1) if y not in self.covered_years]

    def is_provisional(self, day: dt.date) -> bool:
        """True when ``day``'s year is answered from the provisional calendar."""
        return self.covered_years is not None and day.year not in self.covered_years

    def is_workday(self, day: dt.date) -> bool:
        if self.is_provisional(day):
            return day.weekday() < 5 and day not in provisional_rest_days(day.year)
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, posted: dt.date, days: int) -> dt.date:
        """The date on which a notice of ``days`` working days ends, counted from the day
        after ``posted`` (Civil Code Art. 201; F-04). ``days`` must be ≥ 1."""
        if days < 1:
            raise ValueError("days must be >= 1")
        day, counted = posted, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, posted: dt.date, end: dt.date) -> int:
        """Working days from the day after ``posted`` up to and including ``end``."""
        count, day = 0, posted
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
