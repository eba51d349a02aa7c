"""Audit events: every state change writes one in the same transaction (DESIGN §2)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # A record's history (e.g. the filing trail) is looked up by target; the table grows with every change.
    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
