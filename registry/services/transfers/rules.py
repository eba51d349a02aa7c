"""Recipient and object rules of a transfer (DOMAIN S-08, S-09, S-10, D-01, D-07, D-13, L-13, D-08).

``facts`` reads the world a transfer depends on (held units, the recipient's membership and homestead,
the parcel's holder) into a plain dict; ``check`` applies the rules to those facts. The facts are kept on
the transfer at draft and consent; the town's record recomputes them and refuses a stale draft with what
changed. No rule reads a hukou field.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry.models import Homestead, Household, Membership
from registry.models.shares import ShareHolding
from registry.models.transfers import OPEN_STATES, Transfer
from registry.services.errors import DomainError
from registry.services.shares.holders import ACTIVE, holdings_on
from registry.services.shares.settings import share_settings
from registry.services.transfers import land, withdrawal

ZERO = Decimal(0)
TO_ORGANIZATION = ("share_buyback", "homestead_withdrawal", "land_return", "membership_withdrawal")


def _units(session: Session, org_id: int, day: dt.date, *, household_id=None, person_id=None,
           share_type=None) -> Decimal:
    stmt = holdings_on(session, org_id, day).with_only_columns(func.coalesce(func.sum(ShareHolding.units), 0))
    if household_id is not None:
        stmt = stmt.where(ShareHolding.household_id == household_id)
    elif person_id is not None:
        stmt = stmt.where(ShareHolding.person_id == person_id)
    if share_type is not None:
        stmt = stmt.where(ShareHolding.share_type == share_type)
    return Decimal(session.scalar(stmt) or 0)


def _is_member(session: Session, org_id: int, *, household_id=None, person_id=None) -> bool:
    who = (Membership.household_id == household_id if household_id is not None
           else Membership.person_id == person_id)
    return session.scalar(select(Membership.id).where(
        Membership.organization_id == org_id, who, Membership.status.in_(ACTIVE)).limit(1)) is not None


def _household_org(session: Session, household_id) -> int | None:
    return session.scalar(select(Household.organization_id).where(Household.id == household_id))


def facts(session: Session, t: Transfer, day: dt.date) -> dict:
    """The facts the rules read, as strings (JSON-safe, comparable)."""
    out: dict[str, str | bool | int | None] = {}
    to = {"household_id": t.household_to_id, "person_id": t.person_to_id}
    if t.type.startswith("share"):
        out["held"] = str(_units(session, t.organization_id, day, household_id=t.household_from_id,
                                 person_id=t.person_from_id, share_type=t.share_type))
        if t.type not in TO_ORGANIZATION:
            out["recipient_member"] = _is_member(session, t.organization_id, **to)
            out["recipient_units"] = str(_units(session, t.organization_id, day, **to))
        out["total_units"] = str(_units(session, t.organization_id, day))
    elif t.type.startswith("homestead"):
        h = session.get(Homestead, t.homestead_id)
        out["homestead_holder"] = h.household_id if h and h.valid_to is None and h.status == "in_use" else None
        if t.type not in TO_ORGANIZATION:
            out["recipient_org"] = _household_org(session, t.household_to_id)
            out["recipient_homesteads"] = session.scalar(select(func.count(Homestead.id)).where(
                Homestead.household_id == t.household_to_id, Homestead.status == "in_use",
                Homestead.valid_to.is_(None)))
    elif t.type.startswith("land"):
        out.update(land.facts(session, t, day))
    else:
        out.update(withdrawal.facts(session, t))
    return out


def check(session: Session, t: Transfer, f: dict, day: dt.date, *, recording: bool = False) -> None:
    """Raise the first broken rule (rule id on the error); ``recording``: ``day`` is the effective date."""
    if t.price is None or t.price < 0:
        raise DomainError("transfers.price", "价款不能为负数")
    if t.type.startswith("share"):
        _check_share(session, t, f, day)
    elif t.type.startswith("homestead"):
        if f["homestead_holder"] != t.household_from_id:
            raise DomainError("transfers.not_held", "转出户不持有该宅基地（或已不在使用中）", rule="D-13")
        if t.type == "homestead_transfer":
            if f["recipient_org"] != t.organization_id:
                raise DomainError("transfers.recipient_collective", "宅基地只能转让给本集体经济组织的农户",
                                  rule="D-13")
            if f["recipient_homesteads"]:
                raise DomainError("transfers.recipient_has_homestead",
                                  "受让户已有使用中的宅基地（一户一宅）", rule="D-01")
    elif t.type.startswith("land"):
        land.check(t, f, day, recording=recording)
    else:
        withdrawal.check(t, f)


def _check_share(session: Session, t: Transfer, f: dict, day: dt.date) -> None:
    if Decimal(f["held"]) < t.units:
        raise DomainError("transfers.more_than_held", f"转出股份 {t.units} 超过持有的 {f['held']}",
                          rule="S-08")
    if t.type in ("share_transfer", "share_gift") and not f["recipient_member"]:
        raise DomainError("transfers.recipient_not_member",
                          "股份只能转让或赠与本组织成员，或由本组织赎回", rule="S-08")
    if t.type == "share_inheritance":
        # S-09: the heir may be a non-member; a non-member heir's holding carries no vote. S-10 caps
        # quantification, transfer and gift, not inheritance.
        t.voting = bool(f["recipient_member"])
        return
    if t.type in TO_ORGANIZATION:
        return
    settings = share_settings(session, t.organization_id, day)
    total = Decimal(f["total_units"])
    if Decimal(f["recipient_units"]) + t.units > total * settings.holding_cap_percent / 100:
        raise DomainError("transfers.cap_exceeded",
                          f"受让后超过章程规定的持股上限（{settings.holding_cap_percent}%）", rule="S-10")


def open_over_same_object(session: Session, t: Transfer) -> bool:
    """Another open transfer over the same parcel (given or exchanged back) / homestead / membership /
    holder's share type."""
    stmt = select(Transfer.id).where(Transfer.state.in_(OPEN_STATES), Transfer.id != (t.id or 0))
    if t.parcel_id:
        parcels = [i for i in (t.parcel_id, t.counter_parcel_id) if i is not None]
        stmt = stmt.where(or_(Transfer.parcel_id.in_(parcels), Transfer.counter_parcel_id.in_(parcels)))
    elif t.type == "membership_withdrawal":
        stmt = stmt.where(Transfer.organization_id == t.organization_id, Transfer.type == t.type,
                          Transfer.person_from_id == t.person_from_id)
    elif t.homestead_id:
        stmt = stmt.where(Transfer.homestead_id == t.homestead_id)
    else:
        stmt = stmt.where(Transfer.organization_id == t.organization_id, Transfer.share_type == t.share_type,
                          Transfer.household_from_id.is_(t.household_from_id) if t.household_from_id is None
                          else Transfer.household_from_id == t.household_from_id,
                          Transfer.person_from_id.is_(None) if t.person_from_id is None
                          else Transfer.person_from_id == t.person_from_id)
    return session.scalar(stmt.limit(1)) is not None


