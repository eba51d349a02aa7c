"""Roster versions as diffs (issue 3 step 2, F-07): the town's review page of a second filing lists
exactly the changes made through the change screens — no more, no less."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from registry.models import Filing, Household, Membership
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster, new_id

V1 = "370305100201"
# The registry clock is stopped (tests.conftest ``clock``): the changes are made on CHANGED, the notice
# (posted after them, F-04), the assembly and the submission follow up to TODAY.
TODAY = dt.date(2026, 6, 15)
CHANGED = TODAY - dt.timedelta(days=45)
PREFIX = {"end": "end", "rejection": "rej", "hukou": "hukou"}


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def members(db, demo):
    out = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    return out


def act(client, m, action, **data):
    resp = client.post(f"/villages/{V1}/members/{m.id}/{action}",
                       data={f"{PREFIX[action]}-{k}": v for k, v in data.items()})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]


def add(client, db, **form):
    resp = client.post(f"/villages/{V1}/members/new", data={"id_type": "1", "acquired_at": iso(60), **form})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    return db.session.get(Membership, int(resp.location.rsplit("/", 1)[1]))


def table(html: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return match.group(0) if match else ""


def memberships(html: str, table_id: str) -> set[int]:
    return {int(x) for x in re.findall(r'data-membership="(\d+)"', table(html, table_id))}


def changed_headings(html: str) -> dict[int, set[str]]:
    out = {}
    for row in re.findall(r'<tr data-membership="(\d+)">(.*?)</tr>', table(html, "diff-changed"), re.S):
        out[int(row[0])] = set(re.findall(r'data-heading="([^"]+)"', row[1]))
    return out


def test_diff_page_of_a_second_filing_lists_exactly_the_operations(login_as, members, db, clock):
    clerk = login_as("clerk")
    clock.set(CHANGED)
    hh = {n: db.session.get(Household, members[i].household_id).id for n, i in (("0001", 0), ("0002", 3), ("0003", 6))}
    # Added: a child born to a member, a bride; a policy migrant proposed for rejection (→ not confirmed).
    child = add(clerk, db, name="张小宝", id_number=new_id(TODAY - dt.timedelta(days=90), "1"), ground="birth",
                household_id=str(hh["0001"]), relation="20", acquired_at="")
    bride = add(clerk, db, name="赵嫁入", id_number=new_id(dt.date(1999, 2, 8), "2"), ground="marriage",
                household_id=str(hh["0002"]), relation="38")
    migrant = add(clerk, db, name="钱移民", id_number=new_id(dt.date(1970, 4, 4), "1"), ground="policy_migration",
                  household_id="", new_household="0020", relation="02")
    act(clerk, migrant, "rejection", reason="不属于本村安置范围")
    # Ended: the head of 0003 died (and his wife heads it now); a wife obtained membership elsewhere.
    act(clerk, members[6], "end", ground="death", lost_at=iso(55), evidence="死亡医学证明")
    resp = clerk.post(f"/villages/{V1}/households/0003/head", data={"head-new_head": str(members[7].id)})
    assert resp.status_code == 302
    act(clerk, members[1], "end", ground="other_membership", lost_at=iso(53), evidence="博兴县某村成员确认书")
    # Changed: a hukou move (membership unchanged, H-01); 分户 of the son of 0002 into 0009.
    act(clerk, members[2], "hukou", place="山东省济南市历下区", in_organization="0", moved_at=iso(52))
    resp = clerk.post(f"/villages/{V1}/households/0002/split",
                      data={"split-new_number": "0009", f"rel-{members[5].id}": "02"})
    assert resp.status_code == 302

    # The clerk sees the same change set before submitting.
    html = clerk.get(f"/villages/{V1}/filing/changes").get_data(as_text=True)
    assert memberships(html, "diff-added") == {child.id, bride.id, migrant.id}
    # Notice → assembly (confirms the child and the bride, rejects the migrant) → submit. The base: the
    # 9 reform members less the death and the wife who joined another organisation, all adults.
    clock.set(TODAY)
    assert clerk.post(f"/villages/{V1}/filing/notice", data={"posted_on": iso(40)}).status_code == 302
    resolution = {"body": "member_assembly", "subject": "membership_confirmation", "notice_date": iso(20),
                  "meeting_date": iso(5), "base_members": "7", "in_person": "7", "votes_for": "7"}
    assert clerk.post(f"/villages/{V1}/filing/resolution", data=resolution).status_code == 302
    assert clerk.post(f"/villages/{V1}/filing/submit").status_code == 302
    filing = db.session.scalar(select(Filing).where(Filing.version_no == 2))
    assert filing.state == "town_review"

    html = login_as("town").get(f"/filings/{filing.id}").get_data(as_text=True)
    assert memberships(html, "diff-added") == {child.id, bride.id}
    assert memberships(html, "diff-ended") == {members[6].id, members[1].id, migrant.id}
    assert changed_headings(html) == {
        members[2].id: {"户籍所在地", "是否本村户籍"},
        members[7].id: {"户主姓名", "与户主关系"},
        members[8].id: {"户主姓名"},
        members[5].id: {"户编号", "户主姓名", "与户主关系"},
    }
    households = re.findall(r'<tr data-kind="(\w+)"><td class="mono">(\d+)</td>', table(html, "diff-households"))
    assert sorted(households) == sorted([("new", "0009"), ("head", "0003"), ("member_in", "0009")])
    ended = table(html, "diff-ended")
    for text in ("死亡", "取得其他集体经济组织成员身份", "博兴县某村成员确认书", "不予确认", "不属于本村安置范围",
                 iso(55)):
        assert text in ended, text
    added = table(html, "diff-added")
    assert "出生" in added and "婚姻" in added
    # Masked for the town (full IDs only for the village's clerk).
    assert child.person.id_number not in html and child.person.id_number[-4:] in html
