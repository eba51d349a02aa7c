"""The police's hukou change feed (issue 12, item 6): an import record per file and the "review suggested"
hints it raises for the village clerk (H-06). Information only: neither changes a membership or a right
(H-01, H-02); a death hint proposes the loss, and only the clerk's confirmation ends the membership."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, TimestampMixin, VersionedMixin, utcnow

#: Change types of the feed (变动类型): 迁出, 迁入, 死亡, 其他.
CHANGE_TYPES = ("out", "in", "death", "other")
#: Hint states: open (待核查), reviewed (已核查: the clerk looked at it), confirmed (death: membership ended).
HINT_STATES = ("open", "reviewed", "confirmed")


class HukouFeedImport(TimestampMixin, Base):
    """One applied hukou change list: who imported which file for which area, the counts, and the rows
    that matched no member of the area or could not be read (``unmatched``: row, masked ID, name, reason
    code and message) — kept with the record so the officer can follow them up."""

    __tablename__ = "hukou_feed_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    rows_read: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    hints_created: Mapped[int] = mapped_column(default=0)
    unmatched_count: Mapped[int] = mapped_column(default=0)
    invalid_count: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[list] = mapped_column(JSON, default=list)


class HukouHint(TimestampMixin, VersionedMixin, Base):
    """A "review suggested" hint (复核提示, H-06) on a village's page: the feed says the person's hukou
    changed. The clerk marks it reviewed; a death hint is confirmed through the membership-ending service
    (ground death, the feed's date). One hint per person, change type and date: a re-import adds none."""

    __tablename__ = "hukou_hints"
    __table_args__ = (
        UniqueConstraint("person_id", "change_type", "change_date", name="uq_hukou_hints_person_change"),
        CheckConstraint("change_type IN ('out','in','death','other')", name="change_type"),
        CheckConstraint("state IN ('open','reviewed','confirmed')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("hukou_feed_imports.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    row: Mapped[int] = mapped_column(default=0)
    name_in_feed: Mapped[str] = mapped_column(String(60), default="")
    change_type: Mapped[str] = mapped_column(String(10))
    change_date: Mapped[dt.date] = mapped_column(Date)
    destination: Mapped[str | None] = mapped_column(String(120))
    moved_to_town: Mapped[bool] = mapped_column(default=False)
    hukou_record_id: Mapped[int | None] = mapped_column(ForeignKey("hukou_records.id"))
    state: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_note: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()  # noqa: F821
    membership: Mapped[Membership] = relationship()  # noqa: F821
    feed_import: Mapped[HukouFeedImport] = relationship()
