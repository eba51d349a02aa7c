"""Declarative base with a naming convention (stable constraint names for migrations),
Annotated column aliases for the registry's units, and shared mixins."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from registry.clock import utc_naive_now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Units (DESIGN §2): money in yuan, land in 亩, homestead in m², share units — never floats.
Money = Annotated[Decimal, mapped_column(Numeric(14, 2))]
AreaMu = Annotated[Decimal, mapped_column(Numeric(12, 4))]
AreaM2 = Annotated[Decimal, mapped_column(Numeric(10, 2))]
ShareUnits = Annotated[Decimal, mapped_column(Numeric(12, 4))]
DivisionCode = Annotated[str, mapped_column(String(12))]


def utcnow() -> dt.datetime:
    """Naive UTC, the form every timestamp is stored in (shown in Beijing time, registry.clock)."""
    return utc_naive_now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class VersionedMixin:
    """Optimistic locking: SQLAlchemy bumps ``version`` on every UPDATE and raises
    ``sqlalchemy.orm.exc.StaleDataError`` when another transaction changed the row first."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}
