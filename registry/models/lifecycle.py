"""Records around the membership lifecycle: disputes (M-22), Art. 15 grants to non-members (M-19)
and the women's-equality review flags of a filing (W-02)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, ShareUnits, TimestampMixin, VersionedMixin

DISPUTE_STAGES = ("town_mediation", "district_mediation", "arbitration", "court")
DISPUTE_OUTCOMES = ("upheld", "overturned", "settled", "withdrawn")


class Dispute(TimestampMixin, VersionedMixin, Base):
    """A dispute over a membership decision (RCEO Law Art. 56, M-22). While it is open the membership
    reads 争议中 (``disputed``); ``status_before`` is the state it returns to on closing."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("stage IN ('town_mediation','district_mediation','arbitration','court')", name="stage"),
        CheckConstraint("outcome IS NULL OR outcome IN ('upheld','overturned','settled','withdrawn')",
                        name="outcome"),
        CheckConstraint("(closed_on IS NULL) = (outcome IS NULL)", name="closed"),
        # One open dispute per membership.
        Index("uq_disputes_one_open", "membership_id", unique=True,
              sqlite_where=text("closed_on IS NULL"), postgresql_where=text("closed_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    applicant: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(Text)  # the decision disputed and the claim
    stage: Mapped[str] = mapped_column(String(20), default="town_mediation")
    status_before: Mapped[str] = mapped_column(String(10))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    membership: Mapped[Membership] = relationship()  # noqa: F821


class NonMemberGrant(TimestampMixin, Base):
    """Rights granted to a non-member by a ≥ 3/4 member-assembly resolution (RCEO Law Art. 15,
    M-19, A-05). The person does not become a member and has no vote or election rights.
    ``rights`` is a comma-separated list of :data:`GRANT_RIGHTS` codes; ``units`` the distribution
    units the resolution sets (S-13)."""

    __tablename__ = "non_member_grants"
    __table_args__ = (
        UniqueConstraint("organization_id", "person_id", "resolution_id", name="uq_non_member_grants_org_person"),
        CheckConstraint("coalesce(units, 0) >= 0", name="units_nonneg"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id"))
    rights: Mapped[str] = mapped_column(String(120))
    units: Mapped[ShareUnits | None]
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)  # long work for and contribution to the organisation
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()  # noqa: F821
    resolution: Mapped[Resolution] = relationship()  # noqa: F821

    @property
    def right_codes(self) -> list[str]:
        return [r for r in (self.rights or "").split(",") if r]


#: Art. 13 items 7, 9, 10 — the rights an Art. 15 grant may carry.
GRANT_RIGHTS = ("income_distribution", "services_welfare", "charter_rights")


class EqualityFlag(Base):
    """A rejection or ending in a filing whose reason touches marriage, divorce, widowhood, being
    unmarried or a household without men (W-02, RCEO Law Art. 8). The town officer acknowledges
    each one before recording the filing."""

    __tablename__ = "equality_flags"
    __table_args__ = (UniqueConstraint("filing_id", "membership_id", name="uq_equality_flags_filing_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    kind: Mapped[str] = mapped_column(String(10))  # rejection / loss / withdrawal
    reason: Mapped[str] = mapped_column(Text)  # the texts that triggered the flag
    keywords: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
