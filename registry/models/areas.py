"""Areas (district → town → village, 12-digit NBS statistical division codes) and the
collective economic organisation of each village (RCEO Law Art. 2, 19)."""
from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, DivisionCode, TimestampMixin


class AreaLevel(str, enum.Enum):  # noqa: UP042 (StrEnum would change str(member))
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"


class Area(Base):
    """A division. ``code`` is the 12-digit statistical code; ``scope_prefix`` is the part
    that identifies the area and its children (district 6, town 9, village 12 digits)."""

    __tablename__ = "areas"
    __table_args__ = (CheckConstraint("length(code) = 12", name="code_len"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[DivisionCode] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    release_year: Mapped[int | None]

    parent: Mapped[Area | None] = relationship(remote_side=[id])
    organization: Mapped[Organization | None] = relationship(back_populates="area", uselist=False)

    @property
    def scope_prefix(self) -> str:
        return scope_prefix(self.code, self.level)

    @property
    def full_name(self) -> str:
        names = []
        area: Area | None = self
        while area is not None and area.level != AreaLevel.DISTRICT.value:
            names.append(area.name)
            area = area.parent
        return "".join(reversed(names))


def scope_prefix(code: str, level: str) -> str:
    """Division-code prefix covering an area and everything below it."""
    return {"district": code[:6], "town": code[:9]}.get(level, code)


class Organization(TimestampMixin, Base):
    """The village-level collective economic organisation (one per village for now)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10), default="village")
    credit_code: Mapped[str | None] = mapped_column(String(18))
    # M-16 / Q-06: may a member of a group-level organisation also be a member of this village-level one?
    allow_nested_membership: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Division code copied from the area so every scoped query is a plain prefix match.
    area_code: Mapped[DivisionCode] = mapped_column(index=True)

    area: Mapped[Area] = relationship(back_populates="organization")
