"""Filing screens through the HTTP client: the village page, the town and district inboxes, the
detail page, and the full walk notice → objection → resolution → submit → return → resubmit →
town record → district receipt (DOMAIN §6.2)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from registry.models import AuditEvent, Filing, Membership, Objection
from tests.services.filing_helpers import candidates, org, reform_roster

# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``): every date below is
# fixed, and inside the 2025–2026 holiday calendar.
TODAY = dt.date(2026, 6, 15)
VILLAGE = "370305100201"
PAGE = f"/villages/{VILLAGE}/filing"


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    clock.set(TODAY)
    return clock


@pytest.fixture(autouse=True)
def _break_notice_cycle(app):
    """filings.notice_id ↔ public_notices.filing_id form a cycle: with SQLite foreign keys on, the
    conftest's ``drop_all`` cannot drop either table while committed rows link them. Unlink first."""
    yield
    from registry.extensions import db

    db.session.rollback()
    db.session.execute(update(Filing).values(notice_id=None))
    db.session.commit()


@pytest.fixture
def roster(db, demo):
    """东柳庄村: a reform roster of 9 members plus 2 pending candidates."""
    o = org(db.session)
    members = reform_roster(db.session, o) + candidates(db.session, o, n=2)
    db.session.commit()
    return members


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_village_page_renders_for_clerk(login_as, roster):
    resp = login_as("clerk").get(PAGE)
    assert resp.status_code == 200
    html = text(resp)
    assert "名册备案" in html and "开始公示" in html and "办理步骤" in html
    assert "Roster filing" not in html


def filing_of(db) -> Filing:
    db.session.expire_all()
    return db.session.scalar(select(Filing).order_by(Filing.id.desc()))


def post_notice(client, days_ago: int = 40):
    return client.post(f"{PAGE}/notice", data={"posted_on": iso(days_ago), "ends_on": "", "place": "村委会公示栏"})


# The roster fixture has 9 confirmed adults (the base, A-07) and 2 candidates; 6 votes pass.
RESOLUTION = {
    "body": "member_assembly", "subject": "membership_confirmation", "title": "关于确认新增成员的决议",
    "notice_date": iso(20), "meeting_date": iso(5), "base_members": "9", "in_person": "8",
    "votes_for": "7", "party_pre_discussion_date": iso(25),
}


