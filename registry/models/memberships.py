"""Membership (a decision with a history), assembly resolutions, public notices and objections.
Status codes: pending 待确认, confirmed 正式成员, rejected 不予确认, lost 已丧失,
withdrawn 已自愿退出, disputed 争议中 (DOMAIN §6.1)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, ShareUnits, TimestampMixin, VersionedMixin


class Membership(TimestampMixin, VersionedMixin, Base):
    """One person's membership of one organisation. Hukou is kept apart (HukouRecord) and
    never changes it (H-01). Share columns are the roster's 人口股/农龄股/股份合计 units."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("person_id", "organization_id", name="uq_memberships_person_org"),
        # M-15: at most one active (confirmed) membership per person among peer organisations.
        Index(
            "uq_memberships_one_active",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
        # The district dashboard (issue 12) counts memberships by status within each organisation (endings:
        # 20 ended among 300k) and households with an active member: both probe (…, status) and stop at the
        # index instead of reading every membership row. Their leading columns serve the plain look-ups too.
        Index("ix_memberships_org_status", "organization_id", "status"),
        Index("ix_memberships_household_status", "household_id", "status"),
        CheckConstraint(
            "status IN ('pending','confirmed','rejected','lost','withdrawn','disputed')", name="status"
        ),
        CheckConstraint(
            "coalesce(population_shares, 0) >= 0 AND coalesce(farm_age_shares, 0) >= 0 "
            "AND coalesce(total_shares, 0) >= 0",
            name="shares_nonneg",
        ),
        # M-09 / H-02: loss grounds are a closed list (hukou is never one); a charter ground cites
        # the article; an ended membership has its ground and date.
        CheckConstraint(
            "loss_ground IS NULL OR loss_ground IN "
            "('death','nationality','other_membership','civil_servant','withdrawal','charter_or_law')",
            name="loss_ground",
        ),
        CheckConstraint("coalesce(loss_ground, '') <> 'charter_or_law' OR loss_citation IS NOT NULL",
                        name="loss_citation"),
        CheckConstraint("status NOT IN ('lost','withdrawn') OR (loss_ground IS NOT NULL AND lost_at IS NOT NULL)",
                        name="loss_recorded"),
        # M-03 / M-04: a rejection has a written reason and is never of a child born to a member.
        CheckConstraint("status <> 'rejected' OR (rejection_reason IS NOT NULL "
                        "AND coalesce(acquisition_ground, '') <> 'birth')", name="rejection"),
        CheckConstraint("coalesce(acquisition_ground, '') <> 'birth' OR rejection_reason IS NULL",
                        name="birth_not_rejected"),
        # M-18: a withdrawal has a written application; M-10: rights are kept only after these grounds.
        CheckConstraint("status <> 'withdrawn' OR withdrawal_applied_on IS NOT NULL", name="withdrawal"),
        CheckConstraint("retained_rights_until IS NULL OR loss_ground IN "
                        "('other_membership','civil_servant','withdrawal')", name="retained_rights"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # indexed by uq_memberships_person_org
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))  # ix_memberships_org_status
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # ix_memberships_household_status
    status: Mapped[str] = mapped_column(String(10), default="pending")
    acquisition_ground: Mapped[str | None] = mapped_column(String(20))  # DOMAIN §2.4
    acquired_at: Mapped[dt.date | None] = mapped_column(Date)
    loss_ground: Mapped[str | None] = mapped_column(String(20))  # DOMAIN §2.5
    lost_at: Mapped[dt.date | None] = mapped_column(Date)
    loss_note: Mapped[str | None] = mapped_column(Text)
    retained_rights_until: Mapped[dt.date | None] = mapped_column(Date)  # M-10
    retention_flags: Mapped[str] = mapped_column(String(200), default="")  # §2.6, comma separated
    remark: Mapped[str | None] = mapped_column(String(1))  # NY/T 2539 C.18
    group_code: Mapped[str | None] = mapped_column(String(20))
    population_shares: Mapped[ShareUnits | None]
    farm_age_shares: Mapped[ShareUnits | None]
    total_shares: Mapped[ShareUnits | None]
    notes: Mapped[str | None] = mapped_column(Text)
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    confirmed_at: Mapped[dt.date | None] = mapped_column(Date)
    # Membership lifecycle (issue 3, registry.services.membership.transitions).
    rejection_reason: Mapped[str | None] = mapped_column(Text)  # M-04; set while pending = proposed
    loss_citation: Mapped[str | None] = mapped_column(String(200))  # M-09 charter article / law
    loss_evidence: Mapped[str | None] = mapped_column(Text)  # M-12 proof of membership elsewhere, …
    withdrawal_applied_on: Mapped[dt.date | None] = mapped_column(Date)  # M-18 written application
    loss_resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))  # consent
    # M-17: the member signed a declaration of holding no other membership (duplicates across
    # districts cannot be checked); None = not recorded.
    declared_no_other_membership: Mapped[bool | None]
    # M-15 hand-over: the membership elsewhere whose confirmation ended this one.
    ended_by_membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))

    person: Mapped[Person] = relationship(back_populates="memberships")  # noqa: F821
    organization: Mapped[Organization] = relationship()  # noqa: F821
    household: Mapped[Household | None] = relationship()  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship(foreign_keys=[resolution_id])
    loss_resolution: Mapped[Resolution | None] = relationship(foreign_keys=[loss_resolution_id])
    ended_by: Mapped[Membership | None] = relationship(remote_side=[id], foreign_keys=[ended_by_membership_id])

    @property
    def flags(self) -> list[str]:
        return [f for f in (self.retention_flags or "").split(",") if f]


