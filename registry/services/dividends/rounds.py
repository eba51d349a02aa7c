"""Dividend rounds (收益分配): draft → resolution linked → town recorded → paid → closed, or cancelled.

One entry point, :func:`transition`, checks the table :data:`TRANSITIONS`, the role, the rule (S-14 when
the resolution is linked), writes the audit event and flushes. Drafts are computed by
:func:`registry.services.dividends.allocation.allocate` over the holders' units as of the record date
(:func:`registry.services.shares.holders.units_as_of`); a round's lines are immutable once it has left
``draft`` (and a mapper event refuses any later change or deletion).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from registry.clock import local_today, utc_naive_now
from registry.models import Organization, Resolution
from registry.models.shares import DividendLine, DividendRound
from registry.services import audit
from registry.services.dividends.allocation import (
    ALGORITHM_VERSION,
    ROUNDING_MODE,
    Allocation,
    allocate_weights,
)
from registry.services.errors import DomainError
from registry.services.shares.holders import HolderUnits, units_as_of
from registry.services.shares.settings import share_settings

CLERK, TOWN = "clerk", "town"
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2) yuan
INSPECTION_DAYS = 10  # S-14: the plan is open for inspection at least 10 days before the meeting

#: (state, action) → new state, and who may act.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "link_resolution"): "resolution_linked",
    ("resolution_linked", "record_town"): "town_recorded",
    ("town_recorded", "pay"): "paid",
    ("paid", "close"): "closed",
    ("draft", "cancel"): "cancelled",
    ("resolution_linked", "cancel"): "cancelled",
    ("town_recorded", "cancel"): "cancelled",
}
ROLES = {"link_resolution": (CLERK,), "record_town": (TOWN,), "pay": (CLERK,), "close": (CLERK,),
         "cancel": (CLERK, TOWN)}
STATE_LABELS = {"draft": "草稿", "resolution_linked": "已关联决议", "town_recorded": "乡镇已备案",
                "paid": "已发放", "closed": "已结束", "cancelled": "已撤销"}


@dataclass
class Computed:
    """A round computed but not stored: the allocation and the holders by code."""

    source: str
    allocation: Allocation
    holders: dict[str, HolderUnits]
    reserve_rate: Decimal

    def to_json(self) -> dict:
        a = self.allocation
        return {"reserve": f"{a.reserve:.2f}", "distributable": f"{a.distributable:.2f}",
                "total_units": _units_text(a.total_units), "source": self.source,
                "lines": [{"holder": line.holder, "name": self.holders[line.holder].name,
                           "units": _units_text(line.units), "amount": f"{line.amount:.2f}"}
                          for line in a.lines]}


def _units_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def compute(session: Session, organization: Organization, *, record_date: dt.date, net_income: Decimal,
            reserve_rate: Decimal | None = None) -> Computed:
    """The lines of a round over the holders' units on ``record_date`` (S-11, S-12, S-13); writes nothing.
    Raises DomainError ``dividend.net_income`` for an amount that is negative, has more than 2 decimals or
    does not fit the register (Numeric(14,2): at most 999,999,999,999.99 yuan)."""
    if not net_income.is_finite() or net_income < 0 or net_income > MAX_AMOUNT or \
            net_income != net_income.quantize(Decimal("0.01")):
        raise DomainError("dividend.net_income",
                          "净收益须为 0 至 999,999,999,999.99 元之间、最多两位小数的金额", rule="S-12")
    settings = share_settings(session, organization.id, record_date)
    rate = settings.reserve_rate if reserve_rate is None else reserve_rate
    if rate < settings.reserve_rate:
        raise DomainError("dividend.rate_below_charter",
                          f"公积公益金提取比例不能低于章程规定的 {settings.reserve_rate * 100:.0f}%",
                          rule="S-11")
    source, holders = units_as_of(session, organization.id, record_date, settings)
    by_code = {h.code: h for h in holders}
    if len(by_code) != len(holders):
        raise DomainError("dividend.holder_duplicate", "持股人编号重复，无法分配", rule="S-12")
    types = {"grant": (Decimal(1), True)}  # S-13: a grantee's units weigh 1 and count
    weights: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 80  # exact sums (see allocation.holder_weights)
        for h in holders:
            total = None
            for share_type, units in h.parts:
                weight, counts = types.get(share_type) or types.setdefault(share_type,
                                                                           settings.weight(share_type))
                if counts:
                    part = units if weight == 1 else units * weight
                    total = part if total is None else total + part
            if total is not None:
                weights[h.code] = total
    if not holders:
        raise DomainError("dividend.no_units", "本村没有股权登记，名册中也没有股份，无法分配", rule="S-12")
    return Computed(source, allocate_weights(net_income, rate, weights), by_code, rate)


def create_round(session: Session, organization: Organization, *, record_date: dt.date, net_income: Decimal,
                 reserve_rate: Decimal | None = None, title: str | None = None, actor,
                 today: dt.date | None = None, computed: Computed | None = None) -> DividendRound:
    """A draft round with its lines (clerk of the village). The record date may not lie in the future.
    ``computed``: the same round's :func:`compute` result when the caller already has it."""
    today = today or local_today()
    _check_actor(actor, organization, (CLERK,))
    if record_date > today:
        raise DomainError("dividend.record_date_future", "股权登记日不能晚于今天")
    computed = computed or compute(session, organization, record_date=record_date, net_income=net_income,
                                   reserve_rate=reserve_rate)
    a = computed.allocation
    rnd = DividendRound(
        organization_id=organization.id, area_code=organization.area_code,
        title=(title or "").strip() or f"{record_date.year}年度收益分配", record_date=record_date,
        net_income=a.net_income, reserve_rate=computed.reserve_rate, reserve=a.reserve,
        distributable=a.distributable, total_units=a.total_units, rounding_mode=ROUNDING_MODE,
        algorithm_version=ALGORITHM_VERSION, holder_unit=share_settings(session, organization.id,
                                                                        record_date).holder_unit,
        source=computed.source, state="draft", created_by_id=getattr(actor, "id", None))
    session.add(rnd)
    session.flush()
    _write_lines(session, rnd, computed)
    audit.record(session, actor=actor, action="dividend.created", target_type="dividend_round",
                 target_id=rnd.id, area_code=organization.area_code, record_date=record_date,
                 net_income=a.net_income, reserve=a.reserve, distributable=a.distributable,
                 lines=len(a.lines), source=computed.source)
    return rnd


