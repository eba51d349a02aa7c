"""Collective household changes (M-25, M-26): a new household split off (分户), the head changed
(typically after the head's death), a member moved to another household of the same village.

Every household keeps exactly one current head (the partial unique index
``uq_household_members_one_head`` backs it: links are demoted or ended and flushed before a new head
is set). Links are ended (``valid_to``), never deleted, so a past roster can be rebuilt. Each moved or
re-related member gets an audit event on its membership; the roster-change rules apply."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import HEAD_RELATIONS, RELATION
from registry.models import Household, HouseholdMember, Membership, Organization
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.rules import check_effective_date
from registry.services.membership.transitions import check_actor, check_unlocked, roster_changed
from registry.services.people import current_head, current_link, current_links

HEAD = "02"


def _begin(session, organization, actor, on_date, today):
    today = today or local_today()
    check_actor(organization, actor)
    check_unlocked(session, organization)
    return today, check_effective_date(on_date or today, today, what="变动日期")


def _relation(code: str | None) -> str:
    relation = RELATION.lookup(code)
    if relation is None:
        raise DomainError("household.relation", "请选择与户主关系（GB/T 4761）", rule="M-25")
    return relation


def _membership_in(session, organization: Organization, membership_id: int) -> Membership:
    m = session.get(Membership, membership_id)
    if m is None or m.organization_id != organization.id:
        raise DomainError("membership.not_found", "本村名册中没有这位成员")
    return m


def _link(session, household_id: int, person_id: int, relation: str, on_date: dt.date) -> HouseholdMember:
    """A current link; an ended link of the same person and household is reopened (one row per pair)."""
    link = session.scalar(select(HouseholdMember).where(HouseholdMember.household_id == household_id,
                                                        HouseholdMember.person_id == person_id))
    if link is None:
        link = HouseholdMember(household_id=household_id, person_id=person_id)
        session.add(link)
    link.relation, link.is_head, link.valid_from, link.valid_to = relation, relation in HEAD_RELATIONS, on_date, None
    return link


def _audit(session, actor, organization, m: Membership, *, change: str, old, new, on_date, rule="M-25"):
    audit.record(session, actor=actor, action="membership.household", target_type="membership", target_id=m.id,
                 area_code=organization.area_code, person_id=m.person_id, change=change, old=old, new=new,
                 on_date=on_date, rule=rule)


def split_household(session: Session, organization: Organization, household: Household,
                    movers: list[tuple[int, str]], new_number: str, *, on_date: dt.date | None = None,
                    actor, today: dt.date | None = None) -> Household:
    """分户: ``movers`` = ``[(membership id, relation to the new head)]`` leave ``household`` for a new
    household ``new_number``; exactly one of them is its head (relation 01/02). The old head stays,
    with at least one member (M-26)."""
    today, on_date = _begin(session, organization, actor, on_date, today)
    if household.organization_id != organization.id:
        raise DomainError("household.not_found", "本村没有这一户")
    number = (new_number or "").strip()
    if not (number.isdigit() and len(number) <= 4):
        raise DomainError("household.invalid", "新户的户编号应为 4 位数字")
    number = number.zfill(4)
    if session.scalar(select(Household.id).where(Household.organization_id == organization.id,
                                                 Household.number == number)):
        raise DomainError("household.exists", f"户编号 {number} 已存在")
    moving = [(_membership_in(session, organization, mid), _relation(rel)) for mid, rel in movers]
    if not moving:
        raise DomainError("household.no_movers", "请选择分出的成员")
    if sum(1 for _, rel in moving if rel in HEAD_RELATIONS) != 1:
        raise DomainError("household.no_head", "分出的新户须有且只有一名户主", rule="M-25")
    links = {link.person_id: link for link in current_links(session, household.id)}
    for m, _ in moving:
        link = links.get(m.person_id)
        if link is None:
            raise DomainError("household.not_member", f"{m.person.name}不在户 {household.number} 中")
        if link.is_head:
            raise DomainError("household.head_leaves", "原户主不能分出；请先变更原户户主", rule="M-25")
    if len(links) - len(moving) < 1:
        raise DomainError("household.empty", "原户至少要留下一名成员", rule="M-26")
    new = Household(organization_id=organization.id, number=number, group_code=household.group_code)
    session.add(new)
    session.flush()
    for m, relation in moving:
        old = links[m.person_id]
        old.valid_to, old.is_head = on_date, False
        session.flush()
        _link(session, new.id, m.person_id, relation, on_date)
        m.household_id = new.id
        _audit(session, actor, organization, m, change="split", on_date=on_date,
               old={"household": household.number, "relation": old.relation},
               new={"household": number, "relation": relation})
    roster_changed(session, organization, actor=actor, today=today, change="household.split")
    session.flush()
    return new


def change_head(session: Session, organization: Organization, household: Household, new_head_membership_id: int,
                *, old_head_relation: str | None = None, relations: dict[int, str] | None = None,
                on_date: dt.date | None = None, actor, today: dt.date | None = None) -> HouseholdMember:
    """Make a member of ``household`` its head (relation 02). The old head's link ends when the old
    head is no longer an active member here (death, …); otherwise the old head takes
    ``old_head_relation``. ``relations`` (membership id → code) updates the others' relation to the
    new head."""
    today, on_date = _begin(session, organization, actor, on_date, today)
    new_head = _membership_in(session, organization, new_head_membership_id)
    link = current_link(session, new_head.person_id, household.id)
    if household.organization_id != organization.id or link is None:
        raise DomainError("household.not_member", "新户主须为本户现有成员")
    if link.is_head:
        raise DomainError("household.already_head", "此人已是户主")
    old = current_head(session, household.id)
    if old is not None:
        old_m = session.scalar(select(Membership).where(Membership.person_id == old.person_id,
                                                        Membership.organization_id == organization.id))
        before = {"household": household.number, "relation": old.relation}
        if old_m is None or old_m.status in ("lost", "withdrawn", "rejected"):
            old.valid_to, old.is_head = on_date, False  # the departed head leaves the household
            after = None
        else:
            relation = _relation(old_head_relation)
            if relation in HEAD_RELATIONS:
                raise DomainError("household.multiple_heads", "原户主的新关系不能是户主", rule="M-25")
            old.relation, old.is_head = relation, False
            after = {"household": household.number, "relation": relation}
        session.flush()
        if old_m is not None:
            _audit(session, actor, organization, old_m, change="head_change", old=before, new=after, on_date=on_date)
    before = link.relation
    link.relation, link.is_head = HEAD, True
    _audit(session, actor, organization, new_head, change="head_change", on_date=on_date,
           old={"household": household.number, "relation": before}, new={"household": household.number,
                                                                              "relation": HEAD})
    for mid, code in (relations or {}).items():
        m = _membership_in(session, organization, mid)
        other = current_link(session, m.person_id, household.id)
        relation = _relation(code)
        if other is None or other.id == link.id or relation in HEAD_RELATIONS or other.relation == relation:
            continue
        _audit(session, actor, organization, m, change="relation", on_date=on_date,
               old={"household": household.number, "relation": other.relation},
               new={"household": household.number, "relation": relation})
        other.relation = relation
    roster_changed(session, organization, actor=actor, today=today, change="household.head")
    session.flush()
    return link


def move_member(session: Session, membership: Membership, target: Household, relation: str, *,
                on_date: dt.date | None = None, actor, today: dt.date | None = None) -> HouseholdMember:
    """Move a member to another household of the same village with ``relation`` to its head. A head
    moves only as the last member of the old household; the target keeps exactly one head (M-25)."""
    organization = session.get(Organization, membership.organization_id)
    today, on_date = _begin(session, organization, actor, on_date, today)
    relation = _relation(relation)
    if target.organization_id != organization.id:
        raise DomainError("household.other_village", "只能在本村的户之间迁移", rule="M-25")
    if target.id == membership.household_id:
        raise DomainError("household.same", "已在该户中")
    old = current_link(session, membership.person_id, membership.household_id)
    source = session.get(Household, membership.household_id) if membership.household_id else None
    if old is not None and old.is_head and len(current_links(session, old.household_id)) > 1:
        raise DomainError("household.head_leaves", "户主迁出前须先变更该户户主", rule="M-25")
    head = current_head(session, target.id)
    if (relation in HEAD_RELATIONS) == (head is not None):
        raise DomainError("household.multiple_heads" if head else "household.no_head",
                          f"户 {target.number} 已有户主" if head else f"户 {target.number} 没有户主，迁入者须为户主",
                          rule="M-25")
    if old is not None:
        old.valid_to, old.is_head = on_date, False
        session.flush()
    link = _link(session, target.id, membership.person_id, relation, on_date)
    membership.household_id = target.id
    _audit(session, actor, organization, membership, change="move", on_date=on_date,
           old=source and {"household": source.number, "relation": old.relation if old else None},
           new={"household": target.number, "relation": relation})
    roster_changed(session, organization, actor=actor, today=today, change="household.move")
    session.flush()
    return link
