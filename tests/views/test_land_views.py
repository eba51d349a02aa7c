"""Land contract register through HTTP (issue 15): the clerk's import, the pages and the rules L-04, L-06,
L-07, L-10, L-16, L-18 on the clerk's forms; optimistic locking."""
from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Circulation, CoHolder, LandContract, Membership
from registry.services.land.importer import import_land
from tests.conftest import SAMPLES
from tests.services.land_helpers import RIGHTS, village

V1, T1 = "370305100201", "370305100000"

URL = f"/villages/{V1}/land/import"


def roster(db, code=V1):
    return village(db, code)


@pytest.fixture
def land(db, demo):
    org = roster(db)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    return org


def _upload(client, path):
    return client.post(URL, data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data")


def _token(html: str) -> str:
    match = re.search(r"/land/import/([0-9a-f]{32})/", html)
    assert match, html[:2000]
    return match.group(1)


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_clerk_imports_the_messy_file_only_households_without_errors(login_as, db):
    roster(db)
    client = login_as("clerk")
    resp = _upload(client, RIGHTS / "land_messy_370305100201.xlsx")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "circulation.term_exceeds_contract" in html and "流转合同" in html
    token = _token(html)
    book = client.get(f"{URL}/{token}/errors.xlsx")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.data)).sheetnames
    assert sheets == ["承包方", "承包地块", "共有人", "流转合同"]
    assert client.post(f"{URL}/{token}/apply", data={"partial": "0"}).status_code == 422
    assert _count(db, LandContract) == 0  # all or nothing
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "1"})
    assert resp.status_code == 302 and 0 < _count(db, LandContract) < 52


def test_clerk_imports_the_clean_file_and_sees_the_overview(login_as, db):
    roster(db)
    client = login_as("clerk")
    token = _token(_upload(client, RIGHTS / f"land_{V1}.xlsx").get_data(as_text=True))
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/villages/{V1}/rights")
    page = client.get(f"/villages/{V1}/rights").get_data(as_text=True)
    assert "416.4200" in page and "433.9611" in page and ">85<" in page


def test_town_and_district_roll_ups(login_as, land):
    for user, url, unit in (("town", f"/towns/{T1}/rights", "东柳庄村"), ("district", "/district/rights", "齐都镇")):
        page = login_as(user).get(url).get_data(as_text=True)
        assert "416.4200" in page and unit in page, user


def _contract(db, extended=False) -> LandContract:
    for c in db.session.scalars(select(LandContract).order_by(LandContract.contractor_code)):
        if not c.circulations and (c.term_end == date(2058, 12, 31)) == extended:
            return c
    raise AssertionError


def _circulation_form(contract, ends_on: str, **over) -> dict:
    parcel = contract.parcels[0]
    return {"parcel_codes": parcel.code, "method": "lease", "receiver_name": "淄博临牧农业开发有限公司",
            "receiver_id": "91370305MA330FM653", "area": str(parcel.contract_area), "starts_on": "2024-01-01",
            "ends_on": ends_on, "price": "800", **over}


def test_L16_circulation_after_the_contract_term_is_refused_over_http(login_as, db, land):
    client = login_as("clerk")
    contract = _contract(db)
    url = f"/villages/{V1}/land/{contract.contractor_code}/circulations"
    resp = client.post(url, data=_circulation_form(contract, "2030-12-31"))
    assert resp.status_code == 422 and "L-16" in resp.get_data(as_text=True)
    assert _count(db, Circulation) == 25
    resp = client.post(url, data=_circulation_form(contract, "2028-12-31"))
    assert resp.status_code == 302
    added = db.session.scalar(select(Circulation).order_by(Circulation.id.desc()))
    assert added.registrable  # L-18: 2024-01-01 – 2028-12-31 is five years


def test_L04_extension_over_http_with_optimistic_locking(login_as, db, land):
    client = login_as("clerk")
    contract = _contract(db)
    url = f"/villages/{V1}/land/{contract.contractor_code}/extend"
    assert client.post(url, data={"version": "0"}).status_code == 409  # a stale page
    resp = client.post(url, data={"version": str(contract.version)})
    assert resp.status_code == 302
    db.session.refresh(contract)
    assert contract.term_end == date(2058, 12, 31)
    again = client.post(url, data={"version": str(contract.version)})
    assert again.status_code == 422 and "L-04" in again.get_data(as_text=True)


def test_L06_L10_married_out_coholder_kept_and_not_ended_for_marriage_over_http(login_as, db, land):
    members = set(db.session.scalars(select(Membership.person_id)))
    holder = db.session.scalar(select(CoHolder).where(CoHolder.person_id.not_in(members)))
    client = login_as("clerk")
    page = client.get(f"/villages/{V1}/households/{holder.contract.household.number}/land").get_data(as_text=True)
    assert holder.person.name in page
    resp = client.post(f"/villages/{V1}/land/coholders/{holder.id}/end",
                       data={"ground": "已出嫁，户口迁出", "on_date": "2025-06-01", "version": str(holder.version)})
    assert resp.status_code == 422 and "L-07" in resp.get_data(as_text=True)
    db.session.refresh(holder)
    assert holder.valid_to is None and holder.is_coholder


def test_household_history_and_member_rights_pages(login_as, db, land):
    contract = _contract(db)
    client = login_as("town")
    number = contract.household.number
    page = client.get(f"/villages/{V1}/households/{number}/land").get_data(as_text=True)
    assert contract.contractor_code in page and contract.parcels[0].code in page
    before = client.get(f"/villages/{V1}/households/{number}/land?as_of=2000-01-01").get_data(as_text=True)
    assert contract.parcels[0].code not in before  # imported today: not in the register of 2000
    assert client.get(f"/villages/{V1}/households/{number}/land?as_of=bad").status_code == 400
    membership = db.session.scalar(select(Membership).where(Membership.person_id == contract.representative_id))
    rights = client.get(f"/villages/{V1}/members/{membership.id}/land").get_data(as_text=True)
    assert contract.contractor_code in rights


@pytest.mark.parametrize("name,payload", [("roster.xlsx", (SAMPLES / "roster_370305100201.xlsx").read_bytes()),
                                          ("x.xlsx", b"PK\x03\x04garbage"), ("empty.xlsx", b"")])
def test_files_that_are_not_a_land_register_are_refused_whole(login_as, db, name, payload):
    roster(db)
    resp = login_as("clerk").post(URL, data={"file": (io.BytesIO(payload), name)},
                                  content_type="multipart/form-data")
    assert resp.status_code in (400, 422) and "file." in resp.get_data(as_text=True)
    assert _count(db, LandContract) == 0


def test_parcel_change_with_optimistic_locking_and_audit_old_to_new(login_as, db, land):
    contract = _contract(db)
    parcel = contract.parcels[0]
    old_area, version = parcel.measured_area, parcel.version
    client = login_as("clerk")
    url = f"/villages/{V1}/land/parcels/{parcel.id}"
    form = {"name": parcel.name, "contract_area": str(parcel.contract_area), "measured_area": "1.2345",
            "version": str(version)}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data={**form, "measured_area": "1.3"}).status_code == 409  # the page was stale
    assert client.post(url, data={**form, "version": str(version + 1), "contract_area": "0"}).status_code == 422
    db.session.refresh(parcel)
    assert str(parcel.measured_area) == "1.2345"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.parcel_changed"))
    assert event.detail["changes"]["measured_area"] == [str(old_area), "1.2345"]