def test_full_walk_notice_to_district(login_as, roster, db):
    clerk = login_as("clerk")
    # 1. Public notice, posted 40 days ago: 7 working days from the next day (F-04).
    resp = post_notice(clerk)
    assert resp.status_code == 302, text(resp)[:2000]
    filing = filing_of(db)
    assert filing.state == "on_notice" and filing.notice.posted_on.isoformat() == iso(40)
    assert "公示期至" in text(clerk.get(PAGE))

    # 2. An objection is raised and resolved (the note is required).
    assert clerk.post(f"{PAGE}/objections", data={"raised_by": "王某", "text": "王某之女漏登"}).status_code == 302
    objection = db.session.scalar(select(Objection))
    resp = clerk.post(f"{PAGE}/objections/{objection.id}/resolve", data={f"objection-{objection.id}-note": ""})
    assert resp.status_code == 200 and "请填写异议处理说明" in text(resp)
    resp = clerk.post(f"{PAGE}/objections/{objection.id}/resolve",
                      data={f"objection-{objection.id}-note": "经核实已补录"})
    assert resp.status_code == 302

    # 3. The resolution: refused once for A-03 (5 of 9 < 6 = ceil(2/3 × 9)), then passed.
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "votes_for": "5"})
    assert resp.status_code == 200
    html = text(resp)
    assert "[A-03] 赞成票 5 未达到全体成员(有完全民事行为能力) 9 人的三分之二（6 票）" in html
    assert filing_of(db).resolution_id is None
    resp = clerk.post(f"{PAGE}/resolution", data=RESOLUTION)
    assert resp.status_code == 302, text(resp)[:3000]
    filing = filing_of(db)
    assert filing.state == "confirmed" and filing.resolution.votes_for == 7
    new = db.session.scalars(select(Membership).where(Membership.acquisition_ground == "marriage")).all()
    assert {(m.status, m.confirmed_at.isoformat()) for m in new} == {("confirmed", iso(5))}  # M-02

    # 4. Submit to the town.
    assert clerk.post(f"{PAGE}/submit").status_code == 302
    filing = filing_of(db)
    assert filing.state == "town_review" and len(filing.items) == 11

    # 5. The town returns it: a reason is required (F-08).
    town = login_as("town")
    assert f"/filings/{filing.id}" in text(town.get("/town/filings"))
    resp = town.post(f"/filings/{filing.id}/return", data={"reason": ""})
    assert resp.status_code == 200 and "退回必须填写退回意见" in text(resp)
    assert town.post(f"/filings/{filing.id}/return", data={"reason": "第2户户主关系有误"}).status_code == 302
    assert filing_of(db).state == "returned"

    # 6. The clerk corrects and resubmits.
    clerk = login_as("clerk")
    assert "第2户户主关系有误" in text(clerk.get(PAGE))
    assert clerk.post(f"{PAGE}/reopen").status_code == 302
    assert filing_of(db).state == "draft"
    assert clerk.post(f"{PAGE}/submit").status_code == 302
    assert filing_of(db).state == "town_review"

    # 7. The town records, then the district receives (F-02).
    town = login_as("town")
    assert town.post(f"/filings/{filing.id}/record").status_code == 302
    assert filing_of(db).state == "town_filed"
    district = login_as("district")
    assert f"/filings/{filing.id}" in text(district.get("/district/filings"))
    assert district.post(f"/filings/{filing.id}/receive").status_code == 302
    filing = filing_of(db)
    assert filing.state == "district_filed" and filing.filed_on == TODAY
    html = text(district.get(f"/filings/{filing.id}"))
    assert "区级已备案" in html and "备案完成" in html and "关于确认新增成员的决议" in html

    # Audit: every transition, with actor, area and old → new.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "filing")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == [
        "filing.created", "filing.start_notice", "filing.end_notice", "filing.record_resolution",
        "filing.submit", "filing.town_return", "filing.reopen", "filing.submit", "filing.town_record",
        "filing.district_receive",
    ]
    assert all(e.area_code == VILLAGE and e.target_id == filing.id for e in events)
    assert events[5].detail["reason"] == "第2户户主关系有误"
    assert (events[-1].detail["old"], events[-1].detail["new"]) == ("town_filed", "district_filed")
    others = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"notice.posted", "objection.raised", "objection.resolved", "resolution.recorded",
            "membership.confirmed"} <= others


def test_reform_roster_confirmed_without_resolution(login_as, db, demo):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    html = text(clerk.get(PAGE))
    assert "公示期满确认（改革确认成员）" in html
    resp = clerk.post(f"{PAGE}/confirm", follow_redirects=True)
    assert "公示期满，无需成员大会确认（改革确认成员）" in text(resp)
    assert filing_of(db).state == "confirmed"


def test_submit_before_notice_ended_refused(login_as, db, demo):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    assert post_notice(clerk, days_ago=0).status_code == 302
    resp = clerk.post(f"{PAGE}/submit")
    assert resp.status_code == 200 and "[F-04]" in text(resp)
    assert filing_of(db).state == "on_notice"


def test_submit_while_objection_open_refused(login_as, db, demo):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    assert clerk.post(f"{PAGE}/confirm").status_code == 302
    clerk.post(f"{PAGE}/objections", data={"raised_by": "李某", "text": "股份数有误"})
    resp = clerk.post(f"{PAGE}/submit")
    assert resp.status_code == 200 and "异议尚未处理" in text(resp)
    assert filing_of(db).state == "confirmed"


def test_F04_confirm_while_objection_open_refused(login_as, db, demo):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    clerk.post(f"{PAGE}/objections", data={"raised_by": "李某", "text": "股份数有误"})
    html = text(clerk.get(PAGE))
    assert "公示期满确认（改革确认成员）" not in html and "请先处理公示期间的异议（F-04）" in html
    resp = clerk.post(f"{PAGE}/confirm")
    assert resp.status_code == 200 and "[F-04]" in text(resp) and "异议尚未处理" in text(resp)
    assert filing_of(db).state == "on_notice"  # the request was rolled back


