"""The statutory holiday calendar (F-05): maintained data, not hard-coded."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base


class Holiday(Base):
    """A calendar exception: ``is_workday`` False for a statutory holiday on a weekday,
    True for an adjusted working day (调休) on a weekend."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(40), default="")
