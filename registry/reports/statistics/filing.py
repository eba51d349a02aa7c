"""Filing progress (issue 12 item 3; F-02): per town / village, how many organisations' latest roster
version stands at each stage — 区级已备案 (complete, F-02), 乡镇已备案 (waiting for the district), 乡镇审核中,
in the village (draft, notice, assembly, confirmed, returned) or no roster version yet — and the age in
days of the oldest filing waiting for the town."""
from __future__ import annotations

from sqlalchemy import DateTime, and_, case, func, select
from sqlalchemy.orm import Session

from registry.clock import local_date
from registry.models import Area, Filing, Organization
from registry.models.filings import DISTRICT_FILED, TOWN_FILED, TOWN_REVIEW
from registry.reports.statistics.base import Drill, Period, Report, Table, locate, unit_rows, units_of
from registry.services.filing.filings import STATE_LABELS

STAGES = {"organisations": "组织数", "district_filed": "区级已备案", "town_filed": "乡镇已备案待区级",
          "town_review": "乡镇审核中", "in_village": "村内办理中", "none": "尚无名册版本"}
HEADINGS = ("区划代码", "名称", *STAGES.values(), "最早待审（天）")
DRILL_HEADINGS = ("区划代码", "集体经济组织", "最新版本", "状态", "报送时间", "乡镇备案时间", "区级备案时间")


def _latest():
    latest = (select(Filing.organization_id.label("org"), func.max(Filing.version_no).label("v"))
              .group_by(Filing.organization_id).subquery())
    return latest


def _stage():
    return case((Filing.id.is_(None), "none"), (Filing.state == DISTRICT_FILED, "district_filed"),
                (Filing.state == TOWN_FILED, "town_filed"), (Filing.state == TOWN_REVIEW, "town_review"),
                else_="in_village")


def _from_organisations(stmt):
    latest = _latest()
    return (stmt.select_from(Organization).outerjoin(latest, latest.c.org == Organization.id)
            .outerjoin(Filing, and_(Filing.organization_id == Organization.id, Filing.version_no == latest.c.v)))


def filing_progress(session: Session, area: Area, period: Period, **_options) -> Report:
    report = Report("filing", "名册备案进度表", area, period)
    units = units_of(session, area)
    stage = _stage()
    sums = [func.count(Organization.id)] + [func.sum(case((stage == s, 1), else_=0)) for s in list(STAGES)[1:]]
    oldest = func.min(case((Filing.state == TOWN_REVIEW, Filing.submitted_at)), type_=DateTime())
    stmt = (_from_organisations(select(units.key(), *sums, oldest))
            .where(Organization.area_code.startswith(area.scope_prefix)).group_by(units.key()))
    counts, ages = {}, {}
    for key, *values, submitted in session.execute(stmt):
        counts[units.code(key)] = [int(n or 0) for n in values]
        ages[units.code(key)] = (period.end - local_date(submitted)).days if submitted else None
    if not counts:
        report.empty = True
        return report
    rows = unit_rows(units, area, counts, list(STAGES))
    known = [a for a in ages.values() if a is not None]
    for row in rows[:-1]:
        row.append(ages.get(row[0]) if ages.get(row[0]) is not None else "")
    rows[-1].append(max(known) if known else "")
    report.tables.append(Table("按区划", HEADINGS, rows))
    return report


def filing_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    prefix, column = locate(area, cell)
    if prefix is None or column not in STAGES:
        return None
    stmt = _from_organisations(select(Organization.area_code, Organization.name, Filing.version_no, Filing.state,
                                      Filing.submitted_at, Filing.town_recorded_at, Filing.district_recorded_at))
    stmt = stmt.where(Organization.area_code.startswith(prefix)).order_by(Organization.area_code)
    if column != "organisations":
        stmt = stmt.where(_stage() == column)

    def cells(r):
        code, name, version, state, *times = r
        return (code, name, version or "", STATE_LABELS.get(state, state or ""),
                *(local_date(t) if t else "" for t in times))

    return Drill(STAGES[column], DRILL_HEADINGS, stmt, cells)
