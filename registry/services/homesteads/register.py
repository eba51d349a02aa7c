"""Entry and change of one homestead (clerk), with the D-rules: D-01 one household one homestead in use
(a second one only with a written exception), D-02 area over the cap accepted and flagged, D-12 the
qualification right derived. Every change writes an audit event old → new; nothing is deleted: a record
ends with a date and a ground. Services flush, never commit."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import HOMESTEAD_STATUS
from registry.models import Homestead, Household, Membership, Organization
from registry.models.homesteads import END_GROUNDS
from registry.services import audit
from registry.services.errors import DomainError

#: Fields a clerk enters or changes (the import's columns without the household's own columns).
EDITABLE = ("certificate_no", "plot_area", "building_area", "location", "approved_on", "approval_doc",
            "status", "east", "south", "west", "north", "remarks", "exception_reason")
END_GROUND_LABELS = {"withdrawal": "有偿退出", "transfer": "流转", "disaster": "灾毁灭失",
                     "takeback": "依法收回", "correction": "登记更正"}


def over_cap(homestead: Homestead, cap: Decimal) -> bool:
    """D-02: the plot is larger than the cap (accepted, flagged for review)."""
    return homestead.plot_area is not None and homestead.plot_area > cap


def _check_values(values: dict, village_code: str) -> None:
    code = values.get("plot_code")
    if code is not None and (len(code) != 19 or not code.startswith(village_code) or code[12:14] != "JC"
                             or not code[14:].isdigit()):
        raise DomainError("code.format", f"宗地代码“{code}”应为本村 12 位区划代码 + JC + 5 位顺序号")
    area = values.get("plot_area")
    if area is None or area <= 0 or (values.get("building_area") or 0) < 0:
        raise DomainError("area.invalid", "宗地面积应大于 0，建筑占地面积不能为负")
    if values.get("status") not in HOMESTEAD_STATUS:
        raise DomainError("value.unknown", "宅基地状态不在可选范围内")
    if values.get("exception_reason") is not None and not values["exception_reason"].strip():
        values["exception_reason"] = None


def _check_one_in_use(session: Session, household_id: int, values: dict, *,
                      own_id: int | None = None) -> None:
    """D-01: a household holds at most one homestead in use unless the exception has a written reason."""
    if values.get("status") != "in_use" or values.get("exception_reason"):
        return
    stmt = select(Homestead.plot_code).where(
        Homestead.household_id == household_id, Homestead.status == "in_use", Homestead.valid_to.is_(None),
        Homestead.exception_reason.is_(None))
    if own_id is not None:
        stmt = stmt.where(Homestead.id != own_id)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        raise DomainError("homestead.second_in_use",
                          f"该户已有一处使用中的宅基地（{other}），一户只能有一处；"
                          "确有例外须填写书面理由", rule="D-01")


def add_homestead(session: Session, organization: Organization, household: Household, values: dict, *,
                  actor, today: dt.date | None = None) -> Homestead:
    """Record a homestead of ``household``. Raises DomainError (``homestead.second_in_use`` D-01,
    ``code.format``, ``area.invalid``, ``homestead.duplicate``)."""
    today = today or local_today()
    if household.organization_id != organization.id:
        raise DomainError("household.unknown", "该户不属于本村")
    _check_values(values, organization.area_code)
    if session.scalar(select(Homestead.id).where(Homestead.plot_code == values["plot_code"],
                                                 Homestead.valid_to.is_(None))):
        raise DomainError("homestead.duplicate", f"宗地代码 {values['plot_code']} 已登记")
    _check_one_in_use(session, household.id, values)
    h = Homestead(organization_id=organization.id, household_id=household.id, plot_code=values["plot_code"],
                  valid_from=values.get("approved_on") or today, **{k: values.get(k) for k in EDITABLE})
    session.add(h)
    session.flush()
    audit.record(session, actor=actor, action="homestead.created", target_type="homestead", target_id=h.id,
                 area_code=organization.area_code, household_id=household.id, plot_code=h.plot_code,
                 new={k: getattr(h, k) for k in EDITABLE},
                 rule="D-01" if h.exception_reason else None)
    return h


def change_homestead(session: Session, homestead: Homestead, values: dict, *, version: int, actor) -> dict:
    """Change fields of a current record (optimistic locking: ``version`` is the one the clerk saw).
    Returns ``{field: (old, new)}``; raises DomainError ``homestead.stale``, ``homestead.ended``, D-01."""
    if homestead.version != version:
        raise DomainError("homestead.stale", "该宅基地记录已被其他人修改，请刷新后重新填写")
    if homestead.valid_to is not None:
        raise DomainError("homestead.ended", "该宅基地记录已终止，不能修改")
    merged = {**{k: getattr(homestead, k) for k in EDITABLE}, **values}
    org = session.get(Organization, homestead.organization_id)
    _check_values(merged, org.area_code)
    _check_one_in_use(session, homestead.household_id, merged, own_id=homestead.id)
    changes = {k: (getattr(homestead, k), merged[k]) for k in EDITABLE if getattr(homestead, k) != merged[k]}
    for key, (_old, new) in changes.items():
        setattr(homestead, key, new)
    if changes:
        session.flush()
        audit.record(session, actor=actor, action="homestead.changed", target_type="homestead",
                     target_id=homestead.id, area_code=org.area_code, plot_code=homestead.plot_code,
                     old={k: o for k, (o, _n) in changes.items()},
                     new={k: n for k, (_o, n) in changes.items()})
    return changes


def end_homestead(session: Session, homestead: Homestead, *, on: dt.date, ground: str, note: str | None,
                  version: int, actor) -> Homestead:
    """End a record with a date and a lawful ground (never deleted). Raises DomainError."""
    if homestead.version != version:
        raise DomainError("homestead.stale", "该宅基地记录已被其他人修改，请刷新后重新填写")
    if homestead.valid_to is not None:
        raise DomainError("homestead.ended", "该宅基地记录已终止")
    if ground not in END_GROUNDS:
        raise DomainError("homestead.end_ground", "请选择终止依据")
    if homestead.valid_from is not None and on < homestead.valid_from:
        raise DomainError("homestead.end_date", "终止日期不能早于登记生效日期")
    homestead.valid_to, homestead.end_ground, homestead.end_note = on, ground, (note or None)
    session.flush()
    org = session.get(Organization, homestead.organization_id)
    audit.record(session, actor=actor, action="homestead.ended", target_type="homestead",
                 target_id=homestead.id, area_code=org.area_code, plot_code=homestead.plot_code, valid_to=on,
                 ground=ground, note=note)
    return homestead


def as_of(session: Session, household_id: int, day: dt.date | None = None) -> list[Homestead]:
    """The household's homestead records valid on ``day`` (all current ones when None), by 宗地代码."""
    stmt = select(Homestead).where(Homestead.household_id == household_id)
    if day is None:
        stmt = stmt.where(Homestead.valid_to.is_(None))
    else:
        stmt = stmt.where(func.coalesce(Homestead.valid_from, day) <= day,
                          (Homestead.valid_to.is_(None)) | (Homestead.valid_to > day))
    return list(session.scalars(stmt.order_by(Homestead.plot_code)))


def history(session: Session, household_id: int) -> list[Homestead]:
    """Every record of the household, current and ended, newest first."""
    return list(session.scalars(select(Homestead).where(Homestead.household_id == household_id)
                                .order_by(Homestead.valid_to.is_(None).desc(), Homestead.valid_to.desc(),
                                          Homestead.plot_code)))


def in_use_clause():
    """SQL: the household (``Household.id``) holds a current homestead in use."""
    return exists().where(Homestead.household_id == Household.id, Homestead.status == "in_use",
                          Homestead.valid_to.is_(None))


def active_member_clause():
    """SQL: the household has at least one confirmed member."""
    return exists().where(Membership.household_id == Household.id, Membership.status == "confirmed")


def qualification_right(session: Session, household: Household) -> bool:
    """D-12: the household has ≥ 1 active member and no homestead in use."""
    stmt = select(active_member_clause() & ~in_use_clause()).where(Household.id == household.id)
    return bool(session.scalar(stmt))
