"""Sessions end server-side (issue 10 item 6): a session cookie copied before a logout or a password
change no longer signs anyone in (``User.session_version`` in every session's user id, checked by the
user loader), and a session idle for longer than ``SESSION_IDLE_TIMEOUT`` (default 8 hours) ends."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import config
from registry.models import AuditEvent, User
from tests.conftest import login

ROSTER = "/villages/370305100201/roster"


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(dt.date(2026, 6, 15))


def signed_in(client) -> bool:
    resp = client.get(ROSTER)
    assert resp.status_code in (200, 302)
    return resp.status_code == 200


def stolen_cookie(client, app):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_stops_working_at_logout(app, client, demo):
    assert login(client, "clerk").status_code == 302
    thief = stolen_cookie(client, app)
    assert signed_in(thief)  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert not signed_in(client)
    assert not signed_in(thief)
    # Signing in again gives a new session; the old copy stays dead.
    assert login(client, "clerk").status_code == 302
    assert signed_in(client) and not signed_in(thief)


def test_a_password_change_ends_every_session_of_the_user(app, client, demo, runner, db):
    assert login(client, "clerk").status_code == 302
    other = app.test_client()
    assert login(other, "town").status_code == 302
    result = runner.invoke(args=["set-password", "clerk"], input="a-new-password-1\n")
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert signed_in(other)  # another user's session is untouched
    assert login(client, "clerk").status_code == 200  # the old password no longer works
    assert login(client, "clerk", "a-new-password-1").status_code == 302 and signed_in(client)
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_changed"))
    assert event.detail["username"] == "clerk" and "a-new-password-1" not in str(event.detail)


def test_set_password_refuses_a_short_password_and_keeps_the_sessions(app, client, demo, runner):
    assert login(client, "clerk").status_code == 302
    result = runner.invoke(args=["set-password", "clerk"], input="short\n")
    assert result.exit_code != 0 and "密码至少8位" in result.output
    assert signed_in(client)


def test_a_session_from_before_this_change_loads_nobody(client, demo, db):
    """Old cookies carried the bare user id: they sign nobody in."""
    clerk = db.session.scalar(select(User).where(User.username == "clerk"))
    with client.session_transaction() as session:
        session["_user_id"] = str(clerk.id)
        session["_fresh"] = True
    assert not signed_in(client)


def test_the_idle_timeout_is_eight_hours_by_default():
    assert config.DevelopmentConfig.SESSION_IDLE_TIMEOUT == config.ProductionConfig.SESSION_IDLE_TIMEOUT == 8 * 60 * 60


def test_an_idle_session_ends_and_an_active_one_lives_on(app, client, demo, clock):
    app.config["SESSION_IDLE_TIMEOUT"] = config.Config.SESSION_IDLE_TIMEOUT  # off in TestingConfig
    assert login(client, "clerk").status_code == 302
    for _ in range(3):  # active: a request every 7 hours keeps the session for 21 hours
        clock.advance(hours=7)
        assert signed_in(client)
    clock.advance(hours=8, minutes=2)
    resp = client.get(ROSTER)
    assert resp.status_code == 302 and "/login" in resp.location
    assert "长时间未操作" in client.get(resp.location).get_data(as_text=True)
    assert not signed_in(client)


def test_the_idle_timeout_is_a_setting(app, client, demo, clock):
    app.config["SESSION_IDLE_TIMEOUT"] = 10 * 60
    assert login(client, "clerk").status_code == 302
    clock.advance(minutes=9)
    assert signed_in(client)
    clock.advance(minutes=11)
    assert not signed_in(client)


def test_own_password_change_keeps_this_browser_and_ends_the_others(app, client, demo):
    assert login(client, "clerk").status_code == 302
    elsewhere = app.test_client()
    assert login(elsewhere, "clerk").status_code == 302
    thief = stolen_cookie(client, app)
    resp = client.post("/account/password", data={"current": "linzi-demo-2026", "new": "another-pass-9",
                                                  "repeat": "another-pass-9"})
    assert resp.status_code == 302
    assert signed_in(client)
    assert not signed_in(elsewhere) and not signed_in(thief)


@pytest.mark.parametrize("action", ["reset", "disable"])
def test_an_administrator_reset_or_disable_ends_the_users_sessions(app, client, demo, db, action):
    clerk_client = app.test_client()
    assert login(clerk_client, "clerk").status_code == 302
    assert login(client, "admin").status_code == 302
    clerk = db.session.scalar(select(User).where(User.username == "clerk"))
    if action == "reset":
        assert client.post(f"/admin/users/{clerk.id}/reset").status_code == 200
    else:
        assert client.post(f"/admin/users/{clerk.id}/active", data={"active": "0"}).status_code == 302
    assert not signed_in(clerk_client)
