"""Hukou changes (户籍变动): recorded in ``HukouRecord`` only — information, never a switch.

H-01: a hukou change never changes membership or any right; H-02: moving hukou to a town or city is
not a ground for loss; H-06: it may at most raise a non-blocking hint for the clerk (here: consider
the retention flag 进城落户 / 户籍迁出, which does not change the status either, M-11)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import HukouRecord, Membership
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.rules import check_effective_date
from registry.services.membership.transitions import (
    check_actor,
    check_unlocked,
    organization_of,
    roster_changed,
)


@dataclass
class HukouChange:
    record: HukouRecord
    hint: str | None  # H-06: a suggestion for the clerk, never an automatic change


def record_hukou_change(session: Session, membership: Membership, *, place: str | None,
                        in_organization: bool | None, moved_at: dt.date | None, moved_to_town: bool = False,
                        actor, today: dt.date | None = None) -> HukouChange:
    """End the person's current hukou record(s) on ``moved_at`` and add the new one. The membership
    (status, flags, rights) is not touched (H-01). Audited on the membership; the roster's 户籍所在地
    / 是否本村户籍 cells change, so the roster-change rules apply (new draft, notice voided)."""
    today = today or local_today()
    organization = organization_of(session, membership)
    check_actor(organization, actor)
    check_unlocked(session, organization)
    moved_at = check_effective_date(moved_at, today, what="户籍迁移日期")
    place = (place or "").strip() or None
    if place is None and in_organization is None:
        raise DomainError("hukou.empty", "请填写新的户籍所在地或是否本村户籍")
    current = list(session.scalars(select(HukouRecord).where(
        HukouRecord.person_id == membership.person_id, HukouRecord.valid_to.is_(None)).order_by(HukouRecord.id)))
    for record in current:
        record.valid_to = moved_at
    new = HukouRecord(person_id=membership.person_id, place=place, in_organization=in_organization,
                      organization_id=organization.id if in_organization else None, moved_at=moved_at,
                      moved_to_town=bool(moved_to_town))
    session.add(new)
    session.flush()
    old = current[-1] if current else None
    audit.record(session, actor=actor, action="membership.hukou", target_type="membership", target_id=membership.id,
                 area_code=organization.area_code, person_id=membership.person_id,
                 old=old and {"place": old.place, "in_organization": old.in_organization},
                 new={"place": place, "in_organization": in_organization, "moved_to_town": bool(moved_to_town)},
                 moved_at=moved_at, status=membership.status, rule="H-01")
    roster_changed(session, organization, actor=actor, today=today, change="membership.hukou")
    session.flush()
    return HukouChange(new, _hint(membership, in_organization, moved_to_town))


def _hint(membership: Membership, in_organization: bool | None, moved_to_town: bool) -> str | None:
    flag = "hukou_moved_to_town" if moved_to_town else ("hukou_moved_elsewhere" if in_organization is False else None)
    if flag is None or flag in membership.flags:
        return None
    label = "进城落户" if moved_to_town else "户籍迁出"
    return f"成员身份不变（H-01）。如需要，可登记保留情形“{label}”，保留情形也不改变成员身份（M-11）"
