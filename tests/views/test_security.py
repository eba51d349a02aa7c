"""Security hardening (registry/security.py, views/auth.py, config.py): login rate limit with a Chinese
429 page, remember-me cookie cleared at logout, security headers and no-store caching, the friendly 413
page, scrypt password hashes, and the production secret-key and cookie rules. (CSRF on every POST,
anonymous/role/area refusals: test_route_walk.py; session rotation and local ``next``: test_auth.py.)"""
from __future__ import annotations

import io

import pytest
from flask import request_started

from registry import create_app
from registry.extensions import db
from tests import dbtest
from tests.conftest import _fresh_g

PASSWORD = "linzi-demo-2026"
GOOD_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def limited_apps(tmp_path):
    """Two apps (two gunicorn workers, as far as the throttle can tell) on one SQLite file with the
    demo district, the login throttle switched on (off in TestingConfig): 3 failures per username,
    5 per address, per minute."""
    from registry.services.demo import load_demo

    overrides = ({} if dbtest.current().is_postgres
                 else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'l.db'}"})
    apps = [create_app("testing", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                       LOGIN_ADDRESS_RATE_LIMIT="5 per minute", **overrides) for _ in range(2)]
    for app in apps:
        request_started.connect(_fresh_g, app)
    with apps[0].app_context():
        dbtest.current().prepare(db)
        load_demo(db.session)
        db.session.commit()
    yield apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _login_from(app, address: str, username: str, password: str = PASSWORD):
    return app.test_client().post("/login", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def test_login_is_throttled_per_account_across_workers_and_addresses(limited_apps, clock):
    """Issue 10 item 11: the count was per process (4 workers: 4× the guesses) and per address+name.
    Failures are counted in the database: 2 in one worker + 1 in the other fill the account's 3."""
    first, second = limited_apps
    assert _login_from(first, "10.0.0.1", "clerk", "wrong").status_code == 200
    assert _login_from(first, "10.0.0.2", "clerk", "wrong").status_code == 200
    assert _login_from(second, "10.0.0.3", "CLERK ", "wrong").status_code == 200
    refused = _login_from(second, "10.0.0.4", "clerk")  # even the right password, from a fresh address
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "登录尝试次数过多，请等待一分钟后再试" in html and "Too many" not in html
    assert first.test_client().get("/login").status_code == 200  # only POST counts
    assert _login_from(first, "10.0.0.4", "town").status_code == 302  # another account
    clock.advance(seconds=61)  # the period is over
    assert _login_from(first, "10.0.0.1", "clerk").status_code == 302


def test_login_is_throttled_per_address_across_usernames(limited_apps):
    first, second = limited_apps
    for i, app in enumerate([first, second] * 2 + [first]):
        assert _login_from(app, "10.9.9.9", f"guess{i}", "wrong").status_code == 200
    assert _login_from(second, "10.9.9.9", "town").status_code == 429  # 5 failures from this address
    assert _login_from(second, "10.9.9.8", "town").status_code == 302


def test_logout_clears_the_remember_me_cookie(login_as):
    client = login_as("clerk")
    client.set_cookie("remember_token", "1|forged-or-stale")
    resp = client.post("/logout")
    assert resp.status_code == 302
    cleared = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]


@pytest.mark.parametrize("path", ["/login", "/static/css/app.css", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as resp:  # a static file response holds the file open until closed
        headers = resp.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "http" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_and_downloads_of_signed_in_users_are_not_cached(login_as):
    client = login_as("district")
    assert client.get("/district").headers["Cache-Control"] == "no-store"
    assert client.get("/exports/370305100201/roster.xlsx").headers["Cache-Control"] == "no-store"
    with client.get("/static/css/app.css") as static:
        assert "no-store" not in (static.headers.get("Cache-Control") or "")


def test_upload_over_the_limit_gets_the_friendly_413_page(app, login_as):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    client = login_as("clerk")
    # Encoded in memory: the test client would spool a body this big to a temporary file nobody closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"PK" + b"\0" * (1536 * 1024)), "big.xlsx")})
    resp = client.post("/villages/370305100201/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert "文件太大" in html and "上传文件不能超过 1 MB" in html


def test_passwords_are_hashed_with_scrypt(monkeypatch):
    from registry.models import User

    monkeypatch.undo()  # the suite swaps in cheap hashing for speed (tests/conftest.py)
    user = User(username="x")
    user.set_password("a-long-secret-9")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("a-long-secret-9") and not user.check_password("a-long-secret-8")


@pytest.mark.parametrize("key", [None, "", "dev-only-not-secret", "short-key"])
def test_production_refuses_to_start_without_a_strong_secret_key(monkeypatch, key):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    overrides = {} if key is None else {"SECRET_KEY": key}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", **overrides)


def test_production_cookies_are_secure_and_https_gets_hsts(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    resp = client.get("/login", base_url="https://registry.example")
    assert resp.status_code == 200
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers  # plain HTTP: no HSTS
    with app.app_context():
        db.engine.dispose()
