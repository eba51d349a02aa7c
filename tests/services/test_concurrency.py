"""Integrity under concurrency, on the database the suite runs against (a SQLite *file* here, since an
in-memory database is private to one connection, or the PostgreSQL test schema): two clerks importing
the same roster, two villages importing the same people, two officers recording the same filing —
through HTTP in threads started together. Unique constraints hold, nothing is duplicated, no 500."""
from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
from flask import request_started
from sqlalchemy import func, select, text

from registry import create_app
from registry.extensions import db
from registry.models import AuditEvent, Filing, Household, Membership, Person, Resolution
from registry.models.filings import TOWN_FILED, TOWN_REVIEW
from tests import dbtest
from tests.conftest import SAMPLES, _fresh_g, login
from tests.services.filing_helpers import adults, org

V1, V2 = "370305100201", "370305100202"
ROSTER = SAMPLES / "roster_370305100201.xlsx"  # 347 members in 94 households


@pytest.fixture
def shared_app(tmp_path):
    """An app whose database every thread's connections share, with the demo district loaded. No app
    context stays pushed: each request gets its own session, so the test holds no transaction (on a
    SQLite file every transaction takes the write lock) while the threads run."""
    from registry.services.demo import load_demo

    overrides = {} if dbtest.current().is_postgres else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}"}
    app = create_app("testing", **overrides)
    request_started.connect(_fresh_g, app)
    with app.app_context():
        dbtest.current().prepare(db)
        load_demo(db.session)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def together(*jobs):
    """Run the callables in threads released at the same moment; return their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(i, job):
        try:
            results[i] = job(barrier)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _previewed(app, username: str, village: str):
    """A logged-in client and the token of its previewed upload of ROSTER into ``village``."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    resp = client.post(f"/villages/{village}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(ROSTER.read_bytes()), "roster.xlsx")})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return client, re.search(r"/import/([0-9a-f]{32})/", resp.get_data(as_text=True)).group(1)


def _apply(client, village, token):
    def job(barrier):
        barrier.wait()
        resp = client.post(f"/villages/{village}/import/{token}/apply", data={"partial": "0"})
        return resp.status_code, resp.get_data(as_text=True)
    return job


def test_two_clerks_importing_the_same_roster_at_once_write_it_once(shared_app):
    a, b = _previewed(shared_app, "clerk", V1), _previewed(shared_app, "clerk", V1)
    results = together(_apply(a[0], V1, a[1]), _apply(b[0], V1, b[1]))
    assert sorted(status for status, _ in results) == [302, 302]  # the second found everything unchanged
    app = shared_app
    assert (count(app, Person), count(app, Membership), count(app, Household)) == (347, 347, 94)
    with app.app_context():
        imports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).all()
        assert sorted(e.detail["created"] for e in imports) == [0, 347]
    assert count(app, Filing) == 1  # one open roster version (uq_filings_one_open)


def test_two_villages_importing_the_same_people_at_once_never_duplicate_them(shared_app):
    a, b = _previewed(shared_app, "clerk", V1), _previewed(shared_app, "clerk2", V2)
    results = together(_apply(a[0], V1, a[1]), _apply(b[0], V2, b[1]))
    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 422], statuses
    refused = next(html for status, html in results if status == 422)
    assert "roster.conflict" in refused or "duplicate.other_village" in refused
    assert (count(shared_app, Person), count(shared_app, Membership)) == (347, 347)  # M-15, unique IDs held


def test_two_officers_recording_one_filing_at_once_record_it_once(shared_app):
    with shared_app.app_context():
        organization = org(db.session, V1)
        filing = Filing(organization_id=organization.id, version_no=1, state=TOWN_REVIEW, area_code=V1)
        db.session.add(filing)
        db.session.commit()
        filing_id = filing.id

    def record(barrier):
        client = shared_app.test_client()
        login(client, "town")
        barrier.wait()
        resp = client.post(f"/filings/{filing_id}/record")
        return resp.status_code, resp.get_data(as_text=True)

    results = together(record, record)
    statuses = sorted(status for status, _ in results)
    # The loser either saw the new state (refused by the transition table, page shown again: 200) or
    # lost the version check while writing (409): never a 500, never two recordings.
    assert statuses in ([200, 302], [302, 409]), statuses
    loser = next(html for status, html in results if status != 302)
    assert "此记录已被他人修改，请刷新后重试" in loser or "不能执行" in loser
    with shared_app.app_context():
        assert db.session.get(Filing, filing_id).state == TOWN_FILED
    assert count(shared_app, AuditEvent, AuditEvent.action == "filing.town_record") == 1


def test_sqlite_file_database_uses_wal_busy_timeout_and_foreign_keys(shared_app):
    if dbtest.current().is_postgres:
        pytest.skip("SQLite pragmas")
    with shared_app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_five_simultaneous_posts_of_one_resolution_form_record_it_once(shared_app, clock):
    """Issue 10 item 9: 5 simultaneous POSTs of the resolutions form made 5 identical resolutions. The
    page's one-time token is stored under a unique constraint: one is recorded, the others get 409."""
    clock.set(dt.date(2026, 6, 15))
    with shared_app.app_context():
        adults(db.session, org(db.session, V1), 100)  # the assembly's base
        db.session.commit()
    page_client = shared_app.test_client()
    login(page_client, "clerk")
    page = page_client.get(f"/villages/{V1}/resolutions").get_data(as_text=True)
    token = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    form = {"body": "member_assembly", "subject": "art15_grant", "title": "授予退休教师收益分配权",
            "notice_date": "2026-05-16", "meeting_date": "2026-06-05", "in_person": "90",
            "votes_for": "80", "submission": token}

    def post(barrier):
        client = shared_app.test_client()
        login(client, "clerk")
        barrier.wait()
        return client.post(f"/villages/{V1}/resolutions", data=form).status_code

    statuses = sorted(together(*[post] * 5))
    assert statuses == [302, 409, 409, 409, 409], statuses
    assert count(shared_app, Resolution) == 1
    assert count(shared_app, AuditEvent, AuditEvent.action == "resolution.recorded") == 1
