"""Disputes over a membership decision (RCEO Law Art. 56, M-22 … M-24).

Opening a dispute moves the membership (confirmed, lost or rejected) to 争议中 ``disputed`` — so it
shows everywhere: roster, member page, exports, summaries, the next change set. The dispute goes
through mediation by the town or the district bureau, then arbitration or court (stages only move
forward). Closing it with an outcome returns the membership to its previous status; an outcome that
overturns the decision may trigger the correction through the normal workflow: a rejected candidate
goes back to the assembly (``reconsider`` → pending), a lost membership is restored
(``reinstate`` → confirmed, M-15 checked); a confirmation found wrong is ended with the ruling cited
(charter_or_law). Every step goes through ``memberships.transition`` or writes its own audit event.
M-23 / Q-07: dates are recorded; no limitation period is enforced."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Dispute, Membership
from registry.models.lifecycle import DISPUTE_OUTCOMES, DISPUTE_STAGES
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.rules import check_effective_date
from registry.services.membership.transitions import (
    CLOSE_DISPUTE,
    CONFIRMED,
    LOST,
    OPEN_DISPUTE,
    RECONSIDER,
    REINSTATE,
    REJECTED,
    TRANSITIONS,
    check_actor,
    guard,
    organization_of,
    status_label,
    transition,
)

STAGE_LABELS = {"town_mediation": "乡镇调解", "district_mediation": "区农业农村局调解",
                "arbitration": "农村土地承包仲裁", "court": "人民法院诉讼"}
OUTCOME_LABELS = {"upheld": "维持原决定", "overturned": "撤销或变更原决定", "settled": "调解达成协议",
                  "withdrawn": "申请人撤回"}
assert tuple(STAGE_LABELS) == DISPUTE_STAGES and tuple(OUTCOME_LABELS) == DISPUTE_OUTCOMES


def open_dispute(session: Session, membership: Membership, *, applicant: str, subject: str,
                 opened_on: dt.date | None = None, stage: str = "town_mediation", actor,
                 today: dt.date | None = None) -> Dispute:
    """Open a dispute against the decision on ``membership`` (confirmed, lost or rejected)."""
    today = today or local_today()
    if (membership.status, OPEN_DISPUTE) not in TRANSITIONS:
        raise DomainError("dispute.status", f"成员状态为「{status_label(membership.status)}」，不能对其提起争议",
                          rule="M-22")
    applicant, subject = (applicant or "").strip(), (subject or "").strip()
    if not applicant or not subject:
        raise DomainError("dispute.required", "请填写申请人和争议事项", rule="M-22")
    if stage not in DISPUTE_STAGES:
        raise DomainError("dispute.stage", "争议处理阶段无效", rule="M-22")
    opened_on = check_effective_date(opened_on or today, today, what="受理日期")
    organization = organization_of(session, membership)
    check_actor(organization, actor)
    dispute = Dispute(membership_id=membership.id, area_code=organization.area_code, opened_on=opened_on,
                      applicant=applicant, subject=subject, stage=stage, status_before=membership.status,
                      opened_by_id=getattr(actor, "id", None))
    session.add(dispute)
    session.flush()
    transition(session, membership, OPEN_DISPUTE, actor=actor, today=today, dispute=dispute)
    return dispute


@guard(OPEN_DISPUTE)
def _open(session, m, *, today, actor, dispute: Dispute):
    return {"dispute_id": dispute.id, "stage": dispute.stage, "applicant": dispute.applicant,
            "subject": dispute.subject, "opened_on": dispute.opened_on, "rule": "M-22"}


def open_dispute_of(session: Session, membership: Membership) -> Dispute | None:
    return session.scalar(select(Dispute).where(Dispute.membership_id == membership.id, Dispute.closed_on.is_(None)))


def disputes_of(session: Session, membership_id: int) -> list[Dispute]:
    return list(session.scalars(select(Dispute).where(Dispute.membership_id == membership_id)
                                .order_by(Dispute.opened_on, Dispute.id)))


def advance_stage(session: Session, dispute: Dispute, stage: str, *, actor, today: dt.date | None = None) -> Dispute:
    """Move an open dispute to a later stage (town → district mediation → arbitration → court)."""
    membership = session.get(Membership, dispute.membership_id)
    check_actor(organization_of(session, membership), actor)
    if dispute.closed_on is not None:
        raise DomainError("dispute.closed", "该争议已结案")
    if stage not in DISPUTE_STAGES or DISPUTE_STAGES.index(stage) <= DISPUTE_STAGES.index(dispute.stage):
        raise DomainError("dispute.stage", "争议只能进入后续阶段：乡镇调解 → 区调解 → 仲裁 → 诉讼", rule="M-22")
    old, dispute.stage = dispute.stage, stage
    audit.record(session, actor=actor, action="membership.dispute_stage", target_type="membership",
                 target_id=membership.id, area_code=dispute.area_code, dispute_id=dispute.id, old=old, new=stage,
                 rule="M-22")
    session.flush()
    return dispute


def close_dispute(session: Session, dispute: Dispute, *, outcome: str, note: str | None,
                  closed_on: dt.date | None = None, correct: bool = False, actor,
                  today: dt.date | None = None) -> str | None:
    """Close ``dispute`` with ``outcome``: the membership returns to its previous status; with
    ``correct`` and outcome ``overturned`` the correction follows (see the module docstring).
    Returns a hint for the clerk when the correction is a further step of the normal workflow."""
    today = today or local_today()
    if dispute.closed_on is not None:
        raise DomainError("dispute.closed", "该争议已结案")
    if outcome not in DISPUTE_OUTCOMES:
        raise DomainError("dispute.outcome", "请选择处理结果", rule="M-22")
    note = (note or "").strip() or None
    if outcome == "overturned" and not note:
        raise DomainError("dispute.note_required", "撤销或变更原决定的，须写明调解书、裁决书或判决书", rule="M-22")
    closed_on = check_effective_date(closed_on or today, today, since=dispute.opened_on, what="结案日期")
    membership = session.get(Membership, dispute.membership_id)
    dispute.closed_on, dispute.outcome, dispute.outcome_note = closed_on, outcome, note
    dispute.closed_by_id = getattr(actor, "id", None)
    session.flush()
    transition(session, membership, CLOSE_DISPUTE, actor=actor, today=today, dispute=dispute)
    if not (correct and outcome == "overturned"):
        return None
    if membership.status == REJECTED:
        transition(session, membership, RECONSIDER, actor=actor, today=today, dispute=dispute)
        return "已重新列为待确认人员，请提交成员大会表决"
    if membership.status == LOST:
        transition(session, membership, REINSTATE, actor=actor, today=today, dispute=dispute)
        return None
    return "原决定被撤销的，请依裁决或判决办理丧失成员身份（事由选“章程或法律规定的其他情形”，引用文书编号）"


def _other_active(session, m) -> bool:
    return session.scalar(select(Membership.id).where(Membership.person_id == m.person_id, Membership.id != m.id,
                                                      Membership.status == CONFIRMED)) is not None


@guard(CLOSE_DISPUTE)
def _close(session, m, *, today, actor, dispute: Dispute):
    if dispute.status_before == CONFIRMED and _other_active(session, m):
        raise DomainError("membership.active_elsewhere", "此人已是其他集体经济组织的正式成员，不能恢复（两头占）",
                          rule="M-15")
    return {"to": dispute.status_before, "dispute_id": dispute.id, "outcome": dispute.outcome,
            "note": dispute.outcome_note, "rule": "M-22"}


def _check_overturned(dispute: Dispute | None, m: Membership) -> Dispute:
    if dispute is None or dispute.membership_id != m.id or dispute.outcome != "overturned":
        raise DomainError("dispute.not_overturned", "只有争议结果为撤销或变更原决定的，才能据此更正", rule="M-22")
    return dispute


@guard(RECONSIDER)
def _reconsider(session, m, *, today, actor, dispute=None):
    dispute = _check_overturned(dispute, m)
    old = {"rejection_reason": m.rejection_reason, "resolution_id": m.resolution_id}
    m.rejection_reason, m.resolution_id = None, None
    return {"dispute_id": dispute.id, "cleared": old, "rule": "M-22"}


@guard(REINSTATE)
def _reinstate(session, m, *, today, actor, dispute=None):
    dispute = _check_overturned(dispute, m)
    if _other_active(session, m):
        raise DomainError("membership.active_elsewhere", "此人已是其他集体经济组织的正式成员，不能恢复（两头占）",
                          rule="M-15")
    fields = ("loss_ground", "lost_at", "loss_note", "loss_citation", "loss_evidence", "retained_rights_until",
              "ended_by_membership_id", "loss_resolution_id", "withdrawal_applied_on")
    old = {f: getattr(m, f) for f in fields if getattr(m, f) is not None}
    for f in fields:
        setattr(m, f, None)
    return {"dispute_id": dispute.id, "cleared": old, "rule": "M-22"}
