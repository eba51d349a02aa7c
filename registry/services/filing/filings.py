"""Roster filing workflow village → town → district (名册备案, DOMAIN §6.2, F-01..F-09).

One entry point, :func:`transition`, looks the ``(state, action)`` pair up in :data:`TRANSITIONS`,
checks the actor's role and area, runs the action's guard and effect, moves the state and writes
one audit event (actor, action, filing id, area code, old → new). The wrappers below only call it.

    draft ──start_notice──▶ on_notice ──(notice ends: implicit)──▶ awaiting_assembly
    awaiting_assembly ──record_resolution──▶ confirmed        (pending → confirmed, M-02)
    awaiting_assembly ──confirm_without_resolution──▶ confirmed   (reform roster, M-05)
    confirmed ──submit──▶ town_review ──town_record──▶ town_filed ──district_receive──▶ district_filed
    town_review ──town_return (reason, F-08)──▶ returned ──reopen──▶ draft (notice, resolution kept)
    draft ──submit──▶ town_review   (resubmission after a return; every condition is checked again)
    draft / on_notice / awaiting_assembly / confirmed / returned ──roster_changed──▶ draft (notice void)

A filing is complete only when both the town and the district have recorded it (F-02); a filed
version is read-only and any later change starts a new version (F-09). The table itself (actions, states,
roles, labels) is in :mod:`registry.services.filing.transitions`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Filing, Organization, PublicNotice
from registry.models.base import utcnow
from registry.models.filings import (
    AWAITING_ASSEMBLY,
    DISTRICT_FILED,
    DRAFT,
    ON_NOTICE,
    RETURNED,
)
from registry.services import audit, hooks
from registry.services.calendar import WorkCalendar
from registry.services.errors import DomainError
from registry.services.filing.confirmation import confirm_pending, pending_count
from registry.services.filing.items import FILED_STATES, freeze_items, member_filing_states  # noqa: F401
from registry.services.filing.notices import notice_ended, open_objections, post_notice
from registry.services.filing.resolutions import record_resolution as store_resolution
from registry.services.filing.transitions import (  # noqa: F401 (re-exported: the views use filings.X)
    ACTION_LABELS,
    ACTION_ROLES,
    CONFIRM_WITHOUT_RESOLUTION,
    DISTRICT_RECEIVE,
    END_NOTICE,
    NOTICE_POSTED_STATES,
    RECORD_RESOLUTION,
    REOPEN,
    ROSTER_CHANGED,
    START_NOTICE,
    STATE_LABELS,
    SUBMIT,
    TOWN_RECORD,
    TOWN_RETURN,
    TRANSITIONS,
)
from registry.services.membership.equality import check_acknowledged, flag_filing

_AFTER_NOTICE = (RECORD_RESOLUTION, CONFIRM_WITHOUT_RESOLUTION, SUBMIT)


# --- the open filing ------------------------------------------------------------------------------------

def open_filing(session: Session, organization_id: int) -> Filing | None:
    """The organisation's filing that is not yet filed (at most one, by a unique index)."""
    return session.scalar(select(Filing).where(Filing.organization_id == organization_id,
                                               Filing.state.not_in(FILED_STATES)))


def current_filing(session: Session, organization: Organization, *, actor,
                   changed_on: dt.date | None = None) -> Filing:
    """The open filing of ``organization``, created as a draft (``version_no`` = last + 1) when
    there is none. Called by the roster import after each import that changed something.

    ``changed_on``: the roster changed on that (Beijing) date; recorded as
    ``filing.roster_changed_on`` (never moved backwards) so that no notice can be dated before it
    (F-04)."""
    filing = open_filing(session, organization.id)
    if filing is None:
        last = session.scalar(select(func.max(Filing.version_no))
                              .where(Filing.organization_id == organization.id))
        filing = Filing(organization_id=organization.id, version_no=(last or 0) + 1, state=DRAFT,
                        area_code=organization.area_code)
        session.add(filing)
        session.flush()
        audit.record(session, actor=actor, action="filing.created", target_type="filing", target_id=filing.id,
                     area_code=filing.area_code, version_no=filing.version_no, old=None, new=DRAFT)
    if changed_on is not None:
        mark_roster_changed(filing, changed_on)
    return filing


