"""Transfer rules through the service (issue 11): S-08, S-10, D-13/D-01, L-13, D-08, the stale draft at the
town's record (§6.3), and the holdings as of the day before / the day of the effective date (§2.9)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Homestead, Household, LandContract, Membership, Transfer
from registry.models.shares import ShareHolding
from registry.services.dividends.rounds import compute
from registry.services.errors import DomainError
from registry.services.land.importer import import_land
from registry.services.shares.importer import import_shares
from registry.services.transfers.workflow import act, draft
from tests.conftest import SAMPLES
from tests.services.homesteads.helpers import village_with_homesteads
from tests.services.shares.helpers import TODAY, resolution, roster_imported, shares_file, use_settings

EFF = TODAY + dt.timedelta(days=10)
VOLUNTARY = {"voluntary_applied": True, "voluntary_applied_on": TODAY, "voluntary_document": "自愿申请书.pdf"}


def _registered(db):
    org = roster_imported(db)
    assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
    db.session.commit()
    return org


def _households(db, org):
    return list(db.session.scalars(select(Household).where(Household.organization_id == org.id)
                                   .order_by(Household.number)))


def _units(db, org, household, day):
    return sum((h.units for h in db.session.scalars(select(ShareHolding).where(
        ShareHolding.organization_id == org.id, ShareHolding.household_id == household.id,
        ShareHolding.valid_from <= day) ) if h.valid_to is None or h.valid_to > day), Decimal(0))


def _share(db, org, seller, buyer, units="1", type="share_transfer", **kw):
    return draft(db.session, org, type=type, actor=None, day=EFF, household_from_id=seller.id,
                 household_to_id=buyer.id if buyer else None, share_type="population", units=Decimal(units),
                 price=Decimal("100.00"), agreement_date=TODAY, **{**VOLUNTARY, **kw})


def test_S08_share_transfer_recorded_holdings_as_of_day_before_and_day_of(db, demo, clock):
    org = _registered(db)
    seller, buyer = _households(db, org)[:2]
    s0, b0 = _units(db, org, seller, EFF), _units(db, org, buyer, EFF)
    t = _share(db, org, seller, buyer)
    act(db.session, t, "consent", actor=None, day=EFF)
    act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    assert (t.state, t.journal_no) == ("recorded", 1)
    before, on = EFF - dt.timedelta(days=1), EFF
    assert (_units(db, org, seller, before), _units(db, org, buyer, before)) == (s0, b0)
    assert (_units(db, org, seller, on), _units(db, org, buyer, on)) == (s0 - 1, b0 + 1)
    # a dividend round on either day counts the units once
    for day in (before, on):
        lines = compute(db.session, org, record_date=day, net_income=Decimal(10000)).to_json()["lines"]
        assert sum(Decimal(str(line["units"])) for line in lines) == sum(
            Decimal(str(line["units"])) for line in compute(db.session, org, record_date=before,
                                                            net_income=Decimal(10000)).to_json()["lines"])
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transfers.record")) is not None
    # a share sale does not end membership
    assert db.session.scalar(select(Membership.id).where(Membership.household_id == seller.id,
                                                         Membership.status == "confirmed").limit(1))


def test_S08_more_than_held_and_second_open_transfer_refused(db, demo, clock):
    org = _registered(db)
    seller, buyer = _households(db, org)[:2]
    with pytest.raises(DomainError) as err:
        _share(db, org, seller, buyer, units="100000")
    assert err.value.rule == "S-08"
    _share(db, org, seller, buyer)
    with pytest.raises(DomainError) as err:
        _share(db, org, seller, buyer)
    assert err.value.code == "transfers.open_same_object"


def test_S10_share_transfer_over_the_cap_refused(db, demo, clock, monkeypatch):
    org = _registered(db)
    seller, buyer = _households(db, org)[:2]
    use_settings(monkeypatch, holding_cap_percent=Decimal("0.5"))
    with pytest.raises(DomainError) as err:
        held = db.session.scalars(select(ShareHolding.units).where(
            ShareHolding.household_id == seller.id, ShareHolding.share_type == "population",
            ShareHolding.valid_to.is_(None))).first()
        _share(db, org, seller, buyer, units=str(held))
    assert err.value.rule == "S-10"


def test_stale_draft_refused_at_the_towns_record_with_what_changed(db, demo, clock):
    org = _registered(db)
    seller, buyer, other = _households(db, org)[:3]
    t = _share(db, org, seller, buyer)
    act(db.session, t, "consent", actor=None, day=EFF)
    db.session.commit()
    # the seller's holding changes after consent (another recorded transfer, simulated directly)
    h = db.session.scalars(select(ShareHolding).where(ShareHolding.household_id == seller.id,
                                                      ShareHolding.share_type == "population")).first()
    h.units += 1
    db.session.commit()
    with pytest.raises(DomainError) as err:
        act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    assert err.value.code == "transfers.stale" and "held" in str(err.value)
    db.session.rollback()
    assert db.session.get(Transfer, t.id).state == "consented"


def test_D08_consent_needs_the_voluntary_application(db, demo, clock):
    org = _registered(db)
    seller, buyer = _households(db, org)[:2]
    t = _share(db, org, seller, buyer, voluntary_applied=False, voluntary_applied_on=None, voluntary_document=None)
    with pytest.raises(DomainError) as err:
        act(db.session, t, "consent", actor=None, day=EFF)
    assert err.value.rule == "D-08"


def _in_use(db, org):
    return list(db.session.scalars(select(Homestead).where(Homestead.organization_id == org.id,
                                                           Homestead.status == "in_use",
                                                           Homestead.valid_to.is_(None)).order_by(Homestead.id)))


def test_D13_D01_homestead_transfer_to_a_household_holding_one_refused(db, demo, clock):
    org = village_with_homesteads(db)
    first, second = _in_use(db, org)[:2]
    with pytest.raises(DomainError) as err:
        draft(db.session, org, type="homestead_transfer", actor=None, day=EFF, household_from_id=first.household_id,
              household_to_id=second.household_id, homestead_id=first.id, price=Decimal(0), agreement_date=TODAY,
              **VOLUNTARY)
    assert err.value.rule == "D-01"
    # D-07: the second household withdraws its homestead to the collective (membership unchanged)
    w = draft(db.session, org, type="homestead_withdrawal", actor=None, day=EFF,
              household_from_id=second.household_id, homestead_id=second.id, price=Decimal("20000.00"),
              agreement_date=TODAY, **VOLUNTARY)
    with pytest.raises(DomainError) as err:
        act(db.session, w, "consent", actor=None, day=EFF)
    assert err.value.rule == "D-07"
    w.resolution_id = resolution(db, org).id
    act(db.session, w, "consent", actor=None, day=EFF)
    act(db.session, w, "record", actor=None, day=EFF, effective_on=EFF)
    assert second.status == "withdrawn_paid" and second.valid_to == EFF
    without = db.session.get(Household, second.household_id)
    t = draft(db.session, org, type="homestead_transfer", actor=None, day=EFF, household_from_id=first.household_id,
              household_to_id=without.id, homestead_id=first.id, price=Decimal("5000.00"), agreement_date=TODAY,
              **VOLUNTARY)
    act(db.session, t, "consent", actor=None, day=EFF)
    act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    assert first.status == "transferred" and first.valid_to == EFF
    assert db.session.scalar(select(Homestead).where(Homestead.household_id == without.id,
                                                     Homestead.valid_to.is_(None))).status == "in_use"


def test_L13_land_transfer_to_another_collective_refused(db, demo, clock):
    org = roster_imported(db, "370305100201")
    other = roster_imported(db, "370305100202")
    report = import_land(db.session, (SAMPLES / "rights" / "land_370305100201.xlsx").read_bytes(), org,
                         actor=None, today=TODAY)
    assert report.committed
    db.session.commit()
    contract = db.session.scalars(select(LandContract).where(LandContract.organization_id == org.id)).first()
    outsider = _households(db, other)[0]
    with pytest.raises(DomainError) as err:
        draft(db.session, org, type="land_transfer", actor=None, day=EFF, household_from_id=contract.household_id,
              household_to_id=outsider.id, parcel_id=contract.parcels[0].id, price=Decimal(0),
              agreement_date=TODAY, consent_note="发包方同意", **VOLUNTARY)
    assert err.value.rule == "L-13"
