"""Adding a co-holder (L-06) and ending a contract or a parcel with a date and a lawful ground (L-07, L-09,
L-10, L-13) through the service (issue 15 item 5): same rules as the import, audit old → new, nothing
deleted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, CoHolder, HouseholdMember, LandContract, Parcel, Person
from registry.services.errors import DomainError
from registry.services.land import changes, records
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, village

TODAY = date(2026, 1, 5)
V1 = "370305100201"


@pytest.fixture
def land(db, demo):
    org = village(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None,
                       today=TODAY).committed
    db.session.commit()
    return org


def household_member_not_coholding(db) -> tuple[LandContract, Person, CoHolder | None]:
    """A contract and a current member of its household who does not co-hold it (listed with 否, or not
    listed at all), with the listing row if any."""
    for contract in db.session.scalars(select(LandContract).order_by(LandContract.contractor_code)):
        holders = {h.person_id: h for h in contract.coholders if h.valid_to is None}
        for link in db.session.scalars(select(HouseholdMember).where(
                HouseholdMember.household_id == contract.household_id, HouseholdMember.valid_to.is_(None))):
            listed = holders.get(link.person_id)
            if listed is None or not listed.is_coholder:
                return contract, link.person, listed
    raise AssertionError("every member co-holds in the sample")


def test_L06_a_household_member_becomes_a_coholder_from_a_date_and_the_old_listing_is_kept(db, land):
    contract, person, listed = household_member_not_coholding(db)
    holder = records.add_coholder(db.session, contract, id_number=person.id_number, on_date=date(2026, 2, 1),
                                  actor=None)
    assert holder.is_coholder and holder.valid_from == date(2026, 2, 1) and holder.person_id == person.id
    if listed is not None:  # nothing overwritten: the 否 row ends, the 是 row starts
        assert listed.valid_to is not None and not listed.is_coholder
    rows = db.session.scalar(select(func.count()).select_from(CoHolder).where(CoHolder.person_id == person.id,
                                                                             CoHolder.contract_id == contract.id))
    assert rows == (2 if listed is not None else 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.coholder_added"))
    assert event.detail["rule"] == "L-06" and event.detail["changes"]["is_coholder"][1] == "是"
    with pytest.raises(DomainError) as err:  # already a co-holder
        records.add_coholder(db.session, contract, id_number=person.id_number, on_date=date(2026, 3, 1), actor=None)
    assert (err.value.code, err.value.rule) == ("coholder.duplicate", "L-06")


def test_L06_only_a_current_member_of_the_contracting_household_is_added(db, land):
    contract, _person, _listed = household_member_not_coholding(db)
    other = db.session.scalar(select(LandContract).where(LandContract.household_id != contract.household_id))
    stranger = other.representative
    with pytest.raises(DomainError) as err:
        records.add_coholder(db.session, contract, id_number=stranger.id_number, on_date=TODAY, actor=None)
    assert (err.value.code, err.value.rule) == ("household.unknown", "L-06")
    with pytest.raises(DomainError) as err:
        records.add_coholder(db.session, contract, id_number="37030519750413431X", on_date=TODAY, actor=None)
    assert err.value.code.startswith("id.")


def test_L07_L10_a_parcel_ends_only_with_a_lawful_ground_and_a_date(db, land):
    contract = db.session.scalar(select(LandContract).where(~LandContract.circulations.any())
                                 .order_by(LandContract.contractor_code))
    parcel = contract.parcels[0]
    for ground in ("", "户口迁往城区", "出嫁"):
        with pytest.raises(DomainError) as err:
            records.end_parcel(db.session, parcel, ground=ground, on_date=TODAY, actor=None)
        assert err.value.rule == "L-07"
    with pytest.raises(DomainError) as err:
        records.end_parcel(db.session, parcel, ground="国家征收", on_date=date(1990, 1, 1), actor=None)
    assert err.value.code == "date.invalid"
    records.end_parcel(db.session, parcel, ground="国家征收，淄政征〔2026〕3号", on_date=date(2026, 3, 1), actor=None)
    assert parcel.valid_to == date(2026, 3, 1) and parcel.end_ground.startswith("国家征收")
    assert db.session.get(Parcel, parcel.id) is not None  # never deleted
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.parcel_ended"))
    assert event.detail["changes"]["valid_to"] == [None, "2026-03-01"]
    with pytest.raises(DomainError) as err:
        records.end_parcel(db.session, parcel, ground="登记更正", on_date=date(2026, 4, 1), actor=None)
    assert err.value.code == "land.parcel_ended"


def test_a_circulated_parcel_is_not_ended_while_the_circulation_runs(db, land):
    contract = db.session.scalar(select(LandContract).where(~LandContract.circulations.any(),
                                                            LandContract.term_end == date(2028, 12, 31))
                                 .order_by(LandContract.contractor_code))
    parcel = contract.parcels[0]
    changes.add_circulation(db.session, contract, parcel_codes=[parcel.code], method="lease",
                            receiver_name="临淄区齐都镇东柳庄绿源蔬菜种植专业合作社", receiver_id_number=None,
                            area=parcel.contract_area, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31),
                            price=Decimal("900.00"), actor=None)
    with pytest.raises(DomainError) as err:
        records.end_parcel(db.session, parcel, ground="国家征收", on_date=date(2026, 6, 1), actor=None)
    assert err.value.code == "land.parcel_circulated"


def test_L09_L13_ending_a_contract_ends_its_parcels_coholders_and_circulations_with_it(db, land):
    contract = db.session.scalar(select(LandContract).where(LandContract.circulations.any())
                                 .order_by(LandContract.contractor_code))
    with pytest.raises(DomainError) as err:
        records.end_contract(db.session, contract, ground="全家户口迁入城区", on_date=TODAY, actor=None)
    assert err.value.rule == "L-07" and contract.valid_to is None
    records.end_contract(db.session, contract, ground="自愿交回，书面申请 2025-06-30（L-09）",
                         on_date=date(2026, 1, 1), actor=None)
    assert contract.valid_to == date(2026, 1, 1)
    assert all(p.valid_to is not None for p in contract.parcels)
    assert all(h.valid_to is not None for h in contract.coholders)
    assert all(z.valid_to is not None for z in contract.circulations if z.ends_on >= date(2026, 1, 1))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.contract_ended"))
    assert event.detail["changes"]["end_ground"][1].startswith("自愿交回")
    assert len(event.detail["ended"]["parcels"]) == len(contract.parcels)
    with pytest.raises(DomainError) as err:
        records.end_contract(db.session, contract, ground="登记更正", on_date=TODAY, actor=None)
    assert err.value.code == "land.contract_ended"
    with pytest.raises(DomainError):
        records.add_coholder(db.session, contract, id_number=contract.representative.id_number, on_date=TODAY,
                             actor=None)
