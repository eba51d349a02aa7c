"""The collective's charter settings (章程设置, DOMAIN §8): thresholds, notice length and the share rules a
charter may set, with the article they come from.

Every change writes a new row with the full set of settings and ends the previous one: ``valid_from`` is
the first day a row is in force, ``valid_to`` the first day it no longer is (half-open, ``None`` = in
force now), so the settings in force on a meeting date can always be looked up. Nothing is deleted."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, TimestampMixin, VersionedMixin


class CharterSettings(TimestampMixin, VersionedMixin, Base):
    """One version of an organisation's charter settings. Thresholds are stored as exact fractions
    (``"3/4"``); ``share_types`` maps a share type code to ``{"weight": "1", "counts_in_divisor": true}``."""

    __tablename__ = "charter_settings"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
        CheckConstraint("notice_working_days >= 7", name="notice_days"),  # F-04
        CheckConstraint("withdrawal_consent_body IN ('member_assembly','representative')", name="consent_body"),
        CheckConstraint("holder_unit IN ('household','person')", name="holder_unit"),  # S-06
        CheckConstraint("management IN ('static','dynamic')", name="management"),  # S-04
        CheckConstraint("death_treatment IN ('full_year','pro_rata','excluded')", name="death"),  # S-16
        CheckConstraint("holding_cap_percent > 0 AND holding_cap_percent <= 100", name="cap"),  # S-10
        CheckConstraint("reserve_rate > 0 AND reserve_rate < 1", name="reserve"),  # S-11
        # One version in force now per organisation.
        Index("uq_charter_settings_current", "organization_id", unique=True,
              sqlite_where=text("valid_to IS NULL"), postgresql_where=text("valid_to IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    article: Mapped[str] = mapped_column(String(200))  # the charter article the settings come from
    # Membership side (A-02, A-03, A-04, A-05, F-04, Q-05, Q-06, Q-08)
    confirmation_threshold: Mapped[str] = mapped_column(String(12))
    art15_threshold: Mapped[str] = mapped_column(String(12))
    quorum_threshold: Mapped[str] = mapped_column(String(12))
    notice_working_days: Mapped[int]
    withdrawal_consent_body: Mapped[str] = mapped_column(String(20))
    state_payroll_loss_ground: Mapped[bool]
    allow_nested_membership: Mapped[bool]
    # Shares side (S-04, S-06, S-07, S-10, S-11, S-16)
    holder_unit: Mapped[str] = mapped_column(String(10))
    management: Mapped[str] = mapped_column(String(10))
    adjustment_years: Mapped[int | None]
    share_types: Mapped[dict] = mapped_column(JSON)
    holding_cap_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reserve_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    death_treatment: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
