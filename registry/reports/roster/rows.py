"""Current roster rows read from the database, in the roster workbook's shape.

One streamed query joins membership, person, household, the person's current household link,
the household head and the current hukou record — no per-row queries. Rows come out as
``(membership_id, {heading: cell text})`` built by ``registry.excel.roster.validate.display_values``,
so the filing snapshot, the export and the import speak the same format."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from registry.excel.roster.validate import display_values
from registry.models import Household, HouseholdMember, HukouRecord, Membership, Organization, Person

ON_ROSTER = ("pending", "confirmed", "disputed")


def iter_roster_rows(session: Session, scope: str | None = None, *, organization_id: int | None = None,
                     with_village_code: bool = False, statuses=ON_ROSTER) -> Iterator[tuple[int, dict]]:
    """Yield ``(membership_id, display row)`` for the memberships of one organisation
    (``organization_id``) or of every organisation whose code starts with ``scope``."""
    link = aliased(HouseholdMember)
    head_link = aliased(HouseholdMember)
    head = aliased(Person)
    # Plain columns, not entities: no identity map, no per-row object construction.
    stmt = (
        select(Membership.id, Membership.group_code, Household.number, head.name, Person.name, Person.sex,
               Person.id_type, Person.id_number, link.relation, Person.birth_date, HukouRecord.place,
               HukouRecord.in_organization, Membership.status, Membership.acquisition_ground,
               Membership.acquired_at, Membership.remark, Membership.population_shares,
               Membership.farm_age_shares, Membership.total_shares, Person.phone, Membership.notes,
               Organization.area_code)
        .join(Person, Person.id == Membership.person_id)
        .join(Organization, Organization.id == Membership.organization_id)
        .outerjoin(Household, Household.id == Membership.household_id)
        .outerjoin(link, and_(link.household_id == Membership.household_id, link.person_id == Membership.person_id,
                              link.valid_to.is_(None)))
        .outerjoin(head_link, and_(head_link.household_id == Membership.household_id, head_link.is_head.is_(True),
                                   head_link.valid_to.is_(None)))
        .outerjoin(head, head.id == head_link.person_id)
        .outerjoin(HukouRecord, and_(HukouRecord.person_id == Membership.person_id, HukouRecord.valid_to.is_(None)))
        .where(Membership.status.in_(statuses))
        .order_by(Organization.area_code, Household.number, link.is_head.desc(), Membership.id)
        .execution_options(yield_per=2000)
    )
    if organization_id is not None:
        stmt = stmt.where(Membership.organization_id == organization_id)
    if scope is not None:
        stmt = stmt.where(Organization.area_code.startswith(scope))
    seq, current_org = 0, None
    for mid, group, number, head_name, *person_and_membership, code in session.execute(stmt):
        seq = seq + 1 if code == current_org else 1
        current_org = code
        values = dict(zip(_KEYS, (seq, group, number, head_name, *person_and_membership, code)))
        yield mid, display_values(values, village_code=with_village_code)


_KEYS = ("seq", "group", "household_no", "head_name", "name", "sex", "id_type", "id_number", "relation",
         "birth_date", "hukou_place", "hukou_in_village", "status", "acquisition_ground", "acquired_at", "remark",
         "population_shares", "farm_age_shares", "total_shares", "phone", "notes", "village_code")