def test_notice_end_date_too_early_shows_rule(login_as, roster):
    clerk = login_as("clerk")
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": iso(40), "ends_on": iso(39)})
    assert resp.status_code == 200 and "[F-04]" in text(resp)


def test_representative_assembly_refused_A09(login_as, roster, db):
    clerk = login_as("clerk")
    post_notice(clerk)
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "body": "representative"})
    assert resp.status_code == 200 and "[A-09]" in text(resp)


def _submitted(login_as, db):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    clerk.post(f"{PAGE}/confirm")
    clerk.post(f"{PAGE}/submit")
    filing = filing_of(db)
    assert filing.state == "town_review"
    return filing


def test_town_officer_of_other_town_gets_404(login_as, db, demo):
    filing = _submitted(login_as, db)
    town2 = login_as("town2")  # 皇城镇
    assert town2.get(f"/filings/{filing.id}").status_code == 404
    assert town2.post(f"/filings/{filing.id}/record").status_code == 404
    assert town2.post(f"/filings/{filing.id}/return", data={"reason": "x"}).status_code == 404
    assert f"/filings/{filing.id}" not in text(town2.get("/town/filings"))
    assert filing_of(db).state == "town_review"


def test_clerk_trying_to_record_gets_403(login_as, db, demo):
    filing = _submitted(login_as, db)
    clerk = login_as("clerk")
    assert clerk.post(f"/filings/{filing.id}/record").status_code == 403
    assert clerk.post(f"/filings/{filing.id}/receive").status_code == 403
    assert clerk.get("/town/filings").status_code == 403
    assert clerk.get(f"/filings/{filing.id}").status_code == 200  # may read its own filing
    assert filing_of(db).state == "town_review"


def test_district_cannot_receive_before_town_records(login_as, db, demo):
    filing = _submitted(login_as, db)
    district = login_as("district")
    resp = district.post(f"/filings/{filing.id}/receive")
    assert resp.status_code == 200 and "不能执行" in text(resp)
    assert login_as("town").post(f"/filings/{filing.id}/receive").status_code == 403


def test_village_scope_and_roles(login_as, roster, client):
    assert login_as("clerk2").get(PAGE).status_code == 404
    assert login_as("clerk2").post(f"{PAGE}/notice", data={"posted_on": iso(3)}).status_code == 404
    assert login_as("town2").get(PAGE).status_code == 404
    assert login_as("town").get(PAGE).status_code == 200
    assert login_as("town").post(f"{PAGE}/notice", data={"posted_on": iso(3)}).status_code == 403
    assert login_as("district").get(PAGE).status_code == 200
    assert login_as("district").get("/town/filings").status_code == 403
    assert login_as("admin").get("/district/filings").status_code == 200
    assert login_as("town").get("/district/filings").status_code == 403
    assert login_as("clerk").get("/villages/370305999999/filing").status_code == 404
    with client.session_transaction() as session:
        session.clear()
    resp = client.get(PAGE)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_detail_lists_changes_of_second_version(login_as, db, demo):
    filing = _submitted(login_as, db)
    login_as("town").post(f"/filings/{filing.id}/record")
    o = org(db.session)
    m = db.session.scalar(select(Membership).where(Membership.organization_id == o.id).order_by(Membership.id))
    m.notes = "迁入新址"
    db.session.commit()
    clerk = login_as("clerk")
    from registry.services.filing.filings import current_filing
    from tests.services.filing_helpers import user
    second = current_filing(db.session, o, actor=user(db.session, "clerk"))
    db.session.commit()
    post_notice(clerk)
    clerk.post(f"{PAGE}/confirm")
    assert clerk.post(f"{PAGE}/submit").status_code == 302
    html = text(login_as("town").get(f"/filings/{second.id}"))
    assert "名册第 2 版" in html and "备注：— → 迁入新址" in html
    assert re.search(r'stat-value">1</span><span class="stat-label">变更', html)


