"""Membership workflow service (DOMAIN §6.1; M-03 … M-18, H-01, H-02, F-04, F-09)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.models import AuditEvent, Filing, HukouRecord, Membership, Resolution
from registry.services.errors import DomainError
from registry.services.filing import filings as F
from registry.services.filing.filings import start_notice
from registry.services.filing.resolutions import record_resolution
from registry.services.membership import transitions as W
from registry.services.membership.changes import (
    add_member,
    end_membership,
    propose_rejection,
    set_flags,
    withdraw,
    withdraw_rejection_proposal,
)
from registry.services.membership.hukou import record_hukou_change
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import MEETING, REFORM_BASE, TODAY, D, decide, new_id


def add(s, o, clerk, ground, *, name="新成员", birth=D(2000, 5, 6), sex="2", household=None, relation="10",
        **kw):
    return add_member(s, o, id_number=new_id(birth, sex), name=name, ground=ground, relation=relation,
                      household_id=household, actor=clerk, today=TODAY, **kw)


def events(s, membership_id):
    return [e.action for e in s.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "membership", AuditEvent.target_id == membership_id).order_by(AuditEvent.id))]


def refused(rule, fn, *args, **kwargs):
    with pytest.raises(DomainError) as err:
        fn(*args, **kwargs)
    assert err.value.rule == rule, err.value
    return err.value


# --- adding members -------------------------------------------------------------------------------------

def test_M03_birth_cannot_be_rejected(s, village, clerk):
    o, members = village
    child = add(s, o, clerk, "birth", name="张小宝", birth=D(2025, 1, 9), sex="1",
                household=members[0].household_id, relation="20")
    assert (child.status, child.acquired_at) == ("pending", D(2025, 1, 9))
    refused("M-03", propose_rejection, s, child, "超生", actor=clerk)
    # The schema backs it: a rejected birth cannot be stored.
    child.status, child.rejection_reason = "rejected", "x"
    with pytest.raises(IntegrityError):
        s.flush()
    s.rollback()


def test_M03_birth_needs_a_member_household(s, village, clerk):
    o, _ = village
    refused("M-03", add_member, s, o, id_number=new_id(D(2025, 1, 9), "1"), name="无户", ground="birth",
            relation="02", new_household="0090", actor=clerk, today=TODAY)


def test_M04_marriage_default_confirm_and_rejection_needs_written_reason(s, village, clerk):
    o, members = village
    bride = add(s, o, clerk, "marriage", name="赵嫁入", household=members[2].household_id, relation="38")
    adopted = add(s, o, clerk, "adoption", name="钱收养", birth=D(2015, 3, 3), household=members[0].household_id,
                  relation="37")
    refused("M-04", propose_rejection, s, adopted, "  ", actor=clerk)
    propose_rejection(s, adopted, "收养手续不全，未提供收养登记证", actor=clerk)
    filing = decide(s, o, clerk, base=REFORM_BASE)
    assert (bride.status, bride.confirmed_at) == ("confirmed", MEETING)
    assert (adopted.status, adopted.rejection_reason) == ("rejected", "收养手续不全，未提供收养登记证")
    assert adopted.resolution_id == bride.resolution_id == filing.resolution_id
    assert events(s, adopted.id) == ["membership.added", "membership.rejection_proposed", "membership.rejected"]
    record = s.scalar(select(AuditEvent).where(AuditEvent.action == "filing.record_resolution"))
    assert record.detail["rejected_membership_ids"] == [adopted.id]


def test_M04_rejection_proposal_can_be_withdrawn(s, village, clerk):
    o, members = village
    m = add(s, o, clerk, "policy_migration", household=members[1].household_id, relation="97")
    propose_rejection(s, m, "非本村安置", actor=clerk)
    withdraw_rejection_proposal(s, m, actor=clerk)
    decide(s, o, clerk, base=REFORM_BASE)
    assert m.status == "confirmed"


def test_M07_admission_by_assembly(s, village, clerk):
    o, _ = village
    m = add_member(s, o, id_number=new_id(D(1988, 8, 8), "1"), name="孙接纳", ground="admission", relation="02",
                   new_household="0050", actor=clerk, today=TODAY)
    assert m.status == "pending" and m.household.number == "0050"
    decide(s, o, clerk, base=REFORM_BASE)
    assert m.status == "confirmed" and m.resolution_id is not None


def test_M05_reform_member_added_confirmed(s, village, clerk):
    o, members = village
    m = add(s, o, clerk, "reform", household=members[0].household_id, relation="30", acquired_at=D(2019, 6, 30))
    assert (m.status, m.confirmed_at) == ("confirmed", D(2019, 6, 30))


def test_M25_one_head_per_household_on_add(s, village, clerk):
    o, members = village
    refused("M-25", add, s, o, clerk, "marriage", household=members[0].household_id, relation="02")
    refused("M-25", add_member, s, o, id_number=new_id(D(1990, 1, 1), "1"), name="王某", ground="marriage",
            relation="10", new_household="0070", actor=clerk, today=TODAY)


def test_I04_entered_sex_must_match_the_id(s, village, clerk):
    o, members = village
    refused("I-04", add_member, s, o, id_number=new_id(D(1990, 1, 1), "1"), name="王某", sex="2",
            ground="marriage", relation="10", household_id=members[0].household_id, actor=clerk, today=TODAY)


# --- ending a membership --------------------------------------------------------------------------------

def test_M09_end_only_on_a_lawful_ground(s, village, clerk):
    _, members = village
    m = members[0]
    refused("M-09", end_membership, s, m, ground="married", lost_at=TODAY, actor=clerk, today=TODAY)
    refused("M-09", end_membership, s, m, ground="charter_or_law", lost_at=TODAY, actor=clerk, today=TODAY)
    refused("M-09", end_membership, s, m, ground="civil_servant", contract_based=True, lost_at=TODAY, actor=clerk,
            today=TODAY)
    end_membership(s, m, ground="charter_or_law", citation="本社章程第十二条", note="长期失联经公告", lost_at=TODAY,
                   actor=clerk, today=TODAY)
    assert (m.status, m.loss_ground, m.loss_citation, m.lost_at) == (
        "lost", "charter_or_law", "本社章程第十二条", TODAY)
    assert events(s, m.id)[-1] == "membership.ended"


def test_M09_schema_requires_the_charter_citation(s, village):
    _, members = village
    m = members[0]
    m.status, m.loss_ground, m.lost_at = "lost", "charter_or_law", TODAY
    with pytest.raises(IntegrityError):
        s.flush()
    s.rollback()


def test_M14_death_ends_membership_from_the_date(s, village, clerk):
    _, members = village
    m = members[0]
    refused(None, end_membership, s, m, ground="death", lost_at=D(2030, 1, 1), actor=clerk, today=TODAY)
    end_membership(s, m, ground="death", lost_at=D(2025, 2, 14), evidence="死亡证明", actor=clerk, today=TODAY)
    assert (m.status, m.lost_at) == ("lost", D(2025, 2, 14))
    refused("M-10", end_membership, s, members[1], ground="death", lost_at=TODAY,
            retained_rights_until=D(2026, 1, 1), actor=clerk, today=TODAY)


def test_M10_civil_servant_may_keep_rights_for_a_period(s, village, clerk):
    _, members = village
    m = members[2]
    end_membership(s, m, ground="civil_servant", lost_at=D(2025, 2, 1), evidence="录用通知", actor=clerk,
                   today=TODAY, retained_rights_until=D(2027, 12, 31))
    assert (m.status, m.retained_rights_until) == ("lost", D(2027, 12, 31))


def test_H02_hukou_move_is_never_a_loss_ground(s, village, clerk):
    _, members = village
    refused("H-02", end_membership, s, members[0], ground="hukou_moved_to_town", lost_at=TODAY, actor=clerk,
            today=TODAY)
    refused("H-02", end_membership, s, members[0], ground="charter_or_law", citation="村规民约：户口迁出即丧失",
            lost_at=TODAY, actor=clerk, today=TODAY)
    assert members[0].status == "confirmed"


def test_M12_married_out_without_other_membership_cannot_be_ended(s, village, clerk):
    _, members = village
    wife = members[1]
    wife.remark = "1"  # 外嫁女
    set_flags(s, wife, ["married_out_no_other_membership"], actor=clerk)
    refused("W-03", end_membership, s, wife, ground="other_membership", lost_at=TODAY, actor=clerk, today=TODAY)
    refused("M-12", end_membership, s, wife, ground="charter_or_law", citation="章程第八条：外嫁女不再享有",
            lost_at=TODAY, actor=clerk, today=TODAY)
    assert wife.status == "confirmed" and wife.lost_at is None
    # With proof of the new membership (outside the district, M-17) the loss is lawful; the flag goes.
    end_membership(s, wife, ground="other_membership", lost_at=TODAY, evidence="博兴县某村集体经济组织成员确认书",
                   actor=clerk, today=TODAY, retained_rights_until=D(2026, 12, 31))
    assert (wife.status, wife.flags) == ("lost", [])


def test_M12_no_loss_while_the_new_membership_is_only_pending(s, village, clerk):
    o, members = village
    son = members[2]
    other = org(s, "370305100202")
    add_member(s, other, id_number=son.person.id_number, name=son.person.name, ground="marriage", relation="02",
               new_household="0001", actor=user(s, "clerk2"), today=TODAY)
    refused("M-12", end_membership, s, son, ground="other_membership", lost_at=TODAY, evidence="北槐村名册",
            actor=clerk, today=TODAY)


def test_M18_withdrawal_needs_written_application(s, village, clerk):
    o, members = village
    m = members[2]
    consent = record_resolution(s, o, subject="withdrawal_consent", title="同意张0丙退出",
                                notice_date=D(2025, 2, 1), meeting_date=D(2025, 2, 20), base_members=9,
                                attendees=9, votes_for=9, actor=clerk, today=TODAY)
    refused("M-18", withdraw, s, m, applied_on=None, resolution=consent, actor=clerk, today=TODAY)
    refused("M-18", withdraw, s, m, applied_on=D(2025, 2, 1), resolution=None, actor=clerk, today=TODAY)
    refused("M-18", end_membership, s, m, ground="withdrawal", lost_at=TODAY, actor=clerk, today=TODAY)
    withdraw(s, m, applied_on=D(2025, 1, 25), resolution=consent, retained_rights_until=D(2027, 2, 20),
             note="一次性补偿 20000 元", actor=clerk, today=TODAY)
    assert (m.status, m.loss_ground, m.lost_at, m.loss_resolution_id) == (
        "withdrawn", "withdrawal", D(2025, 2, 20), consent.id)
    assert s.get(Resolution, consent.id).subject == "withdrawal_consent"


# --- flags, hukou ---------------------------------------------------------------------------------------

def test_M11_retention_flags_never_change_status(s, village, clerk):
    _, members = village
    m = members[2]
    set_flags(s, m, ["study", "military", "服刑"], actor=clerk)
    assert m.flags == ["study", "military", "serving_sentence"] and m.status == "confirmed"
    set_flags(s, m, [], actor=clerk)
    assert m.flags == [] and m.status == "confirmed"
    refused("M-11", set_flags, s, m, ["outlaw"], actor=clerk)
    assert events(s, m.id) == ["membership.flags", "membership.flags"]


def test_H01_hukou_move_never_changes_membership(s, village, clerk):
    _, members = village
    m = members[2]
    before = (m.status, m.flags, m.loss_ground, m.total_shares)
    change = record_hukou_change(s, m, place="山东省济南市历下区", in_organization=False, moved_at=D(2025, 2, 10),
                                 moved_to_town=True, actor=clerk, today=TODAY)
    assert (m.status, m.flags, m.loss_ground, m.total_shares) == before
    assert "进城落户" in change.hint
    records = s.scalars(select(HukouRecord).where(HukouRecord.person_id == m.person_id)
                        .order_by(HukouRecord.id)).all()
    assert [r.valid_to for r in records] == [D(2025, 2, 10), None] and records[-1].moved_to_town
    assert events(s, m.id) == ["membership.hukou"]


# --- the village's filing -------------------------------------------------------------------------------

def test_F09_change_after_a_filed_version_starts_a_new_draft(s, village, clerk):
    o, members = village
    end_membership(s, members[0], ground="death", lost_at=TODAY, actor=clerk, today=TODAY)
    filing = F.open_filing(s, o.id)
    assert (filing.state, filing.version_no) == ("draft", 2)


def test_F09_no_change_while_the_town_reviews(s, village, clerk):
    o, members = village
    end_membership(s, members[0], ground="death", lost_at=TODAY, actor=clerk, today=TODAY)
    filing = F.open_filing(s, o.id)
    start_notice(s, filing, posted_on=D(2025, 3, 3), actor=clerk, today=D(2025, 3, 3))
    F.confirm_without_resolution(s, filing, actor=clerk, today=D(2025, 3, 20))
    F.submit(s, filing, actor=clerk, today=D(2025, 3, 20))
    refused("F-09", end_membership, s, members[3], ground="death", lost_at=D(2025, 3, 20), actor=clerk,
            today=D(2025, 3, 21))
    refused("F-09", set_flags, s, members[3], ["study"], actor=clerk)
    refused("F-09", add, s, o, clerk, "marriage", household=members[3].household_id, relation="38")


def test_F04_change_after_the_notice_voids_it(s, village, clerk):
    o, members = village
    add(s, o, clerk, "marriage", household=members[2].household_id, relation="38")
    filing = F.open_filing(s, o.id)
    start_notice(s, filing, posted_on=D(2025, 3, 3), actor=clerk, today=D(2025, 3, 3))
    end_membership(s, members[0], ground="death", lost_at=D(2025, 3, 4), actor=clerk, today=D(2025, 3, 5))
    assert filing.state == "draft" and filing.notice_id is None
    assert s.scalar(select(AuditEvent).where(AuditEvent.action == "filing.roster_changed")).detail["change"] \
        == "membership.ended"


def test_F04_change_dates_the_roster_so_no_notice_predates_it(s, village, clerk):
    o, members = village
    add(s, o, clerk, "marriage", household=members[2].household_id, relation="38")  # on TODAY (2025-03-01)
    filing = F.open_filing(s, o.id)
    assert filing.roster_changed_on == TODAY
    with pytest.raises(DomainError) as err:
        start_notice(s, filing, posted_on=D(2025, 2, 27), actor=clerk, today=D(2025, 3, 3))
    assert (err.value.code, err.value.rule) == ("notice.before_roster_change", "F-04")
    record_hukou_change(s, members[2], place="山东省济南市历下区", in_organization=False,
                        moved_at=D(2025, 2, 20), actor=clerk, today=D(2025, 3, 2))
    assert filing.roster_changed_on == D(2025, 3, 2)  # the latest change counts
    start_notice(s, filing, posted_on=D(2025, 3, 2), actor=clerk, today=D(2025, 3, 3))
    assert filing.state == "on_notice"


def test_F04_change_voids_the_notice_a_returned_filing_keeps(s, village, clerk):
    o, members = village
    end_membership(s, members[8], ground="death", lost_at=D(2025, 2, 1), actor=clerk, today=D(2025, 2, 3))
    filing = F.open_filing(s, o.id)
    start_notice(s, filing, posted_on=D(2025, 2, 3), actor=clerk, today=D(2025, 2, 3))
    F.confirm_without_resolution(s, filing, actor=clerk, today=D(2025, 3, 1))
    F.submit(s, filing, actor=clerk, today=D(2025, 3, 1))
    F.town_return(s, filing, "请补充死亡证明", actor=user(s, "town"), today=D(2025, 3, 2))
    F.reopen(s, filing, actor=clerk, today=D(2025, 3, 3))
    assert filing.notice_id is not None  # kept through the return
    end_membership(s, members[7], ground="death", lost_at=D(2025, 3, 3), actor=clerk, today=D(2025, 3, 4))
    assert (filing.state, filing.notice_id, filing.roster_changed_on) == ("draft", None, D(2025, 3, 4))
    refused("F-04", F.submit, s, filing, actor=clerk, today=D(2025, 3, 4))


def test_roles_town_cannot_change_memberships(s, village):
    _, members = village
    refused(None, end_membership, s, members[0], ground="death", lost_at=TODAY, actor=user(s, "town"), today=TODAY)
    with pytest.raises(DomainError) as err:
        end_membership(s, members[0], ground="death", lost_at=TODAY, actor=user(s, "clerk2"), today=TODAY)
    assert err.value.code == "membership.scope"


def test_transition_table_refuses_what_it_does_not_list(s, village, clerk):
    _, members = village
    end_membership(s, members[0], ground="death", lost_at=TODAY, actor=clerk, today=TODAY)
    with pytest.raises(DomainError) as err:
        end_membership(s, members[0], ground="death", lost_at=TODAY, actor=clerk, today=TODAY)
    assert err.value.code == "membership.bad_transition"
    assert set(W.TRANSITIONS.values()) == {"pending", "confirmed", "rejected", "lost", "withdrawn", "disputed",
                                           W.PREVIOUS}
    assert s.scalar(select(Filing.state).where(Filing.version_no == 2)) == "draft"
    assert s.get(Membership, members[0].id).version > 1
