"""Read-only audit log queries for the district's audit page: events within a division-code scope,
newest first, optionally by action and by area (a code prefix)."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.models import AuditEvent, User


def audit_select(scope: str, *, action: str | None = None, area: str | None = None) -> Select:
    """Audit events whose area code starts with ``scope`` (and ``area``, a code prefix inside it),
    with ``action`` if given; newest first."""
    stmt = (select(AuditEvent).where(AuditEvent.area_code.startswith(scope, autoescape=True))
            .order_by(AuditEvent.id.desc()))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if area:
        stmt = stmt.where(AuditEvent.area_code.startswith(area, autoescape=True))
    return stmt


def users_by_id(session: Session, ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def actions_in(session: Session, scope: str) -> list[str]:
    """The distinct actions recorded within ``scope``, sorted (the filter's choices)."""
    stmt = (select(AuditEvent.action).where(AuditEvent.area_code.startswith(scope, autoescape=True))
            .distinct().order_by(AuditEvent.action))
    return list(session.scalars(stmt))
