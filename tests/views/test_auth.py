"""Login and logout: credentials, session rotation, safe ``next``, POST-only logout with CSRF,
and the home redirect by role."""
from __future__ import annotations

import pytest

from registry import create_app
from registry.extensions import db
from tests import dbtest
from tests.conftest import _fresh_g, login

PASSWORD = "linzi-demo-2026"


def test_login_form_renders(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'name="username"' in html and 'type="password"' in html


def test_wrong_password_shows_chinese_error_and_stays_anonymous(client, demo):
    resp = client.post("/login", data={"username": "clerk", "password": "wrong-pass"})
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert client.get("/").location.startswith("/login")


def test_unknown_user_gets_the_same_message(client, demo):
    resp = client.post("/login", data={"username": "nobody", "password": PASSWORD})
    assert "用户名或密码错误" in resp.get_data(as_text=True)


def test_empty_form_shows_field_errors(client, demo):
    html = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "请输入用户名" in html and "请输入密码" in html


def test_inactive_user_cannot_log_in(client, demo):
    from sqlalchemy import select

    from registry.models import User

    user = db.session.scalar(select(User).where(User.username == "clerk2"))
    user.active = False
    db.session.commit()
    resp = login(client, "clerk2")
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.get_data(as_text=True)


@pytest.mark.parametrize("username,target", [
    ("clerk", "/villages/370305100201/roster"),
    ("clerk3", "/villages/370305102201/roster"),
    ("town", "/town/filings"),
    ("town2", "/town/filings"),
    ("district", "/district"),
    ("admin", "/district"),
])
def test_login_then_home_redirects_by_role(client, demo, username, target):
    resp = login(client, username)
    assert resp.status_code == 302 and resp.location == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert home.location == target
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("username,target", [
    ("town", "/towns/370305100000"), ("town2", "/towns/370305102000")])
def test_town_home_falls_back_to_the_town_overview_without_an_inbox(app, client, demo, monkeypatch,
                                                                     username, target):
    monkeypatch.delitem(app.view_functions, "filings.town_inbox", raising=False)
    login(client, username)
    assert client.get("/").location == target
    assert client.get(target).status_code == 200


def test_next_is_followed_only_to_local_paths(client, demo):
    resp = client.post("/login?next=/villages/370305100201/members/1",
                       data={"username": "clerk", "password": PASSWORD})
    assert resp.location == "/villages/370305100201/members/1"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                 "/\t/evil.example", "/\n/evil.example"):
        with client.session_transaction() as session:
            session.clear()
        resp = client.post("/login", query_string={"next": evil},
                           data={"username": "clerk", "password": PASSWORD})
        assert resp.status_code == 302
        assert resp.location == "/", evil


def test_anonymous_is_sent_to_login_with_next(client, demo):
    resp = client.get("/villages/370305100201/roster")
    assert resp.status_code == 302
    assert resp.location == "/login?next=%2Fvillages%2F370305100201%2Froster"


def test_login_rotates_the_session(client, demo):
    with client.session_transaction() as session:
        session["planted"] = "from-before-login"
    login(client, "clerk")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_logged_in_user_visiting_login_goes_home(login_as):
    client = login_as("clerk")
    resp = client.get("/login")
    assert resp.status_code == 302 and resp.location == "/"


def test_logout_is_post_only(login_as):
    client = login_as("clerk")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 302  # still logged in: to the roster, not to login
    assert not client.get("/").location.startswith("/login")
    resp = client.post("/logout")
    assert resp.status_code == 302 and resp.location == "/login"
    assert "您已退出登录" in client.get("/login").get_data(as_text=True)
    assert client.get("/").location.startswith("/login")


def test_nav_shows_user_role_and_logout_button(login_as):
    html = login_as("town").get("/towns/370305100000").get_data(as_text=True)
    assert "齐都镇农经站" in html and "乡镇农经站" in html
    assert 'action="/logout"' in html and 'method="post"' in html
    assert 'href="/towns/370305100000"' in html  # own overview link in the nav


@pytest.fixture
def csrf_app():
    app = create_app("testing", WTF_CSRF_ENABLED=True)
    from flask import request_started

    request_started.connect(_fresh_g, app)
    with app.app_context():
        dbtest.current().prepare(db)
        from registry.services.demo import load_demo

        load_demo(db.session)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_with_csrf_login_and_logout_need_the_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 400
    token = _token(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302 and resp.location == "/"
    roster = client.get("/villages/370305100201/roster").get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # no token: still logged in
    assert client.get("/villages/370305100201/roster").status_code == 200
    resp = client.post("/logout", data={"csrf_token": _token(roster)})
    assert resp.status_code == 302 and resp.location == "/login"
    assert client.get("/villages/370305100201/roster").status_code == 302
