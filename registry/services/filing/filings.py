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
roles, labels) is in :mod:`registry.services.filing.transitions`; each action's guard and effect in
:mod:`registry.services.filing.effects`.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Filing, Organization, PublicNotice
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
from registry.services.filing.effects import EFFECTS, mark_roster_changed
from registry.services.filing.items import FILED_STATES, freeze_items, member_filing_states  # noqa: F401
from registry.services.filing.notices import notice_ended
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
    detail = EFFECTS[action](session, filing, actor=actor, today=today, **data) or {}
    filing.state = new
    audit.record(session, actor=actor, action=f"filing.{action}", target_type="filing", target_id=filing.id,
                 area_code=filing.area_code, version_no=filing.version_no, old=old, new=new, **detail)
    session.flush()
    return filing


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
