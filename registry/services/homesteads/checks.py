"""Homestead import checks against the database: the village roster (``household.unknown``), a plot
that would change household (``homestead.other_household``) and D-01 over the register (a household's
plot in use that the file does not mention)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.excel.homesteads.validate import issue, second_in_use
from registry.excel.roster.types import RowResult
from registry.models import Homestead, Household, HouseholdMember, Organization, Person


def roster_households(session: Session, organization: Organization) -> dict[str, tuple[int, set[str]]]:
    """``{户编号: (household id, ID numbers of its current members)}`` of the village."""
    out: dict[str, tuple[int, set[str]]] = {
        number: (hid, set()) for hid, number in session.execute(
            select(Household.id, Household.number).where(Household.organization_id == organization.id))}
    stmt = (select(Household.number, Person.id_number)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(Household.organization_id == organization.id, HouseholdMember.valid_to.is_(None)))
    for number, id_number in session.execute(stmt):
        out[number][1].add(id_number)
    return out


def current_plots(session: Session, organization: Organization) -> dict[str, Homestead]:
    """The village's current homestead records by 宗地代码."""
    rows = session.scalars(select(Homestead).where(Homestead.organization_id == organization.id,
                                                   Homestead.valid_to.is_(None)))
    return {h.plot_code: h for h in rows}


def check_households(results: list[RowResult], households: dict[str, tuple[int, set[str]]]) -> None:
    """``household.unknown``: the 户编号 is not on the roster, or a valid ID is not a current member."""
    for r in results:
        v = r.values
        number = v["household_no"]
        if number is None:
            continue
        found = households.get(number)
        if found is None or (v["id_number"] is not None and v["id_number"] not in found[1]):
            r.errors.append(issue(r.row, "household_no", "household.unknown", number))


def check_moves(results: list[RowResult], current: dict[str, Homestead],
                households: dict[str, tuple[int, set[str]]]) -> None:
    """``homestead.other_household``: a registered plot listed under another household. A homestead
    changes household only by a recorded transfer or withdrawal (D-07, D-13, ``services.transfers``)."""
    for r in results:
        v = r.values
        record, found = current.get(v["plot_code"]), households.get(v["household_no"] or "")
        if record is not None and found is not None and record.household_id != found[0]:
            r.errors.append(issue(r.row, "household_no", "homestead.other_household", v["plot_code"],
                                  record.household.number))


def check_in_use(results: list[RowResult], current: dict[str, Homestead],
                 households: dict[str, tuple[int, set[str]]]) -> None:
    """D-01 in the file (:func:`second_in_use`) and against the register: a row putting a plot in use
    while the household already holds another plot in use that the file leaves as it is."""
    excepted = frozenset(code for code, h in current.items() if h.exception_reason)
    second_in_use(results, excepted=excepted)
    in_file = {r.values["plot_code"] for r in results if r.values["plot_code"]}
    held: dict[int, str] = {}
    for code, h in current.items():
        if h.status == "in_use" and not h.exception_reason and code not in in_file:
            held[h.household_id] = code
    by_household: dict[int, list[RowResult]] = defaultdict(list)
    for r in results:
        v = r.values
        if r.errors or v["status"] != "in_use" or v["plot_code"] in excepted:
            continue
        by_household[households[v["household_no"]][0]].append(r)
    for household_id, rows in by_household.items():
        if household_id in held:
            for r in rows:
                r.errors.append(issue(r.row, "status", "homestead.second_in_use", r.values["household_no"],
                                      f"登记簿中的宗地 {held[household_id]}"))


def finish(results: list[RowResult]) -> None:
    """A refused row carries its errors only (its warnings no longer apply)."""
    for r in results:
        if r.errors:
            r.warnings.clear()
