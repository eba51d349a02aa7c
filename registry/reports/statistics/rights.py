"""Homestead summary, transaction register summary and dividend summary (issue 12 item 3).

- homesteads: :func:`registry.reports.homesteads.homestead_summary` (by status, m² in use, over the D-02
  cap, qualified households without a homestead) as a report with records lists;
- transactions (registry/models/transfers.py): by type and state, count, price and quantity, agreements
  dated in the period (or up to the date);
- dividends: per village, the rounds with a record date in the period (or up to the date), cancelled
  rounds left out: count, paid rounds, latest record date, net income, reserve and distributable."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from registry.codes import HOMESTEAD_STATUS
from registry.models import Area, Homestead, Household, Organization
from registry.models.homesteads import HOMESTEAD_STATUSES
from registry.models.shares import DividendRound
from registry.models.transfers import TRANSFER_STATES, TRANSFER_TYPES, Transfer
from registry.reports.homesteads import homestead_summary
from registry.reports.statistics.base import (
    Drill,
    Figure,
    Period,
    Report,
    Table,
    cell_key,
    locate,
    money,
    mu,
    split_cell,
    units_of,
)
from registry.reports.transfers.labels import STATE_LABELS, TYPE_LABELS
from registry.services.dividends.rounds import STATE_LABELS as ROUND_STATES
from registry.services.homesteads.register import active_member_clause, in_use_clause

#: The register's own labels (one table for the register, its export, the CLI and this report).
TRANSFER_TYPE_LABELS, TRANSFER_STATE_LABELS = TYPE_LABELS, STATE_LABELS


# --- homesteads ----------------------------------------------------------------------------------------

HOMESTEAD_HEADINGS = ("区划代码", "名称", *(HOMESTEAD_STATUS.label(s) for s in HOMESTEAD_STATUSES), "合计",
                      "使用中面积（㎡）", "超过面积标准（宗）", "有资格无宅基地（户）")


def homestead_report(session: Session, area: Area, period: Period, *, cap: Decimal = Decimal(132),
                     **_options) -> Report:
    report = Report("homesteads", "宅基地汇总表", area, period)
    units = units_of(session, area)
    rows, total = homestead_summary(session, area.scope_prefix, by=units.width, cap=cap)
    if total.total == 0:
        report.empty = True
        return report
    by_code = {r.code.ljust(12, "0"): r for r in rows}
    table = []
    for code, name in units.names.items():
        r = by_code.get(code)
        if r is not None:
            table.append([code, name, *_homestead_figures(code, r)])
    table.append(["", "合计", *_homestead_figures(area.code, total)])
    report.tables.append(Table("按区划", HOMESTEAD_HEADINGS, table))
    return report


def _homestead_figures(code: str, r) -> list:
    return [*(Figure(r.by_status[s], cell_key(code, s)) for s in HOMESTEAD_STATUSES),
            Figure(r.total, cell_key(code, "all")), Figure(r.plot_area, cell_key(code, "in_use")),
            Figure(r.over_cap, cell_key(code, "over_cap")),
            Figure(r.qualified_without_homestead, cell_key(code, "qualified"))]


def homestead_drill(session: Session, area: Area, period: Period, cell: str, *, cap: Decimal = Decimal(132),
                    **_options) -> Drill | None:
    prefix, column = locate(area, cell)
    if prefix is None:
        return None
    in_area = Organization.area_code.startswith(prefix)
    if column == "qualified":
        stmt = (select(Organization.name, Household.number).select_from(Household)
                .join(Organization, Organization.id == Household.organization_id)
                .where(in_area, active_member_clause(), ~in_use_clause())
                .order_by(Organization.area_code, Household.number))
        return Drill("有资格无宅基地（户）", ("集体经济组织", "户编号"), stmt, tuple)
    conditions = {s: Homestead.status == s for s in HOMESTEAD_STATUSES}
    conditions["all"] = Homestead.id.is_not(None)
    conditions["over_cap"] = (Homestead.status == "in_use") & (Homestead.plot_area > cap)
    if column not in conditions:
        return None
    stmt = (select(Organization.name, Household.number, Homestead.plot_code, Homestead.status, Homestead.plot_area)
            .select_from(Homestead).join(Organization, Organization.id == Homestead.organization_id)
            .join(Household, Household.id == Homestead.household_id)
            .where(in_area, Homestead.valid_to.is_(None), conditions[column])
            .order_by(Organization.area_code, Homestead.plot_code))
    label = HOMESTEAD_STATUS.label(column) or {"all": "合计", "over_cap": "超过面积标准"}[column]
    return Drill(label, ("集体经济组织", "户编号", "宗地代码", "状态", "宗地面积（㎡）"), stmt,
                 lambda r: (r[0], r[1], r[2], HOMESTEAD_STATUS.label(r[3]) or r[3], money(r[4])))


# --- transactions --------------------------------------------------------------------------------------

TRANSFER_HEADINGS = ("交易类型", "状态", "笔数", "价款合计（元）", "股份（份）", "土地（亩）", "宅基地（㎡）")


def _transfer_where(prefix: str, period: Period) -> list:
    out = [Transfer.area_code.startswith(prefix), Transfer.agreement_date <= period.end]
    if period.start is not None:
        out.append(Transfer.agreement_date >= period.start)
    return out


def transfer_report(session: Session, area: Area, period: Period, **_options) -> Report:
    report = Report("transfers", "权益交易登记汇总表", area, period)
    stmt = (select(Transfer.type, Transfer.state, func.count(Transfer.id), func.sum(Transfer.price),
                   func.sum(Transfer.units), func.sum(Transfer.area_mu), func.sum(Transfer.area_m2))
            .where(*_transfer_where(area.scope_prefix, period)).group_by(Transfer.type, Transfer.state))
    found = {(t, s): rest for t, s, *rest in session.execute(stmt)}
    if not found:
        report.empty = True
        return report
    rows, count, price = [], 0, Decimal(0)
    for t in TRANSFER_TYPES:
        for s in TRANSFER_STATES:
            if (t, s) not in found:
                continue
            n, amount, units, area_mu, m2 = found[(t, s)]
            count, price = count + n, price + money(amount)
            rows.append([TRANSFER_TYPE_LABELS.get(t, t), TRANSFER_STATE_LABELS.get(s, s),
                         *(Figure(v, cell_key(area.code, f"{t}.{s}"))
                           for v in (n, money(amount), mu(units), mu(area_mu), money(m2)))])
    rows.append(["合计", "", Figure(count, cell_key(area.code, "all")), Figure(price, cell_key(area.code, "all")),
                 "", "", ""])
    report.tables.append(Table("按类型和状态", TRANSFER_HEADINGS, rows))
    return report


def transfer_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    prefix, column = locate(area, cell)
    if prefix is None:
        return None
    where = _transfer_where(prefix, period)
    if column != "all":
        t, _sep, s = column.partition(".")
        if t not in TRANSFER_TYPES or s not in TRANSFER_STATES:
            return None
        where += [Transfer.type == t, Transfer.state == s]
    stmt = (select(Transfer.area_code, Transfer.journal_no, Transfer.type, Transfer.state, Transfer.agreement_date,
                   Transfer.effective_on, Transfer.price, Transfer.units, Transfer.area_mu, Transfer.area_m2)
            .where(*where).order_by(Transfer.agreement_date, Transfer.id))

    def cells(r):
        code, journal, kind, state, agreed, effective, price, units, area_mu, m2 = r
        return (code, journal or "", TRANSFER_TYPE_LABELS.get(kind, kind), TRANSFER_STATE_LABELS.get(state, state),
                agreed, effective or "", money(price), *(mu(v) if v is not None else "" for v in (units, area_mu)),
                money(m2) if m2 is not None else "")

    return Drill("权益交易", ("区划代码", "登记簿编号", "交易类型", "状态", "协议日期", "生效日期", "价款（元）",
                          "股份（份）", "土地（亩）", "宅基地（㎡）"), stmt, cells)


# --- dividends -----------------------------------------------------------------------------------------

DIVIDEND_HEADINGS = ("区划代码", "集体经济组织", "分配次数", "其中已发放", "最近股权登记日", "净收益合计（元）",
                     "公积公益金合计（元）", "可分配收益合计（元）")
PAID = ("paid", "closed")


def _round_where(prefix: str, period: Period) -> list:
    out = [DividendRound.area_code.startswith(prefix), DividendRound.state != "cancelled",
           DividendRound.record_date <= period.end]
    if period.start is not None:
        out.append(DividendRound.record_date >= period.start)
    return out


def dividend_report(session: Session, area: Area, period: Period, **_options) -> Report:
    report = Report("dividends", "收益分配汇总表", area, period)
    stmt = (select(DividendRound.area_code, Organization.name, func.count(DividendRound.id),
                   func.sum(case((DividendRound.state.in_(PAID), 1), else_=0)), func.max(DividendRound.record_date),
                   func.sum(DividendRound.net_income), func.sum(DividendRound.reserve),
                   func.sum(DividendRound.distributable))
            .join(Organization, Organization.id == DividendRound.organization_id)
            .where(*_round_where(area.scope_prefix, period))
            .group_by(DividendRound.area_code, Organization.name).order_by(DividendRound.area_code))
    rows = []
    totals = [0, 0, Decimal(0), Decimal(0), Decimal(0)]
    for code, name, n, paid, latest, net, reserve, dist in session.execute(stmt):
        amounts = [money(net), money(reserve), money(dist)]
        totals = [totals[0] + n, totals[1] + int(paid or 0), *(a + b for a, b in zip(totals[2:], amounts))]
        rows.append([code, name, Figure(n, cell_key(code, "rounds")), Figure(int(paid or 0), cell_key(code, "paid")),
                     latest, *(Figure(a, cell_key(code, "rounds")) for a in amounts)])
    if not rows:
        report.empty = True
        return report
    rows.append(["", "合计", Figure(totals[0], cell_key(area.code, "rounds")),
                 Figure(totals[1], cell_key(area.code, "paid")), "",
                 *(Figure(a, cell_key(area.code, "rounds")) for a in totals[2:])])
    report.tables.append(Table("按集体经济组织", DIVIDEND_HEADINGS, rows))
    return report


def dividend_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    unit, column = split_cell(cell)
    if column not in ("rounds", "paid"):
        return None
    if unit == area.code:
        prefix = area.scope_prefix
    elif unit.isdigit() and len(unit) == 12 and unit.startswith(area.scope_prefix):
        prefix = unit  # dividend rows are per village at every level
    else:
        return None
    where = _round_where(prefix, period)
    if column == "paid":
        where.append(DividendRound.state.in_(PAID))
    stmt = (select(DividendRound.area_code, DividendRound.title, DividendRound.record_date, DividendRound.state,
                   DividendRound.net_income, DividendRound.reserve, DividendRound.distributable, DividendRound.paid_on)
            .where(*where).order_by(DividendRound.area_code, DividendRound.record_date))
    return Drill("收益分配", ("区划代码", "名称", "股权登记日", "状态", "净收益（元）", "公积公益金（元）",
                          "可分配收益（元）", "发放日期"), stmt,
                 lambda r: (r[0], r[1], r[2], ROUND_STATES.get(r[3], r[3]), *(money(v) for v in r[4:7]), r[7] or ""))
