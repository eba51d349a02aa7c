"""Voluntary paid transfers and withdrawals of rights (流转、退出, DOMAIN L-09, L-12..L-14, D-07, D-08, D-13,
S-08..S-10, §2.7, §6.3).

One :class:`Transfer` row is one transaction over one object (share units of one type / a homestead / a
parcel). States and actions: ``registry.services.transfers.workflow.TRANSITIONS``. The effect is applied
only when the town records it; nothing is deleted. ``basis`` keeps the facts the rules were checked
against at draft/consent, so a stale draft is refused at the town's record with what changed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, Money, TimestampMixin, VersionedMixin

TRANSFER_TYPES = ("share_transfer", "share_gift", "share_buyback", "share_inheritance", "homestead_transfer",
                  "homestead_withdrawal", "land_exchange", "land_transfer", "land_return", "membership_withdrawal")
TRANSFER_STATES = ("draft", "consented", "recorded", "returned", "withdrawn", "rejected")
OPEN_STATES = ("draft", "consented", "returned")

_OPEN = "state IN ('draft','consented','returned')"
_RECORDED = "state = 'recorded'"


def _unique_where(name: str, *columns_and_where: str) -> Index:
    """A unique index over the rows matching the last argument (a SQL condition)."""
    *columns, where = columns_and_where
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Transfer(TimestampMixin, VersionedMixin, Base):
    """A transaction: from a household/person (``from_*``) to a household/person (``to_*``), or to the
    organisation itself (buy-back, homestead withdrawal, land return: ``to_*`` empty). Quantity in share
    units (Numeric(12,4)), 亩 (Numeric(12,4)) or m² (Numeric(10,2)) according to the object."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint(_in("type", TRANSFER_TYPES), name="type"),
        CheckConstraint(_in("state", TRANSFER_STATES), name="state"),
        CheckConstraint("price >= 0", name="price_nonneg"),
        CheckConstraint("coalesce(units, 0) >= 0 AND coalesce(area_mu, 0) >= 0 AND coalesce(area_m2, 0) >= 0",
                        name="quantity_nonneg"),
        CheckConstraint("(household_from_id IS NOT NULL) OR (person_from_id IS NOT NULL)", name="from_party"),
        CheckConstraint("type NOT LIKE 'share%' OR (share_type IS NOT NULL AND units > 0)", name="share_object"),
        CheckConstraint("type NOT LIKE 'homestead%' OR homestead_id IS NOT NULL", name="homestead_object"),
        CheckConstraint("type NOT LIKE 'land%' OR parcel_id IS NOT NULL", name="land_object"),
        CheckConstraint("type <> 'land_exchange' OR (counter_parcel_id IS NOT NULL AND household_to_id IS NOT NULL)",
                        name="exchange_object"),
        CheckConstraint("type <> 'land_return' OR notice_on IS NOT NULL", name="return_notice"),  # L-09
        CheckConstraint("type <> 'membership_withdrawal' OR person_from_id IS NOT NULL", name="withdrawal_person"),
        CheckConstraint("type NOT IN ('share_buyback','homestead_withdrawal','land_return','membership_withdrawal') OR "
                        "(household_to_id IS NULL AND person_to_id IS NULL)", name="to_organization"),
        # D-08: nothing leaves draft without the signed voluntary application
        CheckConstraint("state IN ('draft','withdrawn','rejected') OR (voluntary_applied = true "
                        "AND voluntary_applied_on IS NOT NULL AND voluntary_document IS NOT NULL)",
                        name="voluntary"),
        CheckConstraint("state <> 'recorded' OR (effective_on IS NOT NULL AND journal_no IS NOT NULL)",
                        name="recorded"),
        CheckConstraint("state NOT IN ('returned','rejected','withdrawn') OR reason IS NOT NULL", name="reason"),
        Index("uq_transfers_journal", "organization_id", "journal_no", unique=True,
              sqlite_where=text("journal_no IS NOT NULL"), postgresql_where=text("journal_no IS NOT NULL")),
        # no two open transactions over the same object (parcel / homestead)
        Index("uq_transfers_open_parcel", "parcel_id", unique=True,
              sqlite_where=text(f"parcel_id IS NOT NULL AND {_OPEN}"),
              postgresql_where=text(f"parcel_id IS NOT NULL AND {_OPEN}")),
        Index("uq_transfers_open_homestead", "homestead_id", unique=True,
              sqlite_where=text(f"homestead_id IS NOT NULL AND {_OPEN}"),
              postgresql_where=text(f"homestead_id IS NOT NULL AND {_OPEN}")),
        _unique_where("uq_transfers_open_counter_parcel", "counter_parcel_id",
                      f"counter_parcel_id IS NOT NULL AND {_OPEN}"),
        _unique_where("uq_transfers_open_withdrawal", "organization_id", "person_from_id",
                      f"type = 'membership_withdrawal' AND {_OPEN}"),
        # no two open share transactions of one holder's units of one type
        _unique_where("uq_transfers_open_share_household", "organization_id", "share_type", "household_from_id",
                      f"type LIKE 'share%' AND household_from_id IS NOT NULL AND {_OPEN}"),
        _unique_where("uq_transfers_open_share_person", "organization_id", "share_type", "person_from_id",
                      f"type LIKE 'share%' AND person_from_id IS NOT NULL AND {_OPEN}"),
        # A recorded land or homestead transaction ends the object's row (a new row carries it on): at most
        # one transaction in effect per row, whatever two concurrent records do.
        _unique_where("uq_transfers_recorded_parcel", "parcel_id", f"parcel_id IS NOT NULL AND {_RECORDED}"),
        _unique_where("uq_transfers_recorded_counter_parcel", "counter_parcel_id",
                      f"counter_parcel_id IS NOT NULL AND {_RECORDED}"),
        _unique_where("uq_transfers_recorded_homestead", "homestead_id",
                      f"homestead_id IS NOT NULL AND {_RECORDED}"),
        _unique_where("uq_transfers_recorded_withdrawal", "organization_id", "person_from_id",
                      f"type = 'membership_withdrawal' AND {_RECORDED}"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    type: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    household_from_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_from_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    household_to_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_to_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    share_type: Mapped[str | None] = mapped_column(String(20))
    units: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("land_parcels.id"), index=True)
    area_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    # 互换 (L-12): the parcel the receiving household gives back
    counter_parcel_id: Mapped[int | None] = mapped_column(ForeignKey("land_parcels.id"), index=True)
    notice_on: Mapped[dt.date | None] = mapped_column(Date)  # 交回: the written notice (L-09, 6 months)
    homestead_id: Mapped[int | None] = mapped_column(ForeignKey("homesteads.id"), index=True)
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price: Mapped[Money]
    agreement_date: Mapped[dt.date] = mapped_column(Date)
    voluntary_applied: Mapped[bool] = mapped_column(Boolean, default=False)
    voluntary_applied_on: Mapped[dt.date | None] = mapped_column(Date)
    voluntary_document: Mapped[str | None] = mapped_column(String(120))
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    consent_note: Mapped[str | None] = mapped_column(String(200))  # issuer's consent (L-13)
    retained_rights_until: Mapped[dt.date | None] = mapped_column(Date)  # Art. 16 withdrawal (M-18)
    voting: Mapped[bool] = mapped_column(Boolean, default=True)  # S-09: a non-member heir does not vote
    basis: Mapped[dict | None] = mapped_column(JSON)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    journal_no: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
