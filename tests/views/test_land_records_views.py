"""The clerk's forms on the household's land page (issue 15 item 5) through HTTP: add a co-holder (L-06),
end a contract or a parcel with a date and a lawful ground (L-07, L-10), optimistic locking (a stale page
gets 409), audit old → new, nothing deleted, other roles refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, HouseholdMember, LandContract
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, village

V1 = "370305100201"


@pytest.fixture
def land(db, demo):
    org = village(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    return org


def _plain_contract(db) -> LandContract:
    return db.session.scalar(select(LandContract).where(~LandContract.circulations.any())
                             .order_by(LandContract.contractor_code))


def _page(client, contract) -> str:
    return client.get(f"/villages/{V1}/households/{contract.household.number}/land").get_data(as_text=True)


def test_L06_clerk_adds_a_household_member_as_coholder_over_http(login_as, db, land):
    client = login_as("clerk")
    for contract in db.session.scalars(select(LandContract).order_by(LandContract.contractor_code)):
        holding = {h.person_id for h in contract.coholders if h.valid_to is None and h.is_coholder}
        link = next((m for m in db.session.scalars(select(HouseholdMember).where(
            HouseholdMember.household_id == contract.household_id, HouseholdMember.valid_to.is_(None)))
            if m.person_id not in holding), None)
        if link is not None:
            break
    page = _page(client, contract)
    assert "增加共有人" in page and "终止承包合同" in page and "终止地块" in page
    url = f"/villages/{V1}/land/{contract.contractor_code}/coholders"
    form = {"id_number": link.person.id_number, "on_date": "2026-02-01", "version": str(contract.version)}
    assert client.post(url, data={**form, "version": "0"}).status_code == 409  # a stale page
    assert client.post(url, data=form).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.coholder_added"))
    assert event.detail["rule"] == "L-06"
    again = client.post(url, data=form)
    assert again.status_code == 422 and "L-06" in again.get_data(as_text=True)
    other = db.session.scalar(select(LandContract).where(LandContract.household_id != contract.household_id))
    resp = client.post(url, data={**form, "id_number": other.representative.id_number})
    assert resp.status_code == 422 and "L-06" in resp.get_data(as_text=True)


def test_L07_L10_clerk_ends_a_parcel_only_with_a_lawful_ground_over_http(login_as, db, land):
    contract = _plain_contract(db)
    parcel = contract.parcels[0]
    client = login_as("clerk")
    url = f"/villages/{V1}/land/parcels/{parcel.id}/end"
    form = {"ground": "户口迁往城区", "on_date": "2026-03-01", "version": str(parcel.version)}
    resp = client.post(url, data=form)
    assert resp.status_code == 422 and "L-07" in resp.get_data(as_text=True)
    assert client.post(url, data={**form, "ground": ""}).status_code == 422  # the ground is required
    assert client.post(url, data={**form, "ground": "国家征收", "version": "0"}).status_code == 409
    assert client.post(url, data={**form, "ground": "国家征收，淄政征〔2026〕3号"}).status_code == 302
    db.session.refresh(parcel)
    assert str(parcel.valid_to) == "2026-03-01" and parcel.end_ground.startswith("国家征收")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.parcel_ended"))
    assert event.detail["changes"]["end_ground"] == [None, parcel.end_ground]
    assert client.post(url, data=form).status_code == 404  # an ended parcel has no form any more
    assert parcel.code in _page(client, contract)  # kept as history


def test_L07_clerk_ends_a_contract_with_its_parcels_over_http(login_as, db, land):
    contract = _plain_contract(db)
    client = login_as("clerk")
    url = f"/villages/{V1}/land/{contract.contractor_code}/end"
    form = {"ground": "出嫁", "on_date": "2026-03-01", "version": str(contract.version)}
    resp = client.post(url, data=form)
    assert resp.status_code == 422 and "L-07" in resp.get_data(as_text=True)
    resp = client.post(url, data={**form, "ground": "自愿交回（L-09），书面申请 2025-08-30"})
    assert resp.status_code == 302
    db.session.refresh(contract)
    assert str(contract.valid_to) == "2026-03-01" and all(p.valid_to for p in contract.parcels)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.contract_ended")) is not None
    assert client.post(url, data=form).status_code == 404  # no current contract under the code any more


@pytest.mark.parametrize("user", ["town", "district", "clerk2"])
def test_only_the_villages_clerk_ends_or_adds(login_as, db, land, user):
    contract = _plain_contract(db)
    client = login_as(user)
    data = {"ground": "国家征收", "on_date": "2026-03-01", "version": str(contract.version)}
    resp = client.post(f"/villages/{V1}/land/{contract.contractor_code}/end", data=data)
    assert resp.status_code in (403, 404)
    db.session.refresh(contract)
    assert contract.valid_to is None