_LINE_KEYS = ("round_id", "holder_code", "household_id", "person_id", "name", "units", "amount")


def _write_lines(session: Session, rnd: DividendRound, computed: Computed) -> None:
    """Insert the round's lines in one executemany: no ORM object per line. On a driver with positional
    parameters (SQLite) the rows go to the driver as tuples through the columns' own bind processors
    (the values SQLAlchemy would send, without its per-row parameter dicts); otherwise a Core insert."""
    holders, round_id = computed.holders, rnd.id
    lines = computed.allocation.lines
    if lines:
        connection = session.connection()
        dialect, table = connection.dialect, DividendLine.__table__
        compiled = insert(table).compile(dialect=dialect, column_keys=list(_LINE_KEYS))
        procs = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in _LINE_KEYS]
        if compiled.positional and tuple(compiled.positiontup or ()) == _LINE_KEYS and not any(procs[:5]):
            to_units, to_amount = procs[5] or (lambda v: v), procs[6] or (lambda v: v)
            rows = []
            for holder, units, fen in lines:
                h = holders[holder]
                rows.append((round_id, holder, h.household_id, h.person_id, h.name[:60], to_units(units),
                             to_amount(Decimal(fen).scaleb(-2))))
            connection.exec_driver_sql(compiled.string, rows)
        else:
            session.execute(insert(table), [
                dict(zip(_LINE_KEYS, (round_id, holder, holders[holder].household_id, holders[holder].person_id,
                                      holders[holder].name[:60], units, Decimal(fen).scaleb(-2))))
                for holder, units, fen in lines])
    session.expire(rnd, ["lines"])


def recompute(session: Session, rnd: DividendRound, *, actor) -> DividendRound:
    """Compute a draft again from the register as it stands (identical lines when nothing changed)."""
    if rnd.state != "draft":
        raise DomainError("dividend.lines_frozen", "分配方案已关联决议，分配明细不能再修改", rule="S-14")
    organization = session.get(Organization, rnd.organization_id)
    _check_actor(actor, organization, (CLERK,))
    computed = compute(session, organization, record_date=rnd.record_date, net_income=rnd.net_income,
                       reserve_rate=rnd.reserve_rate)
    session.execute(delete(DividendLine).where(DividendLine.round_id == rnd.id))
    a = computed.allocation
    rnd.reserve, rnd.distributable, rnd.total_units = a.reserve, a.distributable, a.total_units
    rnd.source = computed.source
    _write_lines(session, rnd, computed)
    audit.record(session, actor=actor, action="dividend.recomputed", target_type="dividend_round",
                 target_id=rnd.id, area_code=rnd.area_code, lines=len(a.lines))
    session.flush()
    return rnd


def _check_actor(actor, organization: Organization, roles) -> None:
    if actor is None:
        return  # the server operator (CLI without --user)
    if actor.role not in roles:
        raise DomainError("dividend.role", "您的角色不能办理这一步")
    if not organization.area_code.startswith(actor.scope):
        raise DomainError("dividend.scope", "不在您的管辖范围内")


