"""People, collective households and hukou (information only, rules H-01..H-07)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from registry.models.base import Base, TimestampMixin, VersionedMixin
from registry.pinyin import name_pinyin

HEAD_RELATIONS = ("01", "02")  # GB/T 4761: 02 户主; 01 本人 where the head is "self" (M-25)


class Person(TimestampMixin, VersionedMixin, Base):
    """A natural person. ``id_number`` is the normalised 18-character resident ID
    (GB 11643; x → X; legacy 15-digit numbers upgraded, original kept in ``id_number_legacy``)."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[str] = mapped_column(String(1), default="1")  # NY/T 2539 C.15
    id_number: Mapped[str] = mapped_column(String(20), unique=True)  # I-08
    id_number_legacy: Mapped[str | None] = mapped_column(String(15))
    name: Mapped[str] = mapped_column(String(60), index=True)
    sex: Mapped[str] = mapped_column(String(1))  # GB/T 2261.1: "1" male, "2" female
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(30))
    # Last 4 characters of the ID, indexed for the roster search "by ID tail".
    id_tail: Mapped[str] = mapped_column(String(4), index=True, default="")
    # Pinyin of the name (registry.pinyin.name_pinyin), indexed for search by initials (wxl) or full
    # pinyin (wangxiulan) and used as the sort key of name lists (安 < 白 < 陈 < 张).
    name_pinyin: Mapped[str] = mapped_column(String(240), index=True, default="", server_default="")
    name_initials: Mapped[str] = mapped_column(String(60), index=True, default="", server_default="")

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")  # noqa: F821
    hukou_records: Mapped[list[HukouRecord]] = relationship(
        back_populates="person", order_by="HukouRecord.id"
    )

    @validates("name")
    def _spell_name(self, _key: str, name: str) -> str:
        """Keep ``name_pinyin``/``name_initials`` in step with every ORM write of the name (the roster's
        bulk writes set them in services/roster/apply.py)."""
        self.name_pinyin, self.name_initials = name_pinyin(name)
        return name


class Household(TimestampMixin, VersionedMixin, Base):
    """A collective household (户) of one organisation — not the police hukou book (M-25).
    ``number`` is the 4-digit household number (or the 18-digit CBFBM, NY/T 2539), unique
    within the organisation."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_households_org_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))  # indexed by uq_households_org_number
    number: Mapped[str] = mapped_column(String(18))  # "0001", or an 18-digit CBFBM
    group_code: Mapped[str | None] = mapped_column(String(20))

    organization: Mapped[Organization] = relationship()  # noqa: F821
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", order_by="HouseholdMember.id"
    )


class HouseholdMember(Base):
    """A person's place in a household with a GB/T 4761 relation code. Ended, not deleted."""

    __tablename__ = "household_members"
    __table_args__ = (
        UniqueConstraint("household_id", "person_id", name="uq_household_members_household_person"),
        # M-25: exactly one current head per household.
        Index(
            "uq_household_members_one_head",
            "household_id",
            unique=True,
            sqlite_where=text("is_head = 1 AND valid_to IS NULL"),
            postgresql_where=text("is_head AND valid_to IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))  # indexed by the unique (household, person)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(2))
    is_head: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class HukouRecord(TimestampMixin, Base):
    """Where the person's hukou is. Information only: no code path changes membership or a
    right because of it (H-01, H-02)."""

    __tablename__ = "hukou_records"
    __table_args__ = (
        # The dashboard's "hukou outside the village" figure (issue 12, H-01/H-02) starts from the current
        # records saying "not in the organisation" (~8 % of a district) instead of every member. The
        # condition is written as the figure's query renders ``is_(False)`` on each dialect, so that
        # SQLite and PostgreSQL both match the partial index to the query.
        Index("ix_hukou_records_current_out", "person_id",
              sqlite_where=text("valid_to IS NULL AND in_organization IS 0"),
              postgresql_where=text("valid_to IS NULL AND in_organization IS false")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    place: Mapped[str | None] = mapped_column(String(120))
    in_organization: Mapped[bool | None]
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    moved_at: Mapped[dt.date | None] = mapped_column(Date)
    moved_to_town: Mapped[bool] = mapped_column(default=False)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="hukou_records")
