"""Public notice (公示) of a roster version and the objections raised against it (F-04, F-05).

The notice period is counted in working days from the day after posting (Civil Code Art. 201):
weekends and statutory holidays do not count, adjusted working days (调休) do. The length is the
charter setting in force on the posting date (Q-02, ``notice_working_days``, at least and by default 7).

Posting a notice moves the filing from draft to on_notice, so ``start_notice`` lives with the filing
workflow's single entry point (:func:`registry.services.filing.filings.transition`), which calls
:func:`post_notice` here to build the record.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Filing, Objection, Organization, PublicNotice
from registry.models.filings import AWAITING_ASSEMBLY, CONFIRMED, DRAFT, ON_NOTICE
from registry.services import audit
from registry.services.calendar import WorkCalendar
from registry.services.charter import settings_for
from registry.services.errors import DomainError


def notice_end_date(posted_on: dt.date, working_days: int, calendar: WorkCalendar) -> dt.date:
    """The earliest allowed end date: ``working_days`` working days counted from the day after
    ``posted_on`` (F-04, F-05)."""
    return calendar.add_working_days(posted_on, working_days)


def post_notice(session: Session, filing: Filing, *, posted_on: dt.date, ends_on: dt.date | None = None,
                place: str | None = None, actor, calendar: WorkCalendar | None = None,
                working_days: int | None = None, today: dt.date | None = None) -> PublicNotice:
    """Build the notice record and link it to ``filing`` (no state change: the workflow does that).

    ``today`` is the Beijing date (default :func:`registry.clock.local_today`). Raises DomainError
    (F-04) ``notice.posted_in_future`` (posted after today), ``notice.before_roster_change``
    (posted before ``filing.roster_changed_on``: the notice would not show the roster as it is),
    ``notice.ends_before_posted``, ``notice.too_short``. A period reaching a year the holiday calendar
    does not cover yet is counted on the provisional calendar and the notice is marked with that year
    (``provisional_years``; F-05, see registry/services/calendar.py)."""
    today = today or local_today()
    if working_days is None:
        working_days = settings_for(session, filing.organization_id, posted_on).notice_working_days
    working_days = int(working_days)
    if working_days < 1:
        raise DomainError("notice.working_days", "公示期工作日数必须至少为 1", rule="F-04")
    if posted_on > today:
        raise DomainError("notice.posted_in_future",
                          f"公示张贴日期 {posted_on.isoformat()} 不能晚于今天（{today.isoformat()}）", rule="F-04")
    changed_on = filing.roster_changed_on
    if changed_on is not None and posted_on < changed_on:
        raise DomainError(
            "notice.before_roster_change",
            f"名册于 {changed_on.isoformat()} 发生变更，公示张贴日期 {posted_on.isoformat()} 早于变更日期："
            f"公示的必须是变更后的名册，张贴日期不能早于 {changed_on.isoformat()}",
            rule="F-04",
        )
    if ends_on is not None and ends_on <= posted_on:
        raise DomainError("notice.ends_before_posted",
                          f"公示结束日期 {ends_on.isoformat()} 须晚于张贴日期 {posted_on.isoformat()}", rule="F-04")
    calendar = calendar or WorkCalendar.load(session)
    earliest = notice_end_date(posted_on, working_days, calendar)
    if ends_on is None:
        ends_on = earliest
    elif ends_on < earliest:
        raise DomainError(
            "notice.too_short",
            f"公示结束日期 {ends_on.isoformat()} 早于最短公示期：自张贴次日起 {working_days} 个工作日，"
            f"最早于 {earliest.isoformat()} 期满",
            rule="F-04",
        )
    notice = PublicNotice(
        organization_id=filing.organization_id,
        filing_id=filing.id,
        posted_on=posted_on,
        starts_on=posted_on + dt.timedelta(days=1),
        ends_on=ends_on,
        working_days=calendar.working_days_between(posted_on, ends_on),
        place=(place or "").strip() or None,
        provisional_years=_years_text(calendar.missing_years(posted_on, ends_on)),
    )
    session.add(notice)
    session.flush()
    filing.notice_id = notice.id
    filing.notice = notice
    audit.record(session, actor=actor, action="notice.posted", target_type="public_notice",
                 target_id=notice.id, area_code=filing.area_code, filing_id=filing.id,
                 posted_on=posted_on, starts_on=notice.starts_on, ends_on=ends_on,
                 working_days=notice.working_days, required_working_days=working_days, place=notice.place,
                 provisional_years=notice.provisional_years)
    return notice


def _years_text(years: list[int]) -> str | None:
    return ",".join(str(y) for y in years) or None


def recount_provisional(session: Session, *, actor, calendar: WorkCalendar | None = None,
                        working_days: int | None = None) -> list[PublicNotice]:
    """Recount every notice counted on the provisional calendar against the calendar now loaded
    (F-04, F-05): after the official year is loaded, a notice whose required end date is later than
    its end date is extended to it (``extended_from`` keeps the old date, the clerk sees both on the
    filing page); one that already lasts long enough keeps its dates. Years still not covered stay
    provisional. ``working_days`` defaults to each notice's charter setting in force on its posting date.
    Returns the notices extended; writes an audit event per notice recounted; flushes."""
    calendar = calendar or WorkCalendar.load(session)
    extended = []
    for notice in session.scalars(select(PublicNotice).where(PublicNotice.provisional_years.is_not(None))
                                  .order_by(PublicNotice.id)):
        required = int(working_days) if working_days is not None else \
            settings_for(session, notice.organization_id, notice.posted_on).notice_working_days
        earliest = notice_end_date(notice.posted_on, required, calendar)
        old_end, old_years = notice.ends_on, notice.provisional_years
        if earliest > notice.ends_on:
            notice.extended_from = notice.extended_from or notice.ends_on
            notice.ends_on = earliest
            extended.append(notice)
        notice.working_days = calendar.working_days_between(notice.posted_on, notice.ends_on)
        notice.provisional_years = _years_text(calendar.missing_years(notice.posted_on, notice.ends_on))
        audit.record(session, actor=actor, action="notice.recounted", target_type="public_notice",
                     target_id=notice.id, area_code=notice_area(session, notice), filing_id=notice.filing_id,
                     old={"ends_on": old_end, "provisional_years": old_years},
                     new={"ends_on": notice.ends_on, "provisional_years": notice.provisional_years})
    session.flush()
    return extended


def notice_ended(notice: PublicNotice | None, today: dt.date) -> bool:
    """True when the notice period is over (the end date itself still belongs to the notice)."""
    return notice is not None and today > notice.ends_on


def open_objections(notice: PublicNotice | None) -> list[Objection]:
    return [o for o in (notice.objections if notice else []) if not o.resolved]


def _filing_of(session: Session, notice: PublicNotice) -> Filing | None:
    return session.get(Filing, notice.filing_id) if notice.filing_id else None


def _check_clerk(actor, area_code: str) -> None:
    if getattr(actor, "role", None) != "clerk" or not area_code.startswith(actor.scope):
        raise DomainError("notice.role", "只有本村文书可以登记或处理公示异议")


def raise_objection(session: Session, notice: PublicNotice, text: str, raised_by: str, *, actor) -> Objection:
    """Record an objection to a notice. Refused once the filing has been submitted (the roster
    is then with the town; corrections go through a return or a new filing, F-09)."""
    text, raised_by = (text or "").strip(), (raised_by or "").strip()
    if not text or not raised_by:
        raise DomainError("objection.required", "请填写异议内容和提出人")
    filing = _filing_of(session, notice)
    area_code = filing.area_code if filing else notice_area(session, notice)
    _check_clerk(actor, area_code)
    if filing is not None and filing.state not in (DRAFT, ON_NOTICE, AWAITING_ASSEMBLY, CONFIRMED):
        raise DomainError("objection.filing_closed", "名册已报送，不能再登记该公示的异议")
    objection = Objection(notice=notice, text=text, raised_by=raised_by)
    session.add(objection)
    session.flush()
    audit.record(session, actor=actor, action="objection.raised", target_type="objection",
                 target_id=objection.id, area_code=area_code, notice_id=notice.id,
                 filing_id=notice.filing_id, raised_by=raised_by, text=text)
    return objection


def resolve_objection(session: Session, objection: Objection, note: str, *, actor) -> Objection:
    """Close an objection with a written note (how it was handled). Raises DomainError when the
    note is empty or the objection is already resolved."""
    note = (note or "").strip()
    if not note:
        raise DomainError("objection.note_required", "处理异议必须填写处理说明")
    notice = objection.notice
    filing = _filing_of(session, notice)
    area_code = filing.area_code if filing else notice_area(session, notice)
    _check_clerk(actor, area_code)
    if objection.resolved:
        raise DomainError("objection.already_resolved", "该异议已处理")
    objection.resolved = True
    objection.resolution_note = note
    audit.record(session, actor=actor, action="objection.resolved", target_type="objection",
                 target_id=objection.id, area_code=area_code, notice_id=notice.id,
                 filing_id=notice.filing_id, old="open", new="resolved", note=note)
    session.flush()
    return objection


def notice_area(session: Session, notice: PublicNotice) -> str:
    return session.get(Organization, notice.organization_id).area_code
