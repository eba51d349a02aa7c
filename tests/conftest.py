"""Fixtures: a fresh in-memory database per test, the demo district, logged-in clients."""
from __future__ import annotations

from pathlib import Path

import pytest

from registry import create_app
from registry.extensions import db as _db

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture
def app():
    app = create_app("testing")
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def demo(app):
    """The demo district loaded: areas, organisations, holidays and demo users."""
    from registry.services.demo import load_demo

    users = load_demo(_db.session)
    _db.session.commit()
    return users


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, username: str, password: str = "linzi-demo-2026"):
    return client.post("/login", data={"username": username, "password": password}, follow_redirects=False)


@pytest.fixture
def login_as(client, demo):
    """``login_as("clerk")`` logs the test client in as a demo user and returns the client."""

    def _login(username: str):
        client.get("/logout")
        resp = login(client, username)
        assert resp.status_code in (302, 303), resp.data[:500]
        return client

    return _login
