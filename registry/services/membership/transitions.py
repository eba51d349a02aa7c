"""Membership workflow (成员状态, DOMAIN §6.1): one transition table, one entry point.

:func:`transition` looks ``(status, action)`` up in :data:`TRANSITIONS`, checks the actor (the
clerk of the village; ``None`` for the CLI and system consequences), refuses while the village's
roster is under town review (F-09), runs the action's guard (the rule ids), moves the status,
writes one audit event (actor, action, membership, area, old → new, details) and flushes. After a
change of the roster it starts a new draft filing after a filed version and voids a posted notice
(``registry.services.filing.filings.ROSTER_CHANGED``, F-04). The caller commits.

    (new) ──add──▶ pending ──confirm (resolution)──▶ confirmed ──end──▶ lost
    (new) ──add_reform──▶ confirmed                   confirmed ──withdraw──▶ withdrawn
    pending ──reject (resolution + reason)──▶ rejected
    confirmed / lost / rejected ──open_dispute──▶ disputed ──close_dispute──▶ previous status
    rejected ──reconsider──▶ pending, lost ──reinstate──▶ confirmed   (after an overturning outcome)

The public operations (add a member, end, withdraw, …) live in ``membership_changes``, the bulk
decision of an assembly in :func:`decide_candidates`, the hand-over of M-15 in ``handover``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import MEMBER_STATUS
from registry.models import Filing, Membership, Organization, Resolution
from registry.models.filings import TOWN_REVIEW
from registry.services import audit, rights_review
from registry.services.membership import rules
from registry.services.errors import DomainError

PENDING, CONFIRMED, REJECTED, LOST, WITHDRAWN, DISPUTED = (
    "pending", "confirmed", "rejected", "lost", "withdrawn", "disputed")

ADD, ADD_REFORM, CONFIRM, REJECT = "add", "add_reform", "confirm", "reject"
END, WITHDRAW = "end", "withdraw"
OPEN_DISPUTE, CLOSE_DISPUTE, RECONSIDER, REINSTATE = "open_dispute", "close_dispute", "reconsider", "reinstate"
PREVIOUS = "(previous)"  # close_dispute returns to the status before the dispute

#: ``(status, action) → new status``; ``None`` is a membership not yet created.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, ADD): PENDING,
    (None, ADD_REFORM): CONFIRMED,  # M-05
    (PENDING, CONFIRM): CONFIRMED,  # M-02, A-10
    (PENDING, REJECT): REJECTED,  # M-03, M-04, A-10
    (CONFIRMED, END): LOST,  # M-09 … M-14
    (CONFIRMED, WITHDRAW): WITHDRAWN,  # M-18
    (CONFIRMED, OPEN_DISPUTE): DISPUTED,  # M-22
    (LOST, OPEN_DISPUTE): DISPUTED,
    (REJECTED, OPEN_DISPUTE): DISPUTED,
    (DISPUTED, CLOSE_DISPUTE): PREVIOUS,
    (REJECTED, RECONSIDER): PENDING,
    (LOST, REINSTATE): CONFIRMED,
}

ACTION_LABELS = {
    ADD: "新增待确认人员", ADD_REFORM: "登记改革确认成员", CONFIRM: "成员大会确认", REJECT: "成员大会不予确认",
    END: "丧失成员身份", WITHDRAW: "自愿退出", OPEN_DISPUTE: "提起争议", CLOSE_DISPUTE: "争议结案",
    RECONSIDER: "争议结果：重新提交成员大会", REINSTATE: "争议结果：恢复成员身份",
}

#: The audit event of each action (``membership.<event>``).
EVENTS = {ADD: "added", ADD_REFORM: "added", CONFIRM: "confirmed", REJECT: "rejected", END: "ended",
          WITHDRAW: "withdrawn", OPEN_DISPUTE: "dispute_opened", CLOSE_DISPUTE: "dispute_closed",
          RECONSIDER: "reconsidered", REINSTATE: "reinstated"}

#: Actions whose guard is defined elsewhere register here (membership_changes, disputes, handover).
GUARDS: dict[str, Callable[..., dict]] = {}


def guard(action: str):
    """Register the guard of ``action``: ``fn(session, membership, *, today, **data) -> detail``.
    It checks the rule ids, sets the fields the action changes and returns the audit details."""

    def register(fn):
        GUARDS[action] = fn
        return fn

    return register


def status_label(status: str | None) -> str:
    return MEMBER_STATUS.label(status) or str(status)


# --- the village: scope, lock, roster change ------------------------------------------------------------

def check_actor(organization: Organization, actor) -> None:
    """Only the village's clerk changes its memberships (``None``: CLI or a system consequence)."""
    if actor is None:
        return
    if getattr(actor, "role", None) != "clerk":
        raise DomainError("membership.role", "只有村文书可以办理成员变更；乡镇和区只审核、查阅")
    if not organization.area_code.startswith(actor.scope):
        raise DomainError("membership.scope", "该成员不在您的管辖范围内")


