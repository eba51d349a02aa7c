"""The district's audit log page (/audit) over every event shape the registry writes (issue 10 item 5):
hukou, retention-flag and household events carry dicts and lists in ``old``/``new`` — the page and its
action filter must show them, never a 500 — and sign-ins, failed sign-ins and sign-outs are audited
(restores: tests/cli/test_restore_audit.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Household
from tests.conftest import login
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster

V1 = "370305100201"
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def members(db, demo):
    out = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    return out


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _post(client, m, action: str, prefix: str, **data):
    resp = client.post(f"/villages/{V1}/members/{m.id}/{action}", data={f"{prefix}-{k}": v for k, v in data.items()})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]


def test_audit_page_shows_hukou_flag_and_household_events_and_filters_by_them(login_as, members, db):
    clerk = login_as("clerk")
    son = members[2]
    _post(clerk, son, "hukou", "hukou", place="山东省济南市历下区", in_organization="0",
          moved_at=(TODAY - dt.timedelta(days=3)).isoformat(), moved_to_town="y")
    _post(clerk, son, "flags", "flags", flags=["hukou_moved_to_town", "working_away"])
    target = db.session.get(Household, members[3].household_id)
    _post(clerk, son, "move", "move", household_id=str(target.id), relation="93")
    assert events(db, "membership.hukou") and events(db, "membership.flags") and events(db, "membership.household")

    district = login_as("district")
    resp = district.get("/audit")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "户籍变动" in html and "保留情形" in html and "户的变动" in html
    assert "山东省济南市历下区" in html  # the new hukou place is in the details
    for action in ("membership.hukou", "membership.flags", "membership.household"):
        resp = district.get("/audit", query_string={"action": action})
        assert resp.status_code == 200, action
        assert "共 1 条记录" in resp.get_data(as_text=True), action


def test_sign_in_failed_sign_in_and_sign_out_are_audited(client, demo, db, app):
    app.config["WTF_CSRF_ENABLED"] = False
    assert login(client, "clerk", "wrong-password").status_code == 200
    assert login(client, "nobody", "wrong-password").status_code == 200
    assert login(client, "clerk").status_code == 302
    assert client.post("/logout").status_code == 302

    failed = events(db, "auth.login_failed")
    assert [e.detail["username"] for e in failed] == ["clerk", "nobody"]
    assert failed[0].area_code == V1 and failed[1].area_code == app.config["DISTRICT_CODE"]
    assert all("wrong-password" not in str(e.detail) for e in failed)
    [ok] = events(db, "auth.login")
    assert ok.actor_id is not None and ok.area_code == V1 and ok.detail["address"]
    [out] = events(db, "auth.logout")
    assert out.actor_id == ok.actor_id

    html = login(client, "district") and client.get("/audit").get_data(as_text=True)
    assert "登录失败" in html and "登录" in html and "退出登录" in html and "nobody" in html
