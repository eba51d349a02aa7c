"""Women's-equality flags (W-02): rejections and endings whose reason touches marriage, divorce,
widowhood, being unmarried or a household without men are flagged in the filing and must be
acknowledged by the town before it records the filing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, EqualityFlag, FilingItem
from registry.services.errors import DomainError
from registry.services.filing import filings as F
from registry.services.filing.resolutions import record_resolution
from registry.services.membership.changes import add_member, end_membership, propose_rejection, withdraw
from registry.services.membership.equality import acknowledge, flag_keywords, flags_of
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import DECIDED, TODAY, D, decide, new_id


def submitted(s, o, clerk, members):
    """A second version with: a bride rejected 'because of the marriage', a widow who withdrew, a death
    of a 外嫁女 and an unrelated charter ending — then submitted."""
    bride = add_member(s, o, id_number=new_id(D(1999, 2, 8), "2"), name="赵嫁入", ground="marriage", relation="38",
                       household_id=members[2].household_id, actor=clerk, today=TODAY)
    propose_rejection(s, bride, "嫁入本村未满三年，不予确认", actor=clerk)
    consent = record_resolution(s, o, subject="withdrawal_consent", notice_date=D(2025, 2, 1),
                                meeting_date=D(2025, 2, 20), base_members=9, attendees=9, votes_for=9, actor=clerk,
                                today=TODAY)
    withdraw(s, members[4], applied_on=D(2025, 1, 30), resolution=consent, note="丧偶后随子女进城，自愿退出",
             actor=clerk, today=TODAY)
    members[7].remark = "1"
    end_membership(s, members[7], ground="death", lost_at=D(2025, 2, 2), actor=clerk, today=TODAY)
    end_membership(s, members[0], ground="charter_or_law", citation="章程第十二条", note="长期失联", lost_at=TODAY,
                   actor=clerk, today=TODAY)
    filing = decide(s, o, clerk, base=6)  # 9 reform members less the widow, the death and the charter ending
    F.submit(s, filing, actor=clerk, today=DECIDED)
    return filing, bride


def test_W02_marriage_reason_flagged(s, village, clerk):
    o, members = village
    filing, bride = submitted(s, o, clerk, members)
    flags = flags_of(s, filing)
    assert {(f.membership_id, f.kind, f.keywords) for f in flags} == {
        (bride.id, "rejection", "嫁"), (members[4].id, "withdrawal", "丧偶")}
    # Frozen with the filing's items as well.
    item = s.scalar(select(FilingItem).where(FilingItem.filing_id == filing.id, FilingItem.membership_id == bride.id))
    assert item.change == "ended" and item.detail["w02"] == ["嫁"] and item.detail["status"] == "rejected"
    town = user(s, "town")
    with pytest.raises(DomainError) as err:
        F.town_record(s, filing, actor=town, today=DECIDED)
    assert err.value.rule == "W-02" and filing.state == "town_review"
    acknowledge(s, flags[0], note="已核实，另有依据", actor=town, today=DECIDED)
    with pytest.raises(DomainError):
        F.town_record(s, filing, actor=town, today=DECIDED)
    with pytest.raises(DomainError) as err:
        acknowledge(s, flags[1], note=None, actor=clerk, today=DECIDED)  # only the town reviews
    assert err.value.rule == "W-02"
    acknowledge(s, flags[1], note=None, actor=town, today=DECIDED)
    F.town_record(s, filing, actor=town, today=DECIDED)
    assert filing.state == "town_filed"
    assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "filing.w02_acknowledged")).all()) == 2


def test_W02_resubmission_replaces_the_flags(s, village, clerk):
    o, members = village
    filing, _ = submitted(s, o, clerk, members)
    town = user(s, "town")
    acknowledge(s, flags_of(s, filing)[0], note="x", actor=town, today=DECIDED)
    F.town_return(s, filing, "请核实不予确认理由", actor=town, today=DECIDED)
    F.reopen(s, filing, actor=clerk, today=DECIDED)
    F.submit(s, filing, actor=clerk, today=DECIDED)
    assert [f.acknowledged_at for f in flags_of(s, filing)] == [None, None]
    assert s.scalar(select(EqualityFlag.id).where(EqualityFlag.filing_id == filing.id).limit(1)) is not None


@pytest.mark.parametrize("detail,expected", [
    ({"status": "rejected", "rejection_reason": "户内无男性，女儿户不予确认"}, ["无男", "女儿户"]),
    ({"status": "lost", "loss_ground": "charter_or_law", "note": "离异后已迁出"}, ["离异"]),
    ({"status": "lost", "loss_ground": "other_membership", "note": "取得其他集体经济组织成员身份（婚姻）"}, ["婚"]),
    ({"status": "lost", "loss_ground": "other_membership", "remark": "1", "evidence": "确认书"}, ["外嫁女"]),
    ({"status": "lost", "loss_ground": "death", "remark": "1"}, []),
    ({"status": "lost", "loss_ground": "civil_servant", "note": "考录为公务员"}, []),
    ({"status": "rejected", "rejection_reason": "未婚先育，不予确认"}, ["未婚"]),
])
def test_W02_keywords(detail, expected):
    assert flag_keywords(detail) == expected


def test_W02_handover_by_marriage_is_flagged_in_the_old_village(s, village, clerk):
    o, members = village
    other = org(s, "370305100202")
    daughter = members[2]
    add_member(s, other, id_number=daughter.person.id_number, name=daughter.person.name, ground="marriage",
               relation="02", new_household="0001", actor=user(s, "clerk2"), today=TODAY)
    # 北槐村 has no confirmed member yet: its base is its only (adult) candidate.
    decide(s, other, user(s, "clerk2"), base=1)
    filing = F.open_filing(s, o.id)
    from registry.services.roster.diff import filing_diff

    ended = filing_diff(s, filing).ended
    assert [(r.membership_id, r.keywords) for r in ended] == [(daughter.id, ["婚"])]
    assert dt.date(2025, 3, 20).isoformat() == ended[0].date
