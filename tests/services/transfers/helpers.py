"""Shared setup of the transfer tests: a village with its roster and land register, and its contracts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from registry.models import Household, LandContract, Parcel
from registry.services.land.importer import import_land
from registry.services.transfers.workflow import act, draft
from tests.conftest import SAMPLES
from tests.services.shares.helpers import TODAY, roster_imported

EFF = TODAY + dt.timedelta(days=10)
VOLUNTARY = {"voluntary_applied": True, "voluntary_applied_on": TODAY, "voluntary_document": "自愿申请书.pdf"}


def village_with_land(db, code: str = "370305100201"):
    org = roster_imported(db, code)
    report = import_land(db.session, (SAMPLES / "rights" / f"land_{code}.xlsx").read_bytes(), org,
                         actor=None, today=TODAY)
    assert report.committed, report.errors[:3]
    db.session.commit()
    return org


def contracts(db, org) -> list[LandContract]:
    """The current contracts with at least two current parcels, in contractor-code order."""
    out = []
    for c in db.session.scalars(select(LandContract).where(LandContract.organization_id == org.id,
                                                           LandContract.valid_to.is_(None))
                                .order_by(LandContract.contractor_code)):
        if len(current_parcels(c)) >= 2:
            out.append(c)
    return out


def current_parcels(contract: LandContract) -> list[Parcel]:
    return [p for p in contract.parcels if p.valid_to is None]


def household_without_land(db, org) -> Household:
    holders = select(LandContract.household_id).where(LandContract.organization_id == org.id)
    return db.session.scalars(select(Household).where(Household.organization_id == org.id,
                                                      Household.id.not_in(holders))
                              .order_by(Household.number)).first()


def land_deal(db, org, type: str, *, giver, parcel, receiver=None, counter=None, day=EFF, **kw):
    """Draft a land transaction (issuer's consent noted, voluntary application signed)."""
    data = {"consent_note": "发包方书面同意（2026-06-01）", **VOLUNTARY, **kw}
    return draft(db.session, org, type=type, actor=None, day=day, household_from_id=giver.household_id,
                 household_to_id=getattr(receiver, "id", receiver), parcel_id=parcel.id,
                 counter_parcel_id=getattr(counter, "id", None), price=Decimal(data.pop("price", "0")),
                 agreement_date=TODAY, **data)


def put_in_effect(db, t, *, on=EFF, day=None):
    act(db.session, t, "consent", actor=None, day=day or on)
    return act(db.session, t, "record", actor=None, day=day or on, effective_on=on)


def first_households(db, org, n: int = 2) -> list[Household]:
    return list(db.session.scalars(select(Household).where(Household.organization_id == org.id)
                                   .order_by(Household.number).limit(n)))


def inherit(db, org, estate, *, units=Decimal(1), **heir):
    """Put a share inheritance of the estate's 人口股 into effect (``household_to_id=`` or ``person_to_id=``)."""
    t = draft(db.session, org, type="share_inheritance", actor=None, day=EFF, household_from_id=estate.id,
              share_type="population", units=units, price=Decimal(0), agreement_date=TODAY, **heir, **VOLUNTARY)
    act(db.session, t, "consent", actor=None, day=EFF)
    act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    return t
