"""Membership change screens through HTTP (issue 3 step 1): add, end, withdraw, reject proposal,
flags, hukou, household changes — refusals shown with their rule id, never a 500."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import Household, HukouRecord, Membership
from registry.services.membership.changes import add_member
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster, new_id

V1 = "370305100201"
# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``): every date the
# test posts is relative to it, the real date never matters.
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def members(db, demo):
    o = org(db.session)
    out = filed_roster(db.session, o, user(db.session, "clerk"))
    db.session.commit()
    return out


def page(client, m):
    return client.get(f"/villages/{V1}/members/{m.id}").get_data(as_text=True)


PREFIX = {"end": "end", "withdraw": "wd", "rejection": "rej", "flags": "flags", "hukou": "hukou", "move": "move"}


def post(client, m, action, **data):
    """POST a change form of the member page (each form has its own field prefix)."""
    data = {f"{PREFIX[action]}-{k}": v for k, v in data.items()}
    return client.post(f"/villages/{V1}/members/{m.id}/{action}", data=data)


def fresh(db, m) -> Membership:
    db.session.expire_all()
    return db.session.get(Membership, m.id)


def test_add_member_as_pending_candidate(login_as, members, db):
    clerk = login_as("clerk")
    assert "新增成员" in clerk.get(f"/villages/{V1}/roster").get_data(as_text=True)
    form = {"name": "赵嫁入", "id_type": "1", "id_number": new_id(dt.date(1999, 2, 8), "2"), "ground": "marriage",
            "household_id": str(members[2].household_id), "relation": "38", "hukou_in_org": "0",
            "hukou_place": "山东省淄博市张店区"}
    resp = clerk.post(f"/villages/{V1}/members/new", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    m = db.session.scalar(select(Membership).where(Membership.acquisition_ground == "marriage"))
    assert m.status == "pending" and resp.location.endswith(f"/members/{m.id}")
    html = page(clerk, m)
    assert "待确认" in html and "提出不予确认意见" in html


def test_M03_birth_cannot_be_rejected(login_as, members, db):
    clerk = login_as("clerk")
    resp = clerk.post(f"/villages/{V1}/members/new", data={
        "name": "张小宝", "id_type": "1", "id_number": new_id(dt.date(2025, 1, 9), "1"), "ground": "birth",
        "household_id": str(members[0].household_id), "relation": "20"})
    assert resp.status_code == 302
    child = db.session.scalar(select(Membership).where(Membership.acquisition_ground == "birth"))
    html = page(clerk, child)
    assert "不能不予确认（M-03）" in html and "提出不予确认意见" not in html
    resp = post(clerk, child, "rejection", reason="超生")
    assert resp.status_code == 422 and "[M-03]" in resp.get_data(as_text=True)
    assert fresh(db, child).rejection_reason is None


def test_M04_rejection_needs_written_reason(login_as, members, db):
    clerk = login_as("clerk")
    m = add_member(db.session, org(db.session), id_number=new_id(dt.date(1999, 2, 8), "2"), name="赵嫁入",
                   ground="marriage", relation="38", household_id=members[2].household_id,
                   actor=user(db.session, "clerk"))
    db.session.commit()
    resp = post(clerk, m, "rejection", reason="")
    assert resp.status_code == 422 and "[M-04]" in resp.get_data(as_text=True)
    assert post(clerk, m, "rejection", reason="婚姻关系存疑，待核实").status_code == 302
    assert fresh(db, m).rejection_reason == "婚姻关系存疑，待核实"
    assert post(clerk, m, "rejection", clear="y").status_code == 302
    assert fresh(db, m).rejection_reason is None


def test_M12_married_out_without_other_membership_cannot_be_ended(login_as, members, db):
    clerk = login_as("clerk")
    wife = members[1]
    assert post(clerk, wife, "flags", flags=["married_out_no_other_membership"]).status_code == 302
    resp = post(clerk, wife, "end", ground="other_membership", lost_at=TODAY.isoformat())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "[M-12]" in html and "防止两头空" in html
    resp = post(clerk, wife, "end", ground="charter_or_law", citation="村规民约：外嫁女不再享有成员待遇",
                lost_at=TODAY.isoformat())
    assert resp.status_code == 422 and "[M-12]" in resp.get_data(as_text=True)
    assert fresh(db, wife).status == "confirmed"


def test_M09_end_on_death_and_charter_needs_citation(login_as, members, db):
    clerk = login_as("clerk")
    resp = post(clerk, members[3], "end", ground="charter_or_law", lost_at=TODAY.isoformat())
    assert resp.status_code == 422 and "[M-09]" in resp.get_data(as_text=True)
    resp = post(clerk, members[0], "end", ground="death", lost_at=TODAY.isoformat(), evidence="死亡医学证明")
    assert resp.status_code == 302
    m = fresh(db, members[0])
    assert (m.status, m.loss_ground, m.lost_at) == ("lost", "death", TODAY)
    assert "已丧失" in page(clerk, m)


def test_M18_withdrawal_needs_written_application(login_as, members, db):
    clerk = login_as("clerk")
    resp = post(clerk, members[2], "withdraw", applied_on="", resolution_id="")
    assert resp.status_code == 422 and "[M-18]" in resp.get_data(as_text=True)
    assert fresh(db, members[2]).status == "confirmed"


def test_H01_hukou_move_to_town_keeps_member_with_flags_shown(login_as, members, db):
    clerk = login_as("clerk")
    son = members[2]
    resp = post(clerk, son, "hukou", place="山东省济南市历下区", in_organization="0",
                moved_at=(TODAY - dt.timedelta(days=3)).isoformat(), moved_to_town="y")
    assert resp.status_code == 302
    html = clerk.get(resp.location).get_data(as_text=True)
    assert "户籍变动已登记，不改变成员身份（H-01）" in html and "进城落户" in html
    assert post(clerk, son, "flags", flags=["hukou_moved_to_town", "working_away"]).status_code == 302
    html = page(login_as("town"), son)
    assert "正式成员" in html and "务工、进城落户" in html and "山东省济南市历下区" in html
    assert "户籍变动不影响成员身份" in html or "H-01" in html
    assert "办理丧失" not in html  # the town reads only
    assert fresh(db, son).status == "confirmed"
    assert db.session.scalar(select(HukouRecord).where(HukouRecord.person_id == son.person_id,
                                                       HukouRecord.valid_to.is_(None))).moved_to_town


def test_move_and_split_households(login_as, members, db):
    clerk = login_as("clerk")
    son = members[2]
    target = db.session.get(Household, members[3].household_id)
    resp = post(clerk, son, "move", household_id=str(target.id), relation="02")
    assert resp.status_code == 422 and "[M-25]" in resp.get_data(as_text=True)
    assert post(clerk, son, "move", household_id=str(target.id), relation="93").status_code == 302
    assert fresh(db, son).household_id == target.id
    # 分户: the moved son heads a new household 0009.
    html = clerk.get(f"/villages/{V1}/households/{target.number}").get_data(as_text=True)
    assert "分户" in html and "变更户主" in html
    resp = clerk.post(f"/villages/{V1}/households/{target.number}/split",
                      data={"split-new_number": "9", f"rel-{son.id}": "02"})
    assert resp.status_code == 302 and resp.location.endswith("/households/0009")
    assert db.session.get(Household, fresh(db, son).household_id).number == "0009"


def test_head_change_after_death_over_http(login_as, members, db):
    clerk = login_as("clerk")
    head, wife, son = members[:3]
    assert post(clerk, head, "end", ground="death", lost_at=TODAY.isoformat()).status_code == 302
    number = db.session.get(Household, head.household_id).number
    resp = clerk.post(f"/villages/{V1}/households/{number}/head",
                      data={"head-new_head": str(wife.id), f"rel-{son.id}": "20"})
    assert resp.status_code == 302
    html = clerk.get(f"/villages/{V1}/households/{number}").get_data(as_text=True)
    assert html.index(wife.person.name) < html.index(son.person.name)


def test_F09_no_change_while_the_town_reviews(login_as, members, db):
    from registry.models import Filing

    clerk = login_as("clerk")
    db.session.add(Filing(organization_id=members[0].organization_id, version_no=2, state="town_review",
                          area_code=V1))
    db.session.commit()
    assert "正在乡镇审核中" in page(clerk, members[0])
    resp = post(clerk, members[0], "end", ground="death", lost_at=TODAY.isoformat())
    assert resp.status_code == 422 and "[F-09]" in resp.get_data(as_text=True)


def test_head_and_move_forms_without_their_select_are_422_not_500(login_as, members, db):
    """Issue 10 item 10: the household head form posted without its field raised
    ``'NoneType' object has no attribute 'isdigit'`` (500); the move form had the same pattern."""
    clerk = login_as("clerk")
    head, wife, son = members[:3]
    number = db.session.get(Household, head.household_id).number
    resp = clerk.post(f"/villages/{V1}/households/{number}/head", data={})
    assert resp.status_code == 422
    for tampered in ("x", "²", "9" * 30):
        resp = clerk.post(f"/villages/{V1}/households/{number}/head", data={"head-new_head": tampered})
        assert resp.status_code == 422, tampered
        assert post(clerk, son, "move", household_id=tampered, relation="20").status_code == 422, tampered
    assert post(clerk, son, "move", relation="20").status_code == 422
