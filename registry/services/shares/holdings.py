"""Share holdings outside the register import: quantification from the roster's 人口股/农龄股 columns and
the dynamic adjustment event (S-04, S-05, S-06, S-10).

Static management (S-05): nothing here reacts to a birth, death, marriage or move — no code path outside
these explicit events changes a holding. Dynamic management (S-04): a change of units is an adjustment
event linked to the passed member-assembly resolution that approved it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Membership, Organization, Resolution
from registry.models.shares import ShareHolding
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.shares.holders import ACTIVE, has_register
from registry.services.shares.settings import DYNAMIC, HOUSEHOLD, share_settings

ZERO = Decimal(0)
ADJUSTMENT_SUBJECTS = ("quantification_plan", "distribution_plan", "other")


def check_cap(units: dict, cap_percent: Decimal) -> list:
    """S-10: the holders (keys of ``units``) whose units exceed ``cap_percent`` % of the total."""
    total = sum(units.values(), ZERO)
    if total <= 0:
        return []
    limit = total * cap_percent / 100
    return sorted(k for k, v in units.items() if v > limit)


def quantify_from_roster(session: Session, organization: Organization, *, on: dt.date, actor,
                         resolution: Resolution | None = None) -> int:
    """Quantify the village's shares from the roster's per-person 人口股/农龄股 (confirmed members), per
    household or per person as the charter says (S-06); refused when a register is already held or a
    holder would exceed the cap (S-10). Returns the number of holdings written."""
    if has_register(session, organization.id):
        raise DomainError("shares.already_quantified", "本村已有股权登记，不能重复量化", rule="S-05")
    settings = share_settings(session, organization.id, on)
    per_household = settings.holder_unit == HOUSEHOLD
    buckets: dict[tuple, dict[str, Decimal]] = {}
    for hid, pid, pop, farm in session.execute(
            select(Membership.household_id, Membership.person_id, Membership.population_shares,
                   Membership.farm_age_shares)
            .where(Membership.organization_id == organization.id, Membership.status.in_(ACTIVE))):
        key = ("h", hid) if per_household and hid is not None else ("p", pid)
        bucket = buckets.setdefault(key, {})
        for share_type, units in (("population", pop), ("farm_age", farm)):
            if units:
                bucket[share_type] = bucket.get(share_type, ZERO) + units
    over = check_cap({k: sum(b.values(), ZERO) for k, b in buckets.items()}, settings.holding_cap_percent)
    if over:
        raise DomainError("shares.cap_exceeded", f"有 {len(over)} 个持股人超过章程规定的持股上限"
                          f"（{settings.holding_cap_percent}%）", rule="S-10")
    count = 0
    for (kind, ident), bucket in buckets.items():
        for share_type, units in bucket.items():
            session.add(ShareHolding(
                organization_id=organization.id, area_code=organization.area_code,
                household_id=ident if kind == "h" else None, person_id=ident if kind == "p" else None,
                share_type=share_type, units=units, valid_from=on, event="quantification",
                ground="按成员名册人口股、农龄股量化", resolution_id=getattr(resolution, "id", None),
                created_by_id=getattr(actor, "id", None)))
            count += 1
    audit.record(session, actor=actor, action="shares.quantified", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, holdings=count, on=on,
                 holder_unit=settings.holder_unit)
    session.flush()
    return count


def adjust_holding(session: Session, organization: Organization, *, share_type: str, units: Decimal,
                   on: dt.date, resolution: Resolution | None, actor, household_id: int | None = None,
                   person_id: int | None = None, today: dt.date | None = None) -> ShareHolding:
    """A dynamic adjustment (S-04): end the holder's open holding of ``share_type`` on ``on`` and start the
    new units from ``on``. Refused in static management (S-05), without a passed member-assembly
    resolution of this collective dated on or before ``on``, and above the cap (S-10)."""
    today = today or local_today()
    settings = share_settings(session, organization.id, on)
    if settings.management != DYNAMIC:
        raise DomainError("shares.static", "本社实行静态管理（生不增、死不减），股份不随人口变动调整",
                          rule="S-05")
    if (resolution is None or resolution.organization_id != organization.id or not resolution.passed
            or resolution.body != "member_assembly" or resolution.subject not in ADJUSTMENT_SUBJECTS
            or resolution.meeting_date > on):
        raise DomainError("shares.adjustment_resolution",
                          "动态调整须关联本社成员大会已通过的股份调整决议（会议日期不晚于调整日期）",
                          rule="S-04")
    if units < 0 or (household_id is None) == (person_id is None):
        raise DomainError("shares.invalid", "股份数不能为负数，持股人须为一户或一人")
    if on > today:
        raise DomainError("shares.future", "调整日期不能晚于今天")
    holder = (ShareHolding.household_id == household_id if household_id
              else ShareHolding.person_id == person_id)
    old = session.scalar(select(ShareHolding).where(
        ShareHolding.organization_id == organization.id, holder, ShareHolding.share_type == share_type,
        ShareHolding.valid_to.is_(None)))
    totals: dict = {}
    for h in session.scalars(select(ShareHolding).where(ShareHolding.organization_id == organization.id,
                                                        ShareHolding.valid_to.is_(None))):
        key = (h.household_id, h.person_id)
        totals[key] = totals.get(key, ZERO) + (ZERO if h is old else h.units)
    totals[(household_id, person_id)] = totals.get((household_id, person_id), ZERO) + units
    if (household_id, person_id) in check_cap(totals, settings.holding_cap_percent):
        raise DomainError("shares.cap_exceeded",
                          f"调整后超过章程规定的持股上限（{settings.holding_cap_percent}%）", rule="S-10")
    if old is not None:
        if on < old.valid_from:
            raise DomainError("shares.adjustment_date", "调整日期不能早于现有股份的起始日期")
        old.valid_to, old.end_ground = on, f"动态调整（决议 #{resolution.id}）"
    new = ShareHolding(organization_id=organization.id, area_code=organization.area_code,
                       household_id=household_id, person_id=person_id, share_type=share_type, units=units,
                       valid_from=on, event="dynamic_adjustment", ground=f"动态调整（决议 #{resolution.id}）",
                       resolution_id=resolution.id, created_by_id=getattr(actor, "id", None))
    session.add(new)
    session.flush()
    audit.record(session, actor=actor, action="shares.adjusted", target_type="share_holding",
                 target_id=new.id,
                 area_code=organization.area_code, share_type=share_type, old=getattr(old, "units", None),
                 new=units, on=on, resolution_id=resolution.id)
    return new
