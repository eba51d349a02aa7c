"""Share units by area, rounds with totals, holder histories (read-only; no HTML, no Excel)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry.models import Area, Membership, Organization
from registry.models.shares import DividendLine, DividendRound, ShareHolding

ZERO = Decimal(0)


@dataclass
class VillageUnits:
    code: str
    name: str
    town: str
    holders: int = 0
    units: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.units.values(), ZERO)


def units_by_village(session: Session, prefix: str, day: dt.date) -> list[VillageUnits]:
    """Units held on ``day`` per share type for every village whose code starts with ``prefix`` (a
    village, a town or the district), in code order; villages without a register are listed with 0."""
    town = Area.__table__.alias("town")
    villages: dict[int, VillageUnits] = {}
    for org_id, code, name, town_name in session.execute(
            select(Organization.id, Area.code, Area.name, town.c.name)
            .join(Area, Area.id == Organization.area_id).outerjoin(town, town.c.id == Area.parent_id)
            .where(Organization.area_code.startswith(prefix, autoescape=True)).order_by(Area.code)):
        villages[org_id] = VillageUnits(code, name, town_name or "")
    if not villages:
        return []
    valid = (ShareHolding.valid_from <= day,
             or_(ShareHolding.valid_to.is_(None), ShareHolding.valid_to > day),
             ShareHolding.area_code.startswith(prefix, autoescape=True))
    for org_id, share_type, units in session.execute(
            select(ShareHolding.organization_id, ShareHolding.share_type, func.sum(ShareHolding.units))
            .where(*valid).group_by(ShareHolding.organization_id, ShareHolding.share_type)):
        villages[org_id].units[share_type] = Decimal(units)
    holder = func.coalesce(ShareHolding.household_id * 2, ShareHolding.person_id * 2 + 1)
    for org_id, holders in session.execute(
            select(ShareHolding.organization_id, func.count(func.distinct(holder)))
            .where(*valid).group_by(ShareHolding.organization_id)):
        villages[org_id].holders = holders
    return list(villages.values())


@dataclass
class RoundTotals:
    round: DividendRound
    lines: int
    paid_out: Decimal


#: Rounds whose lines are payments (town recorded, paid, closed); a draft or a round only linked to its plan
#: may still change or be cancelled, so it is not shown to or for a holder as a payment.
PAYMENT_STATES = ("town_recorded", "paid", "closed")


def rounds_with_totals(session: Session, organization_id: int) -> list[RoundTotals]:
    """The village's rounds, newest record date first, with their line count and Σ amounts."""
    totals = dict((rid, (n, s)) for rid, n, s in session.execute(
        select(DividendLine.round_id, func.count(), func.sum(DividendLine.amount))
        .join(DividendRound, DividendRound.id == DividendLine.round_id)
        .where(DividendRound.organization_id == organization_id).group_by(DividendLine.round_id)))
    rounds = session.scalars(select(DividendRound).where(DividendRound.organization_id == organization_id)
                             .order_by(DividendRound.record_date.desc(), DividendRound.id.desc()))
    return [RoundTotals(r, totals.get(r.id, (0, ZERO))[0], Decimal(totals.get(r.id, (0, ZERO))[1] or 0))
            for r in rounds]


def holder_history(session: Session, organization_id: int, *, household_id: int | None = None,
                   person_id: int | None = None) -> tuple[list[ShareHolding], list]:
    """Every holding of the holder (ended ones too, by start date) and every payment line with its round
    (``[(DividendRound, DividendLine)]``, rounds in :data:`PAYMENT_STATES` only)."""
    if household_id:
        holder_h = ShareHolding.household_id == household_id
        holder_l = DividendLine.household_id == household_id
    else:
        holder_h, holder_l = ShareHolding.person_id == person_id, DividendLine.person_id == person_id
    holdings = list(session.scalars(
        select(ShareHolding).where(ShareHolding.organization_id == organization_id, holder_h)
        .order_by(ShareHolding.valid_from, ShareHolding.share_type, ShareHolding.id)))
    payments = list(session.execute(
        select(DividendRound, DividendLine).join(DividendLine, DividendLine.round_id == DividendRound.id)
        .where(DividendRound.organization_id == organization_id, holder_l,
               DividendRound.state.in_(PAYMENT_STATES))
        .order_by(DividendRound.record_date.desc())).all())
    return holdings, payments


def member_payments(session: Session, membership: Membership) -> list[tuple[DividendRound, DividendLine]]:
    """The lines that paid this person: their own line (per-person holding, Art. 15) or their household's,
    of rounds in :data:`PAYMENT_STATES` (drafts and cancelled rounds are not payments)."""
    conditions = [DividendLine.person_id == membership.person_id]
    if membership.household_id is not None:
        conditions.append(DividendLine.household_id == membership.household_id)
    return list(session.execute(
        select(DividendRound, DividendLine).join(DividendLine, DividendLine.round_id == DividendRound.id)
        .where(DividendRound.organization_id == membership.organization_id, or_(*conditions),
               DividendRound.state.in_(PAYMENT_STATES))
        .order_by(DividendRound.record_date.desc())).all())
