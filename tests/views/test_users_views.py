"""User administration on the web (issue 13 item 2): the administrator creates a clerk for a village, who
logs in with the one-time password, must change it, and then imports a roster — no command line. Resets,
disabling, role/area changes; every change audited; nobody else may administer users."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from registry.models import Area, AuditEvent, Membership, Organization, User
from tests.conftest import SAMPLES, login

VILLAGE = "370305100202"  # 北槐村


def _one_time(html: str) -> str:
    match = re.search(r'class="one-time-password"><code>([^<]+)</code>', html)
    assert match, html[:2000]
    return match.group(1)


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_admin_creates_a_clerk_who_changes_the_password_and_imports(app, client, login_as, db):
    admin = login_as("admin")
    assert "新建用户" in admin.get("/admin/users").get_data(as_text=True)
    resp = admin.post("/admin/users/new", data={"username": "beihuai2", "display_name": "北槐村新文书",
                                                "role": "clerk", "area": VILLAGE})
    assert resp.status_code == 200
    password = _one_time(resp.get_data(as_text=True))
    user = db.session.scalar(select(User).where(User.username == "beihuai2"))
    assert (user.role, user.area.code, user.must_change_password) == ("clerk", VILLAGE, True)
    event = _events(db, "user.created")[0]
    assert password not in str(event.detail) and event.detail["area"] == VILLAGE

    # The clerk logs in with the one-time password and is sent to the password page first.
    with client.session_transaction() as session:
        session.clear()
    assert login(client, "beihuai2", password).status_code == 302
    resp = client.get(f"/villages/{VILLAGE}/roster")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password")
    resp = client.post("/account/password",
                       data={"current": password, "new": "beihuai-2026!", "repeat": "beihuai-2026!"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).must_change_password

    # … and imports the village's roster.
    data = (SAMPLES / f"roster_{VILLAGE}.xlsx").read_bytes()
    resp = client.post(f"/villages/{VILLAGE}/import", data={"file": (io.BytesIO(data), "roster.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1000]
    token = resp.get_data(as_text=True).split("/import/")[1].split("/")[0]
    resp = client.post(f"/villages/{VILLAGE}/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302
    members = db.session.scalar(select(func.count()).select_from(Membership).join(Organization)
                                .where(Organization.area_code == VILLAGE))
    assert members == 804
    assert _events(db, "roster.import")[0].actor_id == user.id


def test_own_password_change_checks_the_current_one(login_as, db):
    client = login_as("clerk")
    resp = client.post("/account/password",
                       data={"current": "wrong-one", "new": "another-pass", "repeat": "another-pass"})
    assert resp.status_code == 422 and "当前密码不正确" in resp.get_data(as_text=True)
    resp = client.post("/account/password", data={"current": "linzi-demo-2026", "new": "short", "repeat": "short"})
    assert resp.status_code == 400
    resp = client.post("/account/password", data={"current": "linzi-demo-2026", "new": "another-pass",
                                                   "repeat": "different-pass"})
    assert resp.status_code == 400 and "两次输入的新密码不一致" in resp.get_data(as_text=True)
    resp = client.post("/account/password", data={"current": "linzi-demo-2026", "new": "another-pass",
                                                   "repeat": "another-pass"})
    assert resp.status_code == 302
    assert _events(db, "user.password_changed")


def test_reset_disable_enable_and_move_are_audited(app, client, login_as, db):
    admin = login_as("admin")
    clerk = db.session.scalar(select(User).where(User.username == "clerk2"))
    password = _one_time(admin.post(f"/admin/users/{clerk.id}/reset").get_data(as_text=True))
    assert _events(db, "user.password_reset")
    assert admin.post(f"/admin/users/{clerk.id}/active", data={"active": "0"}).status_code == 302
    with client.session_transaction() as session:
        session.clear()
    assert login(client, "clerk2", password).status_code == 200  # disabled: the login page again
    admin = login_as("admin")
    assert admin.post(f"/admin/users/{clerk.id}/active", data={"active": "1"}).status_code == 302
    assert [e.detail["new"] for e in _events(db, "user.disabled") + _events(db, "user.enabled")] == [False, True]
    # Moved to another village.
    resp = admin.post(f"/admin/users/{clerk.id}/role", data={"role": "clerk", "area": "370305100203"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, clerk.id).area.code == "370305100203"
    assert _events(db, "user.changed")[0].detail["old"] == {"role": "clerk", "area": VILLAGE}


def test_role_and_area_must_match_and_tampered_choices_get_a_chinese_message(login_as, db):
    admin = login_as("admin")
    resp = admin.post("/admin/users/new", data={"username": "x1", "role": "town", "area": VILLAGE})
    assert resp.status_code == 422 and "只能属于乡镇级区划" in resp.get_data(as_text=True)
    resp = admin.post("/admin/users/new", data={"username": "x2", "role": "root", "area": "999"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请从列表中选择" in html and "Not a valid choice" not in html
    assert db.session.scalar(select(User).where(User.username.in_(["x1", "x2"]))) is None


def test_admin_cannot_disable_itself_and_others_cannot_administer(login_as, db):
    admin = login_as("admin")
    me = db.session.scalar(select(User).where(User.username == "admin"))
    admin.post(f"/admin/users/{me.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, me.id).active
    for user in ("clerk", "town", "district"):
        client = login_as(user)
        assert client.get("/admin/users").status_code == 403
        area = db.session.scalar(select(Area.code).limit(1))
        assert client.post("/admin/users/new", data={"username": "y", "role": "admin",
                                                     "area": area}).status_code == 403


def test_usernames_ignore_letter_case_at_creation_and_login(app, client, login_as, db):
    """``Clerk`` is ``clerk``: a second account differing only in case is refused, and a user who types the
    name with a capital logs in to the same account (QA finding: two accounts looked alike)."""
    admin = login_as("admin")
    resp = admin.post("/admin/users/new", data={"username": "CLERK", "display_name": "x", "role": "clerk",
                                                "area": VILLAGE})
    assert resp.status_code == 422 and "用户名已存在：clerk" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "CLERK")) == 0
    with client.session_transaction() as session:
        session.clear()
    resp = login(client, " Clerk ", "linzi-demo-2026")
    assert resp.status_code == 302


def test_nobody_may_choose_the_public_demo_password(login_as, db, runner):
    client = login_as("clerk2")
    resp = client.post("/account/password", data={"current": "linzi-demo-2026", "new": "linzi-demo-2026",
                                                   "repeat": "linzi-demo-2026"})
    assert "新密码不能与当前密码相同" in resp.get_data(as_text=True) or "公开的演示密码" in resp.get_data(as_text=True)
    result = runner.invoke(args=["set-password", "clerk"], input="linzi-demo-2026\n")
    assert result.exit_code != 0 and "公开的演示密码" in result.output
    result = runner.invoke(args=["create-user", "newclerk", "--role", "clerk", "--area", VILLAGE],
                           input="linzi-demo-2026\n")
    assert result.exit_code != 0 and "公开的演示密码" in result.output
    assert db.session.scalar(select(User).where(User.username == "newclerk")) is None
