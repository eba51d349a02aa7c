"""The member assembly as the law counts it: civil-capacity flags of a person (A-07), the
representative assembly and its representatives (A-08), and what each resolution was decided on —
its base list, attendance, proxies and the thresholds in force (A-02, A-03, A-06), kept so a later
roster or flag change never changes an old result."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, TimestampMixin, VersionedMixin

ATTENDANCE_MODES = ("in_person", "online", "proxy")


class CapacityFlag(TimestampMixin, VersionedMixin, Base):
    """A person's civil-capacity flags (Civil Code Art. 17–18, A-07). ``limited_since``: the date of
    the basis (a court declaration, …) from which an adult is out of the base; ``self_supporting``:
    a 16–17-year-old living mainly on their own labour income has full capacity. Cleared flags keep
    the row with ``limited`` / ``self_supporting`` false (the audit trail keeps old → new)."""

    __tablename__ = "capacity_flags"
    __table_args__ = (
        CheckConstraint("NOT limited OR (limited_basis IS NOT NULL AND limited_since IS NOT NULL)",
                        name="limited_basis"),
        CheckConstraint("NOT self_supporting OR self_supporting_basis IS NOT NULL", name="self_supporting_basis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    limited: Mapped[bool] = mapped_column(default=False)
    limited_basis: Mapped[str | None] = mapped_column(String(500))
    limited_since: Mapped[dt.date | None] = mapped_column(Date)
    self_supporting: Mapped[bool] = mapped_column(default=False)
    self_supporting_basis: Mapped[str | None] = mapped_column(String(500))


class RepresentativeAssembly(TimestampMixin, Base):
    """One elected representative assembly (成员代表大会, A-08) of an organisation: in office from
    ``elected_on`` until the day before ``term_ends_on`` (5 years)."""

    __tablename__ = "representative_assemblies"
    __table_args__ = (CheckConstraint("term_ends_on > elected_on", name="term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    elected_on: Mapped[dt.date] = mapped_column(Date)
    term_ends_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    representatives: Mapped[list[Representative]] = relationship(
        back_populates="assembly", order_by="Representative.id")


class Representative(Base):
    """A member elected to a representative assembly; ends with a date and a reason, never deleted."""

    __tablename__ = "representatives"
    __table_args__ = (UniqueConstraint("assembly_id", "membership_id", name="uq_representatives_assembly_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("representative_assemblies.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))

    assembly: Mapped[RepresentativeAssembly] = relationship(back_populates="representatives")
    membership: Mapped["Membership"] = relationship()  # noqa: F821, UP037


class ResolutionBasis(Base):
    """What a resolution was decided on, frozen when it is recorded: the base size and the
    thresholds computed from it (the values in force: quorum and pass fractions), and the attendance
    by way. ``by_name``: attendance was recorded by name (else counts, proxies always by name)."""

    __tablename__ = "resolution_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id"), unique=True)
    base_members: Mapped[int]
    quorum_fraction: Mapped[str] = mapped_column(String(10))  # "2/3"
    pass_fraction: Mapped[str] = mapped_column(String(10))  # "2/3", "3/4", or a raised charter value
    quorum_required: Mapped[int]
    votes_required: Mapped[int]
    in_person: Mapped[int]
    online: Mapped[int]
    by_proxy: Mapped[int]
    by_name: Mapped[bool] = mapped_column(default=False)
    representative_assembly_id: Mapped[int | None] = mapped_column(ForeignKey("representative_assemblies.id"))


class ResolutionMember(Base):
    """One member of a resolution's base (a member with full civil capacity on the meeting date, or a
    representative in office), with the name and the reason as shown then, and how they attended
    (None: absent or not recorded by name). A proxy names its holder (A-06)."""

    __tablename__ = "resolution_members"
    __table_args__ = (
        UniqueConstraint("resolution_id", "person_id", name="uq_resolution_members_resolution_person"),
        CheckConstraint("attendance IS NULL OR attendance IN ('in_person','online','proxy')", name="attendance"),
        CheckConstraint("(attendance = 'proxy') = (proxy_holder_id IS NOT NULL)", name="proxy_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    # Why in the base: "年满18周岁", "16周岁以上以自己劳动收入为主要生活来源"…
    reason: Mapped[str] = mapped_column(String(100))
    attendance: Mapped[str | None] = mapped_column(String(10))
    proxy_holder_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    proxy_holder_name: Mapped[str | None] = mapped_column(String(60))
