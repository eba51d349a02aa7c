"""Working-day calendar for notice periods (F-04, F-05).

Weekends are rest days; statutory holidays and adjusted working days (调休) come from the
``holidays`` table, maintained data seeded from imports/holidays.csv (2025–2026, to confirm
against each year's State Council notice)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Holiday

HOLIDAYS_CSV = Path(__file__).resolve().parents[2] / "imports" / "holidays.csv"


def load_default_holidays(session: Session, path: Path = HOLIDAYS_CSV) -> int:
    """Insert calendar exceptions not present yet. Returns the number added."""
    known = set(session.scalars(select(Holiday.day)))
    added = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            day = dt.date.fromisoformat(row["date"])
            if day not in known:
                session.add(Holiday(day=day, is_workday=row["is_workday"] == "1", name=row["name"]))
                added += 1
    session.flush()
    return added


class WorkCalendar:
    """Answers "is this a working day" from weekends plus the exception table (F-05)."""

    def __init__(self, exceptions: dict[dt.date, bool]):
        self.exceptions = exceptions

    @classmethod
    def load(cls, session: Session) -> "WorkCalendar":
        return cls({h.day: h.is_workday for h in session.scalars(select(Holiday))})

    def is_workday(self, day: dt.date) -> bool:
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
