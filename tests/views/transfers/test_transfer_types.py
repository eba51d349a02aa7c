"""The transaction types of the extended service over HTTP (issue 11): land exchange with the parcel given
back (L-12), land return with the written notice (L-09), Art. 16 membership withdrawal with compensation
(M-18). Each runs once the service takes its fields (``workflow.FIELDS``; branch issue11-rules)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import LandContract, Membership
from registry.services.land.importer import import_land
from registry.services.transfers.workflow import FIELDS
from tests.services.homesteads.helpers import RIGHTS
from tests.services.shares.helpers import TODAY, resolution, roster_imported
from tests.views.transfers.helpers import VILLAGE, VOLUNTARY, act, new_transfer, only_transfer

needs = pytest.mark.skipif


@pytest.fixture
def http(app, login_as, clock):
    app.config["WTF_CSRF_ENABLED"] = False
    return login_as


def _land(db):
    org = roster_imported(db, VILLAGE)
    assert import_land(db.session, (RIGHTS / f"land_{VILLAGE}.xlsx").read_bytes(), org, actor=None,
                       today=TODAY).committed
    db.session.commit()
    contracts = list(db.session.scalars(select(LandContract).where(LandContract.organization_id == org.id)
                                        .order_by(LandContract.id)))
    return org, contracts


@needs("counter_parcel_id" not in FIELDS, reason="needs the land exchange of the extended service")
def test_L12_land_exchange_receiver_is_the_holder_of_the_parcel_given_back(db, http):
    org, contracts = _land(db)
    a, b = contracts[0], next(c for c in contracts if c.household_id != contracts[0].household_id)
    clerk = http("clerk")
    data = {"type": "land_exchange", "parcel": str(a.parcels[0].id), "price": "0",
            "agreement_date": TODAY.isoformat(), "consent_note": "已向发包方备案", **VOLUNTARY}
    missing = new_transfer(clerk, data)
    assert missing.status_code == 422 and "请选择换回的地块" in missing.get_data(as_text=True)
    assert new_transfer(clerk, {**data, "counter_parcel": str(b.parcels[0].id)}).status_code == 302
    t = only_transfer(db)
    assert (t.household_from_id, t.household_to_id, t.counter_parcel_id) == (a.household_id, b.household_id,
                                                                             b.parcels[0].id)
    assert act(clerk, t, "consent").status_code == 302
    assert act(http("town"), only_transfer(db), "record").status_code == 302
    assert only_transfer(db).state == "recorded"


@needs("notice_on" not in FIELDS, reason="needs the land return of the extended service")
def test_L09_land_return_needs_the_written_notice(db, http):
    org, contracts = _land(db)
    clerk = http("clerk")
    data = {"type": "land_return", "parcel": str(contracts[0].parcels[0].id), "price": "3000",
            "agreement_date": TODAY.isoformat(), **VOLUNTARY}
    refused = new_transfer(clerk, data)
    assert refused.status_code == 422 and "[L-09]" in refused.get_data(as_text=True)
    assert new_transfer(clerk, {**data, "notice_on": "2026-01-10"}).status_code == 302
    t = only_transfer(db)
    assert (t.notice_on.isoformat(), t.household_to_id) == ("2026-01-10", None)
    page = clerk.get(f"/villages/{VILLAGE}/transfers/{t.id}").get_data(as_text=True)
    assert "2026-01-10" in page and "本集体经济组织" in page


@needs("retained_rights_until" not in FIELDS, reason="needs the Art. 16 withdrawal of the extended service")
def test_M18_membership_withdrawal_ends_the_membership_at_the_towns_record(db, http):
    org = roster_imported(db, VILLAGE)
    m = db.session.scalars(select(Membership).where(Membership.organization_id == org.id,
                                                    Membership.status == "confirmed").order_by(Membership.id)).first()
    clerk = http("clerk")
    data = {"type": "membership_withdrawal", "price": "50000", "agreement_date": TODAY.isoformat(),
            "retained_rights_until": "2027-12-31", **VOLUNTARY}
    missing = new_transfer(clerk, data)
    assert missing.status_code == 422 and "请选择自愿退出的成员" in missing.get_data(as_text=True)
    assert new_transfer(clerk, {**data, "person_from": str(m.person_id)}).status_code == 302
    t = only_transfer(db)
    refused = act(clerk, t, "consent")
    assert refused.status_code == 422 and "[M-18]" in refused.get_data(as_text=True)
    # the assembly consents after the written application (M-18)
    consent = resolution(db, org, subject="withdrawal_consent", meeting=TODAY, notice=TODAY - dt.timedelta(days=20))
    db.session.commit()
    assert act(clerk, only_transfer(db), "consent", resolution=str(consent.id)).status_code == 302
    assert act(http("town"), only_transfer(db), "record").status_code == 302
    db.session.expire_all()
    assert (only_transfer(db).state, db.session.get(Membership, m.id).status) == ("recorded", "withdrawn")
