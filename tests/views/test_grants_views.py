"""Resolutions and Art. 15 grants through HTTP (M-19, A-05): the clerk records, the town reads."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.models import Membership, NonMemberGrant, Resolution
from tests.services.filing_helpers import adults, org
from tests.services.membership_helpers import new_id

V1 = "370305100201"
# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``).
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


RESOLUTION = {"body": "member_assembly", "subject": "art15_grant", "title": "授予退休教师收益分配权",
              "notice_date": iso(30), "meeting_date": iso(10), "base_members": "100", "in_person": "90"}


def test_M19_A05_grant_through_the_screens(login_as, db, demo):
    adults(db.session, org(db.session), 100)  # 100 confirmed adult members: the assembly's base
    db.session.commit()
    clerk = login_as("clerk")
    resp = clerk.post(f"/villages/{V1}/resolutions", data={**RESOLUTION, "votes_for": "70"})
    assert resp.status_code == 422 and "[A-05]" in resp.get_data(as_text=True)  # 70 < 75 = ceil(3/4 × 100)
    resp = clerk.post(f"/villages/{V1}/resolutions", data={**RESOLUTION, "subject": "membership_confirmation",
                                                          "votes_for": "80"})
    assert resp.status_code == 422  # confirmation goes through the filing page
    assert clerk.post(f"/villages/{V1}/resolutions", data={**RESOLUTION, "votes_for": "80"}).status_code == 302
    resolution = db.session.scalar(select(Resolution))
    assert resolution.subject == "art15_grant"

    form = {"name": "孙老师", "id_type": "1", "id_number": new_id(dt.date(1965, 9, 10), "1"),
            "resolution_id": str(resolution.id), "rights": ["income_distribution"], "units": "0.5",
            "reason": "在村小学任教三十年"}
    resp = clerk.post(f"/villages/{V1}/grants", data={**form, "resolution_id": ""})
    assert resp.status_code == 422 and "[M-19]" in resp.get_data(as_text=True)
    assert clerk.post(f"/villages/{V1}/grants", data=form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(NonMemberGrant)) == 1
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 100  # no membership created

    html = login_as("town").get(f"/villages/{V1}/grants").get_data(as_text=True)
    assert "孙老师" in html and "参与收益分配" in html and "80/100" in html and "授予非成员享有权利" not in html
    assert login_as("town").post(f"/villages/{V1}/grants", data=form).status_code == 403


def test_M18_withdrawal_with_application_and_consent_over_http(login_as, db, demo):
    from tests.services.filing_helpers import org, user
    from tests.services.membership_helpers import filed_roster

    members = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    clerk = login_as("clerk")
    assert clerk.post(f"/villages/{V1}/resolutions", data={
        **RESOLUTION, "subject": "withdrawal_consent", "title": "同意张0丙自愿退出", "base_members": "9",
        "in_person": "9", "votes_for": "7"}).status_code == 302
    consent = db.session.scalar(select(Resolution).where(Resolution.subject == "withdrawal_consent"))
    m = members[2]
    resp = clerk.post(f"/villages/{V1}/members/{m.id}/withdraw", data={
        "wd-resolution_id": str(consent.id), "wd-note": "一次性补偿"})
    assert resp.status_code == 422 and "[M-18]" in resp.get_data(as_text=True)  # no written application
    assert clerk.post(f"/villages/{V1}/members/{m.id}/withdraw", data={
        "wd-applied_on": iso(15), "wd-resolution_id": str(consent.id), "wd-note": "一次性补偿"}).status_code == 302
    db.session.expire_all()
    m = db.session.get(Membership, m.id)
    assert (m.status, m.lost_at, m.loss_resolution_id) == ("withdrawn", TODAY - dt.timedelta(days=10), consent.id)
    assert "已自愿退出" in clerk.get(f"/villages/{V1}/members/{m.id}").get_data(as_text=True)
