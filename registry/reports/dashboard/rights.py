"""Dashboard figures of the rights registers (issue 12 item 1): contracted 亩 by contracting method,
circulated 亩 by circulation method and receiver type (L-15), homesteads by status (§2.8), share units by
type (S-06, S-07), the latest dividend round of each village, and recorded transactions by type (§6.3)."""
from __future__ import annotations

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from registry.models import (
    Circulation,
    DividendRound,
    Homestead,
    Household,
    LandContract,
    Organization,
    Parcel,
    ShareHolding,
    Transfer,
)
from registry.reports.dashboard.core import VILLAGE_COLUMN, Column, Ctx, Dim, Spec

#: Receivers of circulated land, as the national rural-management statistics count them.
RECEIVER_TYPES = ("farmer", "family_farm", "cooperative", "enterprise", "other")


def receiver_type(name, id_number):
    """The receiver type read from the receiver's name and ID: a family farm or cooperative by name, an
    enterprise by name or by a unified social credit code of a company (91…), a farming household by a
    resident ID number (region digits, then a birth year 19xx/20xx) or a short personal name."""
    rid = func.coalesce(id_number, "")
    resident = and_(func.length(rid) == 18, ~rid.startswith("9"),
                    or_(func.substr(rid, 7, 2) == "19", func.substr(rid, 7, 2) == "20"))
    return case((name.contains("家庭农场"), "family_farm"), (name.contains("合作社"), "cooperative"),
                (or_(name.contains("公司"), name.contains("企业"), rid.startswith("91")), "enterprise"),
                (or_(resident, and_(rid == "", func.length(name) <= 4)), "farmer"), else_="other")


def _org_join(stmt, column):
    return stmt.join(Organization, Organization.id == column)


def parcels(ctx: Ctx) -> Spec:
    """Contracted 亩 (合同面积) of the current parcels of current contracts, by contracting method (C.10)."""
    base = _org_join(select(Parcel.id).select_from(Parcel).join(LandContract, LandContract.id == Parcel.contract_id),
                     LandContract.organization_id).where(ctx.in_scope, LandContract.valid_to.is_(None),
                                                         Parcel.valid_to.is_(None))
    return Spec(base, Parcel.id, {"unit": Dim(ctx.unit), "cmethod": Dim(LandContract.method)},
                [VILLAGE_COLUMN, Column("Contractor code", LandContract.contractor_code),
                 Column("Parcel code", Parcel.code), Column("Parcel name", Parcel.name),
                 Column("Contract method", LandContract.method, "dim:cmethod"),
                 Column("Contract area (mu)", Parcel.contract_area, "number")],
                [Organization.area_code, Parcel.code], value=Parcel.contract_area, places=4)


def circulations(ctx: Ctx) -> Spec:
    """Circulated 亩 in force on the day (L-15), by method and receiver type."""
    receiver = receiver_type(Circulation.receiver_name, Circulation.receiver_id_number)
    base = _org_join(select(Circulation.id).select_from(Circulation)
                     .join(LandContract, LandContract.id == Circulation.contract_id), LandContract.organization_id)
    base = base.where(ctx.in_scope, LandContract.valid_to.is_(None), Circulation.valid_to.is_(None),
                      Circulation.starts_on <= ctx.today, Circulation.ends_on >= ctx.today)
    return Spec(base, Circulation.id, {"unit": Dim(ctx.unit), "method": Dim(Circulation.method),
                                       "receiver": Dim(receiver)},
                [VILLAGE_COLUMN, Column("Contractor code", LandContract.contractor_code),
                 Column("Circulation method", Circulation.method, "dim:method"),
                 Column("Receiver", Circulation.receiver_name), Column("Receiver type", receiver, "dim:receiver"),
                 Column("Starts", Circulation.starts_on, "date"), Column("Ends", Circulation.ends_on, "date"),
                 Column("Area (mu)", Circulation.area, "number")],
                [Organization.area_code, Circulation.starts_on, Circulation.id], value=Circulation.area, places=4)


def homesteads(ctx: Ctx) -> Spec:
    """Current homestead records by status (§2.8)."""
    base = _org_join(select(Homestead.id).select_from(Homestead)
                     .join(Household, Household.id == Homestead.household_id), Homestead.organization_id)
    base = base.where(ctx.in_scope, Homestead.valid_to.is_(None))
    return Spec(base, Homestead.id, {"unit": Dim(ctx.unit), "status": Dim(Homestead.status)},
                [VILLAGE_COLUMN, Column("Plot code", Homestead.plot_code),
                 Column("Household no.", Household.number), Column("Status", Homestead.status, "dim:status"),
                 Column("Plot area (m²)", Homestead.plot_area, "number")],
                [Homestead.plot_code])


def holdings(ctx: Ctx) -> Spec:
    """Share units held on the day (valid_from ≤ day < valid_to), by share type (S-07)."""
    day = ctx.today
    base = _org_join(select(ShareHolding.id).select_from(ShareHolding), ShareHolding.organization_id)
    base = (base.outerjoin(Household, Household.id == ShareHolding.household_id)
            .where(ctx.in_scope, ShareHolding.valid_from <= day,
                   or_(ShareHolding.valid_to.is_(None), ShareHolding.valid_to > day)))
    return Spec(base, ShareHolding.id, {"unit": Dim(ctx.unit), "stype": Dim(ShareHolding.share_type)},
                [VILLAGE_COLUMN, Column("Household no.", Household.number),
                 Column("Share type", ShareHolding.share_type, "dim:stype"),
                 Column("Valid from", ShareHolding.valid_from, "date"), Column("Units", ShareHolding.units, "number")],
                [Organization.area_code, Household.number, ShareHolding.id], value=ShareHolding.units, places=4)


def latest_rounds(ctx: Ctx) -> Spec:
    """The latest dividend round of each village (latest record date, not cancelled); the sum is the
    distributable amount."""
    later = aliased(DividendRound)
    newer = exists().where(later.organization_id == DividendRound.organization_id, later.state != "cancelled",
                           or_(later.record_date > DividendRound.record_date,
                               and_(later.record_date == DividendRound.record_date, later.id > DividendRound.id)))
    base = _org_join(select(DividendRound.id).select_from(DividendRound), DividendRound.organization_id)
    base = base.where(ctx.in_scope, DividendRound.state != "cancelled", ~newer)
    return Spec(base, DividendRound.id, {"unit": Dim(ctx.unit), "rstate": Dim(DividendRound.state)},
                [VILLAGE_COLUMN, Column("Organisation", Organization.name),
                 Column("Title", DividendRound.title), Column("Record date", DividendRound.record_date, "date"),
                 Column("State", DividendRound.state, "dim:rstate"),
                 Column("Distributable (yuan)", DividendRound.distributable, "number")],
                [Organization.area_code], value=DividendRound.distributable, places=2)


def transfers(ctx: Ctx) -> Spec:
    """Recorded transactions (§6.3: in effect once the town recorded them) by type; the sum is the price."""
    base = _org_join(select(Transfer.id).select_from(Transfer), Transfer.organization_id)
    base = base.where(ctx.in_scope, Transfer.state == "recorded")
    return Spec(base, Transfer.id, {"unit": Dim(ctx.unit), "ttype": Dim(Transfer.type)},
                [VILLAGE_COLUMN, Column("Journal no.", Transfer.journal_no),
                 Column("Type", Transfer.type, "dim:ttype"), Column("Effective", Transfer.effective_on, "date"),
                 Column("Price (yuan)", Transfer.price, "number")],
                [Organization.area_code, Transfer.effective_on, Transfer.id], value=Transfer.price, places=2)
