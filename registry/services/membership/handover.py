"""One active membership per person across the district, and the hand-over (M-12, M-15).

A person who is an active member of village A may be a pending candidate in village B (typically
after marriage). A may not end the membership for "membership elsewhere" while B's is only pending
(M-12: no 两头空). When B's assembly confirms the person, the same transaction ends A's membership on
ground ``other_membership`` with the same effective date (B's meeting date), linked
(``ended_by_membership_id``) and audited on both sides, so on no day is the person active in both
places (两头占) or in neither (两头空). The partial unique index ``uq_memberships_one_active`` backs it.

"Active on day D" (:func:`active_on_clause`): ever confirmed, started on or before D
(``confirmed_at``, else ``acquired_at``; unknown = since always) and not ended on or before D
(``lost_at`` is the first day without membership).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from registry.codes import ACQUISITION_GROUND
from registry.models import Area, Membership, Organization
from registry.services.errors import DomainError
from registry.services.membership.transitions import END, check_unlocked, transition

_MISSING = object()


def active_elsewhere(session: Session, person_ids: list[int], organization_id: int) -> dict[int, Membership]:
    """``{person_id: confirmed membership in another organisation}`` for ``person_ids``."""
    out: dict[int, Membership] = {}
    ids = list(dict.fromkeys(person_ids))
    for i in range(0, len(ids), 900):
        for m in session.scalars(select(Membership).where(
                Membership.person_id.in_(ids[i:i + 900]), Membership.status == "confirmed",
                Membership.organization_id != organization_id)):
            out[m.person_id] = m
    return out


def pending_elsewhere(session: Session, membership: Membership) -> list[str]:
    """Names of the villages where the person of ``membership`` is a pending candidate."""
    stmt = (select(Area.name).select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Area, Area.id == Organization.area_id)
            .where(Membership.person_id == membership.person_id, Membership.status == "pending",
                   Membership.organization_id != membership.organization_id))
    return list(session.scalars(stmt))


def village_name(session: Session, organization_id: int) -> str:
    org = session.get(Organization, organization_id)
    return f"{org.area.name}（{org.area_code}）"


def check_hand_over(session: Session, candidate: Membership, other: Membership, effective: dt.date) -> None:
    """Refuse before anything changes: the other village's roster is under town review (F-09), or
    its membership started after the new one would (the days would overlap or leave a gap)."""
    check_unlocked(session, session.get(Organization, other.organization_id))
    start = other.confirmed_at or other.acquired_at
    if start is not None and effective < start:
        raise DomainError("membership.handover_date",
                          f"新成员身份的生效日期 {effective.isoformat()} 早于此人在"
                          f"{village_name(session, other.organization_id)}取得成员身份的日期 {start.isoformat()}",
                          rule="M-15")


def hand_over(session: Session, candidate: Membership, effective: dt.date, *, actor, today: dt.date,
              other=_MISSING) -> dict:
    """M-15: end the person's confirmed membership elsewhere because ``candidate`` is confirmed on
    ``effective``. Returns the audit details for the candidate's side ({} when there is none)."""
    if other is _MISSING:
        other = active_elsewhere(session, [candidate.person_id], candidate.organization_id).get(candidate.person_id)
    if other is None:
        return {}
    check_hand_over(session, candidate, other, effective)
    here = village_name(session, candidate.organization_id)
    transition(session, other, END, actor=actor, today=today, consequence=True, ground="other_membership",
               lost_at=effective, ended_by=candidate,
               evidence=f"经{here}成员大会决议（{effective.isoformat()}）确认为该组织成员",
               note=_note(candidate))
    return {"supersedes_membership_id": other.id, "supersedes_village": village_name(session, other.organization_id),
            "handover": "M-15"}


def _note(candidate: Membership) -> str:
    ground = ACQUISITION_GROUND.label(candidate.acquisition_ground) or ""
    return f"取得其他集体经济组织成员身份（{ground}）" if ground else "取得其他集体经济组织成员身份"


# --- "active on day D" ----------------------------------------------------------------------------------

def active_on_clause(day: dt.date):
    """SQL condition: the membership was active on ``day`` (see the module docstring)."""
    start = func.coalesce(Membership.confirmed_at, Membership.acquired_at)
    ever_confirmed = or_(Membership.status.in_(("confirmed", "lost", "withdrawn")),
                         and_(Membership.status == "disputed", Membership.confirmed_at.is_not(None)))
    return and_(ever_confirmed, or_(start.is_(None), start <= day),
                or_(Membership.lost_at.is_(None), Membership.lost_at > day))


def active_memberships_on(session: Session, person_id: int, day: dt.date) -> list[Membership]:
    """Every membership of the person that was active on ``day`` (M-15: at most one)."""
    return list(session.scalars(select(Membership).where(Membership.person_id == person_id,
                                                         active_on_clause(day)).order_by(Membership.id)))
