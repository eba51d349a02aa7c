"""Holders and their units as the roster and the share register know them (S-04..S-06, S-13).

``roster_households``: the village's households with their current members and the roster's per-person
人口股/农龄股/股份合计 summed per household (the register import compares with it). ``units_as_of``: the
entitled units of every holder on a record date — from the share register when one is held, otherwise
from the roster's 股份合计 — plus the Art. 15 grantees with their resolution's units (S-13).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from registry.models import Household, HouseholdMember, Membership, NonMemberGrant, Person
from registry.models.shares import ShareHolding
from registry.services.shares.settings import DEATH_FULL_YEAR, HOUSEHOLD, STATIC, ShareSettings

ZERO = Decimal(0)
#: Roster statuses whose units count in a dynamic collective (and for a person holder).
ACTIVE = ("confirmed", "disputed")


@dataclass
class RosterHousehold:
    id: int
    number: str
    head_name: str = ""
    member_ids: set[str] = field(default_factory=set)  # ID numbers of the current members
    population: Decimal = ZERO
    farm_age: Decimal = ZERO
    total: Decimal = ZERO


def roster_households(session: Session, organization_id: int) -> dict[str, RosterHousehold]:
    """``{户编号: RosterHousehold}`` of the village's households with their current members."""
    out: dict[str, RosterHousehold] = {}
    for hid, number in session.execute(select(Household.id, Household.number)
                                       .where(Household.organization_id == organization_id)):
        out[number] = RosterHousehold(hid, number)
    by_id = {h.id: h for h in out.values()}
    rows = session.execute(
        select(HouseholdMember.household_id, HouseholdMember.is_head, Person.id_number, Person.name,
               Membership.population_shares, Membership.farm_age_shares, Membership.total_shares)
        .join(Person, Person.id == HouseholdMember.person_id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .outerjoin(Membership, and_(Membership.person_id == Person.id,
                                    Membership.organization_id == organization_id))
        .where(Household.organization_id == organization_id, HouseholdMember.valid_to.is_(None)))
    for hid, is_head, id_number, name, pop, farm, total in rows:
        h = by_id[hid]
        h.member_ids.add(id_number)
        if is_head:
            h.head_name = name
        h.population += pop or ZERO
        h.farm_age += farm or ZERO
        h.total += total or ZERO
    return out


class HolderUnits(NamedTuple):
    """One holder's entitled holdings on a record date: ``code`` (户编号 or ID number) orders the ties of
    S-12; ``parts`` lists (share type, units)."""

    code: str
    name: str
    household_id: int | None
    person_id: int | None
    parts: tuple[tuple[str, Decimal], ...]


def holdings_on(session: Session, organization_id: int, day: dt.date):
    """Holdings valid on ``day`` (half-open: ``valid_from <= day < valid_to``)."""
    return select(ShareHolding).where(
        ShareHolding.organization_id == organization_id, ShareHolding.valid_from <= day,
        or_(ShareHolding.valid_to.is_(None), ShareHolding.valid_to > day))


def has_register(session: Session, organization_id: int) -> bool:
    return session.scalar(select(ShareHolding.id).where(ShareHolding.organization_id == organization_id)
                          .limit(1)) is not None


def units_as_of(session: Session, organization_id: int, day: dt.date,
                settings: ShareSettings) -> tuple[str, list[HolderUnits]]:
    """``(source, holders)``: ``source`` "holdings" (the share register) or "roster" (股份合计 per
    household or person when no register is held). Art. 15 grantees are added (S-13)."""
    if has_register(session, organization_id):
        source, holders = "holdings", _from_holdings(session, organization_id, day)
    else:
        source, holders = "roster", _from_roster(session, organization_id, day, settings)
    return source, holders + _grantees(session, organization_id, day)


def _from_holdings(session: Session, organization_id: int, day: dt.date) -> list[HolderUnits]:
    # Core columns of the table on the session's connection: plain rows, no ORM result for 200,000 holdings.
    t = ShareHolding.__table__
    stmt = select(t.c.household_id, t.c.person_id, t.c.share_type, t.c.units).where(
        t.c.organization_id == organization_id, t.c.valid_from <= day,
        or_(t.c.valid_to.is_(None), t.c.valid_to > day))
    parts: dict[tuple[int | None, int | None], list[tuple[str, Decimal]]] = {}
    setdefault = parts.setdefault
    session.flush()  # the connection's rows below do not autoflush
    for hid, pid, share_type, units in session.connection().execute(stmt).all():  # Core rows, one fetch
        setdefault((hid, pid), []).append((share_type, units))
    households = households_of(session, organization_id)
    persons = {}
    person_ids = [p for _, p in parts if p is not None]
    if person_ids:
        persons = {pid: (idn, name) for pid, idn, name in session.execute(
            select(Person.id, Person.id_number, Person.name)
            .join(ShareHolding, ShareHolding.person_id == Person.id)
            .where(ShareHolding.organization_id == organization_id).distinct())}
    out = []
    for (hid, pid), items in parts.items():
        code, name = households[hid] if hid is not None else persons[pid]
        out.append(HolderUnits(code, name, hid, pid, tuple(items)))
    return out


def households_of(session: Session, organization_id: int) -> dict[int, tuple[str, str]]:
    """``{household id: (户编号, current head's name)}`` of a village, in one query."""
    rows = session.execute(
        select(Household.id, Household.number, Person.name)
        .outerjoin(HouseholdMember, and_(HouseholdMember.household_id == Household.id,
                                         HouseholdMember.is_head.is_(True),
                                         HouseholdMember.valid_to.is_(None)))
        .outerjoin(Person, Person.id == HouseholdMember.person_id)
        .where(Household.organization_id == organization_id))
    return {hid: (number, name or "") for hid, number, name in rows}


def _from_roster(session: Session, organization_id: int, day: dt.date,
                 settings: ShareSettings) -> list[HolderUnits]:
    """The roster's 人口股/农龄股 (the 股份合计 when both are blank) per household or person. Static (S-05):
    a household keeps the units of members who died or left (生不增、死不减); dynamic, and per person:
    only confirmed (or disputed) members count, and a member who died in the record year counts when the
    charter's S-16 treatment is ``full_year``."""
    rows = session.execute(
        select(Membership.household_id, Membership.person_id, Membership.status, Membership.lost_at,
               Membership.loss_ground, Membership.population_shares, Membership.farm_age_shares,
               Membership.total_shares, Person.id_number, Person.name)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.organization_id == organization_id, Membership.total_shares > 0))
    per_household = settings.holder_unit == HOUSEHOLD
    keeps_leavers = per_household and settings.management == STATIC
    grouped: dict[tuple[str, int], dict[str, Decimal]] = {}
    people: dict[int, tuple[str, str]] = {}
    for hid, pid, status, lost_at, ground, pop, farm, total, id_number, name in rows:
        if status in ("pending", "rejected"):
            continue
        if status not in ACTIVE and not keeps_leavers:
            died_this_year = ground == "death" and lost_at is not None and lost_at.year == day.year
            if not (died_this_year and settings.death_treatment == DEATH_FULL_YEAR):
                continue
        parts = ({"population": pop, "farm_age": farm} if pop is not None or farm is not None
                 else {"other": total})
        if per_household and hid is not None:
            key = ("h", hid)
        else:
            key = ("p", pid)
            people[pid] = (id_number, name)
        bucket = grouped.setdefault(key, {})
        for share_type, units in parts.items():
            bucket[share_type] = bucket.get(share_type, ZERO) + (units or ZERO)
    households = households_of(session, organization_id)
    out = []
    for (kind, ident), bucket in grouped.items():
        parts_t = tuple(sorted(bucket.items()))
        if kind == "h":
            out.append(HolderUnits(*households[ident], ident, None, parts_t))
        else:
            code, name = people[ident]
            out.append(HolderUnits(code, name, None, ident, parts_t))
    return out


def _grantees(session: Session, organization_id: int, day: dt.date) -> list[HolderUnits]:
    """S-13: non-members holding an Art. 15 grant with income distribution and units on ``day``."""
    stmt = (select(NonMemberGrant, Person.id_number, Person.name)
            .join(Person, Person.id == NonMemberGrant.person_id)
            .where(NonMemberGrant.organization_id == organization_id, NonMemberGrant.valid_from <= day,
                   or_(NonMemberGrant.valid_to.is_(None), NonMemberGrant.valid_to > day),
                   NonMemberGrant.units > 0))
    out = []
    for grant, id_number, name in session.execute(stmt):
        if "income_distribution" in grant.right_codes:
            out.append(HolderUnits(id_number, name, None, grant.person_id, (("grant", grant.units),)))
    return out
