"""Land contract-right transactions put into effect (issue 11): transfer (L-13), exchange (L-12) and the
voluntary return with 6 months' notice (L-09) — parcels leave and enter contracts with validity dates (the
old row ends the day before the effective date, the new one starts on it), nothing is deleted, a journal
entry and an audit event; the register "as of" the day before and the day of the effective date."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, LandContract, Parcel, Transfer
from registry.reports.land import household_land
from registry.services.errors import DomainError
from registry.services.transfers.land import return_allowed_from
from tests.services.transfers.helpers import (
    EFF,
    TODAY,
    contracts,
    current_parcels,
    household_without_land,
    land_deal,
    put_in_effect,
    village_with_land,
)

BEFORE = EFF - dt.timedelta(days=1)


def _codes(db, household, day):
    land = household_land(db.session, household, day)
    return {p.code for c in land.contracts for p in land.parcels(c)}


def test_L13_land_transfer_in_effect_as_of_the_day_before_and_the_day_of(db, demo, clock):
    org = village_with_land(db)
    giver = contracts(db, org)[0]
    receiver = household_without_land(db, org)
    parcel = current_parcels(giver)[0]
    code, kept = parcel.code, {p.code for p in current_parcels(giver)} - {parcel.code}
    t = land_deal(db, org, "land_transfer", giver=giver, parcel=parcel, receiver=receiver, price="12000.00")
    assert t.area_mu == parcel.contract_area  # a whole parcel
    put_in_effect(db, t)
    db.session.commit()
    assert (t.state, t.journal_no, t.effective_on) == ("recorded", 1, EFF)
    # the old row ends on the effective date (its last day is the day before); nothing is deleted
    rows = db.session.scalars(select(Parcel).where(Parcel.code == code).order_by(Parcel.id)).all()
    assert len(rows) == 2
    old, new = rows
    assert (old.valid_to, new.valid_from, new.valid_to) == (EFF, EFF, None)
    assert "转让" in old.end_ground and "第 1 号" in old.end_ground
    # L-13: the receiver, holding no contract, signs a new one (C.10 200) for the remaining term
    contract = db.session.get(LandContract, new.contract_id)
    assert (contract.household_id, contract.method, contract.term_start, contract.term_end) == (
        receiver.id, "200", EFF, giver.term_end)
    assert contract.contractor_code[:14] == giver.contractor_code[:14]
    # as of the day before and the day of the effective date
    giver_household = giver.household
    assert code in _codes(db, giver_household, BEFORE) and code not in _codes(db, giver_household, EFF)
    assert _codes(db, giver_household, EFF) == kept
    assert _codes(db, receiver, BEFORE) == set() and _codes(db, receiver, EFF) == {code}
    assert giver.valid_to is None  # the giver keeps its other parcels
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transfers.record"))
    assert event.detail["journal_no"] == 1


def test_L13_transfer_refused_without_the_issuers_consent_or_for_part_of_a_parcel(db, demo, clock):
    org = village_with_land(db)
    giver = contracts(db, org)[0]
    receiver = household_without_land(db, org)
    parcel = current_parcels(giver)[0]
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_transfer", giver=giver, parcel=parcel, receiver=receiver, consent_note=None)
    assert (err.value.rule, err.value.code) == ("L-13", "transfers.issuer_consent")
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_transfer", giver=giver, parcel=parcel, receiver=receiver,
                  area_mu=parcel.contract_area / 2)
    assert err.value.code == "transfers.parcel_area"
    with pytest.raises(DomainError) as err:  # not to itself
        land_deal(db, org, "land_transfer", giver=giver, parcel=parcel, receiver=giver.household_id)
    assert err.value.rule == "L-13"


def test_L12_exchange_moves_both_parcels_between_contractors_of_the_collective(db, demo, clock):
    org = village_with_land(db)
    first, second = contracts(db, org)[:2]
    given, taken = current_parcels(first)[0], current_parcels(second)[0]
    # the parcel taken back must be the other contractor's
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_exchange", giver=first, parcel=given, receiver=second.household_id,
                  counter=current_parcels(first)[1])
    assert (err.value.rule, err.value.code) == ("L-12", "transfers.counter_not_held")
    # only between contractors
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_exchange", giver=first, parcel=given, receiver=household_without_land(db, org),
                  counter=taken)
    assert err.value.rule == "L-12"
    t = land_deal(db, org, "land_exchange", giver=first, parcel=given, receiver=second.household_id, counter=taken)
    # the parcel taken back is the object of the open exchange too
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_transfer", giver=second, parcel=taken, receiver=household_without_land(db, org))
    assert err.value.code == "transfers.open_same_object"
    put_in_effect(db, t)
    db.session.commit()
    assert given.code in _codes(db, second.household, EFF) and given.code not in _codes(db, first.household, EFF)
    assert taken.code in _codes(db, first.household, EFF) and taken.code not in _codes(db, second.household, EFF)
    assert given.code in _codes(db, first.household, BEFORE) and taken.code in _codes(db, second.household, BEFORE)
    assert (given.valid_to, taken.valid_to) == (EFF, EFF)
    assert "互换" in given.end_ground


def test_L09_return_takes_effect_6_months_after_the_written_notice(db, demo, clock):
    assert return_allowed_from(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
    org = village_with_land(db)
    giver = contracts(db, org)[0]
    parcels = current_parcels(giver)
    notice = TODAY
    earliest = return_allowed_from(notice)
    assert earliest == dt.date(2026, 12, 15)
    returns = [land_deal(db, org, "land_return", giver=giver, parcel=p, notice_on=notice, price="3000.00",
                         consent_note=None) for p in parcels]
    db.session.commit()
    ids, first = [t.id for t in returns], returns[0]
    act_day = earliest - dt.timedelta(days=1)
    with pytest.raises(DomainError) as err:
        put_in_effect(db, first, on=act_day)
    assert (err.value.rule, err.value.code) == ("L-09", "transfers.return_notice_period")
    db.session.rollback()
    for i in ids:
        put_in_effect(db, db.session.get(Transfer, i), on=earliest)
    db.session.commit()
    # every parcel ended, none deleted; the contract left without a parcel ends the same day
    assert all(p.valid_to == earliest and "自愿交回" in p.end_ground for p in parcels)
    assert db.session.scalar(select(func.count(Parcel.id)).where(Parcel.contract_id == giver.id)) == len(parcels)
    assert giver.valid_to == earliest and "自愿交回" in giver.end_ground
    assert _codes(db, giver.household, earliest - dt.timedelta(days=1)) == {p.code for p in parcels}
    assert _codes(db, giver.household, earliest) == set()
    # L-09: no new contract land for that household in the same term
    other = contracts(db, org)[0]
    with pytest.raises(DomainError) as err:
        land_deal(db, org, "land_transfer", giver=other, parcel=current_parcels(other)[0],
                  receiver=giver.household_id, day=earliest)
    assert (err.value.rule, err.value.code) == ("L-09", "transfers.recipient_returned")
