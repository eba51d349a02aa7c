"""The assembly's decision on the pending candidates (M-02, M-03, M-04, M-15): the confirm and reject
guards of the membership workflow (:mod:`registry.services.membership.transitions`), the bulk decision
the filing workflow runs when a resolution is recorded, and the count of candidates still pending.

Above ``transitions`` (the engine), ``handover`` (M-15) and ``changes`` (whose END guard the hand-over
runs), so the dependency points one way.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Membership, Organization, Resolution
from registry.services.errors import DomainError
from registry.services.membership import (
    changes,  # noqa: F401  (registers the END guard hand_over runs)
    rules,
)
from registry.services.membership.handover import active_elsewhere, check_hand_over, hand_over
from registry.services.membership.transitions import (
    CONFIRM,
    PENDING,
    REJECT,
    check_confirming_resolution,
    guard,
    transition,
)


@guard(CONFIRM)
def _confirm(session, m, *, today, actor, resolution=None, other=None):
    resolution = check_confirming_resolution(resolution, m)
    if m.rejection_reason:
        raise DomainError("membership.rejection_proposed", "该人员已拟不予确认，请先撤回不予确认意见", rule="M-04")
    m.confirmed_at = resolution.meeting_date
    m.resolution_id = resolution.id
    detail = {"resolution_id": resolution.id, "confirmed_at": resolution.meeting_date, "rule": "M-02"}
    detail.update(hand_over(session, m, resolution.meeting_date, actor=actor, today=today, other=other))
    return detail


@guard(REJECT)
def _reject(session, m, *, today, actor, resolution=None, reason=None):
    resolution = check_confirming_resolution(resolution, m)
    m.rejection_reason = rules.check_rejection(m.acquisition_ground, reason or m.rejection_reason)
    m.resolution_id = resolution.id
    return {"resolution_id": resolution.id, "decided_on": resolution.meeting_date,
            "reason": m.rejection_reason, "rule": "M-04"}


def decide_candidates(session: Session, organization: Organization, resolution: Resolution, *,
                      actor, today: dt.date | None = None) -> tuple[list[int], list[int]]:
    """The assembly's decision on every pending candidate of ``organization``: rejected when the
    village proposed it with a written reason (M-04), confirmed otherwise — each through
    :func:`transition`. Returns ``(confirmed ids, rejected ids)``. Every check runs before anything
    changes, so a refusal (M-02, F-09 of a hand-over village…) leaves all candidates pending."""
    candidates = list(session.scalars(select(Membership).where(
        Membership.organization_id == organization.id, Membership.status == PENDING).order_by(Membership.id)))
    if not candidates:
        return [], []
    check_confirming_resolution(resolution, candidates[0])
    others = active_elsewhere(session, [m.person_id for m in candidates], organization.id)
    for m in candidates:
        if m.rejection_reason:
            rules.check_rejection(m.acquisition_ground, m.rejection_reason)
        elif m.person_id in others:
            check_hand_over(session, m, others[m.person_id], resolution.meeting_date)
    confirmed, rejected = [], []
    for m in candidates:
        if m.rejection_reason:
            transition(session, m, REJECT, actor=actor, today=today, via_filing=True, flush=False,
                       resolution=resolution)
            rejected.append(m.id)
        else:
            transition(session, m, CONFIRM, actor=actor, today=today, via_filing=True, flush=False,
                       resolution=resolution, other=others.get(m.person_id))
            confirmed.append(m.id)
    session.flush()
    return confirmed, rejected


def pending_count(session: Session, organization_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == organization_id, Membership.status == PENDING)) or 0
