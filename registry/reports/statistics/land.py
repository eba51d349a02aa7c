"""Land circulation in the rows of the national rural-management statistics (农村经营管理统计, 家庭承包
耕地流转情况; issue 12 item 3): household-contract land, circulated area on the date by method
(出租（转包）/入股/其他) and by receiver (农户/家庭农场/专业合作社/企业/其他), contracts signed. One column
per town / village and the total.

The register records the receiver's name and ID or credit code, not its type, so the type is derived
in SQL (:func:`receiver_type`): a name with 家庭农场 → family farm; a credit code 93… (农民专业合作社) or a
name with 合作社 → cooperative; a credit code 91… (企业) or a name with 公司/企业 → enterprise; a resident
ID (15/18 characters, not a credit code) → farmer household; anything else → other."""
from __future__ import annotations

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from registry.codes import CIRCULATION_METHOD
from registry.models import Area, Circulation, LandContract, Organization, Parcel
from registry.reports.statistics.base import (
    Drill,
    Figure,
    Period,
    Report,
    Table,
    cell_key,
    locate,
    mu,
    units_of,
)

HOUSEHOLD_METHODS = ("100", "110")  # C.10 承包 / 家庭承包
RECEIVERS = {"farmer": "农户", "family_farm": "家庭农场", "cooperative": "专业合作社", "enterprise": "企业",
             "other": "其他主体"}
HEADINGS_START = ("指标", "计量单位", "合计")
PARCEL_HEADINGS = ("集体经济组织", "承包方编码", "地块编码", "地块名称", "合同面积（亩）")
CIRCULATION_HEADINGS = ("集体经济组织", "流转合同编号", "承包方编码", "受让方", "流转方式", "流转面积（亩）",
                        "开始日期", "结束日期", "签订日期")


def receiver_type():
    """SQL CASE: the receiver type code of a circulation (see the module docstring)."""
    name, code = Circulation.receiver_name, func.coalesce(Circulation.receiver_id_number, "")
    return case((name.contains("家庭农场"), "family_farm"),
                (or_(code.startswith("93"), name.contains("合作社")), "cooperative"),
                (or_(code.startswith("91"), name.contains("公司"), name.contains("企业")), "enterprise"),
                (and_(func.length(code).in_((15, 18)), ~code.startswith("9")), "farmer"),
                else_="other")


def _indicators():
    """``{key: (label, unit, condition on a circulation or None for the contract area)}`` in the form's order."""
    out = {"contract_area": ("家庭承包耕地面积", "亩", None),
           "circulated": ("家庭承包耕地流转总面积", "亩", literal(True)),
           "lease": ("其中：出租（转包）", "亩", Circulation.method.in_(("lease", "sublease"))),
           "share_in": ("入股", "亩", Circulation.method == "share_in"),
           "other_method": ("其他形式", "亩", Circulation.method.not_in(("lease", "sublease", "share_in")))}
    kind = receiver_type()
    out.update({f"to_{k}": (f"流转入{label}的面积", "亩", kind == k) for k, label in RECEIVERS.items()})
    out["signed"] = ("签订耕地流转合同份数", "份", Circulation.signed_on.is_not(None))
    out["signed_area"] = ("签订流转合同的耕地流转面积", "亩", Circulation.signed_on.is_not(None))
    return out


def _contracts(prefix: str):
    return (LandContract.valid_to.is_(None), LandContract.method.in_(HOUSEHOLD_METHODS),
            Organization.area_code.startswith(prefix))


def _in_force(period: Period):
    return (Circulation.valid_to.is_(None), Circulation.starts_on <= period.end, Circulation.ends_on >= period.end)


def land_circulation(session: Session, area: Area, period: Period, **_options) -> Report:
    report = Report("land", "家庭承包耕地流转情况统计表", area, period)
    units = units_of(session, area)
    key = units.key()
    values: dict[str, dict[str, object]] = {k: {} for k in _indicators()}
    for unit, area_mu in session.execute(
            select(key, func.sum(Parcel.contract_area)).select_from(Parcel)
            .join(LandContract, LandContract.id == Parcel.contract_id)
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(*_contracts(area.scope_prefix), Parcel.valid_to.is_(None)).group_by(key)):
        values["contract_area"][units.code(unit)] = mu(area_mu)
    if not values["contract_area"]:
        report.empty = True
        return report
    circulating = [(k, cond) for k, (_l, _u, cond) in _indicators().items() if cond is not None]
    sums = [func.sum(case((cond, 1 if k == "signed" else Circulation.area), else_=0)) for k, cond in circulating]
    for unit, *figures in session.execute(
            select(key, *sums).select_from(Circulation)
            .join(LandContract, LandContract.id == Circulation.contract_id)
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(*_contracts(area.scope_prefix), *_in_force(period)).group_by(key)):
        for (k, _cond), v in zip(circulating, figures):
            values[k][units.code(unit)] = int(v or 0) if k == "signed" else mu(v)
    codes = list(units.names)
    rows = []
    for k, (label, unit_label, _cond) in _indicators().items():
        zero = 0 if k == "signed" else mu(0)
        per_unit = [values[k].get(c, zero) for c in codes]
        total = sum(per_unit, zero)
        rows.append([label, unit_label, Figure(total, cell_key(area.code, k)),
                     *(Figure(v, cell_key(c, k)) for c, v in zip(codes, per_unit))])
    report.tables.append(Table("家庭承包耕地流转情况", (*HEADINGS_START, *units.names.values()), rows))
    return report


def land_drill(session: Session, area: Area, period: Period, cell: str, **_options) -> Drill | None:
    """Parcels behind the contract area; circulations behind the other rows. An area figure sums the
    listed records' areas (the list's 面积 column); a count figure equals the list's length."""
    prefix, column = locate(area, cell)
    entry = _indicators().get(column)
    if prefix is None or entry is None:
        return None
    label, _unit, condition = entry
    if condition is None:
        stmt = (select(Organization.name, LandContract.contractor_code, Parcel.code, Parcel.name, Parcel.contract_area)
                .select_from(Parcel).join(LandContract, LandContract.id == Parcel.contract_id)
                .join(Organization, Organization.id == LandContract.organization_id)
                .where(*_contracts(prefix), Parcel.valid_to.is_(None)).order_by(Parcel.code))
        return Drill(label, PARCEL_HEADINGS, stmt, lambda r: (*r[:4], mu(r[4])))
    stmt = (select(Organization.name, Circulation.code, LandContract.contractor_code, Circulation.receiver_name,
                   Circulation.method, Circulation.area, Circulation.starts_on, Circulation.ends_on,
                   Circulation.signed_on)
            .select_from(Circulation).join(LandContract, LandContract.id == Circulation.contract_id)
            .join(Organization, Organization.id == LandContract.organization_id)
            .where(*_contracts(prefix), *_in_force(period), condition)
            .order_by(LandContract.contractor_code, Circulation.id))

    def cells(r):
        org, code, contractor, receiver, method, area_mu, *dates = r
        return (org, code or "", contractor, receiver, CIRCULATION_METHOD.label(method) or method, mu(area_mu),
                *(d or "" for d in dates))

    return Drill(label, CIRCULATION_HEADINGS, stmt, cells)