def lock(session: Session, t: Transfer) -> None:
    """Take the row locks a transaction's checks and effect depend on, always in the same order — the
    parties' households, then the object's rows (PostgreSQL ``SELECT … FOR UPDATE``; a SQLite file
    serialises its writers anyway). A concurrent action over the same households or object waits here
    and then reads the committed result of the first, so the rules, not luck, decide between them."""
    households = sorted({i for i in (t.household_from_id, t.household_to_id) if i is not None})
    if households:
        session.scalars(select(Household.id).where(Household.id.in_(households)).order_by(Household.id)
                        .with_for_update()).all()
    if t.type.startswith("share"):
        holders = [ShareHolding.household_id.in_(households)] if households else []
        people = [i for i in (t.person_from_id, t.person_to_id) if i is not None]
        if people:
            holders.append(ShareHolding.person_id.in_(people))
        session.scalars(select(ShareHolding).where(
            ShareHolding.organization_id == t.organization_id, ShareHolding.valid_to.is_(None), or_(*holders))
            .order_by(ShareHolding.id).with_for_update().execution_options(populate_existing=True)).all()
    elif t.type.startswith("homestead"):
        session.scalars(select(Homestead).where(Homestead.id == t.homestead_id).with_for_update()
                        .execution_options(populate_existing=True)).all()
    elif t.type.startswith("land"):
        land.lock(session, t)
    else:
        withdrawal.lock(session, t)