class Resolution(TimestampMixin, VersionedMixin, Base):
    """A member (representative) assembly resolution. Validity is computed by
    ``registry.services.filing.resolutions`` per DOMAIN §6.4 (A-01..A-05, A-09)."""

    __tablename__ = "resolutions"
    __table_args__ = (
        CheckConstraint(
            "base_members >= 0 AND attendees >= 0 AND votes_for >= 0 AND votes_for <= attendees "
            "AND attendees <= base_members",
            name="counts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    body: Mapped[str] = mapped_column(String(20), default="member_assembly")  # or representative
    subject: Mapped[str] = mapped_column(String(30), default="membership_confirmation")  # §2.10
    title: Mapped[str | None] = mapped_column(String(200))
    notice_date: Mapped[dt.date] = mapped_column(Date)
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    base_members: Mapped[int]  # members with full civil capacity
    attendees: Mapped[int]
    votes_for: Mapped[int]
    passed: Mapped[bool] = mapped_column(default=False)
    party_pre_discussion_date: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The thresholds in force on the meeting date: {"quorum": "2/3", "pass": "3/4",
    # "charter_settings_id": id or null, "article": the charter article or null}.
    thresholds: Mapped[dict | None] = mapped_column(JSON)
    # The form's one-time token (registry/forms/concurrency.SubmissionField): a repeated POST is refused.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class PublicNotice(TimestampMixin, Base):
    """Public notice (公示) of a candidate roster or change list (F-04, F-05)."""

    __tablename__ = "public_notices"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), index=True)
    posted_on: Mapped[dt.date] = mapped_column(Date)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    working_days: Mapped[int]
    place: Mapped[str | None] = mapped_column(String(200))
    # Years counted on the provisional calendar ("2027"; None when every day was on the official one)
    # and, after the official year was loaded and the period recounted, the end date it had before.
    provisional_years: Mapped[str | None] = mapped_column(String(40))
    extended_from: Mapped[dt.date | None] = mapped_column(Date)

    objections: Mapped[list[Objection]] = relationship(back_populates="notice", order_by="Objection.id")


class Objection(TimestampMixin, VersionedMixin, Base):
    """An objection raised during a public notice."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(60))
    resolved: Mapped[bool] = mapped_column(default=False)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # as Resolution's

    notice: Mapped[PublicNotice] = relationship(back_populates="objections")
