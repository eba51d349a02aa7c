"""Roster filings (名册备案, DOMAIN §6.2). Each filing is a numbered roster version with a
frozen copy of the roster rows (FilingItem) and the change against the last filed version."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, TimestampMixin, VersionedMixin

# Filing states, in workflow order.
DRAFT = "draft"  # 草稿
ON_NOTICE = "on_notice"  # 公示中
AWAITING_ASSEMBLY = "awaiting_assembly"  # 待成员大会确认
CONFIRMED = "confirmed"  # 已确认待报送
TOWN_REVIEW = "town_review"  # 乡镇审核中
RETURNED = "returned"  # 乡镇退回
TOWN_FILED = "town_filed"  # 已备案(乡镇)
DISTRICT_FILED = "district_filed"  # 区级已备案


class Filing(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "filings"
    __table_args__ = (
        UniqueConstraint("organization_id", "version_no", name="uq_filings_org_version"),
        # Only one open (not yet filed) roster version per organisation.
        Index(
            "uq_filings_one_open",
            "organization_id",
            unique=True,
            sqlite_where=text("state NOT IN ('town_filed','district_filed')"),
            postgresql_where=text("state NOT IN ('town_filed','district_filed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    version_no: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    # use_alter: filings ↔ public_notices reference each other.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("public_notices.id", use_alter=True))
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    town_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    town_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    district_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    district_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The (Beijing) date the roster last changed while this version was open (import, edit). A
    # notice posted before it did not show the roster as it is: start_notice refuses it (F-04).
    roster_changed_on: Mapped[dt.date | None] = mapped_column(Date)

    organization: Mapped[Organization] = relationship()  # noqa: F821
    notice: Mapped[PublicNotice | None] = relationship(foreign_keys=[notice_id])  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship()  # noqa: F821
    items: Mapped[list[FilingItem]] = relationship(back_populates="filing", order_by="FilingItem.id")


class FilingItem(Base):
    """One roster row frozen into a filing: ``data`` holds the display values (Chinese
    headings → cell text) as filed; ``change`` is added / ended / changed / unchanged."""

    __tablename__ = "filing_items"
    __table_args__ = (UniqueConstraint("filing_id", "membership_id", name="uq_filing_items_filing_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    change: Mapped[str] = mapped_column(String(10), default="added")
    data: Mapped[dict] = mapped_column(JSON)
    # How the membership left the roster or was refused (ground, date, reason…), frozen with the row.
    detail: Mapped[dict | None] = mapped_column(JSON)

    filing: Mapped[Filing] = relationship(back_populates="items")