def test_pages_render_for_every_reader(login_as, db, demo):
    filing = _submitted(login_as, db)
    for username in ("clerk", "town", "district", "admin"):
        client = login_as(username)
        assert client.get(f"/filings/{filing.id}").status_code == 200, username
        assert client.get(PAGE).status_code == 200, username


# --- QA findings --------------------------------------------------------------------------------------

def test_huge_counts_are_a_form_error_not_a_500(login_as, roster, db):
    clerk = login_as("clerk")
    post_notice(clerk)
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "votes_for": "99999999999999999999"})
    assert resp.status_code == 200 and "请填写 0 至 1000000 之间的整数" in text(resp)
    # A huge attendance count is refused by the counts rule (more than the base), not a 500.
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "in_person": "9999999"})
    assert resp.status_code == 200 and "多于应到人数 9" in text(resp)
    assert filing_of(db).resolution_id is None


def test_A07_base_derived_from_the_roster_not_typed(login_as, db, demo):
    """The base is no longer a field: it is counted for the meeting date, with its list (A-07)."""
    from tests.services.filing_helpers import add_household

    o = org(db.session)
    reform_roster(db.session, o)  # 9 adults
    add_household(db.session, o, "0200", [("少年甲", "1", TODAY.replace(year=TODAY.year - 17), "02"),
                                          ("少年乙", "2", TODAY.replace(year=TODAY.year - 12), "20")])
    candidates(db.session, o, n=1)
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    html = text(clerk.get(PAGE))
    assert 'name="base_members"' not in html
    assert "今天名册上有完全民事行为能力的成员 9 人（A-07）" in html
    listing = text(clerk.get("/villages/370305100201/assembly/base"))
    assert "少年甲" in listing and "未登记以自己劳动收入为主要生活来源" in listing
    # A typed base is ignored: 3 of the real 9 is refused by, not accepted on a base of 3.
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "base_members": "3", "in_person": "3",
                                                  "votes_for": "3"})
    assert resp.status_code == 200 and "[A-02]" in text(resp) and "9 人" in text(resp)
    assert clerk.post(f"{PAGE}/resolution", data={**RESOLUTION}).status_code == 302
    assert filing_of(db).resolution.base_members == 9


def test_returned_page_says_what_to_do_not_wait_for_the_notice(login_as, db, demo):
    filing = _submitted(login_as, db)
    login_as("town").post(f"/filings/{filing.id}/return", data={"reason": "第1户缺户主"})
    html = text(login_as("clerk").get(PAGE))
    assert "公示期满后方可录入" not in html
    assert "乡镇已退回名册：请先点击「修改后重新报送」。" in html
    assert "乡镇已退回：修改名册后重新报送" in html  # the checklist step
    login_as("clerk").post(f"{PAGE}/reopen")
    html = text(login_as("clerk").get(PAGE))
    assert "公示期满后方可录入" not in html and "没有待确认人员，无需成员大会决议（M-05）。" in html


def test_resolution_note_while_the_notice_runs(login_as, roster):
    clerk = login_as("clerk")
    post_notice(clerk, days_ago=0)
    assert "公示期满（2026-06-25）后方可录入。" in text(clerk.get(PAGE))  # 19 June: 端午节


def test_audit_trail_labels_roster_change_and_names_the_voided_notice(login_as, db, demo):
    from registry.services.filing import filings as workflow
    from tests.services.filing_helpers import user

    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    post_notice(clerk)
    filing = filing_of(db)
    workflow.transition(db.session, filing, workflow.ROSTER_CHANGED, actor=user(db.session, "clerk"),
                        today=TODAY, created=2, updated=1)
    db.session.commit()
    html = text(clerk.get(f"/filings/{filing.id}"))
    assert "filing.roster_changed" not in html
    assert "公示后名册变更，原公示作废" in html
    assert f"{iso(40)} 张贴的公示已作废，须重新公示" in html and "新增 2 人，更新 1 人" in html
    assert "已作废：张贴后名册发生变更" in html  # the notice itself is marked void


def test_every_workflow_action_has_an_audit_label():
    from registry.services.filing import filings as workflow
    from registry.views.filing_labels import AUDIT_ACTIONS

    missing = [a for a in workflow.ACTION_ROLES if f"filing.{a}" not in AUDIT_ACTIONS]
    assert not missing


