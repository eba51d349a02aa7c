"""Land contract-right transactions (DOMAIN L-09, L-12, L-13, §2.7): their facts, rules and effect.

Exchange (互换, L-12): the giving household's parcel goes to the receiving household's contract and the
receiver's ``counter_parcel`` comes back; both are contractors of the same collective and the exchange is
filed with the issuer. Transfer (转让, L-13): with the issuer's consent, to another household of the same
collective; the parcel joins the receiver's current contract, or a new contract (C.10 method 200) for the
remaining term when the receiver holds none. Return (交回, L-09): to the collective, in effect no earlier
than 6 months after the written notice; a household that returned land may not receive contract land again
in the same term.

In effect a parcel row ends (``valid_to`` = the effective date: its last day is the day before) and a copy
starts in the receiver's contract on the effective date; a contract left without a parcel ends the same
day. Nothing is deleted. The parcel rows are ended by a conditional UPDATE (``valid_to IS NULL``), so of
two concurrent records of the same parcel only one can end it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from registry.models import Household, HouseholdMember, LandContract, Parcel
from registry.models.transfers import Transfer
from registry.services.errors import DomainError

NOTICE_MONTHS = 6  # L-09
_SKIP = {"id", "contract_id", "valid_from", "valid_to", "end_ground", "created_at", "updated_at", "version"}
GROUNDS = {"land_exchange": "互换", "land_transfer": "转让", "land_return": "自愿交回"}


def return_allowed_from(notice_on: dt.date) -> dt.date:
    """L-09: a return takes effect no earlier than 6 months after the written notice (15 March → 15
    September; 31 August → 28/29 February)."""
    month = notice_on.month - 1 + NOTICE_MONTHS
    year, month = notice_on.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(notice_on.day, last))


def _holder(session: Session, parcel_id: int | None) -> int | None:
    """The household whose current contract holds the current parcel row (None when ended)."""
    if parcel_id is None:
        return None
    return session.scalar(select(LandContract.household_id).join(Parcel, Parcel.contract_id == LandContract.id)
                          .where(Parcel.id == parcel_id, Parcel.valid_to.is_(None),
                                 LandContract.valid_to.is_(None)))


def _current_contract(session: Session, household_id: int | None) -> LandContract | None:
    if household_id is None:
        return None
    return session.scalars(select(LandContract).where(LandContract.household_id == household_id,
                                                      LandContract.valid_to.is_(None))
                           .order_by(LandContract.id)).first()


def _returned_this_term(session: Session, t: Transfer, day: dt.date) -> int | None:
    """L-09: the journal number of a return the receiving household put into effect during a term still
    running on ``day``."""
    if t.household_to_id is None:
        return None
    return session.scalar(
        select(Transfer.journal_no).join(Parcel, Parcel.id == Transfer.parcel_id)
        .join(LandContract, LandContract.id == Parcel.contract_id)
        .where(Transfer.type == "land_return", Transfer.state == "recorded",
               Transfer.household_from_id == t.household_to_id, LandContract.term_end >= day).limit(1))


def facts(session: Session, t: Transfer, day: dt.date) -> dict:
    parcel = session.get(Parcel, t.parcel_id)
    out = {"parcel_holder": _holder(session, t.parcel_id),
           "parcel_area": str(parcel.contract_area) if parcel else None}
    if t.type in ("land_transfer", "land_exchange"):
        out["recipient_org"] = session.scalar(select(Household.organization_id)
                                              .where(Household.id == t.household_to_id))
        out["recipient_contract"] = getattr(_current_contract(session, t.household_to_id), "id", None)
    if t.type == "land_transfer":
        out["recipient_returned"] = _returned_this_term(session, t, day)
    if t.type == "land_exchange":
        out["counter_holder"] = _holder(session, t.counter_parcel_id)
    return out


def check(t: Transfer, f: dict, day: dt.date, *, recording: bool = False) -> None:
    """Raise the first broken rule of a land transaction (L-09, L-12, L-13); the 6 months' notice of a
    return is checked against the effective date when the town records it (``recording``)."""
    rule = "L-12" if t.type == "land_exchange" else "L-09" if t.type == "land_return" else "L-13"
    if f["parcel_holder"] is None or f["parcel_holder"] != t.household_from_id:
        raise DomainError("transfers.not_held", "转出户不承包该地块（或地块已不在册）", rule=rule)
    if t.area_mu is None:
        t.area_mu = Decimal(f["parcel_area"])
    elif Decimal(t.area_mu) != Decimal(f["parcel_area"]):
        raise DomainError("transfers.parcel_area", f"地块须整块交易：合同面积为 {f['parcel_area']} 亩", rule=rule)
    if t.type == "land_return":
        if t.notice_on is None:
            raise DomainError("transfers.return_notice", "自愿交回须提前半年书面通知发包方：请填写通知日期",
                              rule="L-09")
        earliest = return_allowed_from(t.notice_on)
        if recording and day < earliest:
            raise DomainError("transfers.return_notice_period",
                              f"自愿交回须提前半年书面通知：{t.notice_on} 通知，{earliest} 起方可生效", rule="L-09")
        return
    if f["recipient_org"] != t.organization_id or t.household_to_id == t.household_from_id:
        what = "互换" if t.type == "land_exchange" else "转让"
        raise DomainError("transfers.recipient_collective",
                          f"土地承包经营权只能{what}给本集体经济组织的其他农户", rule=rule)
    if f.get("recipient_returned") is not None:
        raise DomainError("transfers.recipient_returned",
                          f"受让户已自愿交回承包地（交易登记第 {f['recipient_returned']} 号），"
                          "本承包期内不得再承包土地",
                          rule="L-09")
    if not (t.consent_note or "").strip():
        raise DomainError("transfers.issuer_consent",
                          "互换须向发包方备案" if t.type == "land_exchange" else "转让须经发包方同意", rule=rule)
    if t.type == "land_exchange":
        if f["recipient_contract"] is None:
            raise DomainError("transfers.recipient_not_contractor", "互换只能在本集体的承包方之间进行", rule="L-12")
        if f["counter_holder"] is None or f["counter_holder"] != t.household_to_id:
            raise DomainError("transfers.counter_not_held", "换回的地块不属于对方承包户", rule="L-12")


def lock(session: Session, t: Transfer) -> None:
    """Row locks on the parcels (PostgreSQL ``FOR UPDATE``; a SQLite file serialises writers): a second
    record of the same parcel waits here and then reads the first one's result."""
    ids = sorted(i for i in (t.parcel_id, t.counter_parcel_id) if i is not None)
    if ids:
        session.scalars(select(Parcel).where(Parcel.id.in_(ids)).order_by(Parcel.id)
                        .with_for_update().execution_options(populate_existing=True)).all()