def mark_roster_changed(filing: Filing, on: dt.date) -> None:
    """Record that ``filing``'s roster changed on ``on`` (keeps the latest date; F-04)."""
    if filing.roster_changed_on is None or on > filing.roster_changed_on:
        filing.roster_changed_on = on


def notice_would_be_voided(filing: Filing | None) -> bool:
    """True when a change to the roster of ``filing`` (its organisation's open filing, or None)
    voids a posted notice, so the caller must run :data:`ROSTER_CHANGED` through
    :func:`transition` and warn the user to post the notice again (F-04). That is the case in
    every state with a notice (on notice, awaiting the assembly, confirmed) and for a draft or a
    returned filing that still holds the notice of before the return."""
    if filing is None:
        return False
    if filing.state in NOTICE_POSTED_STATES:
        return True
    return filing.state in (DRAFT, RETURNED) and filing.notice_id is not None


@hooks.on_roster_changed
def after_roster_change(session: Session, organization: Organization, *, actor, today: dt.date,
                        change: str) -> Filing:
    """The filing side of a roster change (registered on :mod:`registry.services.hooks`): the open
    filing dated by the change, and a posted notice voided (F-04, F-09)."""
    filing = current_filing(session, organization, actor=actor, changed_on=today)
    if notice_would_be_voided(filing):
        transition(session, filing, ROSTER_CHANGED, actor=actor, today=today, change=change)
    return filing


def start_notice(session: Session, filing: Filing, *, posted_on: dt.date, ends_on: dt.date | None = None,
                 place: str | None = None, actor, calendar: WorkCalendar | None = None,
                 working_days: int | None = None, today: dt.date | None = None) -> PublicNotice:
    """Put ``filing``'s roster on public notice (draft → on_notice) and return the notice.

    ``ends_on`` defaults to the minimum end date; an earlier one is refused (F-04). ``working_days``
    defaults to 7, ``calendar`` to the holiday table. Raises DomainError (F-04, or a workflow code
    when the filing is not a draft)."""
    transition(session, filing, START_NOTICE, actor=actor, today=today, posted_on=posted_on,
               ends_on=ends_on, place=place, calendar=calendar, working_days=working_days)
    return filing.notice


def filings_of(session: Session, organization_id: int) -> list[Filing]:
    """Every version of the organisation's roster, newest first."""
    return list(session.scalars(select(Filing).where(Filing.organization_id == organization_id)
                                .order_by(Filing.version_no.desc())))


def display_state(filing: Filing, today: dt.date) -> str:
    """The state as the user should see it: a notice that has ended reads awaiting_assembly even
    before the next action records the implicit transition."""
    if filing.state == ON_NOTICE and notice_ended(filing.notice, today):
        return AWAITING_ASSEMBLY
    return filing.state


# --- the entry point ------------------------------------------------------------------------------------

def _check_actor(filing: Filing, action: str, actor) -> None:
    roles = ACTION_ROLES[action]
    if roles is not None and (actor is None or getattr(actor, "role", None) not in roles):
        raise DomainError("filing.role", f"您的角色不能执行「{ACTION_LABELS[action]}」")
    if actor is not None and not filing.area_code.startswith(actor.scope):
        raise DomainError("filing.scope", "该名册不在您的管辖范围内")


def transition(session: Session, filing: Filing, action: str, *, actor, today: dt.date | None = None,
               **data) -> Filing:
    """Apply ``action`` to ``filing`` and return it. ``data`` carries the action's inputs
    (notice dates, resolution facts, return reason). Raises DomainError with the rule id when a
    rule refuses (F-04 notice not over, F-08 no reason, A-xx resolution, M-15 …) or
    ``filing.bad_transition`` when the action does not apply to the current state."""
    today = today or local_today()
    if action not in ACTION_ROLES:
        raise DomainError("filing.unknown_action", f"未知操作：{action}")
    _check_actor(filing, action, actor)
    if action != END_NOTICE and filing.state == ON_NOTICE and notice_ended(filing.notice, today):
        _apply(session, filing, END_NOTICE, actor=actor, today=today, data={})
    return _apply(session, filing, action, actor=actor, today=today, data=data)


