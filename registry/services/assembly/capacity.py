"""Civil capacity (A-07, Civil Code Art. 17–18) and the base of a member assembly on a day.

Full civil capacity on day D: aged 18 or more on D (a birthday counts on the day itself), or aged
16–17 on D with the self-supporting flag (living mainly on one's own labour income); an adult whose
limited-capacity flag dates from D or earlier is out. A member without a recorded birth date
cannot be ruled out and counts (the reason says so).

The roster on D is the memberships active on D (``handover.active_on_clause``); when the
organisation had no active member on D (its first assembly confirms the roster), its pending
candidates are counted with them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.models import CapacityFlag, Membership, Organization, Person
from registry.services import audit
from registry.services.clerks import require_village_clerk
from registry.services.errors import DomainError
from registry.services.membership.handover import active_on_clause

FULL_AGE, CAPACITY_MIN_AGE = 18, 16  # Civil Code Art. 17, 18 para. 2

ADULT = "年满18周岁"
SELF_SUPPORTING = "16周岁以上、以自己的劳动收入为主要生活来源"
NO_BIRTH_DATE = "出生日期未登记（不能排除，计入）"


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``; a 29 February birthday is reached on 28 February."""
    years = day.year - birth.year
    try:
        birthday = birth.replace(year=day.year)
    except ValueError:
        birthday = dt.date(day.year, 2, 28)
    return years - (day < birthday)


@dataclass(frozen=True)
class BaseEntry:
    """One member on the roster that day: who, and why they are in the base (or not)."""

    membership_id: int
    person_id: int
    household_id: int | None
    name: str
    id_number: str
    reason: str


@dataclass(frozen=True)
class MeetingBase:
    """The base of a member assembly on ``on`` (A-07): ``members`` in roster order, ``excluded``
    (minors, limited capacity), ``among_candidates`` when pending candidates were counted."""

    on: dt.date
    members: tuple[BaseEntry, ...]
    excluded: tuple[BaseEntry, ...]
    among_candidates: bool

    @property
    def size(self) -> int:
        return len(self.members)

    def by_person(self) -> dict[int, BaseEntry]:
        return {e.person_id: e for e in self.members}


def capacity_reason(person: Person, flag: CapacityFlag | None, day: dt.date) -> tuple[bool, str]:
    """``(has full capacity on day, reason)`` for one person (A-07)."""
    if flag is not None and flag.limited and flag.limited_since <= day:
        return False, f"限制民事行为能力（{flag.limited_basis}，{flag.limited_since.isoformat()} 起）"
    if person.birth_date is None:
        return True, NO_BIRTH_DATE
    age = age_on(person.birth_date, day)
    if age >= FULL_AGE:
        return True, ADULT
    if age >= CAPACITY_MIN_AGE and flag is not None and flag.self_supporting:
        return True, SELF_SUPPORTING
    if age >= CAPACITY_MIN_AGE:
        return False, f"{age} 周岁，未登记以自己劳动收入为主要生活来源"
    return False, f"未满16周岁（{max(age, 0)} 周岁）"


def meeting_base(session: Session, organization_id: int, on: dt.date) -> MeetingBase:
    """The members with full civil capacity on ``on`` (see the module docstring), in household then
    membership order."""
    def rows(condition):
        stmt = (select(Membership, Person, CapacityFlag).join(Person, Person.id == Membership.person_id)
                .outerjoin(CapacityFlag, CapacityFlag.person_id == Person.id)
                .where(Membership.organization_id == organization_id, condition)
                .order_by(Membership.household_id, Membership.id))
        return session.execute(stmt).all()

    found, among_candidates = rows(active_on_clause(on)), False
    if not found:
        found = rows(or_(active_on_clause(on), Membership.status == "pending"))
        among_candidates = True
    members, excluded = [], []
    for m, person, flag in found:
        full, reason = capacity_reason(person, flag, on)
        entry = BaseEntry(m.id, person.id, m.household_id, person.name, person.id_number, reason)
        (members if full else excluded).append(entry)
    return MeetingBase(on, tuple(members), tuple(excluded), among_candidates)


def flag_of(session: Session, person_id: int) -> CapacityFlag | None:
    return session.scalar(select(CapacityFlag).where(CapacityFlag.person_id == person_id))


def _state(flag: CapacityFlag | None) -> dict:
    if flag is None:
        return {"limited": False, "self_supporting": False}
    return {"limited": flag.limited, "limited_basis": flag.limited_basis, "limited_since": flag.limited_since,
            "self_supporting": flag.self_supporting, "self_supporting_basis": flag.self_supporting_basis}


def set_capacity(session: Session, organization: Organization, membership: Membership, *, limited: bool,
                 limited_basis: str | None = None, limited_since: dt.date | None = None,
                 self_supporting: bool, self_supporting_basis: str | None = None, actor,
                 today: dt.date) -> CapacityFlag:
    """Set or clear a member's capacity flags (A-07), audited old → new.

    ``limited`` needs a basis and a date not after ``today``; ``self_supporting`` needs a basis and is
    refused for a member known to be under 16 or 18 or over today (it only matters at 16–17)."""
    require_village_clerk(actor, organization.area_code, "capacity.role", "只有本村文书可以登记民事行为能力情况")
    if membership.organization_id != organization.id:
        raise DomainError("capacity.not_found", "本村没有这名成员")
    limited_basis = (limited_basis or "").strip() or None
    self_supporting_basis = (self_supporting_basis or "").strip() or None
    if limited and (not limited_basis or limited_since is None):
        raise DomainError("capacity.limited_basis", "限制民事行为能力须写明依据（如法院认定）和日期", rule="A-07")
    if limited and limited_since > today:
        raise DomainError("capacity.future", "限制民事行为能力的日期不能晚于今天", rule="A-07")
    if self_supporting and not self_supporting_basis:
        raise DomainError("capacity.self_supporting_basis",
                          "以自己劳动收入为主要生活来源须写明依据（如劳动合同、收入证明）", rule="A-07")
    birth = membership.person.birth_date
    if self_supporting and birth is not None and not (CAPACITY_MIN_AGE <= age_on(birth, today) < FULL_AGE + 1):
        raise DomainError("capacity.self_supporting_age",
                          "以自己劳动收入为主要生活来源的标记只适用于16、17周岁的成员", rule="A-07")
    flag = flag_of(session, membership.person_id)
    old = _state(flag)
    if flag is None:
        flag = CapacityFlag(person_id=membership.person_id)
        session.add(flag)
    flag.limited = limited
    flag.limited_basis, flag.limited_since = (limited_basis, limited_since) if limited else (None, None)
    flag.self_supporting = self_supporting
    flag.self_supporting_basis = self_supporting_basis if self_supporting else None
    session.flush()
    audit.record(session, actor=actor, action="membership.capacity", target_type="membership",
                 target_id=membership.id, area_code=organization.area_code, rule="A-07", old=old, new=_state(flag))
    return flag
