"""Entry and change of one land record (issue 15 item 5): the clerk extends a contract's term (L-04),
changes a parcel, ends a co-holder's right with a lawful ground (L-06, L-07, L-10), records a circulation
(L-15..L-18) or changes a certificate's life cycle. Same rules as the import; every change writes an audit
event old → new; nothing is deleted. Optimistic locking: the version the user saw is passed in (the
caller checks it, ``registry.views.concurrency.check_version``) and the mapper's version check applies.
Services flush, never commit."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Circulation, CirculationParcel, CoHolder, LandContract, Parcel
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.land.apply import PARCEL_FIELDS
from registry.services.land.rules import (
    check_circulation_term,
    check_end_ground,
    extended_term_end,
    is_registrable,
)

__all__ = ["extend_contract", "change_parcel", "end_coholder", "add_circulation", "set_certificate"]


def _plain(value):
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _audit(session: Session, actor, action: str, record, area_code: str, old: dict, new: dict, **detail) -> None:
    changes = {k: [_plain(old.get(k)), _plain(v)] for k, v in new.items() if old.get(k) != v}
    audit.record(session, actor=actor, action=action, target_type=record.__tablename__, target_id=record.id,
                 area_code=area_code, changes=changes, **detail)


def _area(contract: LandContract) -> str:
    return contract.contractor_code[:12]


def extend_contract(session: Session, contract: LandContract, *, actor) -> LandContract:
    """L-04: an arable contract's term is extended by 30 years (2028-12-31 -> 2058-12-31), once."""
    if contract.valid_to is not None:
        raise DomainError("land.contract_ended", "该承包合同已终止，不能延包")
    if contract.original_term_end is not None:
        raise DomainError("land.already_extended", f"该承包合同已延包至 {contract.term_end}", rule="L-04")
    old = {"term_end": contract.term_end, "original_term_end": None}
    contract.original_term_end = contract.term_end
    contract.term_end = extended_term_end(contract.term_end)
    session.flush()
    _audit(session, actor, "land.contract_extended", contract, _area(contract), old,
           {"term_end": contract.term_end, "original_term_end": contract.original_term_end}, rule="L-04")
    return contract


def set_certificate(session: Session, contract: LandContract, *, status: str, number: str | None,
                    actor) -> LandContract:
    """The 经营权证 life cycle: issued / reissued (补发) / replaced (换发, a new number) / cancelled."""
    if status not in ("issued", "reissued", "replaced", "cancelled"):
        raise DomainError("land.certificate_status", "证书状态只能是已颁发、已补发、已换发或已注销")
    if contract.certificate_status == "cancelled":
        raise DomainError("land.certificate_cancelled", "证书已注销，不能再变更")
    if status == "replaced" and (not number or number == contract.certificate_no):
        raise DomainError("land.certificate_number", "换发证书须填写新的证书编号")
    old = {"certificate_status": contract.certificate_status, "certificate_no": contract.certificate_no}
    contract.certificate_status = status
    if number:
        contract.certificate_no = number
    session.flush()
    _audit(session, actor, "land.certificate", contract, _area(contract), old,
           {"certificate_status": status, "certificate_no": contract.certificate_no})
    return contract


def change_parcel(session: Session, parcel: Parcel, *, actor, **fields) -> Parcel:
    """Change a parcel's fields (areas > 0, as the import checks them)."""
    unknown = set(fields) - set(PARCEL_FIELDS)
    if unknown:
        raise DomainError("land.parcel_field", f"不能修改：{'、'.join(sorted(unknown))}")
    for key in ("contract_area", "measured_area"):
        value = fields.get(key)
        if value is not None and Decimal(value) <= 0:
            raise DomainError("area.invalid", "面积须大于 0")
    if "contract_area" in fields and fields["contract_area"] is None:
        raise DomainError("area.invalid", "合同面积不能为空")
    old = {k: getattr(parcel, k) for k in fields}
    for key, value in fields.items():
        setattr(parcel, key, value)
    session.flush()
    _audit(session, actor, "land.parcel_changed", parcel, _area(parcel.contract), old, fields)
    return parcel


def end_coholder(session: Session, coholder: CoHolder, *, ground: str, on_date: dt.date, actor) -> CoHolder:
    """End a co-holder's right only with a recorded lawful act (L-07): marriage, divorce or a hukou move
    never end it (L-10, H-01/H-02)."""
    text = check_end_ground(ground)
    if coholder.valid_to is not None:
        raise DomainError("land.coholder_ended", "该共有人的权利已终止")
    coholder.valid_to, coholder.end_ground = on_date, text
    session.flush()
    _audit(session, actor, "land.coholder_ended", coholder, _area(coholder.contract), {},
           {"valid_to": on_date, "end_ground": text}, rule="L-07")
    return coholder


def add_circulation(session: Session, contract: LandContract, *, parcel_codes: list[str], method: str,
                    receiver_name: str, receiver_id_number: str | None, area: Decimal, starts_on: dt.date,
                    ends_on: dt.date, price: Decimal | None, signed_on: dt.date | None = None,
                    filed_on: dt.date | None = None, code: str | None = None, actor) -> Circulation:
    """Record a circulation of the operation right: the contract itself is unchanged (L-18). Refused when
    it ends after the contract's term (L-16 ``circulation.term_exceeds_contract``), lists a parcel not of
    this contract or already circulated in that period, or circulates more than the parcels' contract area.
    ``registrable`` is set for 5 years or more (L-18)."""
    if method not in ("lease", "sublease", "share_in", "other"):
        raise DomainError("value.unknown", "流转方式只能是出租、转包、入股或其他", rule="L-15")
    if not (receiver_name or "").strip():
        raise DomainError("name.missing", "请填写受让方名称")
    check_circulation_term(starts_on, ends_on, contract.term_end)
    parcels = {p.code: p for p in contract.parcels if p.valid_to is None}
    unknown = [c for c in parcel_codes if c not in parcels]
    if unknown or not parcel_codes:
        raise DomainError("circulation.parcel_unknown", f"地块编码不属于该承包方：{'、'.join(unknown) or '（空）'}")
    total = sum((parcels[c].contract_area for c in parcel_codes), Decimal(0))
    if area is None or area <= 0 or area > total:
        raise DomainError("circulation.area_exceeds", f"流转面积须大于 0 且不超过所列地块的合同面积合计 {total} 亩")
    busy = session.scalars(
        select(Parcel.code).join(CirculationParcel, CirculationParcel.parcel_id == Parcel.id)
        .join(Circulation, Circulation.id == CirculationParcel.circulation_id)
        .where(Parcel.code.in_(parcel_codes), Circulation.valid_to.is_(None),
               Circulation.starts_on <= ends_on, Circulation.ends_on >= starts_on)).all()
    if busy:
        raise DomainError("circulation.parcel_busy", f"地块在该期间已流转：{'、'.join(sorted(set(busy)))}")
    circulation = Circulation(contract=contract, code=code, method=method, receiver_name=receiver_name.strip(),
                              receiver_id_number=receiver_id_number, area=area, starts_on=starts_on,
                              ends_on=ends_on, price=price, signed_on=signed_on, filed_on=filed_on,
                              registrable=is_registrable(starts_on, ends_on))
    session.add(circulation)
    for c in parcel_codes:
        session.add(CirculationParcel(circulation=circulation, parcel=parcels[c]))
    session.flush()
    _audit(session, actor, "land.circulation_added", circulation, _area(contract), {},
           {"parcels": "、".join(parcel_codes), "method": method, "area": area, "starts_on": starts_on,
            "ends_on": ends_on, "registrable": circulation.registrable})
    return circulation
