"""Roster filing workflow (DOMAIN §6.2; F-02, F-04, F-07, F-08, F-09; M-02, M-05, M-15)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Filing, FilingItem, Membership
from registry.models.filings import (
    AWAITING_ASSEMBLY,
    CONFIRMED,
    DISTRICT_FILED,
    DRAFT,
    ON_NOTICE,
    RETURNED,
    TOWN_FILED,
    TOWN_REVIEW,
)
from registry.services.errors import DomainError
from registry.services.filing import filings as F
from registry.services.filing.filings import start_notice
from registry.services.filing.items import item_counts, member_filing_states
from registry.services.filing.notices import raise_objection, resolve_objection
from tests.services.filing_helpers import add_household, candidates, org, reform_roster, user

D = dt.date
POSTED, ENDS = D(2025, 3, 3), D(2025, 3, 12)  # 7 working days from Tue 4 March
AFTER = D(2025, 3, 13)
MEETING = D(2025, 3, 20)
# The reform roster of _noticed: 9 confirmed adults, so the base is 9; 6 votes pass.
RESOLUTION = dict(body="member_assembly", subject="membership_confirmation", title="确认新增成员",
                  notice_date=D(2025, 3, 10), meeting_date=MEETING, base_members=9, attendees=8,
                  votes_for=7)


@pytest.fixture
def s(db, demo):
    return db.session


@pytest.fixture
def clerk(s):
    return user(s, "clerk")


def _noticed(s, clerk, *, pending: int = 0):
    o = org(s)
    members = reform_roster(s, o)
    if pending:
        members += candidates(s, o, n=pending)
    filing = F.current_filing(s, o, actor=clerk)
    start_notice(s, filing, posted_on=POSTED, actor=clerk, today=POSTED)
    return filing, members


def _filed(s, clerk, filing, *, today=D(2025, 3, 25)):
    if filing.state in (ON_NOTICE, AWAITING_ASSEMBLY):
        F.confirm_without_resolution(s, filing, actor=clerk, today=today)
    F.submit(s, filing, actor=clerk, today=today)
    F.town_record(s, filing, actor=user(s, "town"), today=today)
    return filing


def test_current_filing_get_or_create(s, clerk):
    o = org(s)
    first = F.current_filing(s, o, actor=clerk)
    assert (first.state, first.version_no, first.area_code) == (DRAFT, 1, o.area_code)
    assert F.current_filing(s, o, actor=clerk) is first


def test_M05_reform_roster_needs_no_resolution(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    assert filing.state == CONFIRMED and filing.resolution_id is None
    F.submit(s, filing, actor=clerk, today=AFTER)
    assert filing.state == TOWN_REVIEW
    actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.target_type == "filing"))]
    # The end of the notice is implicit: recorded when the next action runs.
    assert actions[-3:] == ["filing.end_notice", "filing.confirm_without_resolution", "filing.submit"]


def test_M05_pending_candidates_need_a_resolution(s, clerk):
    filing, _ = _noticed(s, clerk, pending=1)
    with pytest.raises(DomainError) as err:
        F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    assert err.value.rule == "M-02"


def test_F04_no_resolution_before_notice_ends(s, clerk):
    filing, _ = _noticed(s, clerk, pending=1)
    with pytest.raises(DomainError) as err:
        F.record_resolution(s, filing, actor=clerk, today=ENDS, **{**RESOLUTION, "meeting_date": ENDS})
    assert err.value.rule == "F-04"
    assert F.display_state(filing, ENDS) == ON_NOTICE and F.display_state(filing, AFTER) == AWAITING_ASSEMBLY


def test_F04_meeting_must_follow_notice_end(s, clerk):
    filing, _ = _noticed(s, clerk, pending=1)
    with pytest.raises(DomainError) as err:
        F.record_resolution(s, filing, actor=clerk, today=AFTER,
                            **{**RESOLUTION, "notice_date": D(2025, 3, 1), "meeting_date": ENDS})
    assert err.value.rule == "F-04"


def test_M02_confirmation_effective_meeting_date(s, clerk):
    filing, members = _noticed(s, clerk, pending=2)
    F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    assert filing.state == CONFIRMED and filing.resolution.meeting_date == MEETING
    new = [m for m in members if m.acquisition_ground == "marriage"]
    for m in new:
        assert (m.status, m.confirmed_at, m.resolution_id) == ("confirmed", MEETING, filing.resolution_id)
    old = members[0]
    assert old.confirmed_at == D(2019, 6, 30) and old.resolution_id is None  # untouched
    events = s.scalars(select(AuditEvent).where(AuditEvent.action == "membership.confirmed")).all()
    assert sorted(e.target_id for e in events) == sorted(m.id for m in new)
    assert events[0].detail["old"] == "pending" and events[0].detail["new"] == "confirmed"
    # Filing does not create the membership: it is confirmed before the town records anything.
    assert filing.town_recorded_at is None


def test_A03_refusal_changes_nothing(s, clerk):
    filing, members = _noticed(s, clerk, pending=1)
    with pytest.raises(DomainError) as err:
        F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **{**RESOLUTION, "votes_for": 5})
    assert err.value.rule == "A-03"
    assert members[-1].status == "pending"


def test_A09_representative_cannot_confirm_roster(s, clerk):
    filing, _ = _noticed(s, clerk, pending=1)
    with pytest.raises(DomainError) as err:
        F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **{**RESOLUTION, "body": "representative"})
    assert err.value.rule == "A-09"


def test_M15_candidate_active_elsewhere_is_handed_over(s, clerk):
    """Was a refusal before the hand-over existed (issue 3): now the confirmation ends the
    membership elsewhere on the meeting date, linked to the new one (M-15)."""
    filing, members = _noticed(s, clerk, pending=1)
    other = org(s, "370305100202")
    elsewhere = add_household(s, other, "0001", [("另村", "1", D(1980, 1, 1), "02")])[0]
    # The same person is a pending candidate here and a confirmed member of 北槐村.
    members[-1].person_id = elsewhere.person_id
    s.flush()
    F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    assert members[-1].status == "confirmed" and members[-1].confirmed_at == MEETING
    assert (elsewhere.status, elsewhere.loss_ground, elsewhere.lost_at) == ("lost", "other_membership", MEETING)
    assert elsewhere.ended_by_membership_id == members[-1].id


def test_submit_refused_before_notice_ended(s, clerk):
    filing, _ = _noticed(s, clerk)
    with pytest.raises(DomainError) as err:
        F.submit(s, filing, actor=clerk, today=ENDS)
    assert err.value.rule == "F-04"
    assert filing.state == ON_NOTICE


def test_submit_refused_while_objection_open(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    objection = raise_objection(s, filing.notice, "户主姓名有误", "张某", actor=clerk)
    with pytest.raises(DomainError) as err:
        F.submit(s, filing, actor=clerk, today=AFTER)
    assert err.value.code == "filing.objection_open"
    resolve_objection(s, objection, "已更正", actor=clerk)
    F.submit(s, filing, actor=clerk, today=AFTER)
    assert filing.state == TOWN_REVIEW


def test_F04_confirm_without_resolution_refused_while_objection_open(s, clerk):
    filing, _ = _noticed(s, clerk)
    objection = raise_objection(s, filing.notice, "户主姓名有误", "张某", actor=clerk)
    with pytest.raises(DomainError) as err:
        F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    assert (err.value.code, err.value.rule) == ("filing.objection_open", "F-04")
    assert "1 条异议尚未处理" in err.value.message
    assert filing.state == AWAITING_ASSEMBLY  # the implicit end of the notice stands, nothing else
    resolve_objection(s, objection, "已更正", actor=clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    assert filing.state == CONFIRMED


def test_F04_resolution_refused_while_objection_open(s, clerk):
    filing, members = _noticed(s, clerk, pending=1)
    objection = raise_objection(s, filing.notice, "赵某不应确认", "钱某", actor=clerk)
    with pytest.raises(DomainError) as err:
        F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    assert (err.value.code, err.value.rule) == ("filing.objection_open", "F-04")
    assert members[-1].status == "pending" and filing.resolution_id is None
    resolve_objection(s, objection, "经核实符合条件", actor=clerk)
    F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    assert filing.state == CONFIRMED


def test_submit_refused_with_unconfirmed_candidates(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    candidates(s, org(s), n=1)  # added after the confirmation, never put to the assembly
    with pytest.raises(DomainError) as err:
        F.submit(s, filing, actor=clerk, today=AFTER)
    assert err.value.rule == "M-02"


def test_submit_freezes_one_item_per_membership(s, clerk):
    filing, members = _noticed(s, clerk, pending=2)
    F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    F.submit(s, filing, actor=clerk, today=D(2025, 3, 21))
    items = s.scalars(select(FilingItem).where(FilingItem.filing_id == filing.id)).all()
    assert sorted(i.membership_id for i in items) == sorted(m.id for m in members)
    assert {i.change for i in items} == {"added"}
    assert len(items[0].data) == 21 and items[0].data["成员状态"] == "正式成员"
    assert filing.submitted_at is not None and filing.submitted_by_id == clerk.id


def test_F08_return_requires_reason(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    F.submit(s, filing, actor=clerk, today=AFTER)
    town = user(s, "town")
    with pytest.raises(DomainError) as err:
        F.town_return(s, filing, "  ", actor=town, today=AFTER)
    assert err.value.rule == "F-08" and filing.state == TOWN_REVIEW
    F.town_return(s, filing, "第3户户主关系填写错误", actor=town, today=AFTER)
    assert filing.state == RETURNED and filing.return_reason == "第3户户主关系填写错误"
    # The clerk corrects and resubmits; notice and confirmation are kept, conditions re-checked.
    F.reopen(s, filing, actor=clerk, today=AFTER)
    assert filing.state == DRAFT and filing.notice is not None
    F.submit(s, filing, actor=clerk, today=AFTER)
    assert filing.state == TOWN_REVIEW and filing.return_reason is None
    assert item_counts(s, filing.id)["added"] == 9


def test_F02_complete_only_when_both_recorded(s, clerk):
    filing, _ = _noticed(s, clerk)
    _filed(s, clerk, filing)
    assert filing.state == TOWN_FILED and filing.town_recorded_at and not F.is_complete(filing)
    assert set(member_filing_states(s, filing.organization_id).values()) == {"town_filed"}
    F.district_receive(s, filing, actor=user(s, "district"), today=D(2025, 3, 26))
    assert filing.state == DISTRICT_FILED and filing.filed_on == D(2025, 3, 26)
    assert filing.district_recorded_by_id == user(s, "district").id and F.is_complete(filing)
    assert set(member_filing_states(s, filing.organization_id).values()) == {"district_filed"}


def test_district_cannot_receive_before_town(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    F.submit(s, filing, actor=clerk, today=AFTER)
    with pytest.raises(DomainError) as err:
        F.district_receive(s, filing, actor=user(s, "district"), today=AFTER)
    assert err.value.code == "filing.bad_transition"


def test_roles_and_scope_enforced(s, clerk):
    filing, _ = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    with pytest.raises(DomainError):
        F.submit(s, filing, actor=user(s, "clerk2"), today=AFTER)
    F.submit(s, filing, actor=clerk, today=AFTER)
    with pytest.raises(DomainError) as err:
        F.town_record(s, filing, actor=user(s, "town2"), today=AFTER)  # 皇城镇, not 齐都镇
    assert err.value.code == "filing.scope"
    with pytest.raises(DomainError) as err:
        F.town_record(s, filing, actor=clerk, today=AFTER)
    assert err.value.code == "filing.role"


def test_transition_audit_has_old_and_new_state(s, clerk):
    filing, _ = _noticed(s, clerk)
    _filed(s, clerk, filing)
    events = s.scalars(select(AuditEvent).where(AuditEvent.target_type == "filing",
                                                AuditEvent.target_id == filing.id)
                       .order_by(AuditEvent.id)).all()
    trail = [(e.detail["old"], e.detail["new"]) for e in events]
    assert trail == [(None, DRAFT), (DRAFT, ON_NOTICE), (ON_NOTICE, AWAITING_ASSEMBLY),
                     (AWAITING_ASSEMBLY, CONFIRMED), (CONFIRMED, TOWN_REVIEW), (TOWN_REVIEW, TOWN_FILED)]
    assert {e.area_code for e in events} == {"370305100201"}
    assert events[-1].actor_id == user(s, "town").id


def test_F07_F09_next_version_counts_changes(s, clerk):
    filing, members = _noticed(s, clerk)
    _filed(s, clerk, filing)
    o = org(s)
    second = F.current_filing(s, o, actor=clerk)
    assert second.version_no == 2 and second.id != filing.id
    members[0].notes = "户主电话变更"
    members[1].status, members[1].loss_ground, members[1].lost_at = "lost", "death", D(2025, 4, 1)
    start_notice(s, second, posted_on=D(2025, 4, 7), actor=clerk, today=D(2025, 4, 7))
    candidates(s, o, n=1)
    F.record_resolution(s, second, actor=clerk, today=D(2025, 5, 6),  # 8 confirmed members left
                        **{**RESOLUTION, "notice_date": D(2025, 4, 20), "meeting_date": D(2025, 5, 6),
                           "base_members": 8})
    F.submit(s, second, actor=clerk, today=D(2025, 5, 6))
    assert item_counts(s, second.id) == {"added": 1, "changed": 1, "unchanged": 7, "ended": 1}
    ended = s.scalar(select(FilingItem).where(FilingItem.filing_id == second.id, FilingItem.change == "ended"))
    assert ended.membership_id == members[1].id and ended.data["成员状态"] == "已丧失"
    # The first version stays as filed (F-09).
    assert item_counts(s, filing.id)["added"] == 9
    states = member_filing_states(s, o.id)
    assert states[members[0].id] == "town_filed"  # latest filed version containing it is v1
    assert list(states.values()).count("unfiled") == 1  # the new candidate


def test_one_open_filing_per_organisation(s, clerk):
    o = org(s)
    reform_roster(s, o, households=1)
    F.current_filing(s, o, actor=clerk)
    assert s.scalar(select(Filing.id).where(Filing.state == DRAFT)) is not None
    assert len(F.filings_of(s, o.id)) == 1


def test_member_filing_states_unfiled(s, clerk):
    o = org(s)
    members = reform_roster(s, o, households=1)
    assert member_filing_states(s, o.id) == {m.id: "unfiled" for m in members}


def test_membership_versions_bumped_on_confirmation(s, clerk):
    filing, members = _noticed(s, clerk, pending=1)
    before = members[-1].version
    F.record_resolution(s, filing, actor=clerk, today=D(2025, 3, 21), **RESOLUTION)
    assert s.get(Membership, members[-1].id).version == before + 1


# --- F-04: a roster change voids the notice in every state that holds one -------------------------------

def _returned(s, clerk):
    filing, members = _noticed(s, clerk)
    F.confirm_without_resolution(s, filing, actor=clerk, today=AFTER)
    F.submit(s, filing, actor=clerk, today=AFTER)
    F.town_return(s, filing, "第1户缺少户主", actor=user(s, "town"), today=AFTER)
    return filing, members


def test_F04_notice_would_be_voided_by_state(s, clerk):
    assert not F.notice_would_be_voided(None)
    o = org(s)
    reform_roster(s, o, households=1)
    draft = F.current_filing(s, o, actor=clerk)
    assert not F.notice_would_be_voided(draft)  # a draft without a notice: nothing to void
    start_notice(s, draft, posted_on=POSTED, actor=clerk, today=POSTED)
    assert F.notice_would_be_voided(draft)  # on notice
    F.confirm_without_resolution(s, draft, actor=clerk, today=AFTER)
    assert F.notice_would_be_voided(draft)  # confirmed
    F.submit(s, draft, actor=clerk, today=AFTER)
    assert not F.notice_would_be_voided(draft)  # under town review the roster is locked instead
    F.town_return(s, draft, "请更正", actor=user(s, "town"), today=AFTER)
    assert F.notice_would_be_voided(draft)  # returned, still holding the notice
    F.reopen(s, draft, actor=clerk, today=AFTER)
    assert F.notice_would_be_voided(draft)  # draft after a return, still holding the notice


def test_F04_roster_change_voids_notice_of_returned_filing(s, clerk):
    filing, _ = _returned(s, clerk)
    voided = filing.notice
    F.transition(s, filing, F.ROSTER_CHANGED, actor=clerk, today=D(2025, 4, 2), created=1, updated=0)
    assert filing.state == DRAFT and filing.notice is None and filing.notice_id is None
    assert filing.roster_changed_on == D(2025, 4, 2)
    event = s.scalars(select(AuditEvent).where(AuditEvent.action == "filing.roster_changed")).one()
    assert (event.detail["old"], event.detail["new"]) == (RETURNED, DRAFT)
    assert event.detail["voided_notice_id"] == voided.id and event.detail["voided_posted_on"] == "2025-03-03"
    # The old notice no longer counts: submitting needs a new one (F-04) …
    with pytest.raises(DomainError) as err:
        F.submit(s, filing, actor=clerk, today=D(2025, 4, 2))
    assert err.value.code == "filing.no_notice"
    # … and it cannot be dated before the change.
    with pytest.raises(DomainError) as err:
        start_notice(s, filing, posted_on=D(2025, 4, 1), actor=clerk, today=D(2025, 4, 2))
    assert err.value.code == "notice.before_roster_change"
    start_notice(s, filing, posted_on=D(2025, 4, 2), actor=clerk, today=D(2025, 4, 2))
    assert filing.state == ON_NOTICE


def test_F04_roster_change_voids_notice_kept_by_reopened_draft(s, clerk):
    filing, _ = _returned(s, clerk)
    F.reopen(s, filing, actor=clerk, today=AFTER)
    assert filing.state == DRAFT and filing.notice is not None
    F.transition(s, filing, F.ROSTER_CHANGED, actor=clerk, today=D(2025, 4, 2))
    assert filing.state == DRAFT and filing.notice_id is None
    with pytest.raises(DomainError) as err:
        F.submit(s, filing, actor=clerk, today=D(2025, 4, 2))
    assert err.value.rule == "F-04"
