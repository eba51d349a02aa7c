"""History (issue 3 step 8): the roster as of a past date equals the roster that was filed then,
even after deaths, births, 分户, head changes, moves and hukou moves dated later."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import FilingItem, Household
from registry.reports.roster.as_of import filed_version_on, roster_as_of
from registry.reports.roster.rows import iter_roster_rows
from registry.services.households import change_head, move_member, split_household
from registry.services.membership.changes import add_member, end_membership
from registry.services.membership.hukou import record_hukou_change
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import D, decide, filed_roster, new_id

SEQ = "序号"


@pytest.fixture
def s(db, demo):
    return db.session


def rows_of(pairs):
    return {mid: {k: v for k, v in row.items() if k != SEQ} for mid, row in pairs}


def test_roster_as_of_a_past_date_equals_the_filed_roster(s):
    o, clerk = org(s), user(s, "clerk")
    members = filed_roster(s, o, clerk)  # version 1, filed
    v1 = s.scalar(select(FilingItem.filing_id).limit(1))
    filed = rows_of(s.execute(select(FilingItem.membership_id, FilingItem.data)
                              .where(FilingItem.filing_id == v1, FilingItem.change != "ended")).all())
    day = D(2025, 2, 1)
    assert rows_of(roster_as_of(s, o.id, day)) == filed  # nothing changed yet

    today = D(2025, 3, 1)
    hh = {n: s.scalar(select(Household).where(Household.number == n)) for n in ("0001", "0002", "0003")}
    end_membership(s, members[6], ground="death", lost_at=D(2025, 2, 10), actor=clerk, today=today)
    change_head(s, o, hh["0003"], members[7].id, on_date=D(2025, 2, 12), actor=clerk, today=today)
    split_household(s, o, hh["0002"], [(members[5].id, "02")], "0009", on_date=D(2025, 2, 15), actor=clerk,
                    today=today)
    move_member(s, members[2], s.get(Household, members[3].household_id), "93",
                on_date=D(2025, 2, 16), actor=clerk, today=today)
    record_hukou_change(s, members[1], place="山东省济南市历下区", in_organization=False, moved_at=D(2025, 2, 20),
                        actor=clerk, today=today)
    add_member(s, o, id_number=new_id(D(2025, 1, 9), "1"), name="张小宝", ground="birth", relation="20",
               household_id=members[0].household_id, actor=clerk, today=today)
    decide(s, o, clerk, base=8)  # the birth confirmed on 2025-03-20; 9 reform members less the death

    assert rows_of(roster_as_of(s, o.id, day)) == filed
    # And today's reconstruction equals the current roster.
    current = rows_of(iter_roster_rows(s, organization_id=o.id))
    assert rows_of(roster_as_of(s, o.id, D(2025, 3, 21))) == current
    on_meeting_eve = rows_of(roster_as_of(s, o.id, D(2025, 3, 19)))
    assert len(on_meeting_eve) == len(current) - 1  # the child is a member from the meeting day


def test_filed_version_in_force_on_a_day(s, clock):
    o, clerk = org(s), user(s, "clerk")
    filed_roster(s, o, clerk)  # the town records version 1 now, on clock.today (Beijing)
    assert filed_version_on(s, o.id, clock.today).version_no == 1
    assert filed_version_on(s, o.id, clock.today - dt.timedelta(days=1)) is None
    assert filed_version_on(s, o.id, D(2000, 1, 1)) is None
