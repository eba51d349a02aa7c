"""Charter settings over HTTP (DOMAIN §8): the district officer raises a threshold citing the article and
the member assembly is judged by it (A-04); thresholds or notice days below the law are refused (A-04,
F-04); everyone in scope reads, only the district officer or administrator changes."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from sqlalchemy import select, update

from registry.models import AuditEvent, CharterSettings, Filing
from registry.services.charter import settings_for
from tests.services.filing_helpers import adults, candidates, org

TODAY = dt.date(2026, 6, 15)
VILLAGE = "370305100201"
PAGE = f"/villages/{VILLAGE}/charter"
FILING = f"/villages/{VILLAGE}/filing"


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture(autouse=True)
def _break_notice_cycle(app):
    """Unlink filings ↔ public_notices so the test database can be dropped (see test_filings_views)."""
    yield
    from registry.extensions import db

    db.session.rollback()
    db.session.execute(update(Filing).values(notice_id=None))
    db.session.commit()


DEFAULT_FORM = {
    "confirmation_threshold": "2/3", "art15_threshold": "3/4", "quorum_threshold": "2/3",
    "notice_working_days": "7", "withdrawal_consent_body": "member_assembly", "holder_unit": "household",
    "management": "static", "adjustment_years": "", "holding_cap_percent": "3", "reserve_rate": "0.3",
    "death_treatment": "full_year", "article": "章程第二十条", "effective_on": "",
    **{f"weight_{code}": "1" for code in ("population", "farm_age", "collective", "contribution", "other")},
    **{f"divisor_{code}": "y" for code in ("population", "farm_age", "contribution", "other")},
}


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_A04_charter_threshold_3_4_makes_23_of_31_fail_and_24_pass(login_as, db, demo):
    o = org(db.session)
    adults(db.session, o, 31)  # the assembly's base: 31 members with full civil capacity
    candidates(db.session, o, n=2)
    db.session.commit()

    district = login_as("district")
    resp = district.post(PAGE, data={**DEFAULT_FORM, "confirmation_threshold": "3/4", "effective_on": iso(60)})
    assert resp.status_code == 302, text(resp)[:2000]
    html = text(district.get(PAGE))
    assert "章程第二十条" in html and "3/4" in html and "成员身份确认表决比例" in html

    clerk = login_as("clerk")
    resp = clerk.post(f"{FILING}/notice", data={"posted_on": iso(40), "ends_on": "", "place": "村委会公示栏"})
    assert resp.status_code == 302
    assert "章程（章程第二十条）规定：赞成票不少于应到人数的 3/4，出席人数不少于 2/3" in text(clerk.get(FILING))
    resolution = {"body": "member_assembly", "subject": "membership_confirmation", "title": "确认新增成员",
                  "notice_date": iso(20), "meeting_date": iso(5), "in_person": "28"}
    # 23 ≥ 21 = ceil(2/3 × 31) meets the law but not the charter's 3/4 (24 = ceil(23.25)).
    resp = clerk.post(f"{FILING}/resolution", data={**resolution, "votes_for": "23"})
    assert resp.status_code == 200
    assert "[A-04] 赞成票 23 未达到章程规定的 3/4（全体成员(有完全民事行为能力) 31 人，需 24 票）" in text(resp)
    resp = clerk.post(f"{FILING}/resolution", data={**resolution, "votes_for": "24"})
    assert resp.status_code == 302, text(resp)[:3000]
    db.session.expire_all()
    filing = db.session.scalar(select(Filing))
    assert filing.state == "confirmed" and filing.resolution.votes_for == 24
    assert filing.resolution.thresholds["pass"] == "3/4" and filing.resolution.thresholds["article"] == "章程第二十条"


@pytest.mark.parametrize("field,value,rule", [("confirmation_threshold", "1/2", "A-04"),
                                              ("art15_threshold", "2/3", "A-04"),
                                              ("quorum_threshold", "0.6", "A-04"),
                                              ("notice_working_days", "5", "F-04")])
def test_A04_F04_settings_below_the_law_are_refused_over_http(login_as, db, field, value, rule):
    resp = login_as("district").post(PAGE, data={**DEFAULT_FORM, field: value})
    assert resp.status_code == 422 and f"[{rule}]" in text(resp)
    assert db.session.scalar(select(CharterSettings)) is None
    assert settings_for(db.session, org(db.session).id, TODAY).confirmation_threshold == Fraction(2, 3)


def test_article_required_and_audited_old_to_new(login_as, db):
    admin = login_as("admin")
    resp = admin.post(PAGE, data={**DEFAULT_FORM, "article": "", "notice_working_days": "10"})
    assert resp.status_code == 422 and "请填写依据的章程条款" in text(resp)
    resp = admin.post(PAGE, data={**DEFAULT_FORM, "notice_working_days": "10", "reserve_rate": "0.35",
                                  "divisor_collective": "y"})
    assert resp.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter.updated"))
    assert event.detail["article"] == "章程第二十条" and event.detail["changes"] == {
        "notice_working_days": {"old": 7, "new": 10}, "reserve_rate": {"old": "0.3", "new": "0.35"},
        "share_types": {"old": {c: {"weight": "1", "counts_in_divisor": c != "collective"}
                                for c in ("population", "farm_age", "collective", "contribution", "other")},
                        "new": {c: {"weight": "1", "counts_in_divisor": True}
                                for c in ("population", "farm_age", "collective", "contribution", "other")}}}
    # The filing page tells the clerk the configured notice length (F-04).
    adults(db.session, org(db.session), 3)
    db.session.commit()
    assert "公示期不少于 10 个工作日" in text(login_as("clerk").get(FILING))


def test_readers_in_scope_see_the_page_without_the_form_and_cannot_post(login_as, db):
    for name in ("clerk", "town"):
        client = login_as(name)
        html = text(client.get(PAGE))
        assert "章程设置" in html and "尚未设置" in html and "修改章程设置" not in html
        assert client.post(PAGE, data=DEFAULT_FORM).status_code == 403
    html = text(login_as("district").get(PAGE))
    assert "修改章程设置" in html and 'value="2/3"' in html
    assert login_as("clerk").get("/villages/370305102201/charter").status_code == 404


def test_full_width_and_grouped_numbers_are_read_as_typed_on_chinese_windows(login_as, db):
    """Clerks' IME types ０．３５ and ３／４; the settings read them as 0.35 and 3/4 (not refused)."""
    admin = login_as("admin")
    resp = admin.post(PAGE, data={**DEFAULT_FORM, "notice_working_days": "１０", "reserve_rate": "０．３５",
                                  "confirmation_threshold": "３／４", "holding_cap_percent": "５％"})
    assert resp.status_code == 302, text(resp)[:600]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter.updated"))
    changes = event.detail["changes"]
    assert changes["notice_working_days"]["new"] == 10 and changes["reserve_rate"]["new"] == "0.35"
    assert changes["confirmation_threshold"]["new"] == "3/4"


def test_text_that_is_not_a_number_gets_a_not_a_number_message(login_as, db):
    resp = login_as("admin").post(PAGE, data={**DEFAULT_FORM, "notice_working_days": "十"})
    assert resp.status_code == 422 and "不是整数" in text(resp)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter.updated")) is None
