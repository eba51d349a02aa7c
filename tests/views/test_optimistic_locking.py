"""Optimistic locking (registry/forms/concurrency.py, views/concurrency.py, models' ``version``): a form
carries the version its page showed; acting on a record someone changed meanwhile gives the Chinese
"此记录已被他人修改，请刷新后重试" (409) and changes nothing — no lost update."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from registry.models import AuditEvent, Filing
from registry.models.filings import TOWN_FILED, TOWN_REVIEW
from tests.conftest import login
from tests.services.filing_helpers import org

V1 = "370305100201"
STALE = "此记录已被他人修改，请刷新后重试"


@pytest.fixture
def filing(db, demo) -> Filing:
    f = Filing(organization_id=org(db.session, V1).id, version_no=1, state=TOWN_REVIEW, area_code=V1)
    db.session.add(f)
    db.session.commit()
    return f


def _version_on(page: str) -> str:
    versions = set(re.findall(r'name="version" type="hidden" value="(\d+)"', page))
    assert len(versions) == 1, versions
    return versions.pop()


def test_stale_page_in_a_second_session_cannot_overwrite_the_first(app, db, filing):
    first, second = app.test_client(), app.test_client()  # two browsers of the town office
    login(first, "town")
    login(second, "town")
    url = f"/filings/{filing.id}"
    seen_first = _version_on(first.get(url).get_data(as_text=True))
    seen_second = _version_on(second.get(url).get_data(as_text=True))
    assert seen_first == seen_second == str(filing.version)

    assert first.post(f"{url}/record", data={"version": seen_first}).status_code == 302
    resp = second.post(f"{url}/return", data={"version": seen_second, "reason": "材料不全"})
    assert resp.status_code == 409
    assert STALE in resp.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Filing, filing.id)
    assert kept.state == TOWN_FILED and kept.return_reason is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == filing.id)).all()
    assert actions == ["filing.town_record"]


def test_the_current_version_is_accepted(app, db, filing):
    client = app.test_client()
    login(client, "town")
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    resp = client.post(f"/filings/{filing.id}/return", data={"version": _version_on(page), "reason": "材料不全"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Filing, filing.id).return_reason == "材料不全"


def test_village_forms_carry_the_open_filings_version(login_as, db, demo):
    from tests.services.filing_helpers import reform_roster

    reform_roster(db.session, org(db.session, V1))
    f = Filing(organization_id=org(db.session, V1).id, version_no=1, state="draft", area_code=V1)
    db.session.add(f)
    db.session.commit()
    page = login_as("clerk").get(f"/villages/{V1}/filing").get_data(as_text=True)
    assert _version_on(page) == str(f.version)
    resp = login_as("clerk").post(f"/villages/{V1}/filing/notice",
                                  data={"version": str(f.version + 1), "posted_on": "2026-01-05"})
    assert resp.status_code == 409 and STALE in resp.get_data(as_text=True)


def test_a_concurrent_write_with_an_old_version_raises_stale_data(db, filing):
    """Two sessions read the same version; the second write finds the row changed (UPDATE … WHERE
    version = old matches nothing) — on SQLite and PostgreSQL alike."""
    with Session(db.engine) as one, Session(db.engine) as two:
        a, b = one.get(Filing, filing.id), two.get(Filing, filing.id)
        assert a.version == b.version == 1
        a.return_reason = "甲"
        one.commit()
        b.return_reason = "乙"
        with pytest.raises(StaleDataError):
            two.commit()
    db.session.expire_all()
    kept = db.session.get(Filing, filing.id)
    assert (kept.return_reason, kept.version) == ("甲", 2)
