"""The remaining rule ids of issue 3 through HTTP: each refusal is shown with its rule id (never a
500), each allowed change lands."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import Filing, Membership
from registry.services.filing.filings import start_notice
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster, new_id

V1 = "370305100201"
PREFIX = {"end": "end", "flags": "flags", "hukou": "hukou"}
# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``): every date the
# test posts is relative to it, the real date never matters.
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


def iso(days_ago: int = 0) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture
def members(db, demo):
    out = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    return out


def act(client, m, action, **data):
    return client.post(f"/villages/{V1}/members/{m.id}/{action}",
                       data={f"{PREFIX[action]}-{k}": v for k, v in data.items()})


def add(client, **form):
    return client.post(f"/villages/{V1}/members/new", data={"id_type": "1", **form})


def status(db, m):
    db.session.expire_all()
    return db.session.get(Membership, m.id).status


def test_M05_reform_member_is_added_confirmed(login_as, members, db):
    resp = add(login_as("clerk"), name="钱改革", id_number=new_id(dt.date(1960, 1, 1), "1"), ground="reform",
               acquired_at="2019-06-30", household_id="", new_household="0030", relation="02")
    assert resp.status_code == 302
    assert "正式成员" in login_as("clerk").get(resp.location).get_data(as_text=True)


def test_M07_admission_is_a_pending_candidate(login_as, members, db):
    resp = add(login_as("clerk"), name="孙接纳", id_number=new_id(dt.date(1988, 8, 8), "1"), ground="admission",
               household_id="", new_household="0031", relation="02")
    assert resp.status_code == 302
    m = db.session.scalar(select(Membership).where(Membership.acquisition_ground == "admission"))
    assert m.status == "pending"


def test_I04_sex_must_match_the_id(login_as, members):
    resp = add(login_as("clerk"), name="王某", id_number=new_id(dt.date(1990, 1, 1), "1"), sex="2",
               ground="marriage", household_id=str(members[0].household_id), relation="28")
    assert resp.status_code == 422 and "[I-04]" in resp.get_data(as_text=True)


def test_M10_rights_kept_only_after_the_listed_grounds(login_as, members, db):
    clerk = login_as("clerk")
    resp = act(clerk, members[0], "end", ground="death", lost_at=iso(), retained_rights_until=iso(-365))
    assert resp.status_code == 422 and "[M-10]" in resp.get_data(as_text=True)
    assert act(clerk, members[2], "end", ground="civil_servant", lost_at=iso(), evidence="录用通知",
               retained_rights_until=iso(-365)).status_code == 302


def test_M11_flags_keep_the_status(login_as, members, db):
    clerk = login_as("clerk")
    for flags in (["study", "military"], ["divorced", "widowed", "serving_sentence"], []):
        assert act(clerk, members[1], "flags", flags=flags).status_code == 302
        assert status(db, members[1]) == "confirmed"


def test_M14_death_date_cannot_be_in_the_future(login_as, members, db):
    resp = act(login_as("clerk"), members[0], "end", ground="death", lost_at=iso(-3))
    assert resp.status_code == 422 and status(db, members[0]) == "confirmed"


def test_H02_hukou_move_is_never_a_loss_ground(login_as, members, db):
    resp = act(login_as("clerk"), members[0], "end", ground="charter_or_law", citation="村规民约第五条：户口迁出者",
               lost_at=iso())
    assert resp.status_code == 422 and "[H-02]" in resp.get_data(as_text=True)
    assert status(db, members[0]) == "confirmed"


def test_W03_married_out_woman_needs_proof_of_membership_elsewhere(login_as, members, db):
    wife = members[1]
    wife.remark = "1"
    db.session.commit()
    resp = act(login_as("clerk"), wife, "end", ground="other_membership", lost_at=iso())
    assert resp.status_code == 422 and "[W-03]" in resp.get_data(as_text=True)


def test_F04_a_change_after_the_notice_voids_it(login_as, members, db):
    clerk_user = user(db.session, "clerk")
    from registry.services.filing import filings as F

    filing = F.current_filing(db.session, org(db.session), actor=clerk_user)
    start_notice(db.session, filing, posted_on=TODAY - dt.timedelta(days=1), actor=clerk_user, today=TODAY)
    db.session.commit()
    assert act(login_as("clerk"), members[0], "end", ground="death", lost_at=iso()).status_code == 302
    db.session.expire_all()
    filing = db.session.get(Filing, filing.id)
    assert filing.state == "draft" and filing.notice_id is None


def test_M25_household_split_needs_exactly_one_head(login_as, members):
    resp = login_as("clerk").post(f"/villages/{V1}/households/0001/split",
                                  data={"split-new_number": "0040", f"rel-{members[2].id}": "20"})
    assert resp.status_code == 422 and "[M-25]" in resp.get_data(as_text=True)
