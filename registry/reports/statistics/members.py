"""Member statistics by town / village on a date (issue 12 item 3): households, members, by sex
(GB/T 2261.1) and by age band. A member counts when active on the date
(``handover.active_on_clause``: confirmed on or before it, not lost on or before it); the household is
the membership's current household. Every figure is one SQL GROUP BY; its records list filters the
same SELECT with the same condition (:data:`COLUMNS`), so a figure equals its list's length."""
from __future__ import annotations

from sqlalchemy import and_, case, distinct, func, select, true
from sqlalchemy.orm import Session

from registry.codes import ACQUISITION_GROUND, SEX
from registry.models import Area, Household, Membership, Organization, Person
from registry.reports.roster.masking import birth_year, mask_id_number
from registry.reports.statistics.base import (
    Drill,
    Period,
    Report,
    Table,
    locate,
    unit_rows,
    units_of,
    years_before,
)
from registry.services.membership.handover import active_on_clause

COLUMNS = {"members": "成员数", "male": "男", "female": "女", "age_0_17": "0–17岁", "age_18_34": "18–34岁",
           "age_35_59": "35–59岁", "age_60": "60岁及以上", "age_unknown": "出生日期不详"}
HEADINGS = ("区划代码", "名称", "户数", *COLUMNS.values())
MEMBER_HEADINGS = ("集体经济组织", "户编号", "姓名", "性别", "证件号码", "出生年份", "取得方式")


def _conditions(period: Period) -> dict:
    day = period.end
    c18, c35, c60 = (years_before(day, n) for n in (18, 35, 60))
    born = Person.birth_date
    return {"members": true(), "male": Person.sex == "1", "female": Person.sex == "2",
            "age_0_17": born > c18, "age_18_34": and_(born <= c18, born > c35),
            "age_35_59": and_(born <= c35, born > c60), "age_60": born <= c60, "age_unknown": born.is_(None)}


def _where(prefix: str, period: Period) -> tuple:
    return (active_on_clause(period.end), Organization.area_code.startswith(prefix))


def _base(stmt):
    return (stmt.join(Organization, Organization.id == Membership.organization_id)
            .join(Person, Person.id == Membership.person_id))


def member_statistics(session: Session, area: Area, period: Period, **_options) -> Report:
    """Per village (and, for the district, per town: the villages' figures added up)."""
    villages = units_of(session, area, 12)
    conditions = _conditions(period)
    sums = [func.count(Membership.id) if key == "members" else func.sum(case((cond, 1), else_=0))
            for key, cond in conditions.items()]
    stmt = _base(select(villages.key(), func.count(distinct(Membership.household_id)), *sums)
                 .select_from(Membership)).where(*_where(area.scope_prefix, period)).group_by(villages.key())
    counts = {villages.code(key): [int(n or 0) for n in values] for key, *values in session.execute(stmt)}
    report = Report("members", "成员统计表", area, period)
    if not counts:
        report.empty = True
        return report
    keys = ("households", *COLUMNS)
    if area.level == "district":
        towns: dict[str, list[int]] = {}
        for code, values in counts.items():
            town = towns.setdefault(code[:9] + "000", [0] * len(values))
            towns[code[:9] + "000"] = [a + b for a, b in zip(town, values)]
        report.tables.append(Table("按镇（街道）", HEADINGS, unit_rows(units_of(session, area), area, towns, keys)))
    report.tables.append(Table("按村", HEADINGS, unit_rows(villages, area, counts, keys)))
    return report


def member_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    prefix, column = locate(area, cell)
    if prefix is None:
        return None
    where = _where(prefix, period)
    if column == "households":
        stmt = (_base(select(Organization.name, Household.number, func.count(Membership.id)).select_from(Membership))
                .join(Household, Household.id == Membership.household_id).where(*where)
                .group_by(Household.id, Organization.area_code, Organization.name, Household.number)
                .order_by(Organization.area_code, Household.number))
        return Drill("户数", ("集体经济组织", "户编号", "成员数"), stmt, lambda r: tuple(r))
    condition = _conditions(period).get(column)
    if condition is None:
        return None
    return Drill(COLUMNS[column], MEMBER_HEADINGS, member_rows(where, condition), member_cells)


def member_rows(where, condition):
    """SELECT of the memberships (with person, organisation name, household number) under ``where``."""
    return (_base(select(Membership, Person, Organization.name, Household.number).select_from(Membership))
            .outerjoin(Household, Household.id == Membership.household_id)
            .where(*where, condition).order_by(Organization.area_code, Household.number, Membership.id))


def member_cells(row) -> tuple:
    m, p, org_name, number = row
    return (org_name, number or "", p.name, SEX.label(p.sex) or p.sex, mask_id_number(p.id_number),
            birth_year(p.birth_date), ACQUISITION_GROUND.label(m.acquisition_ground) or "")
