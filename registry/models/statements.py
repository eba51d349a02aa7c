"""Issued rights statements (成员身份及权益证明, issue 12): the verification code, the issue date and a
digest of the statement's content, so ``/verify/<code>`` can tell whether it is still current."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, TimestampMixin
from registry.models.memberships import Membership


class RightsStatement(TimestampMixin, Base):
    __tablename__ = "rights_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    membership: Mapped[Membership] = relationship()
