"""Membership workflow (成员状态, DOMAIN §6.1): one transition table, one entry point.

:func:`transition` looks ``(status, action)`` up in :data:`TRANSITIONS`, checks the actor (the
clerk of the village; ``None`` for the CLI and system consequences), refuses while the village's
roster is under town review (F-09), runs the action's guard (the rule ids), moves the status,
writes one audit event (actor, action, membership, area, old → new, details) and flushes. After a
change of the roster it starts a new draft filing after a filed version and voids a posted notice
(the ``roster_changed`` hook of ``registry.services.hooks``, F-04). The caller commits.

    (new) ──add──▶ pending ──confirm (resolution)──▶ confirmed ──end──▶ lost
    (new) ──add_reform──▶ confirmed                   confirmed ──withdraw──▶ withdrawn
    pending ──reject (resolution + reason)──▶ rejected
    confirmed / lost / rejected ──open_dispute──▶ disputed ──close_dispute──▶ previous status
    rejected ──reconsider──▶ pending, lost ──reinstate──▶ confirmed   (after an overturning outcome)

The public operations (add a member, end, withdraw, …) live in ``changes``, the confirm/reject guards
and the bulk decision of an assembly in ``decisions``, the hand-over of M-15 in ``handover``, the
dispute actions in ``disputes``: each registers its guards here (:func:`guard`) on import.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import MEMBER_STATUS
from registry.models import Filing, Membership, Organization, Resolution
from registry.models.filings import TOWN_REVIEW
from registry.services import audit, hooks, rights_review
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
    roster must be on notice again (F-04, as for an import). The filing package registers that
    consequence on :mod:`registry.services.hooks`."""
    return hooks.roster_changed(session, organization, actor=actor, today=today, change=change)


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
