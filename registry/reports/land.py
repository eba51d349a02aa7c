"""Read models of the land contract register (issue 15 item 7): a household's contract with its parcels,
co-holders and circulations as of a date; the rights a person holds or co-holds; the rights overview of a
village, a town or the district by SQL aggregation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import (
    Area,
    Circulation,
    CirculationParcel,
    CoHolder,
    Household,
    LandContract,
    Organization,
    Parcel,
)

__all__ = ["HouseholdLand", "household_land", "person_rights", "rights_overview", "OverviewRow"]


def _valid_on(model, day: dt.date):
    """A record in force on ``day``: begun (or no start recorded) and not yet ended."""
    return and_(or_(model.valid_from.is_(None), model.valid_from <= day),
                or_(model.valid_to.is_(None), model.valid_to > day))


@dataclass
class HouseholdLand:
    """A household's contracts as of ``as_of`` (None: today's register, ended records included as history)."""

    contracts: list[LandContract] = field(default_factory=list)
    as_of: dt.date | None = None

    def parcels(self, contract: LandContract) -> list[Parcel]:
        return [p for p in contract.parcels if self._in_force(p)]

    def coholders(self, contract: LandContract) -> list[CoHolder]:
        return [h for h in contract.coholders if self._in_force(h)]

    def circulations(self, contract: LandContract) -> list[Circulation]:
        if self.as_of is None:
            return list(contract.circulations)
        return [z for z in contract.circulations if z.starts_on <= self.as_of <= z.ends_on
                and (z.valid_to is None or z.valid_to > self.as_of)]

    def _in_force(self, record) -> bool:
        if self.as_of is None:
            return True
        return ((record.valid_from is None or record.valid_from <= self.as_of)
                and (record.valid_to is None or record.valid_to > self.as_of))


def household_land(session: Session, household: Household, as_of: dt.date | None = None) -> HouseholdLand:
    stmt = (select(LandContract).where(LandContract.household_id == household.id)
            .options(selectinload(LandContract.parcels), selectinload(LandContract.representative),
                     selectinload(LandContract.coholders).selectinload(CoHolder.person),
                     selectinload(LandContract.circulations).selectinload(Circulation.parcel_links)
                     .selectinload(CirculationParcel.parcel))
            .order_by(LandContract.contractor_code))
    if as_of is not None:
        stmt = stmt.where(_valid_on(LandContract, as_of))
    return HouseholdLand(list(session.scalars(stmt)), as_of)


def person_rights(session: Session, person_id: int) -> list[tuple[LandContract, CoHolder | None]]:
    """The current contracts the person represents or is listed on (co-holder flag, L-06), with the
    co-holder row (None when only the representative)."""
    listed = session.execute(
        select(LandContract, CoHolder).join(CoHolder, CoHolder.contract_id == LandContract.id)
        .where(CoHolder.person_id == person_id, CoHolder.valid_to.is_(None), LandContract.valid_to.is_(None))
        .options(selectinload(LandContract.household))).all()
    out = [(c, h) for c, h in listed]
    seen = {c.id for c, _h in out}
    for c in session.scalars(select(LandContract).where(LandContract.representative_id == person_id,
                                                        LandContract.valid_to.is_(None))):
        if c.id not in seen:
            out.append((c, None))
    return out


def _mu(value) -> Decimal:
    """A summed area as 亩 with 4 decimals (SQLite sums Numeric as floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


@dataclass
class OverviewRow:
    """One line of the rights overview (a village, or a town in a district's overview)."""

    code: str
    name: str
    households: int = 0
    contracts: int = 0
    parcels: int = 0
    contract_area: Decimal = Decimal(0)
    measured_area: Decimal = Decimal(0)
    circulated: dict[str, Decimal] = field(default_factory=dict)  # 亩 by method

    @property
    def circulated_total(self) -> Decimal:
        return sum(self.circulated.values(), Decimal(0))


def rights_overview(session: Session, area: Area, *, as_of: dt.date) -> tuple[list[OverviewRow], OverviewRow]:
    """Rows per village (a village or town area) or per town (the district), and the total: households
    with land, contracts, parcels, contract and measured 亩, circulated 亩 by method (circulations in force
    on ``as_of``). Every figure is a GROUP BY in the database."""
    scope = area.scope_prefix
    width = 12 if area.level in ("village", "town") else 9
    unit = func.substr(Organization.area_code, 1, width)
    in_scope = Organization.area_code.startswith(scope)
    current = LandContract.valid_to.is_(None)
    rows: dict[str, OverviewRow] = {}
    names = dict(session.execute(select(Area.code, Area.name).where(
        Area.code.startswith(scope), Area.level == ("village" if width == 12 else "town"))).all())

    def row(key: str) -> OverviewRow:
        code = key.ljust(12, "0")
        return rows.setdefault(code, OverviewRow(code, names.get(code, code)))

    for key, households, contracts in session.execute(
            select(unit, func.count(distinct(LandContract.household_id)), func.count(LandContract.id))
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(in_scope, current).group_by(unit)):
        r = row(key)
        r.households, r.contracts = households, contracts
    for key, parcels, contract_area, measured in session.execute(
            select(unit, func.count(Parcel.id), func.sum(Parcel.contract_area),
                   func.sum(Parcel.measured_area))
            .join(LandContract, LandContract.id == Parcel.contract_id)
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(in_scope, current, Parcel.valid_to.is_(None)).group_by(unit)):
        r = row(key)
        r.parcels, r.contract_area, r.measured_area = parcels, _mu(contract_area), _mu(measured)
    active = and_(Circulation.valid_to.is_(None), Circulation.starts_on <= as_of,
                  Circulation.ends_on >= as_of)
    for key, method, area_mu in session.execute(
            select(unit, Circulation.method, func.sum(Circulation.area))
            .join(LandContract, LandContract.id == Circulation.contract_id)
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(in_scope, current, active).group_by(unit, Circulation.method)):
        row(key).circulated[method] = _mu(area_mu)
    ordered = [rows[k] for k in sorted(rows)]
    total = OverviewRow(area.code, area.name)
    for r in ordered:
        total.households += r.households
        total.contracts += r.contracts
        total.parcels += r.parcels
        total.contract_area += r.contract_area
        total.measured_area += r.measured_area
        for method, mu in r.circulated.items():
            total.circulated[method] = total.circulated.get(method, Decimal(0)) + mu
    return ordered, total