def apply(session: Session, t: Transfer) -> None:
    """The effect of a recorded land transaction (the caller set ``effective_on`` and ``journal_no``)."""
    ground = f"{GROUNDS[t.type]}（交易登记第 {t.journal_no} 号）"
    on = t.effective_on
    giver = session.get(Parcel, t.parcel_id).contract
    if t.type == "land_return":
        _end(session, t.parcel_id, on, ground)
    elif t.type == "land_transfer":
        _move(session, t.parcel_id, _receiving_contract(session, t, giver), on, ground)
    else:
        receiver = _current_contract(session, t.household_to_id)
        _move(session, t.parcel_id, receiver, on, ground)
        _move(session, t.counter_parcel_id, giver, on, ground)
    _end_if_empty(session, giver, on, ground)
    session.flush()


def _end(session: Session, parcel_id: int, on: dt.date, ground: str) -> Parcel:
    parcel = session.get(Parcel, parcel_id)
    if on < (parcel.valid_from or on):
        raise DomainError("transfers.effective_date", "生效日期不能早于地块的登记起始日期")
    done = session.execute(update(Parcel).where(Parcel.id == parcel_id, Parcel.valid_to.is_(None))
                           .values(valid_to=on, end_ground=ground, version=Parcel.version + 1,
                                   updated_at=func.now())
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError("transfers.stale", "该地块已被另一笔交易变更，请重新审核", rule="§6.3")
    session.refresh(parcel)
    return parcel


def _move(session: Session, parcel_id: int, contract: LandContract, on: dt.date, ground: str) -> Parcel:
    old = _end(session, parcel_id, on, ground)
    copy = {c.key: getattr(old, c.key) for c in Parcel.__mapper__.column_attrs if c.key not in _SKIP}
    new = Parcel(**copy, contract=contract, valid_from=on)
    session.add(new)
    session.flush()
    return new


def _receiving_contract(session: Session, t: Transfer, giver: LandContract) -> LandContract:
    """L-13: the receiver's current contract, or a new one (C.10 200 转让) for the remaining term, with the
    head of household as representative and the next free contractor code of the giver's issuer."""
    contract = _current_contract(session, t.household_to_id)
    if contract is not None:
        return contract
    head = session.scalar(select(HouseholdMember.person_id).where(
        HouseholdMember.household_id == t.household_to_id, HouseholdMember.is_head.is_(True),
        HouseholdMember.valid_to.is_(None)))
    if head is None:
        raise DomainError("transfers.recipient_no_head", "受让户没有户主，无法签订承包合同", rule="L-13")
    issuer = giver.contractor_code[:14]
    used = session.scalars(select(LandContract.contractor_code)
                           .where(LandContract.contractor_code.like(f"{issuer}%"))).all()
    number = max((int(code[14:]) for code in used if code[14:].isdigit()), default=0) + 1
    if number > 9999:
        raise DomainError("transfers.contractor_code", "发包方的承包方编码已用尽")
    contract = LandContract(organization_id=t.organization_id, household_id=t.household_to_id,
                            representative_id=head, contractor_code=f"{issuer}{number:04d}", issuer_code=issuer,
                            method="200", term_start=t.effective_on, term_end=giver.term_end,
                            original_term_end=giver.original_term_end, signed_on=t.effective_on,
                            certificate_status="issued", valid_from=t.effective_on)
    session.add(contract)
    session.flush()
    return contract


def _end_if_empty(session: Session, contract: LandContract, on: dt.date, ground: str) -> None:
    """A contract left without a current parcel ends the same day (L-13: the old contract on that land ends)."""
    left = session.scalar(select(func.count(Parcel.id)).where(Parcel.contract_id == contract.id,
                                                              Parcel.valid_to.is_(None)))
    if not left and contract.valid_to is None:
        contract.valid_to, contract.end_ground = on, ground

