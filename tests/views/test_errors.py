"""App-wide error pages for concurrent and repeated submissions (registry/views/errors.py): a double
click on 开始公示 / 公示期满确认 / 报送乡镇 loses the optimistic-lock race (StaleDataError), a double
确认导入 a unique constraint (IntegrityError). Both are a 409 page in Chinese, rolled back, never a 500."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from registry.models import AuditEvent, Filing
from registry.services.filing import filings as workflow
from tests.services.filing_helpers import org, reform_roster

TODAY = dt.date(2026, 6, 15)
PAGE = "/villages/370305100201/filing"
STALE = "此记录已被他人修改，请刷新后重试"  # one handler for every lost race: views.concurrency
INTEGRITY = "数据已被其他操作修改（可能是重复提交），请刷新页面后重试"


@pytest.fixture(autouse=True)
def _setup(clock, db, demo):
    clock.set(TODAY)
    reform_roster(db.session, org(db.session))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(update(Filing).values(notice_id=None))  # the filings ↔ notices cycle
    db.session.commit()


def _confirmed(db, clerk) -> Filing:
    posted = (TODAY - dt.timedelta(days=40)).isoformat()
    assert clerk.post(f"{PAGE}/notice", data={"posted_on": posted}).status_code == 302
    assert clerk.post(f"{PAGE}/confirm").status_code == 302
    db.session.expire_all()
    return db.session.scalar(select(Filing))


def test_stale_data_on_submit_is_409_and_rolled_back(login_as, db, monkeypatch):
    """A second 报送乡镇 that lost the race: another request bumped the filing's version between
    this request's load and its flush, so the versioned UPDATE matches no row."""
    clerk = login_as("clerk")
    filing = _confirmed(db, clerk)
    real_submit = workflow.submit

    def submit_after_someone_else(session, filing, **kw):
        session.execute(text("UPDATE filings SET version = version + 1 WHERE id = :id"), {"id": filing.id})
        return real_submit(session, filing, **kw)

    monkeypatch.setattr(workflow, "submit", submit_after_someone_else)
    resp = clerk.post(f"{PAGE}/submit")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409, html[:2000]
    assert STALE in html and "Traceback" not in html
    db.session.expire_all()
    assert db.session.get(Filing, filing.id).state == "confirmed"  # nothing of the request kept
    assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "filing.submit"))


@pytest.mark.parametrize("action", ["notice", "confirm", "submit"])
def test_stale_data_from_any_clerk_action_is_409(login_as, db, monkeypatch, action):
    clerk = login_as("clerk")
    if action != "notice":
        _confirmed(db, clerk) if action == "submit" else clerk.post(
            f"{PAGE}/notice", data={"posted_on": (TODAY - dt.timedelta(days=40)).isoformat()})

    def stale(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'filings' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(workflow, "transition", stale)
    monkeypatch.setattr(workflow, "confirm_without_resolution", stale)
    monkeypatch.setattr(workflow, "submit", stale)
    monkeypatch.setattr("registry.views.filings.start_notice_service", stale)
    data = {"posted_on": TODAY.isoformat()} if action == "notice" else {}
    resp = clerk.post(f"{PAGE}/{action}", data=data)
    assert resp.status_code == 409 and STALE in resp.get_data(as_text=True)


def test_stale_data_at_commit_is_rolled_back_with_the_message(login_as, db, monkeypatch):
    """The request's own commit losing the race: rolled back, the page says so (views.filings._commit)."""
    clerk = login_as("clerk")
    _confirmed(db, clerk)
    real_commit, calls = db.session.commit, []

    def commit_once_stale():
        calls.append(1)
        if len(calls) == 1:  # the request's commit loses the race; later commits (teardown) work
            raise StaleDataError("UPDATE statement on table 'filings' expected to update 1 row(s); 0 were matched.")
        return real_commit()

    monkeypatch.setattr(db.session, "commit", commit_once_stale)
    resp = clerk.post(f"{PAGE}/submit", follow_redirects=True)
    assert resp.status_code == 200 and STALE in resp.get_data(as_text=True)
    db.session.expire_all()
    from registry.models import Filing

    assert db.session.scalar(select(Filing.state)) == "confirmed"  # the submission was rolled back


def test_integrity_error_is_409(login_as, db, monkeypatch):
    """A double 确认导入 (or any repeated insert) trips a unique constraint during flush."""
    clerk = login_as("clerk")

    def duplicate(*args, **kwargs):
        raise IntegrityError("INSERT INTO filings …", {},
                             Exception("UNIQUE constraint failed: filings.organization_id"))

    monkeypatch.setattr(workflow, "current_filing", duplicate)
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": TODAY.isoformat()})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and INTEGRITY in html
    assert "<title>" in html and "操作冲突" in html


def test_integrity_error_from_a_real_duplicate_is_409(login_as, db, monkeypatch):
    """A second open filing for the same village (the unique index ``uq_filings_one_open``)."""
    clerk = login_as("clerk")
    o = org(db.session)

    def second_open_filing(session, organization, **kw):
        session.add(Filing(organization_id=o.id, version_no=1, state="draft", area_code=o.area_code))
        session.add(Filing(organization_id=o.id, version_no=2, state="draft", area_code=o.area_code))
        session.flush()

    monkeypatch.setattr(workflow, "current_filing", second_open_filing)
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": TODAY.isoformat()})
    assert resp.status_code == 409 and INTEGRITY in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Filing)) is None


def test_huge_ids_in_urls_are_404_not_500(login_as):
    clerk = login_as("clerk")
    huge = "99999999999999999999"
    assert clerk.get(f"/filings/{huge}").status_code == 404
    assert clerk.get(f"/villages/370305100201/members/{huge}").status_code == 404
    assert clerk.post(f"{PAGE}/objections/{huge}/resolve").status_code == 404
    assert clerk.get(f"/filings/{2**31}").status_code == 404  # beyond PostgreSQL's INTEGER: refused by the route
    assert clerk.get(f"/filings/{2**31 - 1}").status_code == 404  # the largest id still routes (no such filing)
