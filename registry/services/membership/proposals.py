"""Roster data that is not a status, each with its own audit event: the village's proposal not to confirm a
pending candidate, decided by the assembly (M-03, M-04), and the retention flags (M-11, H-01). Services
flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from registry.codes import RETENTION_FLAG
from registry.models import Membership
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership import rules
from registry.services.membership.transitions import PENDING, check_actor, check_unlocked, organization_of

__all__ = ["propose_rejection", "withdraw_rejection_proposal", "set_flags"]


# --- the village's proposal to reject a candidate (decided by the assembly) ------------------------------

def propose_rejection(session: Session, membership: Membership, reason: str | None, *, actor,
                      today: dt.date | None = None) -> Membership:
    """Record the village's written reason for not confirming a pending candidate; the assembly's
    resolution then rejects instead of confirming (M-04). Never for a child born to a member (M-03)."""
    return _set_proposal(session, membership, rules.check_rejection(membership.acquisition_ground, reason),
                         actor=actor)


def withdraw_rejection_proposal(session: Session, membership: Membership, *, actor) -> Membership:
    return _set_proposal(session, membership, None, actor=actor)


def _set_proposal(session, membership, reason, *, actor) -> Membership:
    organization = organization_of(session, membership)
    check_actor(organization, actor)
    check_unlocked(session, organization)
    if membership.status != PENDING:
        raise DomainError("membership.not_pending", "只有待确认人员可以提出或撤回不予确认意见")
    old, membership.rejection_reason = membership.rejection_reason, reason
    audit.record(session, actor=actor, action="membership.rejection_proposed" if reason else
                 "membership.rejection_withdrawn", target_type="membership", target_id=membership.id,
                 area_code=organization.area_code, old=old, new=reason, rule="M-04")
    session.flush()
    return membership


# --- retention flags (M-11) -----------------------------------------------------------------------------

def set_flags(session: Session, membership: Membership, flags, *, actor) -> Membership:
    """Replace the retention flags (§2.6). Flags never change the status (M-11, H-01)."""
    organization = organization_of(session, membership)
    check_actor(organization, actor)
    check_unlocked(session, organization)
    codes = []
    for flag in flags or ():
        code = RETENTION_FLAG.lookup(flag)
        if code is None:
            raise DomainError("membership.flag", f"未知的保留情形：{flag}", rule="M-11")
        if code not in codes:
            codes.append(code)
    codes = [c for c in RETENTION_FLAG if c in codes]  # table order
    old = membership.flags
    if old == codes:
        return membership
    membership.retention_flags = ",".join(codes)
    audit.record(session, actor=actor, action="membership.flags", target_type="membership",
                 target_id=membership.id, area_code=organization.area_code, old=old, new=codes,
                 status=membership.status, rule="M-11")
    session.flush()
    return membership
