"""Checks of validated roster rows against the database and the target village (DESIGN §4 step 5).

Row codes added here: ``duplicate.other_village`` (M-15), ``village.invalid`` (the row's 村代码 or
CBFBM prefix names another village). File code: ``household.no_head`` when applying the rows would
leave a household of the village without exactly one head (M-25)."""
from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from registry.excel.roster.validate import Issue, RowResult
from registry.models import Area, Household, HouseholdMember, Membership, Organization, Person

CHUNK = 900


def _chunks(items, size: int = CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def check_other_villages(session: Session, results: list[RowResult], organization: Organization) -> None:
    """The person is already an active member of another organisation (M-15): a 正式成员 row is
    ``duplicate.other_village`` (两头占); a 待确认 row is a hand-over candidate (warning
    ``handover.pending``: the old membership ends when this village's assembly confirms); a 已丧失
    row is a past membership here, checked by ``roster_endings``."""
    ids = [r.values["id_number"] for r in results if r.values.get("id_number") and not r.errors]
    elsewhere: dict[str, str] = {}
    for chunk in _chunks(ids):
        stmt = (
            select(Person.id_number, Area.name, Organization.area_code)
            .join(Membership, Membership.person_id == Person.id)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Area, Area.id == Organization.area_id)
            .where(Person.id_number.in_(chunk), Membership.status == "confirmed",
                   Membership.organization_id != organization.id)
        )
        for id_number, village, code in session.execute(stmt):
            elsewhere[id_number] = f"{village}（{code}）"
    for r in results:
        other = elsewhere.get(r.values.get("id_number"))
        if not other or r.errors:
            continue
        status = row_status(r.values)
        if status == "lost":
            continue
        if status == "pending":
            r.warnings.append(Issue(r.row, "证件号码", "handover.pending",
                                    f"此人现为{other}的正式成员：经本村成员大会确认后，原成员身份同日终止（M-15）",
                                    "warning"))
        else:
            r.errors.append(Issue(r.row, "证件号码", "duplicate.other_village",
                                  f"此人已是{other}的正式成员，不能重复登记（两头占）；可登记为“待确认”，"
                                  "经本村成员大会确认后办理转移（M-15）"))


def row_status(values: dict) -> str:
    """The status a row would get (blank: reform members confirmed, others pending, DOMAIN §6.1)."""
    return values.get("status") or ("confirmed" if values.get("acquisition_ground") == "reform" else "pending")


def check_village_codes(results: list[RowResult], organization: Organization) -> None:
    """``village.invalid``: a 村代码 column value, or the first 12 digits of an 18-digit CBFBM
    household number, that is not this village's code (e.g. a district export imported into one
    village)."""
    code = organization.area_code
    for r in results:
        v = r.values
        other = v.get("village_code")
        if other and other != code:
            r.errors.append(Issue(r.row, "村代码", "village.invalid",
                                  f"村代码“{other}”不是本村（{code}），该行属于其他村"))
        hh = v.get("household_no")
        if hh and len(hh) == 18 and hh[:12] != code:
            r.errors.append(Issue(r.row, "户编号", "village.invalid",
                                  f"承包方编码“{hh}”的前 12 位不是本村代码（{code}）"))


def current_households(session: Session, organization: Organization, id_numbers) -> dict[str, str]:
    """``{id_number: household number}`` of the people of the file who currently sit in a
    household of this village."""
    out: dict[str, str] = {}
    for chunk in _chunks(id_numbers):
        stmt = (select(Person.id_number, Household.number)
                .join(HouseholdMember, HouseholdMember.person_id == Person.id)
                .join(Household, Household.id == HouseholdMember.household_id)
                .where(Household.organization_id == organization.id, HouseholdMember.valid_to.is_(None),
                       Person.id_number.in_(chunk)))
        out.update(dict(session.execute(stmt).all()))
    return out


def households_to_leave_out(results: list[RowResult], current: dict[str, str]) -> set[str]:
    """Households a partial import must leave out whole: every household with an error row, and,
    transitively, every household a left-out row moves a person into or out of — otherwise
    importing part of a move could leave a household without its head (M-25).

    A row without a (valid) household number leaves out only itself: "no household" is not a household,
    and a new person has no current household either (both None), so None never enters the set."""
    bad = {h for r in results if r.errors if (h := r.values.get("household_no"))}
    while True:
        grown = set(bad)
        for r in results:
            target = r.values.get("household_no")
            source = current.get(r.values.get("id_number"))
            if (target and target in grown) or (source and source in grown):
                grown.update(h for h in (target, source) if h)
        if grown == bad:
            return bad
        bad = grown


def headless_households(session: Session, organization: Organization) -> list[str]:
    """Household numbers of the village whose current members do not include exactly one head."""
    heads = func.sum(case((HouseholdMember.is_head.is_(True), 1), else_=0))
    stmt = (select(Household.number)
            .join(HouseholdMember, and_(HouseholdMember.household_id == Household.id,
                                        HouseholdMember.valid_to.is_(None)))
            .where(Household.organization_id == organization.id)
            .group_by(Household.id, Household.number).having(heads != 1).order_by(Household.number))
    return list(session.scalars(stmt))
