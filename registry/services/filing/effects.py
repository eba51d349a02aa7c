"""The guard and effect of each roster filing action (DOMAIN §6.2, F-01..F-09), run by
``registry.services.filing.filings.transition``, which moves the state and writes the audit event: each
effect checks its rule (F-04 notice over and no open objection, M-02 pending members confirmed by the
assembly, F-01 not empty, F-08 a return reason, W-02 flags acknowledged), changes the filing and returns
the audit detail. Services flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from registry.models import Filing
from registry.models.base import utcnow
from registry.services.errors import DomainError
from registry.services.filing.confirmation import confirm_pending, pending_count
from registry.services.filing.items import freeze_items
from registry.services.filing.notices import notice_ended, open_objections, post_notice
from registry.services.filing.resolutions import record_resolution as store_resolution
from registry.services.filing.transitions import (
    CONFIRM_WITHOUT_RESOLUTION,
    DISTRICT_RECEIVE,
    END_NOTICE,
    RECORD_RESOLUTION,
    REOPEN,
    ROSTER_CHANGED,
    START_NOTICE,
    SUBMIT,
    TOWN_RECORD,
    TOWN_RETURN,
)
from registry.services.membership.equality import check_acknowledged, flag_filing

__all__ = ["EFFECTS", "mark_roster_changed"]


def mark_roster_changed(filing: Filing, on: dt.date) -> None:
    """Record that ``filing``'s roster changed on ``on`` (keeps the latest date; F-04)."""
    if filing.roster_changed_on is None or on > filing.roster_changed_on:
        filing.roster_changed_on = on



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


#: Action -> ``effect(session, filing, *, actor, today, **data) -> audit detail``; raises DomainError.
EFFECTS: dict[str, Callable] = {
    START_NOTICE: _start_notice, END_NOTICE: _end_notice, RECORD_RESOLUTION: _record_resolution,
    CONFIRM_WITHOUT_RESOLUTION: _confirm_without_resolution, SUBMIT: _submit, TOWN_RECORD: _town_record,
    TOWN_RETURN: _town_return, REOPEN: _reopen, DISTRICT_RECEIVE: _district_receive,
    ROSTER_CHANGED: _roster_changed,
}
