"""Disputes over membership decisions (M-22): open → stages → close with an outcome; the membership
reads 争议中 meanwhile and returns to its previous status; an overturning outcome triggers the
correction through the normal workflow."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import AuditEvent
from registry.services.errors import DomainError
from registry.services.filing import filings as F
from registry.services.membership.changes import add_member, end_membership, propose_rejection
from registry.services.membership.disputes import advance_stage, close_dispute, open_dispute
from registry.services.roster.diff import filing_diff
from tests.services.filing_helpers import user
from tests.services.membership_helpers import REFORM_BASE, TODAY, D, decide, new_id


def test_M22_dispute_over_a_loss_returns_to_the_previous_state(s, village, clerk):
    _, members = village
    m = members[2]
    end_membership(s, m, ground="civil_servant", lost_at=D(2025, 2, 1), evidence="录用通知", actor=clerk, today=TODAY)
    dispute = open_dispute(s, m, applicant="张0丙", subject="本人为聘任制公务员，不应丧失成员身份",
                           opened_on=D(2025, 2, 10), actor=clerk, today=TODAY)
    assert (m.status, dispute.status_before, dispute.stage) == ("disputed", "lost", "town_mediation")
    with pytest.raises(DomainError):
        advance_stage(s, dispute, "town_mediation", actor=clerk, today=TODAY)  # forward only
    advance_stage(s, dispute, "arbitration", actor=clerk, today=TODAY)
    with pytest.raises(DomainError) as err:
        close_dispute(s, dispute, outcome="overturned", note=None, actor=clerk, today=TODAY)
    assert err.value.rule == "M-22"
    close_dispute(s, dispute, outcome="upheld", note="仲裁维持原决定", closed_on=D(2025, 2, 28), actor=clerk,
                  today=TODAY)
    assert (m.status, m.loss_ground, dispute.outcome) == ("lost", "civil_servant", "upheld")
    actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.target_id == m.id,
                                                                    AuditEvent.target_type == "membership"))]
    assert actions[-3:] == ["membership.dispute_opened", "membership.dispute_stage", "membership.dispute_closed"]


def test_M22_overturned_loss_is_reinstated(s, village, clerk):
    _, members = village
    m = members[2]
    end_membership(s, m, ground="charter_or_law", citation="章程第十二条", note="长期失联", lost_at=D(2025, 2, 1),
                   actor=clerk, today=TODAY)
    dispute = open_dispute(s, m, applicant="张0丙", subject="本人未失联", actor=clerk, today=TODAY)
    close_dispute(s, dispute, outcome="overturned", note="（2025）临调字第3号调解书", correct=True, actor=clerk,
                  today=TODAY)
    assert (m.status, m.loss_ground, m.lost_at, m.loss_citation) == ("confirmed", None, None, None)


def test_M22_overturned_rejection_goes_back_to_the_assembly(s, village, clerk):
    o, members = village
    bride = add_member(s, o, id_number=new_id(D(1999, 2, 8), "2"), name="赵嫁入", ground="marriage", relation="38",
                       household_id=members[2].household_id, actor=clerk, today=TODAY)
    propose_rejection(s, bride, "婚姻关系存疑", actor=clerk)
    decide(s, o, clerk, base=REFORM_BASE)  # the 9 reform members; the bride is a candidate
    assert bride.status == "rejected"
    dispute = open_dispute(s, bride, applicant="赵嫁入", subject="不予确认理由不成立", actor=clerk,
                           today=D(2025, 3, 25))
    assert bride.status == "disputed"
    # A membership in dispute shows it in the change set (成员状态 争议中).
    diff = filing_diff(s, F.open_filing(s, o.id))
    assert [r.status for r in diff.added if r.membership_id == bride.id] == ["争议中"]
    hint = close_dispute(s, dispute, outcome="overturned", note="乡镇调解：重新表决", correct=True, actor=clerk,
                         today=D(2025, 3, 30))
    assert "成员大会" in hint
    assert (bride.status, bride.rejection_reason, bride.resolution_id) == ("pending", None, None)


def test_M22_no_dispute_on_a_pending_candidate(s, village, clerk):
    o, members = village
    child = add_member(s, o, id_number=new_id(D(2025, 1, 9), "1"), name="张小宝", ground="birth", relation="20",
                       household_id=members[0].household_id, actor=clerk, today=TODAY)
    with pytest.raises(DomainError) as err:
        open_dispute(s, child, applicant="某", subject="x", actor=clerk, today=TODAY)
    assert err.value.rule == "M-22"
    with pytest.raises(DomainError):
        open_dispute(s, members[0], applicant="某", subject="x", actor=user(s, "town"), today=TODAY)


def test_A07_a_member_whose_confirmation_is_disputed_stays_in_the_base(s, village, clerk):
    """A dispute over a confirmed membership leaves the member in the assembly until it is overturned;
    a disputed loss or rejection does not bring the person back into the base (A-07, M-22)."""
    from registry.services.filing.resolutions import record_resolution

    o, members = village
    open_dispute(s, members[0], applicant="李某", subject="张0甲不应确认为成员", actor=clerk, today=TODAY)
    end_membership(s, members[1], ground="death", lost_at=D(2025, 2, 1), actor=clerk, today=TODAY)
    open_dispute(s, members[1], applicant="李0乙家属", subject="死亡日期有误", actor=clerk, today=TODAY)
    assert (members[0].status, members[1].status) == ("disputed", "disputed")

    def assembly(base):
        return record_resolution(s, o, subject="other", notice_date=D(2025, 2, 1),
                                 meeting_date=D(2025, 2, 20), base_members=base, attendees=base,
                                 votes_for=base, actor=clerk, today=TODAY)

    assert assembly(8).base_members == 8  # 9 reform members less the death; the disputed confirmation counts
    for base in (7, 9):
        with pytest.raises(DomainError) as err:
            assembly(base)
        assert err.value.rule == "A-07" and "有完全民事行为能力的成员 8 人" in err.value.message
