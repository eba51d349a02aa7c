"""Resolution validity (DOMAIN §6.4: A-01, A-02, A-03, A-04, A-05, A-09, A-12)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from registry.models import AuditEvent, Resolution
from registry.services.assembly.capacity import meeting_base
from registry.services.errors import DomainError
from registry.services.filing.resolutions import FULL_ONLY, evaluate, record_resolution, required
from tests.services.assembly.helpers import flag, representatives
from tests.services.filing_helpers import add_household, adults, org, user

D = dt.date
NOTICE, MEETING = D(2025, 10, 1), D(2025, 10, 11)


def ok(**kw):
    args = dict(body="member_assembly", subject="membership_confirmation", notice_date=NOTICE,
                meeting_date=MEETING, base_members=200, attendees=150, votes_for=134)
    args.update(kw)
    threshold = args.pop("threshold", Fraction(2, 3))
    return evaluate(**args, threshold=threshold)


def test_valid_resolution_passes():
    assert ok() == []


def test_A01_notice_ten_days():
    assert ok(meeting_date=NOTICE + dt.timedelta(days=10)) == []
    assert ok(meeting_date=NOTICE + dt.timedelta(days=9)) == ["A-01"]
    assert "A-01" in ok(meeting_date=NOTICE - dt.timedelta(days=1))


def test_A02_quorum_two_thirds_rounded_up():
    assert required(200, Fraction(2, 3)) == 134
    assert ok(attendees=134) == []
    assert ok(attendees=133, votes_for=133) == ["A-02", "A-03"]
    # base 3: 2/3 × 3 = 2 exactly — no float error pushes it to 3.
    assert ok(base_members=3, attendees=2, votes_for=2) == []


def test_A03_votes_base_is_all_members_not_attendees():
    # 135 attend, 120 vote for: 120/135 > 2/3 of those present, but < 2/3 of all 200 members.
    assert ok(attendees=135, votes_for=120) == ["A-03"]
    assert ok(attendees=135, votes_for=134) == []


def test_A03_exact_fraction_ceiling():
    # 2/3 × 100 = 66.67 → 67 votes needed.
    assert ok(base_members=100, attendees=80, votes_for=66) == ["A-03"]
    assert ok(base_members=100, attendees=80, votes_for=67) == []


def test_A05_art15_grant_needs_three_quarters():
    assert required(200, Fraction(3, 4)) == 150
    assert ok(subject="art15_grant", attendees=160, votes_for=149) == ["A-05"]
    assert ok(subject="art15_grant", attendees=160, votes_for=150) == []


def test_A04_charter_may_raise_never_lower():
    assert ok(votes_for=140, attendees=150, threshold=Fraction(3, 4)) == ["A-04"]
    assert ok(votes_for=150, attendees=150, threshold=Fraction(3, 4)) == []
    with pytest.raises(ValueError):
        ok(threshold=Fraction(1, 2))


def test_A09_representative_cannot_confirm():
    assert ok(body="representative") == ["A-09"]
    for subject in FULL_ONLY:
        assert "A-09" in ok(body="representative", subject=subject, attendees=160, votes_for=160)
    assert ok(body="representative", subject="other") == []
    assert ok(body="representative", subject="withdrawal_consent") == []


def test_failures_in_rule_order():
    assert ok(body="representative", meeting_date=NOTICE, attendees=100, votes_for=90) == \
        ["A-01", "A-02", "A-03", "A-09"]


def test_inconsistent_counts_rejected():
    with pytest.raises(ValueError):
        ok(votes_for=151)
    with pytest.raises(ValueError):
        ok(base_members=0, attendees=0, votes_for=0)


@pytest.fixture
def roster200(db, demo):
    """东柳庄村 with 200 confirmed adult members: the base of the record tests (A-07)."""
    adults(db.session, org(db.session), 200)


def _record(db, **kw):
    s = db.session
    facts = dict(body="member_assembly", subject="membership_confirmation", title="成员身份确认",
                 notice_date=NOTICE, meeting_date=MEETING, base_members=200, attendees=150, votes_for=134,
                 today=D(2025, 10, 20))
    facts.update(kw)
    return record_resolution(s, org(s), actor=user(s, "clerk"), **facts)


def test_record_resolution_stores_passed(db, roster200):
    resolution = _record(db, party_pre_discussion_date=D(2025, 9, 25))
    assert resolution.passed and resolution.id
    assert resolution.party_pre_discussion_date == D(2025, 9, 25)
    event = db.session.query(AuditEvent).filter_by(action="resolution.recorded").one()
    assert event.target_id == resolution.id and event.detail["votes_for"] == 134


def test_A03_record_refused_with_rule_and_chinese_message(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, attendees=150, votes_for=120)
    assert err.value.rule == "A-03"
    assert str(err.value) == "[A-03] 赞成票 120 未达到全体成员(有完全民事行为能力) 200 人的三分之二（134 票）"
    assert db.session.query(Resolution).count() == 0


def test_first_failing_rule_carried(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, meeting_date=D(2025, 10, 5), attendees=100, votes_for=100)
    assert err.value.rule == "A-01"
    assert [r for r, _ in err.value.failures] == ["A-01", "A-02", "A-03"]


def test_A09_record_refused_for_representative(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, body="representative")
    assert err.value.rule == "A-09"
    assert "成员代表大会" in err.value.message


def test_A12_party_discussion_before_meeting(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, party_pre_discussion_date=D(2025, 10, 12))
    assert err.value.rule == "A-12"


def test_record_refuses_bad_counts_and_future_meeting(db, roster200):
    with pytest.raises(DomainError):
        _record(db, attendees=100, votes_for=120)
    with pytest.raises(DomainError):
        _record(db, today=D(2025, 10, 10))
    with pytest.raises(DomainError):
        _record(db, base_members=0, attendees=0, votes_for=0)


def test_only_clerk_of_village_records(db, demo):
    s = db.session
    for username in ("clerk2", "town", "district"):
        with pytest.raises(DomainError):
            record_resolution(s, org(s), actor=user(s, username), notice_date=NOTICE, meeting_date=MEETING,
                              base_members=3, attendees=3, votes_for=3, today=D(2025, 10, 20))


# --- the base against the roster ------------------------------------------------------------------

def _ages(db, people):
    """A household of ``(name, birth date)`` members, confirmed, in 东柳庄村."""
    s = db.session
    return add_household(s, org(s), "0900", [(name, "1", birth, "02" if i == 0 else "20")
                                             for i, (name, birth) in enumerate(people)])


def test_A07_typed_base_other_than_the_roster_refused(db, roster200):
    """The base is derived for the meeting date; a different number given by a caller is refused."""
    for typed in (201, 3):
        with pytest.raises(DomainError) as err:
            _record(db, base_members=typed, attendees=150, votes_for=134)
        assert (err.value.code, err.value.rule) == ("resolution.base_mismatch", "A-07")
        assert "有完全民事行为能力的成员 200 人" in err.value.message and "不能另填" in err.value.message
    assert db.session.query(Resolution).count() == 0


def test_A07_ages_counted_on_meeting_date(db, demo):
    # On MEETING (2025-10-11): one adult, one turning 18 that very day, a 17-year-old and a
    # 16-year-old (16/17 count only with the self-supporting flag, Civil Code Art. 18), a 15-year-old (never).
    members = _ages(db, [("甲", D(1970, 1, 1)), ("乙", D(2007, 10, 11)), ("丙", D(2008, 1, 5)),
                         ("丁", D(2009, 10, 11)), ("戊", D(2010, 1, 1))])
    assert meeting_base(db.session, org(db.session).id, MEETING).size == 2
    assert _record(db, base_members=None, attendees=2, votes_for=2).base_members == 2
    flag(db.session, members[2], self_supporting=True)
    flag(db.session, members[3], self_supporting=True)
    assert _record(db, base_members=None, attendees=4, votes_for=4).base_members == 4
    with pytest.raises(DomainError) as err:
        _record(db, base_members=5, attendees=1, votes_for=1)
    assert err.value.rule == "A-07"


def test_A07_unknown_birth_date_cannot_be_ruled_out(db, demo):
    members = _ages(db, [("甲", D(1970, 1, 1)), ("乙", D(1980, 1, 1))])
    members[1].person.birth_date = None
    db.session.flush()
    assert _record(db, base_members=2, attendees=2, votes_for=2).passed  # counted, the reason says why
    base = meeting_base(db.session, org(db.session).id, MEETING)
    assert [e.reason for e in base.members] == ["年满18周岁", "出生日期未登记（不能排除，计入）"]


def test_A07_candidates_counted_when_nobody_is_confirmed_yet(db, demo):
    s = db.session
    add_household(s, org(s), "0800", [("新甲", "1", D(1980, 1, 1), "02"), ("新乙", "2", D(1982, 1, 1), "10"),
                                      ("新丙", "1", D(2015, 1, 1), "20")], status="pending", ground="admission")
    assert _record(db, base_members=2, attendees=2, votes_for=2).passed
    assert meeting_base(s, org(s).id, MEETING).among_candidates


def test_A07_lost_members_and_other_villages_do_not_count(db, demo):
    s = db.session
    members = _ages(db, [("甲", D(1970, 1, 1)), ("乙", D(1971, 1, 1)), ("丙", D(1972, 1, 1))])
    members[2].status, members[2].loss_ground, members[2].lost_at = "lost", "death", D(2025, 1, 1)
    adults(s, org(s, "370305100202"), 10)
    s.flush()
    assert meeting_base(s, org(s).id, MEETING).size == 2
    # …but the dead member was in the base of a meeting before the death (the roster as of that day).
    assert meeting_base(s, org(s).id, D(2024, 12, 31)).size == 3


def test_A08_representative_assembly_base_is_the_representatives_in_office(db, demo):
    """For a representative assembly the base is the number of representatives in office (A-08)."""
    adults(db.session, org(db.session), 200)
    representatives(db.session, 25)
    assert _record(db, body="representative", subject="other", base_members=None, attendees=20,
                   votes_for=17).passed
    with pytest.raises(DomainError) as err:
        _record(db, body="representative", subject="other", base_members=None, attendees=20, votes_for=16)
    assert err.value.rule == "A-03" and "全体成员代表 25 人" in err.value.message


def test_A08_no_representative_assembly_in_office_refused(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, body="representative", subject="other", base_members=None, attendees=20, votes_for=17)
    assert err.value.rule == "A-08"


def test_A01_meeting_before_notice_has_a_proper_message(db, roster200):
    with pytest.raises(DomainError) as err:
        _record(db, notice_date=D(2025, 10, 11), meeting_date=D(2025, 10, 1))
    assert err.value.rule == "A-01"
    assert "会议通知日期 2025-10-11 晚于会议日期 2025-10-01" in err.value.message
    assert "仅 -10 天" not in err.value.message
    with pytest.raises(DomainError) as err:
        _record(db, notice_date=MEETING, meeting_date=MEETING)
    assert "同为 2025-10-11" in err.value.message
