"""The hand-over (M-15) through HTTP and the CLI: B's clerk adds a member of A as a candidate, B's
assembly confirms her, A's membership ends on the meeting date and both member pages say so."""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from registry.models import HouseholdMember, Membership
from registry.services.membership.handover import active_memberships_on
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import D, file_version

A, B = "370305100201", "370305100202"
# The registry clock is stopped (tests.conftest ``clock``): B's clerk adds the candidate on CHANGED, the
# notice (posted after that change, F-04) and the assembly follow up to TODAY.
TODAY = dt.date(2026, 6, 15)
CHANGED = TODAY - dt.timedelta(days=45)
# 北槐村's sample roster on the meeting day (iso(5) = 2026-06-10): 804 confirmed members, 674 aged 18 or
# more, 686 aged 16 or more; the candidate from A does not count. The assembly's base is 674.
B_BASE = 674


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def villages(db, demo):
    for code, clerk in ((A, "clerk"), (B, "clerk2")):
        o = org(db.session, code)
        import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), o, actor=None)
        file_version(db.session, o, user(db.session, clerk), posted=D(2025, 1, 2), meeting=D(2025, 1, 20))
    db.session.commit()


def test_M15_handover_through_the_screens(login_as, villages, db, clock):
    old = db.session.scalar(select(Membership).join(HouseholdMember, HouseholdMember.person_id == Membership.person_id)
                            .where(Membership.organization_id == org(db.session, A).id,
                                   HouseholdMember.relation == "30").order_by(Membership.id).limit(1))
    person = old.person
    clerk2 = login_as("clerk2")
    clock.set(CHANGED)
    household = db.session.scalar(select(Membership.household_id).where(
        Membership.organization_id == org(db.session, B).id).limit(1))
    resp = clerk2.post(f"/villages/{B}/members/new", data={
        "name": person.name, "id_type": "1", "id_number": person.id_number, "ground": "marriage",
        "household_id": str(household), "relation": "38", "acquired_at": iso(60)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    new_id = int(resp.location.rsplit("/", 1)[1])
    clock.set(TODAY)
    # A's clerk cannot end it for "membership elsewhere" while B's is pending (M-12).
    resp = login_as("clerk").post(f"/villages/{A}/members/{old.id}/end", data={
        "end-ground": "other_membership", "end-lost_at": iso(1), "end-evidence": "北槐村名册"})
    assert resp.status_code == 422 and "[M-12]" in resp.get_data(as_text=True)

    clerk2 = login_as("clerk2")
    assert clerk2.post(f"/villages/{B}/filing/notice", data={"posted_on": iso(40)}).status_code == 302
    resp = clerk2.post(f"/villages/{B}/filing/resolution", data={
        "body": "member_assembly", "subject": "membership_confirmation", "notice_date": iso(20),
        "meeting_date": iso(5), "base_members": str(B_BASE), "in_person": "600", "votes_for": "500"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]

    db.session.expire_all()
    meeting = TODAY - dt.timedelta(days=5)
    assert [m.id for m in active_memberships_on(db.session, person.id, meeting - dt.timedelta(days=1))] == [old.id]
    assert [m.id for m in active_memberships_on(db.session, person.id, meeting)] == [new_id]
    html = login_as("town").get(f"/villages/{A}/members/{old.id}").get_data(as_text=True)
    assert "已丧失" in html and "因已被确认为北槐村的成员而终止（M-15）" in html
    html = login_as("clerk2").get(f"/villages/{B}/members/{new_id}").get_data(as_text=True)
    assert "原在东柳庄村的成员身份于" in html and meeting.isoformat() in html


def test_M15_cli_import_of_a_pending_row_warns_handover(runner, villages, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO((SAMPLES / f"roster_{A}.xlsx").read_bytes()))
    ws = wb.active
    ws.delete_rows(4, ws.max_row)  # keep the first member only
    ws.cell(row=3, column=[c.value for c in ws[2]].index("成员状态") + 1, value="待确认")
    path = tmp_path / "one.xlsx"
    wb.save(path)
    result = runner.invoke(args=["import-roster", str(path), "--village", "370305100204", "--json", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output.strip().splitlines()[-1])
    assert out["errors"] == [] and [w["code"] for w in out["warnings"]] == ["handover.pending"]
