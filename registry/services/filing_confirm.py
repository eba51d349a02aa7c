"""Confirming the pending candidates of a roster by a passed member-assembly resolution.

M-02: only the member assembly confirms; the confirmation takes effect on the meeting date (filing
records it, it does not create it). M-15: a person may hold one active membership among peer
organisations; a candidate who is still an active member elsewhere is refused here, because the
hand-over of the old membership is a separate workflow.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, aliased

from registry.models import Area, AuditEvent, Membership, Organization, Person, Resolution
from registry.models.base import utcnow
from registry.services.errors import DomainError

PENDING, CONFIRMED = "pending", "confirmed"
_SHOW = 10  # names listed in a refusal message


def pending_count(session: Session, organization_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == organization_id, Membership.status == PENDING)) or 0


def _active_elsewhere(session: Session, organization_id: int) -> list[tuple[str, str, str]]:
    """``(name, id number, other village)`` for pending candidates who are confirmed members of
    another organisation (M-15)."""
    other = aliased(Membership)
    stmt = (
        select(Person.name, Person.id_number, Area.name)
        .select_from(Membership)
        .join(Person, Person.id == Membership.person_id)
        .join(other, (other.person_id == Membership.person_id) & (other.status == CONFIRMED)
              & (other.organization_id != Membership.organization_id))
        .join(Organization, Organization.id == other.organization_id)
        .join(Area, Area.id == Organization.area_id)
        .where(Membership.organization_id == organization_id, Membership.status == PENDING)
        .order_by(Person.name)
    )
    return list(session.execute(stmt).all())


def confirm_pending(session: Session, organization: Organization, resolution: Resolution, *, actor) -> list[int]:
    """Confirm every pending membership of ``organization`` by ``resolution``: status confirmed,
    ``confirmed_at`` = meeting date, ``resolution_id`` set, one audit event per membership.
    Returns the confirmed membership ids. Raises DomainError (M-15) before changing anything when
    a candidate is an active member elsewhere, and (M-02) for a resolution that cannot confirm."""
    if not resolution.passed or resolution.body != "member_assembly" \
            or resolution.subject != "membership_confirmation":
        raise DomainError("filing.resolution_kind", "只有已通过的成员大会成员身份确认决议才能确认成员", rule="M-02")
    clash = _active_elsewhere(session, organization.id)
    if clash:
        names = "、".join(f"{name}（身份证号尾号 {idn[-4:]}，{village}）" for name, idn, village in clash[:_SHOW])
        more = f"等 {len(clash)} 人" if len(clash) > _SHOW else ""
        raise DomainError(
            "filing.active_elsewhere",
            f"{names}{more}已是其他集体经济组织的正式成员，不能同时确认（两头占）；"
            "请先办理成员身份转移，或将其移出本次待确认名单",
            rule="M-15",
        )
    rows = session.execute(select(Membership.id, Membership.version).where(
        Membership.organization_id == organization.id, Membership.status == PENDING)).all()
    if not rows:
        return []
    now = utcnow()
    session.execute(update(Membership), [
        {"id": mid, "status": CONFIRMED, "confirmed_at": resolution.meeting_date,
         "resolution_id": resolution.id, "updated_at": now, "version": version}
        for mid, version in rows
    ])
    session.execute(insert(AuditEvent), [
        {"at": now, "actor_id": getattr(actor, "id", None), "action": "membership.confirmed",
         "target_type": "membership", "target_id": mid, "area_code": organization.area_code,
         "detail": {"old": PENDING, "new": CONFIRMED, "resolution_id": resolution.id,
                    "confirmed_at": resolution.meeting_date.isoformat(), "rule": "M-02"}}
        for mid, _ in rows
    ])
    # The bulk UPDATE bypassed the identity map: reload memberships the session already holds.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Membership):
            session.expire(obj)
    return [mid for mid, _ in rows]
