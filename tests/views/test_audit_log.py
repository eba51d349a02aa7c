"""The district's audit log page (/audit) over every event shape the registry writes (issue 10 item 5):
hukou, retention-flag and household events carry dicts and lists in ``old``/``new`` — the page and its
action filter must show them, never a 500 — and sign-ins, failed sign-ins and sign-outs are audited
(restores: tests/cli/test_restore_audit.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry.models import AuditEvent, Household
from tests.conftest import login

# The member-page setup of the change screens' tests: a filed roster of V1, the clock stopped on TODAY.
from tests.views.test_members_views import TODAY, V1, _fixed_clock, members, post  # noqa: F401


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_audit_page_shows_hukou_flag_and_household_events_and_filters_by_them(login_as, members, db):  # noqa: F811
    clerk = login_as("clerk")
    son = members[2]
    assert post(clerk, son, "hukou", place="山东省济南市历下区", in_organization="0",
                moved_at=(TODAY - dt.timedelta(days=3)).isoformat(), moved_to_town="y").status_code == 302
    assert post(clerk, son, "flags", flags=["hukou_moved_to_town", "working_away"]).status_code == 302
    target = db.session.get(Household, members[3].household_id)
    assert post(clerk, son, "move", household_id=str(target.id), relation="93").status_code == 302
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
