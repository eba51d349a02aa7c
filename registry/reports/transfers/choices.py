"""Select choices of the transaction form (issue 11): the village's members, current parcels, homesteads
in use and passed resolutions, as ``[(id, label)]`` in a stable order."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Homestead, Household, LandContract, Membership, Parcel, Person, Resolution


def member_choices(session: Session, organization_id: int) -> list[tuple[str, str]]:
    """``[(person id, "张三（0003户）")]`` of every person with a membership here (ended ones too: an heir
    or a former member may be a party), by household number and name."""
    stmt = (select(Person.id, Person.name, Household.number).join(Membership, Membership.person_id == Person.id)
            .outerjoin(Household, Household.id == Membership.household_id)
            .where(Membership.organization_id == organization_id).order_by(Household.number, Person.name))
    return [(str(pid), f"{name}（{number}户）" if number else name) for pid, name, number in session.execute(stmt)]


def parcel_choices(session: Session, organization_id: int) -> list[tuple[str, str]]:
    """``[(parcel id, "DKBM 名称 1.2300亩（0003户）")]`` of the current parcels of current contracts."""
    stmt = (select(Parcel.id, Parcel.code, Parcel.name, Parcel.contract_area, Household.number)
            .join(LandContract, LandContract.id == Parcel.contract_id)
            .join(Household, Household.id == LandContract.household_id)
            .where(LandContract.organization_id == organization_id, Parcel.valid_to.is_(None),
                   LandContract.valid_to.is_(None)).order_by(Parcel.code))
    return [(str(pid), f"{code} {name or ''} {area:.4f}亩（{number}户）".replace("  ", " "))
            for pid, code, name, area, number in session.execute(stmt)]


def homestead_choices(session: Session, organization_id: int) -> list[tuple[str, str]]:
    """``[(homestead id, "宗地代码 120.00㎡（0003户）")]`` of the homesteads in use."""
    stmt = (select(Homestead.id, Homestead.plot_code, Homestead.plot_area, Household.number)
            .join(Household, Household.id == Homestead.household_id)
            .where(Homestead.organization_id == organization_id, Homestead.status == "in_use",
                   Homestead.valid_to.is_(None)).order_by(Homestead.plot_code))
    return [(str(hid), f"{code} {area:.2f}㎡（{number}户）") for hid, code, area, number in session.execute(stmt)]


def resolution_choices(session: Session, organization_id: int) -> list[tuple[str, str]]:
    """``[(resolution id, "2026-05-20 标题")]`` of the organisation's passed resolutions, newest first."""
    stmt = (select(Resolution.id, Resolution.meeting_date, Resolution.title)
            .where(Resolution.organization_id == organization_id, Resolution.passed.is_(True))
            .order_by(Resolution.meeting_date.desc(), Resolution.id.desc()))
    return [(str(rid), f"{day} {title or ''}".strip()) for rid, day, title in session.execute(stmt)]
