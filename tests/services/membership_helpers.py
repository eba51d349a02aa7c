"""Helpers for the membership lifecycle tests: a filed reform roster, an assembly that decides the
pending candidates, the usual dates."""
from __future__ import annotations

import datetime as dt

from registry.services.filing import filings as F
from registry.services.filing.filings import start_notice
from tests.services.filing_helpers import reform_roster, resident_id, user

D = dt.date
TODAY = D(2025, 3, 1)
POSTED = D(2025, 3, 3)  # notice ends 2025-03-12 (7 working days)
MEETING = D(2025, 3, 20)
DECIDED = D(2025, 3, 21)


#: filed_roster's reform roster: 9 confirmed members, all adults (born 1970–1998). Candidates do not
#: count while the organisation has confirmed members (A-07).
REFORM_BASE = 9


def assembly(meeting: dt.date = MEETING, *, base: int) -> dict:
    """A unanimous member assembly. ``base``: the members with full civil capacity on ``meeting``,
    counted from the test's roster (A-07 refuses any other number)."""
    return dict(body="member_assembly", subject="membership_confirmation", title="成员变动确认",
                notice_date=meeting - dt.timedelta(days=10), meeting_date=meeting, base_members=base,
                attendees=base, votes_for=base)


def decide(s, organization, clerk, *, base: int, posted: dt.date = POSTED, meeting: dt.date = MEETING):
    """Notice the open roster version, then the assembly (``base`` members with full civil capacity)
    decides every pending candidate."""
    filing = F.current_filing(s, organization, actor=clerk)
    start_notice(s, filing, posted_on=posted, actor=clerk, today=posted)
    F.record_resolution(s, filing, actor=clerk, today=meeting + dt.timedelta(days=1),
                        **assembly(meeting, base=base))
    return filing


def file_version(s, organization, clerk, *, posted: dt.date, meeting: dt.date | None = None,
                 base: int | None = None):
    """Notice → (resolution of an assembly of ``base`` members when candidates are pending, else
    none) → submit → town record."""
    from registry.services.membership.decisions import pending_count

    filing = F.current_filing(s, organization, actor=clerk)
    start_notice(s, filing, posted_on=posted, actor=clerk, today=posted)
    meeting = meeting or posted + dt.timedelta(days=17)
    after = meeting + dt.timedelta(days=1)
    if pending_count(s, organization.id):
        assert base is not None, "candidates are pending: give the assembly's base (A-07)"
        F.record_resolution(s, filing, actor=clerk, today=after, **assembly(meeting, base=base))
    else:
        F.confirm_without_resolution(s, filing, actor=clerk, today=after)
    F.submit(s, filing, actor=clerk, today=after)
    F.town_record(s, filing, actor=user(s, "town"), today=after)
    return filing


def filed_roster(s, organization, clerk, *, households: int = 3):
    """A reform roster (9 members), filed as version 1 on 2025-01-21."""
    members = reform_roster(s, organization, households=households)
    file_version(s, organization, clerk, posted=D(2025, 1, 2), meeting=D(2025, 1, 20))
    return members


def new_id(birth: dt.date, sex: str) -> str:
    return resident_id(birth, sex)
