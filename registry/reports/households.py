"""Read-only household queries for the change screens: select choices and one household's members."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from registry.models import Household, HouseholdMember, Membership, Person


def household_choices(session: Session, organization_id: int, *, exclude: int | None = None) -> list[tuple[str, str]]:
    """``[(household id, "0001 张三")]`` for every household of the organisation, by number."""
    head = aliased(HouseholdMember)
    stmt = (select(Household.id, Household.number, Person.name)
            .outerjoin(head, and_(head.household_id == Household.id, head.is_head.is_(True), head.valid_to.is_(None)))
            .outerjoin(Person, Person.id == head.person_id)
            .where(Household.organization_id == organization_id).order_by(Household.number))
    return [(str(hid), f"{number} {name or ''}".strip()) for hid, number, name in session.execute(stmt)
            if hid != exclude]


@dataclass
class HouseholdRow:
    link: HouseholdMember
    person: Person
    membership: Membership | None


def household_rows(session: Session, household: Household) -> list[HouseholdRow]:
    """The household's current members (head first) with their membership in its organisation."""
    stmt = (select(HouseholdMember, Person, Membership)
            .join(Person, Person.id == HouseholdMember.person_id)
            .outerjoin(Membership, and_(Membership.person_id == Person.id,
                                        Membership.organization_id == household.organization_id))
            .where(HouseholdMember.household_id == household.id, HouseholdMember.valid_to.is_(None))
            .order_by(HouseholdMember.is_head.desc(), HouseholdMember.relation, Person.id))
    return [HouseholdRow(link, person, m) for link, person, m in session.execute(stmt)]


def member_choices(rows: list[HouseholdRow], *, heads: bool = False) -> list[tuple[str, str]]:
    """``[(membership id, name)]`` of the rows with a membership here (heads left out unless asked)."""
    return [(str(r.membership.id), r.person.name) for r in rows
            if r.membership is not None and (heads or not r.link.is_head)]