def check_unlocked(session: Session, organization: Organization) -> None:
    """F-09: while the village's roster is under town review nothing on it changes."""
    locked = session.scalar(select(Filing.version_no).where(Filing.organization_id == organization.id,
                                                             Filing.state == TOWN_REVIEW))
    if locked is not None:
        raise DomainError("roster.locked",
                          f"{organization.area.name}的名册（第 {locked} 版）正在乡镇审核中，"
                          "审核完成或退回前不能变更成员", rule="F-09")


def roster_changed(session: Session, organization: Organization, *, actor, today: dt.date, change: str) -> Filing:
    """After a change of the roster: the open filing (a new draft after a filed version, F-09),
    dated by the change (``roster_changed_on``: no notice may be posted before ``today``), and a
    notice it holds voided — also the one a returned or reopened filing keeps — so the changed
    roster must be on notice again (F-04, as for an import)."""
    from registry.services.filing import filings

    filing = filings.current_filing(session, organization, actor=actor, changed_on=today)
    if filings.notice_would_be_voided(filing):
        filings.transition(session, filing, filings.ROSTER_CHANGED, actor=actor, today=today, change=change)
    return filing


def organization_of(session: Session, membership: Membership) -> Organization:
    return session.get(Organization, membership.organization_id)


# --- the entry point ------------------------------------------------------------------------------------

def transition(session: Session, membership: Membership, action: str, *, actor, today: dt.date | None = None,
               via_filing: bool = False, consequence: bool = False, flush: bool = True, **data) -> Membership:
    """Apply ``action`` to ``membership`` (for ``add``/``add_reform`` a new, unsaved Membership) and
    return it. ``data`` goes to the action's guard. ``via_filing``: called by the filing workflow
    (the assembly decision) — the filing itself moves, so no roster-change hook. ``consequence``: a
    change in another village caused by this one (the M-15 hand-over), done under the actor's name
    without their scope. Raises DomainError (``membership.bad_transition`` or a rule id)."""
    today = today or local_today()
    creating = action in (ADD, ADD_REFORM)
    if creating and membership.id is not None:
        raise DomainError("membership.exists", "该成员记录已存在")
    old = None if creating else membership.status
    new = TRANSITIONS.get((old, action))
    if new is None:
        raise DomainError("membership.bad_transition",
                          f"成员状态为「{status_label(old)}」，不能办理「{ACTION_LABELS.get(action, action)}」")
    organization = organization_of(session, membership)
    if not consequence:
        check_actor(organization, actor)
    if not via_filing:
        check_unlocked(session, organization)
    detail = GUARDS[action](session, membership, today=today, actor=actor, **data) or {}
    if new == PREVIOUS:
        new = detail["to"]
    membership.status = new
    if creating:
        session.add(membership)
        session.flush()
    audit.record(session, actor=actor, action=f"membership.{EVENTS[action]}", target_type="membership",
                 target_id=membership.id, area_code=organization.area_code, person_id=membership.person_id,
                 old=old, new=new, **detail)
    if action in (END, WITHDRAW):
        # H-02 / L-07: an ending changes no right; the household's rights go on the review list.
        rights_review.open_for_ended_membership(session, membership, actor=actor, today=today)
    if not via_filing:
        roster_changed(session, organization, actor=None if consequence else actor, today=today,
                       change=f"membership.{EVENTS[action]}")
    if flush:
        session.flush()
    return membership


# --- confirmation and rejection by the assembly (M-02, M-03, M-04, A-10) --------------------------------

def check_confirming_resolution(resolution: Resolution | None, membership: Membership) -> Resolution:
    """A-10 / M-02: a passed member-assembly resolution on membership confirmation of the same
    organisation."""
    if resolution is None or not resolution.passed or resolution.body != "member_assembly" \
            or resolution.subject != "membership_confirmation" \
            or resolution.organization_id != membership.organization_id:
        raise DomainError("filing.resolution_kind", "只有已通过的成员大会成员身份确认决议才能确认或不予确认成员",
                          rule="M-02")
    return resolution


@guard(CONFIRM)
def _confirm(session, m, *, today, actor, resolution=None, other=None):
    resolution = check_confirming_resolution(resolution, m)
    if m.rejection_reason:
        raise DomainError("membership.rejection_proposed", "该人员已拟不予确认，请先撤回不予确认意见", rule="M-04")
    m.confirmed_at = resolution.meeting_date
    m.resolution_id = resolution.id
    detail = {"resolution_id": resolution.id, "confirmed_at": resolution.meeting_date, "rule": "M-02"}
    from registry.services.membership.handover import hand_over

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
    from registry.services.membership.handover import active_elsewhere, check_hand_over

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


# The guards of add / end / withdraw and of the dispute actions register themselves on import.
from registry.services.membership import disputes
from registry.services.membership import changes as membership_changes  # noqa: E402,F401
