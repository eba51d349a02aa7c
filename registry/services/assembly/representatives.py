"""The representative assembly (成员代表大会, A-08): its members, election date, 5-year term, the
women among them (W-06), and the base of its resolutions — the representatives in office on the
meeting date."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Household, Membership, Organization, Representative, RepresentativeAssembly
from registry.services import audit
from registry.services.assembly.attendance import Finder
from registry.services.assembly.capacity import BaseEntry, MeetingBase, meeting_base
from registry.services.clerks import require_village_clerk
from registry.services.errors import DomainError

TERM_YEARS = 5  # RCEO Law Art. 28
MIN_SIZE = 21  # "more than 20"
HOUSEHOLDS_PER_REPRESENTATIVE = (5, 15)
FEMALE = "2"  # GB/T 2261.1

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def term_end(elected_on: dt.date) -> dt.date:
    """The first day after a 5-year term (29 February → 28 February)."""
    try:
        return elected_on.replace(year=elected_on.year + TERM_YEARS)
    except ValueError:
        return elected_on.replace(year=elected_on.year + TERM_YEARS, day=28)


@dataclass(frozen=True)
class Body:
    """A representative assembly with its representatives in office on ``on``."""

    assembly: RepresentativeAssembly
    on: dt.date
    representatives: tuple[Representative, ...]

    @property
    def women(self) -> int:
        return sum(1 for r in self.representatives if r.membership.person.sex == FEMALE)

    def warnings(self, households: int) -> list[str]:
        """A-08 / W-06 hints (not refusals): size, households per representative, no women."""
        n, out = len(self.representatives), []
        if n < MIN_SIZE:
            out.append(f"[A-08] 成员代表 {n} 人，一般应多于 20 人")
        low, high = HOUSEHOLDS_PER_REPRESENTATIVE
        if n and not (low * n <= households <= high * n):
            out.append(f"[A-08] 本组织 {households} 户、代表 {n} 人：一般每 {low}–{high} 户选举 1 名代表")
        if n and self.women == 0:
            out.append("[W-06] 成员代表中没有妇女成员，应当有适当数量的妇女代表")
        return out


def in_office(session: Session, organization_id: int, on: dt.date) -> Body | None:
    """The assembly in office on ``on`` (the latest elected on or before it whose term has not ended)
    and its representatives not ended by then; None when there is none."""
    assembly = session.scalar(
        select(RepresentativeAssembly)
        .where(RepresentativeAssembly.organization_id == organization_id, RepresentativeAssembly.elected_on <= on,
               RepresentativeAssembly.term_ends_on > on)
        .order_by(RepresentativeAssembly.elected_on.desc(), RepresentativeAssembly.id.desc())
        .options(selectinload(RepresentativeAssembly.representatives)
                 .selectinload(Representative.membership).selectinload(Membership.person)))
    if assembly is None:
        return None
    current = tuple(r for r in assembly.representatives if r.ended_on is None or r.ended_on > on)
    return Body(assembly, on, current)


def household_count(session: Session, organization_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Household)
                          .where(Household.organization_id == organization_id)) or 0


def representative_base(session: Session, organization_id: int, on: dt.date) -> tuple[MeetingBase, Body]:
    """The base of a representative assembly's resolution: its representatives in office on ``on``
    (A-08). Raises DomainError ``representatives.none`` when no assembly is in office."""
    body = in_office(session, organization_id, on)
    if body is None or not body.representatives:
        raise DomainError("representatives.none",
                          f"会议日期 {on.isoformat()} 没有在任的成员代表大会：请先登记成员代表大会的代表和选举日期",
                          rule="A-08")
    elected = body.assembly.elected_on.isoformat()
    members = tuple(BaseEntry(r.membership_id, r.membership.person_id, r.membership.household_id,
                              r.membership.person.name, r.membership.person.id_number, f"成员代表（{elected} 选举）")
                    for r in body.representatives)
    return MeetingBase(on, members, (), among_candidates=False), body


def elect(session: Session, organization: Organization, *, elected_on: dt.date, members: str,
          note: str | None = None, actor, today: dt.date) -> RepresentativeAssembly:
    """Record an elected representative assembly: ``members`` are names or ID numbers (one per line
    or separated by commas), each a member of the organisation with full civil capacity on the
    election day (A-07, A-08). The term is 5 years. Audited."""
    require_village_clerk(actor, organization.area_code, "representatives.role", "只有本村文书可以登记成员代表大会")
    if elected_on > today:
        raise DomainError("representatives.future", "选举日期不能晚于今天", rule="A-08")
    tokens = [t for t in _SEPARATORS.split(members or "") if t]
    if not tokens:
        raise DomainError("representatives.empty", "请填写成员代表（姓名或身份证号码）", rule="A-08")
    finder = Finder(meeting_base(session, organization.id, elected_on))
    chosen: dict[int, int] = {}
    for token in tokens:
        entry = finder.in_base_member(token, "成员代表", rule="A-08")
        chosen.setdefault(entry.membership_id, entry.person_id)
    assembly = RepresentativeAssembly(organization_id=organization.id, elected_on=elected_on,
                                      term_ends_on=term_end(elected_on), note=(note or "").strip() or None)
    session.add(assembly)
    session.flush()
    for membership_id in chosen:
        session.add(Representative(assembly_id=assembly.id, membership_id=membership_id))
    session.flush()
    audit.record(session, actor=actor, action="representatives.elected", target_type="representative_assembly",
                 target_id=assembly.id, area_code=organization.area_code, rule="A-08", elected_on=elected_on,
                 term_ends_on=assembly.term_ends_on, membership_ids=list(chosen))
    return assembly


def bodies_of(session: Session, organization_id: int) -> list[RepresentativeAssembly]:
    return list(session.scalars(select(RepresentativeAssembly)
                                .where(RepresentativeAssembly.organization_id == organization_id)
                                .order_by(RepresentativeAssembly.elected_on.desc(), RepresentativeAssembly.id.desc())))
