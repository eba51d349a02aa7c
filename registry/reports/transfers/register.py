"""The transaction register (交易登记簿) of a village, a town or the district: rows and totals over the
same filtered statement, both computed in SQL (count, 亩, m², share units, yuan).

Filters: ``type`` and ``state`` codes, and a period on the agreement date (``date_from`` ≤ 协议日期 ≤
``date_to``, both inclusive). The scope is a division-code prefix (``Area.scope_prefix``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from registry.models import Area, AuditEvent, Homestead, Household, Parcel, Person, User
from registry.models.transfers import Transfer

ZERO = Decimal(0)


@dataclass(frozen=True)
class Filters:
    type: str | None = None
    state: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class RegisterRow:
    id: int
    village_code: str
    village_name: str
    journal_no: int | None
    type: str
    state: str
    agreement_date: dt.date
    effective_on: dt.date | None
    from_household: str | None
    from_person: str | None
    to_household: str | None
    to_person: str | None
    share_type: str | None
    parcel_code: str | None
    plot_code: str | None
    units: Decimal | None
    area_mu: Decimal | None
    area_m2: Decimal | None
    price: Decimal


@dataclass(frozen=True)
class Totals:
    count: int
    area_mu: Decimal
    area_m2: Decimal
    units: Decimal
    price: Decimal


def _where(stmt: Select, prefix: str, f: Filters) -> Select:
    stmt = stmt.where(Transfer.area_code.startswith(prefix, autoescape=True))
    if f.type:
        stmt = stmt.where(Transfer.type == f.type)
    if f.state:
        stmt = stmt.where(Transfer.state == f.state)
    if f.date_from:
        stmt = stmt.where(Transfer.agreement_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Transfer.agreement_date <= f.date_to)
    return stmt


_ORDER = (Transfer.area_code, Transfer.agreement_date, Transfer.id)


def register_ids(prefix: str, f: Filters = Filters()) -> Select:
    """The ids of the filtered transactions in the register's order: a page of the register
    (``db.paginate``) is this select's page, then :func:`register_rows` with ``ids``."""
    return _where(select(Transfer.id), prefix, f).order_by(*_ORDER)


def register_rows(session: Session, prefix: str, f: Filters = Filters(), *, limit: int | None = None,
                  ids: list[int] | None = None) -> list[RegisterRow]:
    """The filtered transactions, by village code, agreement date and id (only ``ids`` when given)."""
    hf, ht = aliased(Household), aliased(Household)
    pf, pt = aliased(Person), aliased(Person)
    stmt = (select(Transfer.id, Area.code, Area.name, Transfer.journal_no, Transfer.type, Transfer.state,
                   Transfer.agreement_date, Transfer.effective_on, hf.number, pf.name, ht.number, pt.name,
                   Transfer.share_type, Parcel.code, Homestead.plot_code, Transfer.units, Transfer.area_mu,
                   Transfer.area_m2, Transfer.price)
            .join(Area, Area.code == Transfer.area_code)
            .outerjoin(hf, hf.id == Transfer.household_from_id).outerjoin(ht, ht.id == Transfer.household_to_id)
            .outerjoin(pf, pf.id == Transfer.person_from_id).outerjoin(pt, pt.id == Transfer.person_to_id)
            .outerjoin(Parcel, Parcel.id == Transfer.parcel_id)
            .outerjoin(Homestead, Homestead.id == Transfer.homestead_id))
    stmt = _where(stmt, prefix, f).order_by(*_ORDER)
    if ids is not None:
        stmt = stmt.where(Transfer.id.in_(ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [RegisterRow(*row) for row in session.execute(stmt)]


def register_totals(session: Session, prefix: str, f: Filters = Filters()) -> Totals:
    """Count and sums of the filtered transactions (one aggregate statement)."""
    stmt = select(func.count(Transfer.id), func.coalesce(func.sum(Transfer.area_mu), 0),
                  func.coalesce(func.sum(Transfer.area_m2), 0), func.coalesce(func.sum(Transfer.units), 0),
                  func.coalesce(func.sum(Transfer.price), 0))
    count, mu, m2, units, price = session.execute(_where(stmt, prefix, f)).one()
    return Totals(int(count), Decimal(str(mu)).quantize(Decimal("0.0001")),
                  Decimal(str(m2)).quantize(Decimal("0.01")), Decimal(str(units)).quantize(Decimal("0.0001")),
                  Decimal(str(price)).quantize(Decimal("0.01")))


def party_transfers(session: Session, *, household_id: int | None = None, person_id: int | None = None
                    ) -> list[Transfer]:
    """Every transaction the household or the person is party to (either side), newest first."""
    sides = []
    if household_id is not None:
        sides += [Transfer.household_from_id == household_id, Transfer.household_to_id == household_id]
    if person_id is not None:
        sides += [Transfer.person_from_id == person_id, Transfer.person_to_id == person_id]
    if not sides:
        return []
    return list(session.scalars(select(Transfer).where(or_(*sides))
                                .order_by(Transfer.agreement_date.desc(), Transfer.id.desc())))


def transfer_history(session: Session, transfer_id: int) -> list[tuple[AuditEvent, str | None]]:
    """The transaction's audit events (``transfers.<action>``, old → new state) with the actor's name,
    oldest first."""
    name = func.coalesce(func.nullif(User.display_name, ""), User.username)
    stmt = (select(AuditEvent, name).outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.target_type == "transfer", AuditEvent.target_id == transfer_id)
            .order_by(AuditEvent.at, AuditEvent.id))
    return [(event, who) for event, who in session.execute(stmt)]
