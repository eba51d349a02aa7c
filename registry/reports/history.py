"""A membership's history for the member page (issue 3 step 8): acquisition, confirmation or
rejection, retention flags, hukou records, household changes, filed versions, disputes, the ending
(and the M-15 hand-over). Read-only; each entry is ``(date, kind, text)`` — ``kind`` a stable code the
template labels, ``text`` the data (code labels, numbers, reasons)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_date
from registry.codes import ACQUISITION_GROUND, LOSS_GROUND, RELATION, RETENTION_FLAG
from registry.models import AuditEvent, Dispute, Filing, FilingItem, HukouRecord, Membership, Organization
from registry.models.filings import DISTRICT_FILED, TOWN_FILED

CHANGE_TEXT = {"added": "新增", "changed": "变更", "unchanged": "无变化", "ended": "减少"}


@dataclass(frozen=True)
class Entry:
    day: dt.date | None
    kind: str
    text: str
    order: int = 0


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return local_date(value)  # a stored timestamp (naive UTC) falls on its Beijing date
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _labels(table, codes) -> str:
    return "、".join(table.label(c) or c for c in codes or []) or "无"


def _household(value) -> str:
    if not value:
        return "—"
    return f"户 {value.get('household')}（{RELATION.label(value.get('relation')) or value.get('relation')}）"


def member_timeline(session: Session, m: Membership) -> list[Entry]:
    """Every dated event of the membership, oldest first."""
    out = [Entry(m.acquired_at, "acquired", ACQUISITION_GROUND.label(m.acquisition_ground) or "", 0)]
    if m.confirmed_at:
        out.append(Entry(m.confirmed_at, "confirmed", m.resolution.title or "" if m.resolution else "", 1))
    events = session.scalars(select(AuditEvent).where(AuditEvent.target_type == "membership",
                                                      AuditEvent.target_id == m.id).order_by(AuditEvent.id))
    for e in events:
        d = e.detail or {}
        if e.action == "membership.flags":
            out.append(Entry(_day(e.at), "flags", f"{_labels(RETENTION_FLAG, d.get('old'))} → "
                                                  f"{_labels(RETENTION_FLAG, d.get('new'))}", 2))
        elif e.action == "membership.household":
            out.append(Entry(_day(d.get("on_date")), "household",
                             f"{_household(d.get('old'))} → {_household(d.get('new'))}", 2))
        elif e.action in ("membership.rejection_proposed", "membership.rejection_withdrawn"):
            out.append(Entry(_day(e.at), e.action.split(".")[1], d.get("new") or d.get("old") or "", 2))
        elif e.action == "membership.rejected":
            out.append(Entry(_day(d.get("decided_on")), "rejected", d.get("reason") or "", 3))
        elif e.action in ("membership.reinstated", "membership.reconsidered"):
            out.append(Entry(_day(e.at), e.action.split(".")[1], "", 5))
    for h in session.scalars(select(HukouRecord).where(HukouRecord.person_id == m.person_id).order_by(HukouRecord.id)):
        where = "本村" if h.in_organization else ("非本村" if h.in_organization is False else "")
        town = "，进城落户" if h.moved_to_town else ""
        out.append(Entry(h.moved_at or _day(h.created_at), "hukou", f"{h.place or ''}（{where}{town}）", 2))
    filed = session.execute(select(Filing.version_no, Filing.town_recorded_at, FilingItem.change)
                            .join(FilingItem, FilingItem.filing_id == Filing.id)
                            .where(FilingItem.membership_id == m.id, Filing.state.in_((TOWN_FILED, DISTRICT_FILED)))
                            .order_by(Filing.version_no))
    for version, recorded, change in filed:
        out.append(Entry(_day(recorded), "filed", f"第 {version} 版（{CHANGE_TEXT.get(change, change)}）", 4))
    for d in session.scalars(select(Dispute).where(Dispute.membership_id == m.id).order_by(Dispute.id)):
        out.append(Entry(d.opened_on, "dispute_opened", f"{d.applicant}：{d.subject}", 3))
        if d.closed_on:
            out.append(Entry(d.closed_on, "dispute_closed", d.outcome_note or d.outcome or "", 3))
    if m.lost_at:
        text = LOSS_GROUND.label(m.loss_ground) or ""
        if m.ended_by_membership_id:
            other = session.get(Membership, m.ended_by_membership_id)
            text += f"（{session.get(Organization, other.organization_id).area.name}）"
        out.append(Entry(m.lost_at, "withdrawn" if m.status == "withdrawn" else "ended", text, 6))
    for other in session.scalars(select(Membership).where(Membership.ended_by_membership_id == m.id)):
        out.append(Entry(other.lost_at, "handover", session.get(Organization, other.organization_id).area.name, 1))
    return sorted(out, key=lambda e: (e.day or dt.date.min, e.order))
