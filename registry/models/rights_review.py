"""The village's "rights to review" list (H-01, H-02, L-07, seed §四): ending a membership never ends a
right; it puts the household's rights on this list with the reason, and only a recorded lawful act closes
the entry."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, TimestampMixin, VersionedMixin


class RightsReview(TimestampMixin, VersionedMixin, Base):
    """An entry on a village's "rights to review" list: a household's rights (land, homestead, shares)
    to be looked at because ``reason`` happened. Rights are never changed by the entry itself; it is
    closed only by recording the lawful act (``closed_act``) or that no act is needed."""

    __tablename__ = "rights_reviews"
    __table_args__ = (
        CheckConstraint("closed_on IS NULL OR closed_act IS NOT NULL", name="closed_with_act"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    cause: Mapped[str] = mapped_column(String(30))  # "membership.ended"
    reason: Mapped[str] = mapped_column(Text)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_act: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    household: Mapped[Household] = relationship()  # noqa: F821
    person: Mapped[Person | None] = relationship()  # noqa: F821
