"""Share holdings (股权), share certificates (股权证) and dividend rounds (收益分配) — DOMAIN S-, §2.9.

Validity is half-open like the roster's household links: a holding counts on day D when
``valid_from <= D`` and (``valid_to`` is NULL or ``valid_to > D``). A holding ended on D and one starting on D
are therefore never both counted. Nothing is deleted: a holding ends with a date and a ground.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, Money, ShareUnits, TimestampMixin, VersionedMixin

#: §2.9 share events
SHARE_EVENTS = ("quantification", "transfer", "gift", "buy_back", "inheritance", "dynamic_adjustment")
CERTIFICATE_STATES = ("issued", "reissued", "replaced", "cancelled")
ROUND_STATES = ("draft", "resolution_linked", "town_recorded", "paid", "closed", "cancelled")

#: weighted units (units × type weight) may carry more places than the units themselves
WeightedUnits = Numeric(20, 6)

_ONE_HOLDER = "(household_id IS NULL) <> (person_id IS NULL)"


class ShareHolding(TimestampMixin, Base):
    """Units of one share type held by a household or a person (S-06) from ``valid_from`` until the day
    before ``valid_to``. ``event`` is the §2.9 share event that created it; a dynamic adjustment (S-04,
    S-05) links its resolution."""

    __tablename__ = "share_holdings"
    __table_args__ = (
        CheckConstraint(_ONE_HOLDER, name="one_holder"),
        CheckConstraint("units >= 0", name="units_nonneg"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
        CheckConstraint("event IN ('quantification','transfer','gift','buy_back','inheritance',"
                        "'dynamic_adjustment')", name="event"),
        CheckConstraint("event <> 'dynamic_adjustment' OR resolution_id IS NOT NULL",
                        name="adjustment_resolution"),
        CheckConstraint("valid_to IS NULL OR end_ground IS NOT NULL", name="end_ground"),
        # S-09: only a holding passed on by inheritance (or carried on from one) is without a vote
        CheckConstraint("voting = true OR event IN ('inheritance','transfer','gift','buy_back')", name="voting"),
        Index("ix_share_holdings_org_current", "organization_id", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    share_type: Mapped[str] = mapped_column(String(20))  # population farm_age collective contribution other
    units: Mapped[ShareUnits]
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    event: Mapped[str] = mapped_column(String(20), default="quantification")
    ground: Mapped[str] = mapped_column(Text)  # why it was created (file name, plan, transfer)
    end_ground: Mapped[str | None] = mapped_column(Text)
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    # S-09: a non-member heir's holding carries no vote (无表决权)
    voting: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    household: Mapped[Household | None] = relationship()  # noqa: F821
    person: Mapped[Person | None] = relationship()  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship()  # noqa: F821


class ShareCertificate(TimestampMixin, VersionedMixin, Base):
    """A share certificate (股权证) of a holder: issued, re-issued after loss (补发), replaced by a later one
    (换发, ``replaced_by``) or cancelled with a reason. Only issued / reissued certificates are valid."""

    __tablename__ = "share_certificates"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_share_certificates_org_number"),
        CheckConstraint(_ONE_HOLDER, name="one_holder"),
        CheckConstraint("status IN ('issued','reissued','replaced','cancelled')", name="status"),
        CheckConstraint("status NOT IN ('replaced','cancelled') OR "
                        "(ended_on IS NOT NULL AND reason IS NOT NULL)", name="ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    number: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="issued")
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("share_certificates.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    household: Mapped[Household | None] = relationship()  # noqa: F821
    person: Mapped[Person | None] = relationship()  # noqa: F821
    replaced_by: Mapped[ShareCertificate | None] = relationship(remote_side=[id])


class DividendRound(TimestampMixin, VersionedMixin, Base):
    """One income distribution (S-11..S-14): holdings frozen as of ``record_date``; reserve and lines
    computed by ``registry.services.dividends.allocation`` (``algorithm_version``). States and actions:
    ``registry.services.dividends.rounds.TRANSITIONS``."""

    __tablename__ = "dividend_rounds"
    __table_args__ = (
        CheckConstraint("state IN ('draft','resolution_linked','town_recorded','paid','closed','cancelled')",
                        name="state"),
        CheckConstraint("net_income >= 0 AND reserve >= 0 AND distributable >= 0", name="money_nonneg"),
        CheckConstraint("reserve_rate >= 0 AND reserve_rate <= 1", name="rate"),
        CheckConstraint("state IN ('draft','cancelled') OR resolution_id IS NOT NULL", name="resolution"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason IS NOT NULL", name="cancel_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(120))
    record_date: Mapped[dt.date] = mapped_column(Date)
    net_income: Mapped[Money]
    reserve_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    reserve: Mapped[Money]
    distributable: Mapped[Money]
    total_units: Mapped[Decimal] = mapped_column(WeightedUnits)
    rounding_mode: Mapped[str] = mapped_column(String(20))
    algorithm_version: Mapped[str] = mapped_column(String(10))
    holder_unit: Mapped[str] = mapped_column(String(10))  # household / person (S-06)
    source: Mapped[str] = mapped_column(String(10))  # holdings (股权台账) / roster (股份合计)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    inspection_from: Mapped[dt.date | None] = mapped_column(Date)  # plan open for inspection (S-14)
    town_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    town_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship()  # noqa: F821
    lines: Mapped[list[DividendLine]] = relationship(
        back_populates="round", order_by="DividendLine.holder_code")


class DividendLine(Base):
    """One holder's line of a round. Immutable once the round has left ``draft`` (services refuse and a
    mapper event guards it): a recorded plan is never recomputed."""

    __tablename__ = "dividend_lines"
    __table_args__ = (
        UniqueConstraint("round_id", "holder_code", name="uq_dividend_lines_round_holder"),
        CheckConstraint("amount >= 0 AND units >= 0", name="nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("dividend_rounds.id"))
    holder_code: Mapped[str] = mapped_column(String(40))  # 户编号, or the person's ID number
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    units: Mapped[Decimal] = mapped_column(WeightedUnits)
    amount: Mapped[Money]

    round: Mapped[DividendRound] = relationship(back_populates="lines")