def test_dates_are_beijing_dates(login_as, roster, db, clock):
    """At 01:30 Beijing time the server's UTC date is still yesterday: a notice posted "today" is
    today in 临淄区, and the stored UTC times are shown in Beijing time."""
    clock.set(dt.datetime(2026, 6, 14, 17, 30, tzinfo=dt.UTC))  # 2026-06-15 01:30 Beijing
    clerk = login_as("clerk")
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": "2026-06-15"})
    assert resp.status_code == 302, text(resp)[:2000]
    filing = filing_of(db)
    assert filing.notice.posted_on == dt.date(2026, 6, 15)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.posted"))
    assert event.at == dt.datetime(2026, 6, 14, 17, 30)  # stored as naive UTC
    html = text(clerk.get(f"/filings/{filing.id}"))
    assert "2026-06-15 01:30" in html and "2026-06-14 17:30" not in html
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": "2026-06-16"})  # tomorrow in Beijing
    assert resp.status_code == 200


def test_nav_shows_only_entries_the_role_may_use(login_as):
    html = text(login_as("clerk").get(PAGE))
    assert 'href="/exports"' not in html and "名册备案" in html
    assert login_as("clerk").get("/exports").status_code == 403
    assert 'href="/exports"' in text(login_as("town").get(PAGE))


def test_F04_page_names_the_earliest_posting_date_and_refuses_earlier(login_as, roster, db):
    from registry.services.filing import filings as workflow
    from tests.services.filing_helpers import user

    workflow.current_filing(db.session, org(db.session), actor=user(db.session, "clerk"), changed_on=TODAY)
    db.session.commit()
    clerk = login_as("clerk")
    assert "名册最近一次变更于 2026-06-15，张贴日期不能早于该日（F-04）。" in text(clerk.get(PAGE))
    resp = post_notice(clerk, days_ago=21)
    assert resp.status_code == 200 and "[F-04]" in text(resp) and "早于变更日期" in text(resp)
    assert filing_of(db).notice_id is None
    assert post_notice(clerk, days_ago=0).status_code == 302


def submission_on(page: str) -> str:
    """The one-time token of the (first) form on ``page`` (registry/forms/concurrency.SubmissionField)."""
    match = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', page)
    assert match, page[:2000]
    return match.group(1)


def test_objection_posted_twice_from_one_page_is_recorded_once(login_as, roster, db):
    """Issue 10 item 9: a double click on 登记异议 recorded two objections; the page's one-time token
    makes the second POST a 409 (as the grant form's unique constraint does)."""
    clerk = login_as("clerk")
    assert post_notice(clerk).status_code == 302
    form = {"raised_by": "王某", "text": "王某之女漏登", "submission": submission_on(text(clerk.get(PAGE)))}
    assert clerk.post(f"{PAGE}/objections", data=form).status_code == 302
    again = clerk.post(f"{PAGE}/objections", data=form)
    assert again.status_code == 409 and "重复提交" in text(again)
    assert len(db.session.scalars(select(Objection)).all()) == 1
    # A new page gives a new token: a second, real objection is recorded.
    form["submission"] = submission_on(text(clerk.get(PAGE)))
    assert clerk.post(f"{PAGE}/objections", data=form).status_code == 302
    assert len(db.session.scalars(select(Objection)).all()) == 2


def test_M02_filing_page_offers_only_the_membership_confirmation_subject(login_as, roster, db):
    """The filing's 录入决议 decides the roster only by a membership confirmation (M-02): other subjects are not
    offered there, and a tampered one is refused with a Chinese message, nothing recorded (QA finding)."""
    clerk = login_as("clerk")
    post_notice(clerk)
    page = text(clerk.get(PAGE))
    form = page[page.index('name="subject"'):]
    form = form[:form.index("</select>")]
    assert "成员身份确认" in form and "其他事项" not in form and "收益分配方案" not in form
    resp = clerk.post(f"{PAGE}/resolution", data={**RESOLUTION, "subject": "other"})
    assert resp.status_code == 200 and "不是有效的选择" in text(resp)
    assert filing_of(db).resolution_id is None
