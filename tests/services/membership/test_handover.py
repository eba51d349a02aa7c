"""One active membership per person across the district, and the hand-over (M-12, M-15): a scenario
between two sample villages, checked on the day before, the day of and the day after."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.models import AuditEvent, Filing, Membership, Person
from registry.services.errors import DomainError
from registry.services.filing import filings as F
from registry.services.membership.changes import add_member, end_membership
from registry.services.membership.handover import active_memberships_on
from registry.services.roster.diff import filing_diff
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import MEETING, TODAY, D, decide, file_version

A, B = "370305100201", "370305100202"  # 东柳庄村, 北槐村
# 北槐村's sample roster: 804 confirmed members, 667 of them aged 18 or more today, 665 of them members
# aged 18 or more on MEETING (two brides joined after it: the roster as of the meeting date counts). The
# bride from A is only a candidate and does not count: the assembly's base is 665.
B_BASE = 665


@pytest.fixture
def s(db, demo):
    return db.session


@pytest.fixture
def villages(s):
    """Both sample rosters imported and filed (version 1)."""
    out = {}
    for code, clerk in ((A, "clerk"), (B, "clerk2")):
        o = org(s, code)
        report = import_roster(s, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), o, actor=user(s, clerk))
        assert report.committed
        file_version(s, o, user(s, clerk), posted=D(2025, 1, 2), meeting=D(2025, 1, 20))
        out[code] = o
    return out


def a_daughter(s, organization) -> Membership:
    """A confirmed daughter (relation 30…39) of village A."""
    from registry.models import HouseholdMember

    return s.scalar(select(Membership).join(HouseholdMember, (HouseholdMember.person_id == Membership.person_id)
                                            & (HouseholdMember.household_id == Membership.household_id))
                    .where(Membership.organization_id == organization.id, Membership.status == "confirmed",
                           HouseholdMember.relation.in_(("30", "31", "32", "33")))
                    .order_by(Membership.id).limit(1))


def marry_into_b(s, villages, person: Person) -> Membership:
    b = villages[B]
    household = s.scalar(select(Membership.household_id).where(Membership.organization_id == b.id)
                         .order_by(Membership.id).limit(1))
    return add_member(s, b, id_number=person.id_number, name=person.name, ground="marriage", relation="38",
                      household_id=household, actor=user(s, "clerk2"), today=TODAY)


def test_M15_handover_one_active_membership_every_day(s, villages):
    old = a_daughter(s, villages[A])
    person = old.person
    new = marry_into_b(s, villages, person)
    assert (old.status, new.status) == ("confirmed", "pending")  # active in A, a candidate in B
    # M-12: A may not end her membership for "membership elsewhere" while B's is only pending.
    with pytest.raises(DomainError) as err:
        end_membership(s, old, ground="other_membership", lost_at=TODAY, evidence="北槐村名册",
                       actor=user(s, "clerk"), today=TODAY)
    assert err.value.rule == "M-12" and "北槐村" in err.value.message
    day_before = MEETING - dt.timedelta(days=1)
    assert [m.id for m in active_memberships_on(s, person.id, day_before)] == [old.id]

    decide(s, villages[B], user(s, "clerk2"), base=B_BASE)  # B's assembly confirms her on MEETING

    assert (new.status, new.confirmed_at) == ("confirmed", MEETING)
    assert (old.status, old.loss_ground, old.lost_at) == ("lost", "other_membership", MEETING)
    assert old.ended_by_membership_id == new.id
    for day, expected in ((day_before, old), (MEETING, new), (MEETING + dt.timedelta(days=1), new)):
        assert [m.id for m in active_memberships_on(s, person.id, day)] == [expected.id], day
    # Audited on both sides, each in its own village.
    ended = s.scalar(select(AuditEvent).where(AuditEvent.target_id == old.id, AuditEvent.action == "membership.ended"))
    confirmed = s.scalar(select(AuditEvent).where(AuditEvent.target_id == new.id,
                                                  AuditEvent.action == "membership.confirmed"))
    assert ended.area_code == A and ended.detail["ended_by_membership_id"] == new.id
    assert confirmed.area_code == B and confirmed.detail["supersedes_membership_id"] == old.id
    assert ended.actor_id == confirmed.actor_id == user(s, "clerk2").id
    # Both villages' next change sets show it: A a new draft version with the ending, B the addition.
    a_filing = F.open_filing(s, villages[A].id)
    assert (a_filing.version_no, a_filing.state) == (2, "draft")
    a_diff = filing_diff(s, a_filing)
    assert [(r.membership_id, r.ground, r.date) for r in a_diff.ended] == [
        (old.id, "取得其他集体经济组织成员身份", MEETING.isoformat())]
    assert "北槐村" in a_diff.ended[0].reason
    b_diff = filing_diff(s, F.open_filing(s, villages[B].id))
    assert [r.membership_id for r in b_diff.added] == [new.id]


def test_M15_handover_refused_while_the_other_village_is_under_review(s, villages):
    old = a_daughter(s, villages[A])
    new = marry_into_b(s, villages, old.person)
    s.add(Filing(organization_id=villages[A].id, version_no=2, state="town_review", area_code=A))
    s.flush()
    with pytest.raises(DomainError) as err:
        decide(s, villages[B], user(s, "clerk2"), base=B_BASE)
    assert err.value.rule == "F-09" and "东柳庄村" in err.value.message
    assert (old.status, new.status) == ("confirmed", "pending")


def test_M15_schema_allows_one_active_membership(s, villages):
    old = a_daughter(s, villages[A])
    new = marry_into_b(s, villages, old.person)
    new.status = "confirmed"
    with pytest.raises(IntegrityError):
        s.flush()
    s.rollback()


def test_M15_import_allows_a_pending_row_for_a_member_elsewhere(s, villages):
    """A 待确认 row of a person active elsewhere is a candidate (hand-over on confirmation); a 正式成员
    row stays duplicate.other_village."""
    data = (SAMPLES / f"roster_{A}.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    status_col = [c.value for c in ws[2]].index("成员状态") + 1
    for row in range(3, ws.max_row + 1):
        ws.cell(row=row, column=status_col, value="待确认" if row < 13 else "正式成员")
    buf = io.BytesIO()
    wb.save(buf)
    other = org(s, "370305100204")
    report = import_roster(s, buf.getvalue(), other, actor=None, dry_run=True)
    assert {e["code"] for e in report.errors} == {"duplicate.other_village"} and len(report.errors) == 337
    assert [w["code"] for w in report.warnings] == ["handover.pending"] * 10
    assert "待确认" in report.errors[0]["message"]
