"""Hukou-decoupled members (issue 12 item 3; H-01, H-02): members active on the date whose current hukou
record lies outside the village (``in_organization`` false) — membership kept — with the rights each
keeps: the household's contract land (parcels, 亩), its homesteads in use (宗, m²) and the share units
held on the date (the household's holdings and the person's own), plus the roster's 股份合计.
Rights never follow hukou (H-03..H-05): the report shows that they were kept."""
from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from registry.models import (
    Area,
    Homestead,
    Household,
    HukouRecord,
    LandContract,
    Membership,
    Organization,
    Parcel,
    Person,
)
from registry.models.shares import ShareHolding
from registry.reports.roster.masking import mask_id_number
from registry.reports.statistics.base import (
    Drill,
    Period,
    Report,
    Table,
    locate,
    money,
    mu,
    unit_rows,
    units_of,
)
from registry.reports.statistics.members import MEMBER_HEADINGS, member_cells, member_rows
from registry.services.membership.handover import active_on_clause

HEADINGS = ("区划代码", "名称", "户籍在村外的成员", "其中进城落户")
DETAIL_HEADINGS = ("集体经济组织", "户编号", "姓名", "证件号码", "户籍所在地", "迁出日期", "进城落户",
                   "承包地块（块）", "承包面积（亩）", "宅基地（宗）", "宅基地面积（㎡）", "持有股份（份）",
                   "名册股份合计")


def _outside(to_town: bool = False):
    cond = [HukouRecord.valid_to.is_(None), HukouRecord.in_organization.is_(False)]
    if to_town:
        cond.append(HukouRecord.moved_to_town.is_(True))
    return Membership.person_id.in_(select(HukouRecord.person_id).where(*cond))


CONDITIONS = {"outside": (lambda: _outside(), "户籍在村外的成员"),
              "to_town": (lambda: _outside(True), "其中进城落户")}


def _where(prefix: str, period: Period) -> tuple:
    return (active_on_clause(period.end), Organization.area_code.startswith(prefix))


def hukou_report(session: Session, area: Area, period: Period, **_options) -> Report:
    report = Report("hukou", "户籍迁出保留成员身份人员及权益情况表", area, period)
    units = units_of(session, area)
    any_member = session.scalar(select(func.count(Membership.id)).join(Organization).where(
        Organization.area_code.startswith(area.scope_prefix)))
    if not any_member:
        report.empty = True
        return report
    sums = [func.sum(case((make(), 1), else_=0)) for make, _label in CONDITIONS.values()]
    stmt = (select(units.key(), *sums).select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(*_where(area.scope_prefix, period)).group_by(units.key()))
    counts = {units.code(k): [int(n or 0) for n in values] for k, *values in session.execute(stmt)}
    rows = unit_rows(units, area, counts, list(CONDITIONS))
    report.tables.append(Table("按区划", HEADINGS, rows))
    report.tables.append(Table("人员及保留的权益", DETAIL_HEADINGS, _detail(session, area, period)))
    return report


def _detail(session: Session, area: Area, period: Period) -> list[list]:
    land = (select(LandContract.household_id.label("hid"), func.count(Parcel.id).label("n"),
                   func.sum(Parcel.contract_area).label("mu"))
            .join(Parcel, Parcel.contract_id == LandContract.id)
            .where(LandContract.valid_to.is_(None), Parcel.valid_to.is_(None))
            .group_by(LandContract.household_id).subquery())
    home = (select(Homestead.household_id.label("hid"), func.count(Homestead.id).label("n"),
                   func.sum(Homestead.plot_area).label("m2"))
            .where(Homestead.valid_to.is_(None), Homestead.status == "in_use")
            .group_by(Homestead.household_id).subquery())
    held = (ShareHolding.valid_from <= period.end,
            or_(ShareHolding.valid_to.is_(None), ShareHolding.valid_to > period.end))
    by_household = (select(ShareHolding.household_id.label("hid"), func.sum(ShareHolding.units).label("u"))
                    .where(*held, ShareHolding.household_id.is_not(None)).group_by(ShareHolding.household_id)
                    .subquery())
    by_person = (select(ShareHolding.person_id.label("pid"), func.sum(ShareHolding.units).label("u"))
                 .where(*held, ShareHolding.person_id.is_not(None), ShareHolding.household_id.is_(None))
                 .group_by(ShareHolding.person_id).subquery())
    stmt = (select(Organization.name, Household.number, Person.name, Person.id_number, HukouRecord.place,
                   HukouRecord.moved_at, HukouRecord.moved_to_town, land.c.n, land.c.mu, home.c.n, home.c.m2,
                   by_household.c.u, by_person.c.u, Membership.total_shares)
            .select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Person, Person.id == Membership.person_id)
            .join(HukouRecord, (HukouRecord.person_id == Person.id) & HukouRecord.valid_to.is_(None)
                  & HukouRecord.in_organization.is_(False))
            .outerjoin(Household, Household.id == Membership.household_id)
            .outerjoin(land, land.c.hid == Membership.household_id)
            .outerjoin(home, home.c.hid == Membership.household_id)
            .outerjoin(by_household, by_household.c.hid == Membership.household_id)
            .outerjoin(by_person, by_person.c.pid == Membership.person_id)
            .where(*_where(area.scope_prefix, period))
            .order_by(Organization.area_code, Household.number, Membership.id))
    rows = []
    for (org, number, name, id_number, place, moved_at, to_town, parcels, area_mu, homes, m2, hh_units,
         own_units, roster_units) in session.execute(stmt):
        units = mu((hh_units or 0) + (own_units or 0))
        rows.append([org, number or "", name, mask_id_number(id_number), place or "", moved_at,
                     "是" if to_town else "否", int(parcels or 0), mu(area_mu), int(homes or 0), money(m2),
                     units, mu(roster_units) if roster_units is not None else ""])
    return rows


def hukou_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    prefix, column = locate(area, cell)
    entry = CONDITIONS.get(column)
    if prefix is None or entry is None:
        return None
    make, label = entry
    return Drill(label, MEMBER_HEADINGS, member_rows(_where(prefix, period), make()), member_cells)