def check_s14(resolution: Resolution | None, organization_id: int, inspection_from: dt.date | None) -> None:
    """S-14 / A-11: a passed distribution-plan resolution of the full member assembly of this collective,
    the plan open for inspection at least 10 days before the meeting."""
    if resolution is None or resolution.organization_id != organization_id:
        raise DomainError("dividend.resolution_missing", "请选择本村成员大会通过的收益分配方案决议",
                          rule="S-14")
    if not resolution.passed or resolution.subject != "distribution_plan":
        raise DomainError("dividend.resolution_subject", "所选决议不是已通过的收益分配方案决议",
                          rule="S-14")
    if resolution.body != "member_assembly":
        raise DomainError("dividend.resolution_body",
                          "年度收益分配方案须由成员大会（而非成员代表大会）审议通过", rule="A-11")
    if inspection_from is None:
        raise DomainError("dividend.inspection_missing", "请填写分配方案公开查阅的起始日期", rule="S-14")
    if (resolution.meeting_date - inspection_from).days < INSPECTION_DAYS:
        raise DomainError("dividend.inspection_short",
                          f"分配方案应在成员大会召开 {INSPECTION_DAYS} 日前公开供成员查阅"
                          f"（查阅起始 {inspection_from.isoformat()}，"
                          f"会议 {resolution.meeting_date.isoformat()}）",
                          rule="S-14")


def transition(session: Session, rnd: DividendRound, action: str, *, actor, today: dt.date | None = None,
               resolution: Resolution | None = None, inspection_from: dt.date | None = None,
               paid_on: dt.date | None = None, reason: str | None = None) -> DividendRound:
    """The one entry point of the round workflow (see :data:`TRANSITIONS`)."""
    today = today or local_today()
    new_state = TRANSITIONS.get((rnd.state, action))
    if new_state is None:
        label = STATE_LABELS.get(rnd.state, rnd.state)
        raise DomainError("dividend.transition", f"当前状态（{label}）不能办理此操作")
    organization = session.get(Organization, rnd.organization_id)
    _check_actor(actor, organization, ROLES[action])
    old = rnd.state
    detail: dict = {}
    if action == "link_resolution":
        check_s14(resolution, rnd.organization_id, inspection_from)
        other = session.scalar(select(DividendRound.id).where(
            DividendRound.resolution_id == resolution.id, DividendRound.id != rnd.id,
            DividendRound.state != "cancelled"))
        if other is not None:
            raise DomainError("dividend.resolution_used",
                              f"该收益分配方案决议已用于第 {other} 号分配，一项决议只能对应一次分配", rule="S-14")
        rnd.resolution_id, rnd.inspection_from = resolution.id, inspection_from
        detail = {"resolution_id": resolution.id, "inspection_from": inspection_from}
    elif action == "record_town":
        rnd.town_recorded_at, rnd.town_recorded_by_id = utc_naive_now(), getattr(actor, "id", None)
    elif action == "pay":
        if paid_on is None:
            raise DomainError("dividend.paid_on", "请填写发放日期")
        if paid_on > today or paid_on < rnd.record_date:
            raise DomainError("dividend.paid_on", "发放日期应在股权登记日之后、不晚于今天")
        rnd.paid_on = paid_on
        detail = {"paid_on": paid_on}
    elif action == "close":
        rnd.closed_on = today
    elif action == "cancel":
        if not (reason or "").strip():
            raise DomainError("dividend.cancel_reason", "撤销须填写原因")
        rnd.cancel_reason = reason.strip()
        detail = {"reason": rnd.cancel_reason}
    rnd.state = new_state
    audit.record(session, actor=actor, action=f"dividend.{action}", target_type="dividend_round",
                 target_id=rnd.id, area_code=rnd.area_code, old=old, new=new_state, **detail)
    session.flush()
    return rnd


def rounds_of(session: Session, organization_id: int) -> list[DividendRound]:
    return list(session.scalars(select(DividendRound).where(DividendRound.organization_id == organization_id)
                                .order_by(DividendRound.record_date.desc(), DividendRound.id.desc())))


@event.listens_for(DividendLine, "before_update")
@event.listens_for(DividendLine, "before_delete")
def _lines_frozen(mapper, connection, line: DividendLine) -> None:
    """A recorded line never changes (the ORM path; services refuse first)."""
    state = connection.scalar(select(DividendRound.state).where(DividendRound.id == line.round_id))
    if state != "draft":
        raise DomainError("dividend.lines_frozen", "分配明细已确定，不能修改或删除", rule="S-14")
