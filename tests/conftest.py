"""Fixtures: a fresh database per test (SQLite in memory, or PostgreSQL — see tests/dbtest.py), the demo
district, logged-in clients, a stopped registry clock.

No test may depend on the real date (the holiday calendar covers a few years only, and CI runs on any
day): a test that needs "today" takes the ``clock`` fixture or passes ``today=``. To check that, run
the suite as if on another day::

    REGISTRY_TODAY=2027-06-15 pytest

which moves the registry clock (``registry.clock.utc_now``) to that Beijing date for every test that
does not stop it with ``clock`` (the time of day keeps running). ``date.today()`` in test code is not
moved: don't use it."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from flask import g, request_started

from registry import create_app
from registry.extensions import db as _db
from tests import dbtest
from tests.dbtest import (  # noqa: F401
    pytest_addoption,
    pytest_configure,
    pytest_report_header as _database_header,
    pytest_unconfigure,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"


#: ``REGISTRY_TODAY=YYYY-MM-DD``: run the suite as if on that (Beijing) date; see the module docstring.
TODAY_ENV = "REGISTRY_TODAY"


def _shifted_today() -> dt.date | None:
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"{TODAY_ENV} must be a date YYYY-MM-DD, not {raw!r}") from None


def pytest_report_header(config):
    lines = [_database_header(config)]
    day = _shifted_today()
    if day is not None:
        lines.append(f"registry clock: moved to {day.isoformat()} ({TODAY_ENV})")
    return [line for line in lines if line]


@pytest.fixture(autouse=True)
def _registry_today(monkeypatch):
    """With ``REGISTRY_TODAY`` set, the registry clock runs on that Beijing date (``clock`` overrides)."""
    day = _shifted_today()
    if day is None:
        return
    import registry.clock

    real = registry.clock.utc_now
    offset = day - real().astimezone(FixedClock.BEIJING).date()
    monkeypatch.setattr(registry.clock, "utc_now", lambda: real() + offset)


def _fresh_g(sender, **extra):
    """The ``app`` fixture keeps one app context pushed for the whole test and Flask reuses it for
    every request, so ``g`` would leak between requests (Flask-Login caches the user in
    ``g._login_user``, Flask-Babel the locale). Production has a fresh ``g`` per request: so here."""
    for name in list(g):
        g.pop(name)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """scrypt costs ~0.15 s per hash and per check (the demo fixture alone hashes 8 passwords);
    tests store cheap pbkdf2 hashes instead. ``check_password_hash`` reads the method from the hash."""
    from werkzeug.security import generate_password_hash

    import registry.models.users as users_module

    def cheap(password, method=None, salt_length=16):
        return generate_password_hash(password, method="pbkdf2:sha256:1000", salt_length=salt_length)

    monkeypatch.setattr(users_module, "generate_password_hash", cheap)


@pytest.fixture
def app(tmp_path):
    # Uploads of this test only: two test runs in one checkout never sweep each other's files.
    app = create_app("testing", UPLOAD_FOLDER=str(tmp_path / "uploads"), JOB_FOLDER=str(tmp_path / "jobs"))
    request_started.connect(_fresh_g, app)
    with app.app_context():
        dbtest.current().prepare(_db)
        yield app
        _db.session.remove()
        # The in-memory database goes with its engine; drop_all would trip over the
        # filings ↔ public_notices foreign-key cycle that SQLite cannot ALTER away.
        _db.engine.dispose()


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


class FixedClock:
    """A stopped registry clock (``registry.clock.utc_now`` patched). ``set(date)`` puts it at 10:00
    Beijing time that day, ``set(datetime)`` at an aware instant; ``today`` is the Beijing date."""

    BEIJING = dt.timezone(dt.timedelta(hours=8))

    def __init__(self, when: dt.date | dt.datetime):
        self.now = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)
        self.set(when)

    def set(self, when: dt.date | dt.datetime) -> FixedClock:
        if not isinstance(when, dt.datetime):
            when = dt.datetime(when.year, when.month, when.day, 10, 0, tzinfo=self.BEIJING)
        assert when.tzinfo is not None, "give an aware datetime"
        self.now = when.astimezone(dt.UTC)
        return self

    def advance(self, **delta) -> FixedClock:
        self.now += dt.timedelta(**delta)
        return self

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.BEIJING).date()


@pytest.fixture
def clock(monkeypatch):
    """Stop the registry clock at 2026-06-15 10:00 Beijing time (``clock.set(...)`` moves it)."""
    import registry.clock

    fixed = FixedClock(dt.date(2026, 6, 15))
    monkeypatch.setattr(registry.clock, "utc_now", lambda: fixed.now)
    return fixed


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
        # Logout is a POST (with CSRF when enabled); emptying the session is the same for a test client.
        with client.session_transaction() as session:
            session.clear()
        resp = login(client, username)
        assert resp.status_code in (302, 303), resp.data[:500]
        return client

    return _login


@pytest.fixture
def add_member(db):
    """``add_member("370305100201", "张三", id_number, household="0001", relation="02", ...)`` creates
    (or reuses) the person, the collective household and its link, the membership and optionally a
    current hukou record (``hukou_in_org`` True/False); commits and returns the Membership."""
    import datetime as dt

    from sqlalchemy import select

    from registry.models import Household, HouseholdMember, HukouRecord, Membership, Person
    from registry.services.areas import organization_for_village

    def _add(village_code: str, name: str, id_number: str, *, household: str | None = "0001",
             relation: str = "02", status: str = "confirmed", sex: str | None = None,
             ground: str = "reform", hukou_in_org: bool | None = None, hukou_place: str | None = None,
             **membership_fields) -> Membership:
        org = organization_for_village(db.session, village_code)
        person = db.session.scalar(select(Person).where(Person.id_number == id_number))
        if person is None:
            sex = sex or ("1" if int(id_number[16]) % 2 else "2")
            born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
            person = Person(id_number=id_number, name=name, sex=sex, id_tail=id_number[-4:], birth_date=born)
            db.session.add(person)
        hh = None
        if household is not None:
            hh = db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                           Household.number == household))
            if hh is None:
                hh = Household(organization_id=org.id, number=household)
                db.session.add(hh)
            db.session.flush()
            db.session.add(HouseholdMember(household_id=hh.id, person_id=person.id, relation=relation,
                                           is_head=relation in ("01", "02")))
        membership = Membership(person=person, organization_id=org.id, household=hh, status=status,
                                acquisition_ground=ground, **membership_fields)
        db.session.add(membership)
        if hukou_in_org is not None or hukou_place is not None:
            db.session.add(HukouRecord(person=person, place=hukou_place, in_organization=hukou_in_org,
                                       organization_id=org.id if hukou_in_org else None))
        db.session.commit()
        return membership

    return _add


def make_id(region: str = "370305", birth: str = "19800101", seq: str = "001") -> str:
    """A well-formed 18-character resident ID (GB 11643 check character) for tests."""
    from registry.identity import check_character

    body = f"{region}{birth}{seq}"
    return body + check_character(body)