def _apply(session: Session, filing: Filing, action: str, *, actor, today: dt.date, data: dict) -> Filing:
    old = filing.state
    new = TRANSITIONS.get((old, action))
    if new is None:
        if old == ON_NOTICE and action in _AFTER_NOTICE + (END_NOTICE,):
            raise DomainError("filing.notice_running",
                              f"公示期未满（公示至 {filing.notice.ends_on.isoformat()}），期满后才能进行下一步",
                              rule="F-04")
        raise DomainError("filing.bad_transition",
                          f"名册当前状态为「{STATE_LABELS.get(old, old)}」，不能执行「{ACTION_LABELS[action]}」")
    detail = _EFFECTS[action](session, filing, actor=actor, today=today, **data) or {}
    filing.state = new
    audit.record(session, actor=actor, action=f"filing.{action}", target_type="filing", target_id=filing.id,
                 area_code=filing.area_code, version_no=filing.version_no, old=old, new=new, **detail)
    session.flush()
    return filing


# --- guards and effects, one per action -----------------------------------------------------------------

def _start_notice(session, filing, *, actor, today, **notice):
    if open_objections(filing.notice):
        raise DomainError("filing.objection_open", "上次公示还有未处理的异议，请先处理后再重新公示")
    notice = post_notice(session, filing, actor=actor, today=today, **notice)
    return {"notice_id": notice.id, "posted_on": notice.posted_on, "ends_on": notice.ends_on}


def _roster_changed(session, filing, *, actor, today, **detail):
    notice = filing.notice
    filing.notice_id = None
    filing.notice = None
    mark_roster_changed(filing, today)
    return {"voided_notice_id": notice.id if notice else None,
            "voided_posted_on": notice.posted_on if notice else None, **detail}


def _end_notice(session, filing, *, actor, today):
    if not notice_ended(filing.notice, today):
        raise DomainError("filing.notice_running", "公示期未满", rule="F-04")
    return {"notice_id": filing.notice_id, "ends_on": filing.notice.ends_on}


def _require_ended_notice(filing: Filing, today: dt.date) -> None:
    if filing.notice is None:
        raise DomainError("filing.no_notice", "名册尚未公示，请先公示（公示期满后方可确认或报送）", rule="F-04")
    if not notice_ended(filing.notice, today):
        raise DomainError("filing.notice_running",
                          f"公示期未满（公示至 {filing.notice.ends_on.isoformat()}）", rule="F-04")


def _require_no_open_objection(filing: Filing, doing: str) -> None:
    still_open = open_objections(filing.notice)
    if still_open:
        raise DomainError("filing.objection_open",
                          f"公示期间有 {len(still_open)} 条异议尚未处理，处理后才能{doing}", rule="F-04")


def _record_resolution(session, filing, *, actor, today, **facts):
    _require_ended_notice(filing, today)
    _require_no_open_objection(filing, "录入成员大会决议")
    meeting_date = facts.get("meeting_date")
    if meeting_date is not None and meeting_date <= filing.notice.ends_on:
        raise DomainError("filing.meeting_during_notice",
                          f"成员大会（{meeting_date.isoformat()}）须在公示期满（{filing.notice.ends_on.isoformat()}）"
                          "之后召开", rule="F-04")
    # A representative assembly is refused by A-09 inside store_resolution (M-02).
    if facts.get("subject", "membership_confirmation") != "membership_confirmation":
        raise DomainError("filing.resolution_subject", "确认成员名册须录入「成员身份确认」事项的成员大会决议",
                          rule="M-02")
    organization = filing.organization
    resolution = store_resolution(session, organization, actor=actor, today=today, **facts)
    confirmed, rejected = confirm_pending(session, organization, resolution, actor=actor, today=today)
    filing.resolution_id = resolution.id
    filing.resolution = resolution
    return {"resolution_id": resolution.id, "meeting_date": resolution.meeting_date,
            "confirmed_count": len(confirmed), "confirmed_membership_ids": confirmed,
            "rejected_count": len(rejected), "rejected_membership_ids": rejected}


