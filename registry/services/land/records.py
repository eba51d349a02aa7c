"""Add a co-holder to a contract and end a contract or a parcel (issue 15 item 5; the clerk's forms).

L-06: the certificate lists every family member who holds the right — a member of the contracting
household (on its roster today) is added as a co-holder from a date; a family member already listed
without the right gets it by a new row (the old one ends the day before, nothing is overwritten).
L-07 / L-09 / L-13: a contract or a parcel ends only with a recorded lawful act (take-back with a lawful
ground, voluntary return, transfer, a correction); a hukou move or a marriage is refused (L-10, H-01/H-02).
Ending a contract ends its parcels, co-holders and the circulations still in force with the same date
and ground. Every change writes an audit event old → new; nothing is deleted. The caller checks the
page's version (optimistic locking) and commits; these functions flush.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.identity import normalise_resident_id
from registry.models import (
    Circulation,
    CirculationParcel,
    CoHolder,
    HouseholdMember,
    LandContract,
    Parcel,
    Person,
)
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.land.rules import check_end_ground

__all__ = ["add_coholder", "end_contract", "end_parcel"]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _check_day(on_date: dt.date | None, term_start: dt.date) -> dt.date:
    """The date of the act: given, and not before the contract's term began."""
    if on_date is None:
        raise DomainError("date.invalid", "请填写日期（YYYY-MM-DD）")
    if on_date < term_start:
        raise DomainError("date.invalid", f"日期 {on_date} 早于承包期限起 {term_start}")
    return on_date


def _open_contract(contract: LandContract) -> None:
    if contract.valid_to is not None:
        raise DomainError("land.contract_ended", f"该承包合同已于 {contract.valid_to} 终止")


def add_coholder(session: Session, contract: LandContract, *, id_number: str, on_date: dt.date, actor) -> CoHolder:
    """L-06: list a member of the contracting household as a co-holder (SFGYR 是) from ``on_date``.

    Refused: an invalid ID (``id.*``), a person who is not a current member of the household on the
    roster (``household.unknown``), a person who already co-holds this contract (``coholder.duplicate``),
    an ended contract."""
    _open_contract(contract)
    checked = normalise_resident_id(id_number)
    if checked.error:
        raise DomainError(checked.error, f"证件号码“{(id_number or '').strip()}”无效", rule="I-01")
    found = session.execute(
        select(Person, HouseholdMember.relation).join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(Person.id_number == checked.value, HouseholdMember.household_id == contract.household_id,
               HouseholdMember.valid_to.is_(None))).first()
    if found is None:
        raise DomainError("household.unknown",
                          f"证件号码 {checked.value} 不是承包方户"
                          f"（户编号 {contract.household.number}）名册中的现有成员",
                          rule="L-06")
    person, relation = found
    listed = session.scalar(select(CoHolder).where(CoHolder.contract_id == contract.id,
                                                   CoHolder.person_id == person.id, CoHolder.valid_to.is_(None)))
    if listed is not None and listed.is_coholder:
        raise DomainError("coholder.duplicate", f"{person.name} 已是该承包合同的共有人", rule="L-06")
    _check_day(on_date, contract.term_start)
    old = {}
    if listed is not None:  # listed as a family member without the right: that row ends, a new one starts
        old = {"is_coholder": False, "listing_id": listed.id}
        listed.valid_to, listed.end_ground = on_date, "登记为共有人（L-06）"
        session.flush()
    holder = CoHolder(contract=contract, person_id=person.id, relation=(listed.relation if listed else relation),
                      is_coholder=True, valid_from=on_date)
    session.add(holder)
    session.flush()
    audit.record(session, actor=actor, action="land.coholder_added", target_type=CoHolder.__tablename__,
                 target_id=holder.id, area_code=contract.contractor_code[:12], rule="L-06",
                 contractor_code=contract.contractor_code, person=person.name,
                 changes={"is_coholder": [None if not old else "否", "是"], "valid_from": [None, _iso(on_date)]},
                 **old)
    return holder


def _end(record, on_date: dt.date, ground: str) -> dict:
    record.valid_to, record.end_ground = on_date, ground
    return {"valid_to": [None, _iso(on_date)], "end_ground": [None, ground]}


def end_parcel(session: Session, parcel: Parcel, *, ground: str, on_date: dt.date, actor) -> Parcel:
    """End one parcel of a contract with a recorded lawful ground (L-07); refused while a circulation in
    force after ``on_date`` covers it (``land.parcel_circulated``: end or change that circulation first)."""
    text = check_end_ground(ground)
    contract = parcel.contract
    _open_contract(contract)
    if parcel.valid_to is not None:
        raise DomainError("land.parcel_ended", f"该地块已于 {parcel.valid_to} 终止")
    _check_day(on_date, contract.term_start)
    busy = session.scalars(
        select(Circulation.code).join(CirculationParcel, CirculationParcel.circulation_id == Circulation.id)
        .where(CirculationParcel.parcel_id == parcel.id, Circulation.valid_to.is_(None),
               Circulation.ends_on >= on_date)).all()
    if busy:
        raise DomainError("land.parcel_circulated",
                          f"地块 {parcel.code} 在 {on_date} 之后仍在流转（{'、'.join(c or '无编号' for c in busy)}）",
                          rule="L-16")
    changes = _end(parcel, on_date, text)
    session.flush()
    audit.record(session, actor=actor, action="land.parcel_ended", target_type=Parcel.__tablename__,
                 target_id=parcel.id, area_code=contract.contractor_code[:12], rule="L-07", code=parcel.code,
                 changes=changes)
    return parcel


def end_contract(session: Session, contract: LandContract, *, ground: str, on_date: dt.date, actor) -> LandContract:
    """End a contract with a recorded lawful act (take-back with a lawful ground, voluntary return L-09,
    transfer L-13, a correction); its current parcels, co-holders and circulations end with it (the
    circulations: those still in force on ``on_date``)."""
    text = check_end_ground(ground)
    _open_contract(contract)
    _check_day(on_date, contract.term_start)
    changes = _end(contract, on_date, text)
    ended = {"parcels": [], "coholders": 0, "circulations": []}
    for parcel in contract.parcels:
        if parcel.valid_to is None:
            _end(parcel, on_date, text)
            ended["parcels"].append(parcel.code)
    for holder in contract.coholders:
        if holder.valid_to is None:
            _end(holder, on_date, text)
            ended["coholders"] += 1
    for circulation in contract.circulations:
        if circulation.valid_to is None and circulation.ends_on >= on_date:
            _end(circulation, on_date, f"承包合同终止：{text}")
            ended["circulations"].append(circulation.code or str(circulation.id))
    session.flush()
    audit.record(session, actor=actor, action="land.contract_ended", target_type=LandContract.__tablename__,
                 target_id=contract.id, area_code=contract.contractor_code[:12], rule="L-07",
                 contractor_code=contract.contractor_code, changes=changes, ended=ended)
    return contract
