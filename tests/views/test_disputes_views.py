"""Disputes through HTTP (M-22): open, next stage, close; the membership reads 争议中 everywhere
meanwhile (member page, roster list, dispute list, the town's view)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import Dispute, Membership
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster

V1 = "370305100201"
# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``): every date the
# test posts is relative to it, the real date never matters.
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def members(db, demo):
    out = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    return out


def test_M22_dispute_through_the_screens(login_as, members, db):
    clerk = login_as("clerk")
    m = members[2]
    resp = clerk.post(f"/villages/{V1}/members/{m.id}/end",
                      data={"end-ground": "death", "end-lost_at": TODAY.isoformat()})
    assert resp.status_code == 302
    resp = clerk.post(f"/villages/{V1}/members/{m.id}/disputes", data={"dsp-applicant": "", "dsp-subject": ""})
    assert resp.status_code == 422
    resp = clerk.post(f"/villages/{V1}/members/{m.id}/disputes", data={
        "dsp-applicant": "张0丙之母", "dsp-subject": "本人宣告失踪而非死亡，不应丧失成员身份",
        "dsp-stage": "town_mediation"})
    assert resp.status_code == 302
    dispute = db.session.scalar(select(Dispute))
    for who in ("clerk", "town", "district"):
        client = login_as(who)
        assert "争议中" in client.get(f"/villages/{V1}/members/{m.id}").get_data(as_text=True)
        assert "争议中" in client.get(f"/villages/{V1}/roster?status=disputed").get_data(as_text=True)
        assert "宣告失踪" in client.get(f"/villages/{V1}/disputes").get_data(as_text=True)
    clerk = login_as("clerk")
    assert clerk.post(f"/villages/{V1}/disputes/{dispute.id}/stage", data={"stage-stage": "district_mediation"}) \
        .status_code == 302
    resp = clerk.post(f"/villages/{V1}/disputes/{dispute.id}/stage", data={"stage-stage": "town_mediation"})
    assert resp.status_code == 422 and "[M-22]" in resp.get_data(as_text=True)
    resp = clerk.post(f"/villages/{V1}/disputes/{dispute.id}/close", data={
        "close-outcome": "overturned", "close-note": "区调解：宣告失踪不丧失成员身份（M-14）", "close-correct": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    m = db.session.get(Membership, m.id)
    assert (m.status, m.loss_ground) == ("confirmed", None)
    assert login_as("town").post(f"/villages/{V1}/disputes/{dispute.id}/close", data={}).status_code == 403


def test_member_page_with_csrf_renders_one_token_per_form(db, demo):
    """With CSRF on, every change form carries its (prefixed) hidden token and no visible token row."""
    from flask import request_started

    from registry import create_app
    from registry.extensions import db as _db
    from registry.services.demo import load_demo
    from tests.conftest import _fresh_g

    app = create_app("testing", WTF_CSRF_ENABLED=True)
    request_started.connect(_fresh_g, app)
    with app.app_context():
        _db.create_all()
        load_demo(_db.session)
        ms = filed_roster(_db.session, org(_db.session), user(_db.session, "clerk"))
        _db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "clerk", "password": "linzi-demo-2026",
                                    "csrf_token": _token(client)})
        html = client.get(f"/villages/{V1}/members/{ms[0].id}").get_data(as_text=True)
        assert 'for="end-csrf_token"' not in html and 'for="hukou-csrf_token"' not in html
        assert 'name="end-csrf_token"' in html and 'name="dsp-csrf_token"' in html
        _db.session.remove()
        _db.engine.dispose()


def _token(client) -> str:
    import re

    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
