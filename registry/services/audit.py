"""Write audit events in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import AuditEvent


def record(session: Session, *, actor, action: str, target_type: str, target_id: int | None,
           area_code: str, **detail) -> AuditEvent:
    """Add one audit event (who, what, which record, area, details such as old → new)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        area_code=area_code,
        detail=_jsonable(detail),
    )
    session.add(event)
    return event


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
