"""The member assembly as the law counts it, over HTTP (issue 14): the base derived for the meeting
date with its list (A-07), capacity flags on the member page, attendance and proxies (A-06), the
representative assembly (A-08, A-09), and resolutions that keep what they were decided on."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Resolution, ResolutionBasis, ResolutionMember
from tests.services.filing_helpers import add_household, adults, org

V1 = "370305100201"
TODAY = dt.date(2026, 6, 15)
MEETING = dt.date(2026, 6, 5)
D = dt.date


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def village(db, demo):
    """东柳庄村 with 10 members in 3 households; on MEETING: 丙 turns 18 that day, 丁 the day after,
    庚 is 16, 辛 is 10, the other six are adults."""
    s = db.session
    o = org(s)
    out = {}
    for number, people in (
        ("0001", [("甲", "1", D(1970, 3, 1), "02"), ("乙", "2", D(1972, 5, 2), "10"),
                  ("丙", "1", D(2008, 6, 5), "20"), ("丁", "2", D(2008, 6, 6), "30")]),
        ("0002", [("戊", "1", D(1965, 1, 1), "02"), ("己", "2", D(1966, 2, 2), "10"),
                  ("庚", "1", D(2010, 1, 1), "20"), ("辛", "2", D(2016, 1, 1), "30")]),
        ("0003", [("壬", "1", D(1980, 1, 1), "02"), ("癸", "2", D(1982, 1, 1), "10")]),
    ):
        for m in add_household(s, o, number, people):
            out[m.person.name] = m
    s.commit()
    return out


def resolution(**kw) -> dict:
    data = {"body": "member_assembly", "subject": "other", "title": "村务事项", "notice_date": "2026-05-20",
            "meeting_date": MEETING.isoformat(), "in_person": "", "online": "", "proxies": "", "votes_for": "0"}
    data.update(kw)
    return data


def post(client, **kw):
    return client.post(f"/villages/{V1}/resolutions", data=resolution(**kw))


def text(resp) -> str:
    return resp.get_data(as_text=True)


def last(db) -> Resolution:
    return db.session.scalar(select(Resolution).order_by(Resolution.id.desc()))


def set_capacity(client, m, **fields):
    data = {"limited_basis": "", "limited_since": "", "self_supporting_basis": ""}
    data.update({k: ("y" if v is True else v) for k, v in fields.items() if v is not False})
    return client.post(f"/villages/{V1}/members/{m.id}/capacity", data=data)


def test_A07_birthday_counts_on_the_meeting_day_not_the_day_after(login_as, village):
    clerk = login_as("clerk")
    html = text(clerk.get(f"/villages/{V1}/assembly/base?on={MEETING.isoformat()}"))
    assert f"{MEETING.isoformat()} 有完全民事行为能力的成员：7 人" in html
    base_part, excluded_part = html.split('id="base-excluded"')
    assert "丙" in base_part and "丁" not in base_part  # 丙 is 18 on MEETING; 丁 only the day after
    assert "丁" in excluded_part and "庚" in excluded_part and "辛" in excluded_part
    day_after = (MEETING + dt.timedelta(days=1)).isoformat()
    page = text(clerk.get(f"/villages/{V1}/assembly/base?on={day_after}"))
    assert f"{day_after} 有完全民事行为能力的成员：8 人" in page


def test_A07_flags_change_the_base_and_the_threshold_old_resolutions_keep_theirs(login_as, db, village):
    clerk = login_as("clerk")
    # Base 7: quorum and votes for ceil(2/3 × 7) = 5.
    assert post(clerk, in_person="5", votes_for="5").status_code == 302
    first = last(db)
    assert (first.base_members, first.attendees) == (7, 5)

    # A 16-year-old counts only with the self-supporting flag (with its basis): base 8, threshold 6.
    assert set_capacity(clerk, village["庚"], self_supporting=True).status_code == 422  # no basis
    assert set_capacity(clerk, village["庚"], self_supporting=True,
                        self_supporting_basis="劳动合同及工资流水").status_code == 302
    page = text(clerk.get(f"/villages/{V1}/members/{village['庚'].id}"))
    assert "劳动合同及工资流水" in page
    resp = post(clerk, in_person="6", votes_for="5")
    assert resp.status_code == 422 and "[A-03]" in text(resp) and "8 人" in text(resp) and "6 票" in text(resp)
    assert post(clerk, in_person="6", votes_for="6").status_code == 302
    assert last(db).base_members == 8

    # An adult with the limited-capacity flag (basis and date) is out of the base: 7 again.
    assert set_capacity(clerk, village["癸"], limited=True, limited_basis="（2025）鲁0305民特12号判决",
                        limited_since="2025-12-01", self_supporting_basis="").status_code == 302
    assert post(clerk, in_person="5", votes_for="5").status_code == 302
    assert last(db).base_members == 7
    # Clearing it raises the base and the threshold.
    assert set_capacity(clerk, village["癸"]).status_code == 302
    resp = post(clerk, in_person="5", votes_for="5")
    assert resp.status_code == 422 and "[A-02]" in text(resp) and "8 人" in text(resp)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "membership.capacity")).all()
    assert len(events) == 3
    assert events[-1].detail["old"]["limited"] is True and events[-1].detail["new"]["limited"] is False

    # Item 4: the first resolution keeps its base of 7, its list and its thresholds.
    db.session.expire_all()
    assert db.session.get(Resolution, first.id).base_members == 7
    basis = db.session.scalar(select(ResolutionBasis).where(ResolutionBasis.resolution_id == first.id))
    assert (basis.base_members, basis.quorum_required, basis.votes_required, basis.pass_fraction) == (7, 5, 5, "2/3")
    html = text(clerk.get(f"/villages/{V1}/resolutions/{first.id}"))
    listed = html.split('id="basis-members"')[1]
    assert "庚" not in listed and "癸" in listed and "年满18周岁" in listed


def test_A06_proxy_of_another_household_refused_and_not_counted(login_as, db, village):
    clerk = login_as("clerk")
    resp = post(clerk, in_person="甲, 丙, 己, 壬", proxies="乙 戊", votes_for="5")
    assert resp.status_code == 422 and "[A-06]" in text(resp) and "不是同一户成员" in text(resp)
    assert db.session.query(Resolution).count() == 0


def test_A06_A07_minor_proxy_holder_refused(login_as, db, village):
    clerk = login_as("clerk")
    resp = post(clerk, in_person="甲, 丙, 己, 壬", proxies="乙 丁", votes_for="5")  # 丁 is 17 on MEETING
    assert resp.status_code == 422 and "[A-07]" in text(resp) and "没有完全民事行为能力" in text(resp)
    assert db.session.query(Resolution).count() == 0


def test_A06_same_household_adult_accepted_and_counted_once(login_as, db, village):
    clerk = login_as("clerk")
    # 甲 attends in person and holds 乙's written proxy (listed twice by mistake): 5 attendees, not 6.
    resp = post(clerk, in_person="甲, 丙", online="戊, 己", proxies="乙 甲\n乙→甲", votes_for="5")
    assert resp.status_code == 302
    r = last(db)
    assert (r.base_members, r.attendees, r.votes_for) == (7, 5, 5)
    basis = db.session.scalar(select(ResolutionBasis).where(ResolutionBasis.resolution_id == r.id))
    assert (basis.in_person, basis.online, basis.by_proxy, basis.by_name) == (2, 2, 1, True)
    rows = {m.name: m for m in db.session.scalars(
        select(ResolutionMember).where(ResolutionMember.resolution_id == r.id))}
    assert rows["乙"].attendance == "proxy" and rows["乙"].proxy_holder_name == "甲"
    assert rows["甲"].attendance == "in_person" and rows["壬"].attendance is None
    html = text(clerk.get(f"/villages/{V1}/resolutions/{r.id}"))
    assert "书面委托 · 受托人 甲" in html
    # Votes for can never exceed the attendees recorded.
    resp = post(clerk, in_person="甲, 丙", proxies="乙 甲", votes_for="4")
    assert resp.status_code == 422 and "不能多于出席人数（3）" in text(resp)


def test_A06_absent_member_must_be_in_the_base(login_as, db, village):
    clerk = login_as("clerk")
    resp = post(clerk, in_person="甲, 丙, 己, 壬", proxies="辛 戊", votes_for="5")  # 辛 is 10
    assert resp.status_code == 422 and "[A-06]" in text(resp) and "不在应到成员之列" in text(resp)


def _elect_25(clerk, db, women: int = 10):
    members = adults(db.session, org(db.session), 25, first_household=700)
    db.session.commit()
    ids = "\n".join(m.person.id_number for m in members)
    return clerk.post(f"/villages/{V1}/representatives", data={"elected_on": "2024-01-10", "members": ids})


def test_A08_representative_resolution_on_a_25_member_body(login_as, db, village):
    clerk = login_as("clerk")
    assert _elect_25(clerk, db).status_code == 302
    page = text(clerk.get(f"/villages/{V1}/representatives"))
    assert "成员代表 25 人" in page and "2024-01-10 选举，任期至 2029-01-10" in page
    # 2/3 of ALL 25 representatives = 17, whoever attends.
    resp = post(clerk, body="representative", in_person="20", votes_for="16")
    assert resp.status_code == 422 and "[A-03]" in text(resp) and "全体成员代表 25 人" in text(resp)
    assert post(clerk, body="representative", in_person="20", votes_for="17").status_code == 302
    r = last(db)
    assert (r.body, r.base_members) == ("representative", 25)
    basis = db.session.scalar(select(ResolutionBasis).where(ResolutionBasis.resolution_id == r.id))
    assert basis.representative_assembly_id is not None and basis.votes_required == 17


def test_A08_representatives_must_be_members(login_as, db, village):
    clerk = login_as("clerk")
    resp = clerk.post(f"/villages/{V1}/representatives", data={"elected_on": "2024-01-10", "members": "甲\n张无忌"})
    assert resp.status_code == 422 and "[A-08]" in text(resp) and "张无忌" in text(resp)
    resp = clerk.post(f"/villages/{V1}/representatives", data={"elected_on": "2024-01-10", "members": "甲\n辛"})
    assert resp.status_code == 422 and "辛" in text(resp)  # a 10-year-old has no full civil capacity


def test_A08_W06_warnings_and_term(login_as, db, village):
    clerk = login_as("clerk")
    assert clerk.post(f"/villages/{V1}/representatives",
                      data={"elected_on": "2024-01-10", "members": "甲, 戊, 壬"}).status_code == 302
    page = text(clerk.get(f"/villages/{V1}/representatives"))
    assert "[A-08] 成员代表 3 人，一般应多于 20 人" in page and "[W-06]" in page


def test_A08_term_of_five_years(login_as, db, village):
    """An assembly elected 2020-01-10 is out of office from 2025-01-10: its representatives are no base."""
    clerk = login_as("clerk")
    assert clerk.post(f"/villages/{V1}/representatives",
                      data={"elected_on": "2020-01-10", "members": "甲, 戊, 壬"}).status_code == 302
    assert "目前没有在任的成员代表大会" in text(clerk.get(f"/villages/{V1}/representatives"))
    resp = post(clerk, body="representative", in_person="3", votes_for="3")
    assert resp.status_code == 422 and "[A-08]" in text(resp) and "没有在任的成员代表大会" in text(resp)
    resp = post(clerk, body="representative", meeting_date="2024-12-20", notice_date="2024-12-01",
                in_person="3", votes_for="2")
    assert resp.status_code == 302 and last(db).base_members == 3


def test_A09_A11_full_assembly_subjects_stay_refused_for_representatives(login_as, db, village):
    clerk = login_as("clerk")
    assert _elect_25(clerk, db).status_code == 302
    for subject in ("distribution_plan", "quantification_plan", "withdrawal_consent"):
        resp = post(clerk, body="representative", subject=subject, in_person="25", votes_for="25")
        if subject == "withdrawal_consent":
            assert resp.status_code == 302
        else:
            assert resp.status_code == 422 and "[A-09]" in text(resp), subject


def test_M17_declaration_on_the_member_page(login_as, db, village):
    clerk = login_as("clerk")
    m = village["甲"]
    page = f"/villages/{V1}/members/{m.id}"
    assert "未登记" in text(clerk.get(page)).split('id="declaration"')[1][:200]
    assert clerk.post(f"{page}/declaration", data={"declared": "yes"}).status_code == 302
    assert "已签署" in text(clerk.get(page)).split('id="declaration"')[1][:200]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.declaration"))
    assert (event.detail["old"], event.detail["new"], event.detail["rule"]) == (None, True, "M-17")
    town = login_as("town")
    assert town.post(f"{page}/declaration", data={"declared": "no"}).status_code == 403
    assert "已签署" in text(town.get(page)).split('id="declaration"')[1][:200]


def test_M16_nested_membership_setting_off_by_default_and_audited(login_as, db, village):
    from registry.models import Organization
    from registry.services.membership.nesting import may_hold_both

    clerk = login_as("clerk")
    assert "否（默认）" in text(clerk.get(f"/villages/{V1}/settings"))
    o = org(db.session)
    assert o.allow_nested_membership is False
    group = Organization(area_id=o.area_id, name="第一村民小组", level="group", area_code=o.area_code)
    assert not may_hold_both(o, group)
    resp = clerk.post(f"/villages/{V1}/settings", data={"allowed": "y", "basis": ""})
    assert resp.status_code == 422 and "[M-16]" in text(resp)
    assert clerk.post(f"/villages/{V1}/settings", data={"allowed": "y", "basis": "章程第十二条"}).status_code == 302
    db.session.expire_all()
    o = org(db.session)
    assert o.allow_nested_membership is True and may_hold_both(o, group)
    assert not may_hold_both(o, org(db.session, "370305100202"))  # peers never (M-15)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.nested_membership"))
    assert (event.detail["old"], event.detail["new"], event.detail["basis"]) == (False, True, "章程第十二条")
    assert login_as("town").post(f"/villages/{V1}/settings", data={"allowed": ""}).status_code == 403
