"""Homestead register (宅基地台账, DOMAIN D-01..D-13).

A :class:`Homestead` row is one plot (宗地) held by one collective household. Status codes (§2.8):
in_use 使用中, withdrawn_paid 已有偿退出, transferred 已流转, lost_disaster 灾毁灭失. Nothing is deleted:
a record ends with ``valid_to`` and an ``end_ground``. D-01 (one household, one homestead in use) is
backed by a partial unique index that a recorded exception (``exception_reason``) lifts.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import AreaM2, Base, TimestampMixin, VersionedMixin

HOMESTEAD_STATUSES = ("in_use", "withdrawn_paid", "transferred", "lost_disaster")
#: Grounds a homestead record ends with (valid_to): a correction replaces it, the others are lawful acts.
END_GROUNDS = ("withdrawal", "transfer", "disaster", "takeback", "correction")

_ACTIVE_IN_USE = "status = 'in_use' AND valid_to IS NULL AND exception_reason IS NULL"


class Homestead(TimestampMixin, VersionedMixin, Base):
    """One homestead plot (宗地) of a collective household, with its approval and boundaries.

    ``plot_code`` is the 19-character 宗地代码 (12-digit village code + ``JC`` + 5 digits). Areas in m²
    (Numeric(10,2)). ``exception_reason``: the written reason that allows a second plot in use (D-01).
    """

    __tablename__ = "homesteads"
    __table_args__ = (
        # D-01: one household, one homestead in use — unless an exception with a reason is recorded.
        Index("uq_homesteads_one_in_use", "household_id", unique=True,
              sqlite_where=text(_ACTIVE_IN_USE), postgresql_where=text(_ACTIVE_IN_USE)),
        # One current record per plot code.
        Index("uq_homesteads_current_plot", "plot_code", unique=True,
              sqlite_where=text("valid_to IS NULL"), postgresql_where=text("valid_to IS NULL")),
        CheckConstraint("status IN ('in_use','withdrawn_paid','transferred','lost_disaster')", name="status"),
        CheckConstraint("plot_area > 0 AND coalesce(building_area, 0) >= 0", name="areas_nonneg"),
        CheckConstraint("length(plot_code) = 19", name="plot_code_length"),
        CheckConstraint("valid_to IS NULL OR (end_ground IS NOT NULL "
                        "AND valid_to >= coalesce(valid_from, valid_to))", name="end_recorded"),
        CheckConstraint("exception_reason IS NULL OR length(exception_reason) > 0", name="exception_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    plot_code: Mapped[str] = mapped_column(String(19))
    certificate_no: Mapped[str | None] = mapped_column(String(80))
    plot_area: Mapped[AreaM2]
    building_area: Mapped[AreaM2 | None]
    location: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    approval_doc: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="in_use")
    east: Mapped[str | None] = mapped_column(String(120))
    south: Mapped[str | None] = mapped_column(String(120))
    west: Mapped[str | None] = mapped_column(String(120))
    north: Mapped[str | None] = mapped_column(String(120))
    remarks: Mapped[str | None] = mapped_column(Text)
    exception_reason: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    end_ground: Mapped[str | None] = mapped_column(String(20))
    end_note: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship()  # noqa: F821
