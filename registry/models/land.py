"""Land contract register (承包地台账, issue 15; DOMAIN L-01..L-22, §2.3, §3, §4 NY/T 2539).

A household contract (:class:`LandContract`, 承包方 CBF) per contracting household, its parcels
(:class:`Parcel`, CBDKXX), the family members listed on it (:class:`CoHolder`, CBF_JTCY, SFGYR L-06) and
the circulations of the operation right (:class:`Circulation`, LZHT, L-15..L-18) with the parcels they
cover (:class:`CirculationParcel`). Nothing is deleted: a record ends with ``valid_to`` and ``end_ground``.
Areas are 亩 Numeric(12,4), prices yuan Numeric(14,2).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import AreaMu, Base, Money, TimestampMixin, VersionedMixin

__all__ = ["LandContract", "Parcel", "CoHolder", "Circulation", "CirculationParcel"]

_ENDED = "(valid_to IS NULL) = (end_ground IS NULL)"


def _current_unique(name: str, *columns: str) -> Index:
    """A unique index over the current (not ended) rows only."""
    return Index(name, *columns, unique=True, sqlite_where=text("valid_to IS NULL"),
                 postgresql_where=text("valid_to IS NULL"))


class LandContract(TimestampMixin, VersionedMixin, Base):
    """A household contract (家庭承包) of one contracting household (承包方, CBFBM 18 digits = village
    code + 2-digit group + 4-digit sequence). The household is the roster household (L-01, L-11)."""

    __tablename__ = "land_contracts"
    __table_args__ = (
        _current_unique("uq_land_contracts_current_code", "contractor_code"),
        CheckConstraint("length(contractor_code) = 18", name="cbfbm"),
        CheckConstraint("issuer_code IS NULL OR length(issuer_code) = 14", name="fbfbm"),
        CheckConstraint("term_end >= term_start", name="term"),  # term.invalid
        CheckConstraint("certificate_status IN ('issued','reissued','replaced','cancelled')",
                        name="certificate_status"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count"),
        CheckConstraint(_ENDED, name="ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    contractor_code: Mapped[str] = mapped_column(String(18))  # CBFBM
    issuer_code: Mapped[str | None] = mapped_column(String(14))  # FBFBM: village code + group
    method: Mapped[str] = mapped_column(String(3), default="110")  # C.10 CBFS
    contract_no: Mapped[str | None] = mapped_column(String(40))  # CBHTBM
    term_start: Mapped[dt.date] = mapped_column(Date)  # CBQXQ
    term_end: Mapped[dt.date] = mapped_column(Date)  # CBQXZ (L-04: +30 years on extension)
    original_term_end: Mapped[dt.date | None] = mapped_column(Date)  # before an extension (L-04)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)  # QDSJ
    certificate_no: Mapped[str | None] = mapped_column(String(40))  # CBJYQZBM
    certificate_status: Mapped[str] = mapped_column(String(10), default="issued")
    member_count: Mapped[int | None]  # CBFCYSL
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    end_ground: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship()  # noqa: F821
    representative: Mapped[Person] = relationship()  # noqa: F821
    parcels: Mapped[list[Parcel]] = relationship(back_populates="contract", order_by="Parcel.code")
    coholders: Mapped[list[CoHolder]] = relationship(back_populates="contract", order_by="CoHolder.id")
    circulations: Mapped[list[Circulation]] = relationship(back_populates="contract",
                                                             order_by="Circulation.id")


class Parcel(TimestampMixin, VersionedMixin, Base):
    """A contracted parcel (地块, DKBM 19 digits = CBFBM's first 14 + 5-digit sequence)."""

    __tablename__ = "land_parcels"
    __table_args__ = (
        _current_unique("uq_land_parcels_current_code", "code"),
        CheckConstraint("length(code) = 19", name="dkbm"),
        CheckConstraint("contract_area > 0", name="contract_area"),  # area.invalid
        CheckConstraint("measured_area IS NULL OR measured_area > 0", name="measured_area"),
        CheckConstraint(_ENDED, name="ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("land_contracts.id"), index=True)
    code: Mapped[str] = mapped_column(String(19))  # DKBM
    name: Mapped[str | None] = mapped_column(String(60))  # DKMC
    contract_area: Mapped[AreaMu]  # HTMJM
    measured_area: Mapped[AreaMu | None]  # SCMJM
    land_use_type: Mapped[str | None] = mapped_column(String(4))  # TDLYLX (GB/T 21010)
    grade: Mapped[str | None] = mapped_column(String(2))  # DLDJ (C.8)
    land_use: Mapped[str | None] = mapped_column(String(1))  # TDYT (C.9)
    basic_farmland: Mapped[bool | None]  # SFJBNT
    east: Mapped[str | None] = mapped_column(String(60))
    south: Mapped[str | None] = mapped_column(String(60))
    west: Mapped[str | None] = mapped_column(String(60))
    north: Mapped[str | None] = mapped_column(String(60))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    end_ground: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[LandContract] = relationship(back_populates="parcels")


class CoHolder(TimestampMixin, VersionedMixin, Base):
    """A family member listed on the contract (CBF_JTCY) and whether they co-hold the right (SFGYR,
    L-06). A co-holder who married out or moved their hukou stays one (L-10, H-01): only a recorded
    lawful act ends the row."""

    __tablename__ = "land_coholders"
    __table_args__ = (
        _current_unique("uq_land_coholders_current", "contract_id", "person_id"),
        CheckConstraint(_ENDED, name="ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("land_contracts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str | None] = mapped_column(String(2))  # GB/T 4761 (YHZGX)
    is_coholder: Mapped[bool] = mapped_column(default=True)  # SFGYR
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    end_ground: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[LandContract] = relationship(back_populates="coholders")
    person: Mapped[Person] = relationship()  # noqa: F821


class Circulation(TimestampMixin, VersionedMixin, Base):
    """A circulation of the operation right (流转, L-15..L-18): the contract itself is unchanged.
    ``ends_on`` is never after the contract's term end (L-16); ``registrable`` when ≥ 5 years (L-18)."""

    __tablename__ = "land_circulations"
    __table_args__ = (
        CheckConstraint("method IN ('lease','sublease','share_in','other')", name="method"),
        CheckConstraint("ends_on >= starts_on", name="term"),
        CheckConstraint("area > 0", name="area"),
        CheckConstraint("price IS NULL OR price >= 0", name="price"),
        CheckConstraint(_ENDED, name="ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("land_contracts.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)  # LZHTBM
    method: Mapped[str] = mapped_column(String(10))  # LZFS
    receiver_name: Mapped[str] = mapped_column(String(120))  # SRFMC
    receiver_id_number: Mapped[str | None] = mapped_column(String(20))  # SRFZJHM: ID or USCC
    area: Mapped[AreaMu]  # LZMJM
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    price: Mapped[Money | None]  # yuan per 亩 per year (LZJG)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)  # HTQDRQ
    filed_on: Mapped[dt.date | None] = mapped_column(Date)  # filing with the issuer (L-15)
    registrable: Mapped[bool] = mapped_column(default=False)  # ≥ 5 years (L-18)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    end_ground: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[LandContract] = relationship(back_populates="circulations")
    parcel_links: Mapped[list[CirculationParcel]] = relationship(back_populates="circulation",
                                                                   order_by="CirculationParcel.id")


class CirculationParcel(Base):
    """A parcel covered by a circulation."""

    __tablename__ = "land_circulation_parcels"
    __table_args__ = (Index("uq_land_circulation_parcels", "circulation_id", "parcel_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circulation_id: Mapped[int] = mapped_column(ForeignKey("land_circulations.id"))
    parcel_id: Mapped[int] = mapped_column(ForeignKey("land_parcels.id"), index=True)

    circulation: Mapped[Circulation] = relationship(back_populates="parcel_links")
    parcel: Mapped[Parcel] = relationship()
