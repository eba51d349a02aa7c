"""Art. 15 grants to non-members (M-19, A-05): a ≥ 3/4 member-assembly resolution, recorded with it;
the person does not become a member."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Membership, NonMemberGrant
from registry.services.errors import DomainError
from registry.services.filing.resolutions import record_resolution
from registry.services.membership.grants import grant_rights
from tests.services.filing_helpers import user
from tests.services.membership_helpers import REFORM_BASE, TODAY, D, new_id

TEACHER = new_id(D(1965, 9, 10), "1")


def art15(s, o, clerk, votes: int, base: int = REFORM_BASE, subject: str = "art15_grant"):
    """A member-assembly resolution: its base is the 9 adult members of the filed reform roster (A-07
    applies to an Art. 15 grant as to any member-assembly decision)."""
    return record_resolution(s, o, subject=subject, title="授予村小学退休教师收益分配权", notice_date=D(2025, 2, 1),
                             meeting_date=D(2025, 2, 20), base_members=base, attendees=base, votes_for=votes,
                             actor=clerk, today=TODAY)


def test_M19_A05_grant_needs_three_quarters_and_makes_no_member(s, village, clerk):
    o, _ = village
    with pytest.raises(DomainError) as err:
        art15(s, o, clerk, votes=6)  # 2/3 of 9 but < 7 = ceil(3/4 × 9)
    assert err.value.rule == "A-05"
    resolution = art15(s, o, clerk, votes=7)
    members_before = s.scalar(select(func.count()).select_from(Membership))
    grant = grant_rights(s, o, resolution=resolution, id_number=TEACHER, name="孙老师",
                         rights=["income_distribution", "services_welfare"], units="0.5",
                         reason="在村小学任教三十年，长期为本集体服务", actor=clerk, today=TODAY)
    assert (grant.resolution_id, grant.right_codes, grant.units, grant.valid_from) == (
        resolution.id, ["income_distribution", "services_welfare"], Decimal("0.5"), D(2025, 2, 20))
    assert s.scalar(select(func.count()).select_from(Membership)) == members_before  # not a member
    assert s.scalar(select(AuditEvent.action).where(AuditEvent.target_type == "non_member_grant")) == "grant.recorded"


def test_M19_grant_refused_without_the_right_resolution_or_to_a_member(s, village, clerk):
    o, members = village
    other = art15(s, o, clerk, votes=9, subject="other")
    kwargs = dict(rights=["income_distribution"], reason="长期服务", actor=clerk, today=TODAY)
    for resolution in (None, other):
        with pytest.raises(DomainError) as err:
            grant_rights(s, o, resolution=resolution, id_number=TEACHER, name="孙老师", **kwargs)
        assert err.value.rule == "M-19"
    resolution = art15(s, o, clerk, votes=8)
    member = members[0].person
    with pytest.raises(DomainError) as err:
        grant_rights(s, o, resolution=resolution, id_number=member.id_number, name=member.name, **kwargs)
    assert err.value.rule == "M-19" and "成员" in err.value.message
    with pytest.raises(DomainError) as err:
        grant_rights(s, o, resolution=resolution, id_number=TEACHER, name="孙老师", rights=[], reason="x",
                     actor=clerk, today=TODAY)
    assert err.value.rule == "M-19"
    with pytest.raises(DomainError) as err:
        grant_rights(s, o, resolution=resolution, id_number=TEACHER, name="孙老师", rights=["income_distribution"],
                     reason="x", actor=user(s, "town"), today=TODAY)
    assert s.scalar(select(func.count()).select_from(NonMemberGrant)) == 0
