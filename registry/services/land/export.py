"""Export the current land contract register of a village, a town or the district as .xlsx in the import
layout (``registry.excel.land.writer``); a village's file re-imports as "all unchanged"."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.codes import CIRCULATION_METHOD, CONTRACT_METHOD, LAND_GRADE, LAND_USE, LAND_USE_TYPE, RELATION
from registry.excel.land.writer import write_land_xlsx
from registry.models import Area, Circulation, CirculationParcel, CoHolder, LandContract, Organization, Parcel
from registry.services import audit
from registry.services.exports import PROGRESS_EVERY, ExportResult, RowProgress

__all__ = ["export_land", "land_export_size", "land_rows"]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


def land_export_size(session: Session, area: Area) -> int:
    """How many contractors (承包方 rows) :func:`export_land` would write (one COUNT)."""
    return session.scalar(
        select(func.count()).select_from(LandContract)
        .join(Organization, Organization.id == LandContract.organization_id)
        .where(Organization.area_code.startswith(area.scope_prefix), LandContract.valid_to.is_(None))) or 0


def land_rows(session: Session, scope: str, progress: RowProgress | None = None) -> dict[str, list[list]]:
    """The current records of the villages under ``scope`` (a division-code prefix), per sheet key."""
    contracts = session.scalars(
        select(LandContract).join(Organization, Organization.id == LandContract.organization_id)
        .where(Organization.area_code.startswith(scope), LandContract.valid_to.is_(None))
        .options(selectinload(LandContract.household), selectinload(LandContract.representative),
                 selectinload(LandContract.parcels),
                 selectinload(LandContract.coholders).selectinload(CoHolder.person),
                 selectinload(LandContract.circulations).selectinload(Circulation.parcel_links)
                 .selectinload(CirculationParcel.parcel))
        .order_by(LandContract.contractor_code)).all()
    out: dict[str, list[list]] = {"contractors": [], "parcels": [], "coholders": [], "circulations": []}
    for n, c in enumerate(contracts, start=1):
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n)
        out["contractors"].append([
            c.contractor_code, c.household.number, c.representative.name, c.representative.id_number,
            CONTRACT_METHOD.label(c.method), c.contract_no, c.term_start, c.term_end, c.signed_on,
            c.certificate_no, c.member_count])
        for p in c.parcels:
            if p.valid_to is None:
                out["parcels"].append(_parcel(c, p))
        for h in c.coholders:
            if h.valid_to is None:
                out["coholders"].append([c.contractor_code, h.person.name, h.person.id_number,
                                         RELATION.label(h.relation), _yes_no(h.is_coholder)])
        for z in c.circulations:
            if z.valid_to is None:
                out["circulations"].append([
                    z.code, c.contractor_code, "、".join(link.parcel.code for link in z.parcel_links),
                    z.receiver_name, z.receiver_id_number, CIRCULATION_METHOD.label(z.method), z.area,
                    z.starts_on, z.ends_on, z.price, z.signed_on])
    return out


def _parcel(c: LandContract, p: Parcel) -> list:
    return [p.code, c.contractor_code, p.name, p.contract_area, p.measured_area,
            LAND_USE_TYPE.label(p.land_use_type), LAND_GRADE.label(p.grade), LAND_USE.label(p.land_use),
            _yes_no(p.basic_farmland), p.east, p.south, p.west, p.north]


def export_land(session: Session, area: Area, *, actor, progress: RowProgress | None = None) -> ExportResult:
    """The land register of ``area`` as .xlsx bytes; audit event ``export.land``."""
    rows = land_rows(session, area.scope_prefix, progress)
    data = write_land_xlsx(rows, title=f"{area.full_name or area.name}承包地台账")
    count = len(rows["contractors"])
    audit.record(session, actor=actor, action="export.land", target_type="area", target_id=area.id,
                 area_code=area.code, rows=count, parcels=len(rows["parcels"]))
    session.flush()
    return ExportResult(data, count, f"{area.name}承包地台账_{area.code}.xlsx")
