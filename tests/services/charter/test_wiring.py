"""The membership side of the charter settings wired into the rules: resolutions are judged by, and
record, the thresholds in force on their meeting date (A-02, A-03, A-04, A-05); the roster notice
lasts the configured working days (F-04); the configured body consents to a withdrawal (Q-08, M-18)."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.services.assembly.representatives import elect
from registry.services.charter import update_settings
from registry.services.errors import DomainError
from registry.services.filing.filings import current_filing, start_notice
from registry.services.filing.resolutions import record_resolution
from registry.services.membership.changes import withdraw
from tests.services.filing_helpers import adults, org, reform_roster, user

D = dt.date
TODAY = D(2026, 6, 15)
MEETING = D(2026, 6, 5)
NEW_YEAR = D(2026, 1, 1)


@pytest.fixture
def s(db, demo):
    return db.session


def _set(s, o, changes, effective_on=NEW_YEAR):
    update_settings(s, o, changes, actor=user(s, "district"), article="章程第二十条", effective_on=effective_on)


def _art15(s, o, votes_for, attendees=31, meeting=MEETING):
    return record_resolution(s, o, subject="art15_grant", notice_date=meeting - dt.timedelta(days=12),
                             meeting_date=meeting, base_members=31, attendees=attendees, votes_for=votes_for,
                             actor=user(s, "clerk"), today=TODAY)


def test_A04_charter_threshold_in_force_on_the_meeting_date_is_applied_and_recorded(s):
    o = org(s)
    adults(s, o, 31)
    _set(s, o, {"art15_threshold": "4/5"}, effective_on=D(2026, 6, 1))
    # 24 = ceil(3/4 × 31) meets the law but not the charter's 4/5 (25 votes) in force on 2026-06-05.
    with pytest.raises(DomainError) as err:
        _art15(s, o, 24)
    assert err.value.rule == "A-04" and "章程规定的 4/5" in err.value.message and "需 25 票" in err.value.message
    # A meeting before the charter change is judged by the law.
    before = _art15(s, o, 24, meeting=D(2026, 5, 20))
    assert before.thresholds == {"quorum": "2/3", "pass": "3/4", "charter_settings_id": None, "article": None}
    passed = _art15(s, o, 25)
    assert passed.thresholds["pass"] == "4/5" and passed.thresholds["article"] == "章程第二十条"
    assert passed.thresholds["charter_settings_id"] is not None


def test_A04_raised_quorum_refuses_an_assembly_the_law_would_accept(s):
    o = org(s)
    adults(s, o, 31)
    _set(s, o, {"quorum_threshold": "4/5"})
    with pytest.raises(DomainError) as err:  # 24 attend: ≥ 21 (2/3, A-02) but < 25 (4/5)
        _art15(s, o, 24, attendees=24)
    assert err.value.rule == "A-04" and "出席人数 24 未达到章程规定的 4/5" in err.value.message
    with pytest.raises(DomainError) as err:  # below the law: A-02, not A-04
        _art15(s, o, 20, attendees=20)
    assert err.value.rule == "A-02"
    assert _art15(s, o, 25, attendees=25).thresholds["quorum"] == "4/5"


def test_F04_the_notice_lasts_the_configured_working_days(s):
    o = org(s)
    reform_roster(s, o, households=1)
    _set(s, o, {"notice_working_days": 10}, effective_on=D(2025, 1, 1))
    clerk = user(s, "clerk")
    filing = current_filing(s, o, actor=clerk)
    # Posted Monday 2025-03-03: 10 working days from the 4th end on Monday 2025-03-17 (7 would be the 12th).
    with pytest.raises(DomainError) as err:
        start_notice(s, filing, posted_on=D(2025, 3, 3), ends_on=D(2025, 3, 12), actor=clerk, today=D(2025, 3, 3))
    assert err.value.rule == "F-04" and "10 个工作日" in err.value.message
    notice = start_notice(s, filing, posted_on=D(2025, 3, 3), actor=clerk, today=D(2025, 3, 3))
    assert notice.ends_on == D(2025, 3, 17) and notice.working_days == 10


def test_Q08_withdrawal_consent_by_the_representative_assembly_only_when_the_charter_says_so(s):
    o = org(s)
    members = adults(s, o, 30)
    clerk = user(s, "clerk")
    # A representative resolution's base is the representatives in office on the meeting date.
    elect(s, o, elected_on=D(2026, 4, 1), members="\n".join(f"成员{i:03d}" for i in range(25)), actor=clerk,
          today=TODAY)
    consent = record_resolution(s, o, body="representative", subject="withdrawal_consent", title="同意退出",
                                notice_date=D(2026, 5, 1), meeting_date=D(2026, 5, 20), base_members=25,
                                attendees=25, votes_for=20, actor=clerk, today=TODAY)
    with pytest.raises(DomainError) as err:
        withdraw(s, members[3], applied_on=D(2026, 5, 2), resolution=consent, actor=clerk, today=TODAY)
    assert err.value.rule == "M-18"
    _set(s, o, {"withdrawal_consent_body": "representative"}, effective_on=D(2026, 5, 1))
    withdraw(s, members[3], applied_on=D(2026, 5, 2), resolution=consent, actor=clerk, today=TODAY)
    assert members[3].status == "withdrawn"
