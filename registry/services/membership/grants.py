"""Rights granted to a non-member (RCEO Law Art. 15, M-19, A-05, S-13).

A person who is not a member but worked long for the organisation and contributed may be granted
income distribution, services and welfare, or other charter rights (Art. 13 items 7, 9, 10) by a
member-assembly resolution passed by ≥ 3/4 of ALL members (A-05). The grant is recorded with that
resolution; the person does not become a member and gets no vote or election rights — no
Membership is created, the roster does not change."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Membership, NonMemberGrant, Organization, Resolution
from registry.models.lifecycle import GRANT_RIGHTS
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.transitions import check_actor
from registry.services.people import person_for

RIGHT_LABELS = {"income_distribution": "参与收益分配", "services_welfare": "享受集体服务和福利",
                "charter_rights": "章程规定的其他权利"}
assert set(RIGHT_LABELS) == set(GRANT_RIGHTS)
ON_ROSTER = ("pending", "confirmed", "disputed")


def check_grant_resolution(resolution: Resolution | None, organization: Organization) -> Resolution:
    """A-05 / A-09 / A-10: a passed member-assembly ``art15_grant`` resolution of the organisation with
    votes for ≥ ceil(3/4 × all members)."""
    if resolution is None or resolution.organization_id != organization.id or not resolution.passed \
            or resolution.subject != "art15_grant" or resolution.body != "member_assembly":
        raise DomainError("grant.resolution", "须有已通过的成员大会“第十五条非成员享有权利”决议", rule="M-19")
    needed = math.ceil(Fraction(3, 4) * resolution.base_members)
    if resolution.votes_for < needed:
        raise DomainError("grant.threshold", f"赞成票 {resolution.votes_for} 未达到全体成员的四分之三（{needed} 票）",
                          rule="A-05")
    return resolution


def grant_rights(session: Session, organization: Organization, *, resolution: Resolution | None,
                 id_number: str, name: str, rights, reason: str | None, id_type: str = "1",
                 sex: str | None = None, units=None, valid_from: dt.date | None = None,
                 valid_to: dt.date | None = None, actor, today: dt.date | None = None) -> NonMemberGrant:
    """Record an Art. 15 grant to the person with ``id_number`` (created when unknown). Raises
    DomainError: M-19 (a member of this organisation, no right chosen, no reason), A-05 (< 3/4)."""
    today = today or local_today()
    check_actor(organization, actor)
    resolution = check_grant_resolution(resolution, organization)
    codes = [r for r in GRANT_RIGHTS if r in set(rights or ())]
    if not codes or len(codes) != len(set(rights or ())):
        raise DomainError("grant.rights", "请选择授予的权利：参与收益分配、享受集体服务和福利或章程规定的其他权利",
                          rule="M-19")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("grant.reason", "请写明授予理由（长期为本集体经济组织工作并作出贡献）", rule="M-19")
    units = _units(units)
    valid_from = valid_from or resolution.meeting_date
    if valid_from < resolution.meeting_date or (valid_to is not None and valid_to < valid_from):
        raise DomainError("grant.dates", "享有期间不能早于决议日期，结束日期不能早于开始日期")
    person = person_for(session, id_type=id_type, id_number=id_number, name=name, sex=sex, today=today)
    if person.id is not None and session.scalar(select(Membership.id).where(
            Membership.person_id == person.id, Membership.organization_id == organization.id,
            Membership.status.in_(ON_ROSTER))):
        raise DomainError("grant.member", f"{person.name}是本集体经济组织的成员（或待确认人员），不适用第十五条",
                          rule="M-19")
    session.flush()
    grant = NonMemberGrant(organization_id=organization.id, area_code=organization.area_code, person_id=person.id,
                           resolution_id=resolution.id, rights=",".join(codes), units=units, valid_from=valid_from,
                           valid_to=valid_to, reason=reason, created_by_id=getattr(actor, "id", None))
    session.add(grant)
    session.flush()
    audit.record(session, actor=actor, action="grant.recorded", target_type="non_member_grant", target_id=grant.id,
                 area_code=organization.area_code, person_id=person.id, resolution_id=resolution.id, rights=codes,
                 units=units, valid_from=valid_from, valid_to=valid_to, reason=reason, rule="M-19")
    return grant


def _units(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        units = Decimal(str(value))
    except InvalidOperation:
        raise DomainError("grant.units", "分配份额应为不小于 0 的数字", rule="S-13") from None
    if units < 0:
        raise DomainError("grant.units", "分配份额应为不小于 0 的数字", rule="S-13")
    return units


def grants_of(session: Session, organization_id: int) -> list[NonMemberGrant]:
    return list(session.scalars(select(NonMemberGrant).where(NonMemberGrant.organization_id == organization_id)
                                .order_by(NonMemberGrant.valid_from.desc(), NonMemberGrant.id.desc())))
