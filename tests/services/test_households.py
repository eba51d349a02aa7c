"""Household changes (M-25, M-26): 分户, head change after a death, moving between households."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from registry.models import AuditEvent, Household, HouseholdMember
from registry.services.errors import DomainError
from registry.services.households import change_head, move_member, split_household
from registry.services.membership.changes import end_membership
from registry.services.people import current_head, current_links
from tests.services.membership_helpers import TODAY, D


def heads(s, household_id):
    return s.scalar(select(func.count()).select_from(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.is_head.is_(True),
        HouseholdMember.valid_to.is_(None)))


def test_M25_split_household_new_head_old_head_stays(s, village, clerk):
    o, members = village
    head, wife, son = members[:3]
    source = s.get(Household, head.household_id)
    new = split_household(s, o, source, [(son.id, "02")], "0010", on_date=D(2025, 2, 1), actor=clerk, today=TODAY)
    assert son.household_id == new.id and new.number == "0010"
    assert heads(s, new.id) == 1 and heads(s, source.id) == 1
    assert [link.person_id for link in current_links(s, source.id)] == [head.person_id, wife.person_id]
    old_link = s.scalar(select(HouseholdMember).where(HouseholdMember.household_id == source.id,
                                                      HouseholdMember.person_id == son.person_id))
    assert old_link.valid_to == D(2025, 2, 1)  # ended, not deleted
    event = s.scalar(select(AuditEvent).where(AuditEvent.action == "membership.household"))
    assert event.detail["old"]["household"] == "0001" and event.detail["new"] == {"household": "0010",
                                                                                  "relation": "02"}


def test_M25_split_refuses_a_new_household_without_one_head(s, village, clerk):
    o, members = village
    source = s.get(Household, members[0].household_id)
    with pytest.raises(DomainError) as err:
        split_household(s, o, source, [(members[2].id, "20")], "0010", actor=clerk, today=TODAY)
    assert err.value.rule == "M-25"
    with pytest.raises(DomainError) as err:
        split_household(s, o, source, [(members[0].id, "02")], "0010", actor=clerk, today=TODAY)
    assert err.value.rule == "M-25"  # the old head cannot leave


def test_M25_head_change_after_the_head_died(s, village, clerk):
    o, members = village
    head, wife, son = members[:3]
    household = s.get(Household, head.household_id)
    end_membership(s, head, ground="death", lost_at=D(2025, 2, 3), actor=clerk, today=TODAY)
    change_head(s, o, household, wife.id, relations={son.id: "20"}, on_date=D(2025, 2, 10), actor=clerk,
                today=TODAY)
    assert current_head(s, household.id).person_id == wife.person_id
    assert heads(s, household.id) == 1
    assert {link.person_id for link in current_links(s, household.id)} == {wife.person_id, son.person_id}


def test_M25_head_change_of_a_living_head_needs_a_new_relation(s, village, clerk):
    o, members = village
    head, wife, son = members[:3]
    household = s.get(Household, head.household_id)
    with pytest.raises(DomainError):
        change_head(s, o, household, son.id, actor=clerk, today=TODAY)
    change_head(s, o, household, son.id, old_head_relation="51", relations={wife.id: "52"}, actor=clerk,
                today=TODAY)
    relations = {link.person_id: link.relation for link in current_links(s, household.id)}
    assert relations == {son.person_id: "02", head.person_id: "51", wife.person_id: "52"}


def test_M25_move_member_between_households(s, village, clerk):
    o, members = village
    son = members[2]
    target = s.get(Household, members[3].household_id)
    with pytest.raises(DomainError) as err:
        move_member(s, son, target, "02", actor=clerk, today=TODAY)
    assert err.value.rule == "M-25"
    move_member(s, son, target, "93", on_date=D(2025, 2, 5), actor=clerk, today=TODAY)
    assert son.household_id == target.id and heads(s, target.id) == 1
    with pytest.raises(DomainError):
        move_member(s, members[0], target, "70", actor=clerk, today=TODAY)  # a head with members stays


def test_M25_schema_holds_one_head(s, village):
    _, members = village
    s.add(HouseholdMember(household_id=members[0].household_id, person_id=members[3].person_id, relation="02",
                          is_head=True))
    with pytest.raises(IntegrityError):
        s.flush()
    s.rollback()