def _confirm_without_resolution(session, filing, *, actor, today):
    _require_ended_notice(filing, today)
    _require_no_open_objection(filing, "确认名册")
    n = pending_count(session, filing.organization_id)
    if n:
        raise DomainError("filing.pending_need_resolution",
                          f"名册中有 {n} 名待确认人员，须经成员大会表决确认，不能免于决议", rule="M-02")
    return {"note": "公示期满，无需成员大会确认（改革确认成员）"}


def _submit(session, filing, *, actor, today):
    _require_ended_notice(filing, today)
    _require_no_open_objection(filing, "报送")
    n = pending_count(session, filing.organization_id)
    if n:
        raise DomainError("filing.pending_unconfirmed",
                          f"名册中有 {n} 名待确认人员尚未经成员大会确认，请先录入成员大会决议", rule="M-02")
    counts = freeze_items(session, filing)
    if not any(counts.values()):
        raise DomainError("filing.empty", "名册中没有成员，不能报送", rule="F-01")
    flags = flag_filing(session, filing)  # W-02: rejections and endings for the town to review
    filing.submitted_at = utcnow()
    filing.submitted_by_id = getattr(actor, "id", None)
    filing.return_reason = None
    return {"counts": counts, "w02_flags": flags}


def _town_record(session, filing, *, actor, today):
    check_acknowledged(session, filing)  # W-02
    filing.town_recorded_at = utcnow()
    filing.town_recorded_by_id = getattr(actor, "id", None)
    return {}


def _town_return(session, filing, *, actor, today, reason: str | None = None):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("filing.reason_required", "退回必须填写退回意见", rule="F-08")
    filing.return_reason = reason
    return {"reason": reason}


def _reopen(session, filing, *, actor, today):
    return {"return_reason": filing.return_reason}


def _district_receive(session, filing, *, actor, today):
    filing.district_recorded_at = utcnow()
    filing.district_recorded_by_id = getattr(actor, "id", None)
    filing.filed_on = today
    return {"filed_on": today}


_EFFECTS: dict[str, Callable] = {
    START_NOTICE: _start_notice, END_NOTICE: _end_notice, RECORD_RESOLUTION: _record_resolution,
    CONFIRM_WITHOUT_RESOLUTION: _confirm_without_resolution, SUBMIT: _submit, TOWN_RECORD: _town_record,
    TOWN_RETURN: _town_return, REOPEN: _reopen, DISTRICT_RECEIVE: _district_receive,
    ROSTER_CHANGED: _roster_changed,
}


# --- convenience wrappers -------------------------------------------------------------------------------

def record_resolution(session: Session, filing: Filing, *, actor, today: dt.date | None = None, **facts) -> Filing:
    """Record the member assembly's confirmation of the roster (facts as for
    :func:`registry.services.filing.resolutions.record_resolution`) and confirm every pending membership."""
    return transition(session, filing, RECORD_RESOLUTION, actor=actor, today=today, **facts)


def confirm_without_resolution(session: Session, filing: Filing, *, actor, today: dt.date | None = None) -> Filing:
    """Reform-era roster (M-05): the notice ended and no candidate is pending."""
    return transition(session, filing, CONFIRM_WITHOUT_RESOLUTION, actor=actor, today=today)


def submit(session: Session, filing: Filing, *, actor, today: dt.date | None = None) -> Filing:
    return transition(session, filing, SUBMIT, actor=actor, today=today)


def town_record(session: Session, filing: Filing, *, actor, today: dt.date | None = None) -> Filing:
    return transition(session, filing, TOWN_RECORD, actor=actor, today=today)


def town_return(session: Session, filing: Filing, reason: str, *, actor, today: dt.date | None = None) -> Filing:
    return transition(session, filing, TOWN_RETURN, actor=actor, today=today, reason=reason)


def reopen(session: Session, filing: Filing, *, actor, today: dt.date | None = None) -> Filing:
    return transition(session, filing, REOPEN, actor=actor, today=today)


def district_receive(session: Session, filing: Filing, *, actor, today: dt.date | None = None) -> Filing:
    return transition(session, filing, DISTRICT_RECEIVE, actor=actor, today=today)


def is_complete(filing: Filing) -> bool:
    """F-02: complete only when both the town and the district have recorded the filing."""
    return filing.state == DISTRICT_FILED and filing.town_recorded_at is not None \
        and filing.district_recorded_at is not None
