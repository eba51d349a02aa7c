"""Period change report (issue 12 item 3, "period change report" criterion): members added (新增) and
removed (减少) between two dates, with their grounds, from the membership history — the dates the
lifecycle services record (as W-07, ``registry.reports.equality``):

- 新增: a membership confirmed in the period (``confirmed_at``; a reform-era member on its
  ``acquired_at``, M-05), ground = the acquisition ground (§2.4);
- 减少: a membership ended in the period (``lost_at``, lost or withdrawn, the M-15 hand-over included),
  ground = the loss ground (§2.5).

A summary per town / village (every figure links to its list) and the list of every operation."""
from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from registry.codes import ACQUISITION_GROUND, LOSS_GROUND
from registry.models import Area, Membership, Organization
from registry.reports.statistics.base import Drill, Period, Report, Table, locate, unit_rows, units_of
from registry.reports.statistics.members import MEMBER_HEADINGS, member_cells, member_rows

ADDED, REMOVED = "added", "removed"
KIND_LABELS = {ADDED: "新增", REMOVED: "减少"}
ADD_GROUNDS = tuple(ACQUISITION_GROUND.labels)
LOSS_GROUNDS = tuple(LOSS_GROUND.labels)
HEADINGS = ("区划代码", "名称", "新增合计", *(f"新增·{ACQUISITION_GROUND.label(g)}" for g in ADD_GROUNDS),
            "减少合计", *(f"减少·{LOSS_GROUND.label(g)}" for g in LOSS_GROUNDS))
DETAIL_HEADINGS = ("日期", "变动", *MEMBER_HEADINGS, "原因", "说明")


def _start(period: Period):
    return period.start or period.end.replace(month=1, day=1)


def _conditions(period: Period) -> dict[str, tuple]:
    """``{column key: (condition, label)}``: a kind, or a kind and one ground (``added.birth``)."""
    start, end = _start(period), period.end
    added = and_(Membership.confirmed_at.is_not(None), Membership.confirmed_at >= start,
                 Membership.confirmed_at <= end)
    removed = and_(Membership.loss_ground.is_not(None), Membership.lost_at >= start, Membership.lost_at <= end)
    out = {ADDED: (added, "新增")}
    out.update({f"{ADDED}.{g}": (and_(added, Membership.acquisition_ground == g),
                                 f"新增·{ACQUISITION_GROUND.label(g)}") for g in ADD_GROUNDS})
    out[REMOVED] = (removed, "减少")
    out.update({f"{REMOVED}.{g}": (and_(removed, Membership.loss_ground == g), f"减少·{LOSS_GROUND.label(g)}")
                for g in LOSS_GROUNDS})
    return out


def change_report(session: Session, area: Area, period: Period, **_options) -> Report:
    period = Period(period.end, _start(period))
    units = units_of(session, area)
    conditions = _conditions(period)
    stmt = (select(units.key(), *(func.sum(case((cond, 1), else_=0)) for cond, _label in conditions.values()))
            .select_from(Membership).join(Organization, Organization.id == Membership.organization_id)
            .where(Organization.area_code.startswith(area.scope_prefix)).group_by(units.key()))
    counts = {units.code(key): [int(n or 0) for n in values] for key, *values in session.execute(stmt)}
    report = Report("changes", "成员增减变动表", area, period)
    if not counts:
        report.empty = True
        return report
    rows = unit_rows(units, area, counts, list(conditions))
    report.tables.append(Table("增减汇总", HEADINGS, rows))
    report.tables.append(Table("变动明细", DETAIL_HEADINGS, operations(session, area, period)))
    return report


def operations(session: Session, area: Area, period: Period) -> list[list]:
    """Every 新增 and 减少 of the period in date order (a membership added and ended in the period is both)."""
    conditions = _conditions(period)
    where = (Organization.area_code.startswith(area.scope_prefix),)
    out = []
    for kind in (ADDED, REMOVED):
        for row in session.execute(member_rows(where, conditions[kind][0])):
            m = row[0]
            if kind == ADDED:
                out.append((m.confirmed_at, 0, [m.confirmed_at, "新增", *member_cells(row), _ground(kind, m), ""]))
            else:
                note = "；".join(x for x in (m.loss_citation, m.loss_note) if x)
                out.append((m.lost_at, 1, [m.lost_at, "减少", *member_cells(row), _ground(kind, m), note]))
    out.sort(key=lambda item: (item[0], item[1]))
    return [cells for _day, _order, cells in out]


def _ground(kind: str, m: Membership) -> str:
    if kind == ADDED:
        return ACQUISITION_GROUND.label(m.acquisition_ground) or (m.acquisition_ground or "")
    return LOSS_GROUND.label(m.loss_ground) or (m.loss_ground or "")


def change_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    period = Period(period.end, _start(period))
    prefix, column = locate(area, cell)
    entry = _conditions(period).get(column)
    if prefix is None or entry is None:
        return None
    condition, label = entry
    return Drill(label, MEMBER_HEADINGS, member_rows((Organization.area_code.startswith(prefix),), condition),
                 member_cells)
