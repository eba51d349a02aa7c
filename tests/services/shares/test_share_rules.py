"""Share rules through the services: S-04 (dynamic adjustment with its resolution), S-05 (static: life
events change no holding), S-06 (holder unit), S-10 (holding cap), record-date validity."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.models import Household, Membership, Person
from registry.models.shares import ShareHolding
from registry.services.dividends.rounds import compute
from registry.services.errors import DomainError
from registry.services.membership.transitions import END, transition
from registry.services.shares.holdings import adjust_holding, quantify_from_roster
from registry.services.shares.importer import import_shares
from tests.services.filing_helpers import user
from tests.services.shares.helpers import TODAY, resolution, roster_imported, shares_file, use_settings


def _household(db, org, number="0001"):
    return db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                     Household.number == number))


def _open(db, org, household):
    return {h.share_type: h.units for h in db.session.scalars(select(ShareHolding).where(
        ShareHolding.organization_id == org.id, ShareHolding.household_id == household.id,
        ShareHolding.valid_to.is_(None)))}


def _registered(db, org):
    report = import_shares(db.session, shares_file(), org, actor=None, today=TODAY)
    assert report.committed
    db.session.commit()


def test_S05_static_a_death_changes_no_holding_and_no_round(db, demo, clock):
    org = roster_imported(db)
    _registered(db, org)
    household = _household(db, org)
    before = _open(db, org, household)
    lines_before = compute(db.session, org, record_date=TODAY, net_income=Decimal(10000)).to_json()["lines"]
    member = db.session.scalar(select(Membership).join(Person).where(
        Membership.organization_id == org.id, Membership.household_id == household.id,
        Membership.status == "confirmed").order_by(Person.birth_date).limit(1))
    transition(db.session, member, END, actor=user(db.session, "clerk"), today=TODAY, ground="death",
               lost_at=TODAY - dt.timedelta(days=3))
    db.session.commit()
    assert member.status == "lost"
    assert _open(db, org, household) == before  # 生不增、死不减
    after = compute(db.session, org, record_date=TODAY, net_income=Decimal(10000)).to_json()["lines"]
    assert after == lines_before


def test_S05_static_refuses_an_adjustment(db, demo, clock):
    org = roster_imported(db)
    _registered(db, org)
    with pytest.raises(DomainError) as err:
        adjust_holding(db.session, org, share_type="population", units=Decimal(9), on=TODAY,
                       resolution=resolution(db, org, subject="quantification_plan"), actor=None,
                       household_id=_household(db, org).id, today=TODAY)
    assert err.value.rule == "S-05"


def test_S04_dynamic_adjustment_is_an_event_linked_to_its_resolution(db, demo, clock, monkeypatch):
    use_settings(monkeypatch, management="dynamic")
    org = roster_imported(db)
    _registered(db, org)
    household = _household(db, org)
    with pytest.raises(DomainError) as err:
        adjust_holding(db.session, org, share_type="population", units=Decimal(6), on=TODAY, resolution=None,
                       actor=None, household_id=household.id, today=TODAY)
    assert err.value.rule == "S-04"
    plan = resolution(db, org, subject="quantification_plan")
    new = adjust_holding(db.session, org, share_type="population", units=Decimal(6), on=TODAY,
                         resolution=plan,
                         actor=None, household_id=household.id, today=TODAY)
    db.session.commit()
    assert new.event == "dynamic_adjustment" and new.resolution_id == plan.id
    assert _open(db, org, household)["population"] == 6
    old = db.session.scalar(select(ShareHolding).where(ShareHolding.household_id == household.id,
                                                       ShareHolding.share_type == "population",
                                                       ShareHolding.valid_to == TODAY))
    assert old.units == 5 and old.end_ground
    # record-date validity: the day before counts the old units, the day itself the new ones
    line = {x["holder"]: x for x in compute(db.session, org, record_date=TODAY, net_income=Decimal(100))
            .to_json()["lines"]}["0001"]
    before = {x["holder"]: x for x in compute(db.session, org, record_date=TODAY - dt.timedelta(days=1),
                                              net_income=Decimal(100)).to_json()["lines"]}["0001"]
    assert (Decimal(before["units"]), Decimal(line["units"])) == (Decimal(57), Decimal(58))


def test_S04_dynamic_import_cannot_change_held_units(db, demo, clock, monkeypatch):
    use_settings(monkeypatch, management="dynamic")
    org = roster_imported(db)
    _registered(db, org)
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(shares_file()))
    ws = wb.active
    ws.cell(row=4, column=5).value, ws.cell(row=4, column=7).value = 6, 58  # household 0001: 5 → 6
    buf = io.BytesIO()
    wb.save(buf)
    report = import_shares(db.session, buf.getvalue(), org, actor=None, today=TODAY, dry_run=True)
    assert [e["code"] for e in report.errors] == ["shares.needs_resolution"]


def test_S06_holder_unit_person_quantifies_and_pays_per_person(db, demo, clock, monkeypatch):
    use_settings(monkeypatch, holder_unit="person")
    org = roster_imported(db)
    count = quantify_from_roster(db.session, org, on=TODAY - dt.timedelta(days=30), actor=None)
    db.session.commit()
    assert count > 0
    assert db.session.scalar(select(func.count()).select_from(ShareHolding)
                             .where(ShareHolding.household_id.is_not(None))) == 0
    lines = compute(db.session, org, record_date=TODAY, net_income=Decimal(10000)).to_json()["lines"]
    assert len(lines) > 94 and all(len(x["holder"]) == 18 for x in lines)  # ID numbers, one per person


def test_S06_holder_unit_household_pays_per_household(db, demo, clock):
    org = roster_imported(db)
    quantify_from_roster(db.session, org, on=TODAY - dt.timedelta(days=30), actor=None)
    lines = compute(db.session, org, record_date=TODAY, net_income=Decimal(10000)).to_json()["lines"]
    assert len(lines) == 94 and all(len(x["holder"]) == 4 for x in lines)


def test_S10_cap_refuses_quantification_and_adjustment(db, demo, clock, monkeypatch):
    use_settings(monkeypatch, holding_cap_percent=Decimal(1))  # the largest household holds 2.3 %
    org = roster_imported(db)
    with pytest.raises(DomainError) as err:
        quantify_from_roster(db.session, org, on=TODAY, actor=None)
    assert err.value.rule == "S-10"
    report = import_shares(db.session, shares_file(), org, actor=None, today=TODAY, dry_run=True)
    assert "shares.cap_exceeded" in {e["code"] for e in report.errors}
    use_settings(monkeypatch, holding_cap_percent=Decimal(3), management="dynamic")
    _registered(db, org)
    with pytest.raises(DomainError) as err:
        adjust_holding(db.session, org, share_type="farm_age", units=Decimal(900), on=TODAY,
                       resolution=resolution(db, org, subject="quantification_plan"), actor=None,
                       household_id=_household(db, org).id, today=TODAY)
    assert err.value.rule == "S-10"
