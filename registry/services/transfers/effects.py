"""The effect of a recorded transfer, in the caller's transaction (DOMAIN §2.7, §2.9, D-07).

Holdings are half-open (``valid_from <= D < valid_to``): the old holding gets ``valid_to = effective_on``
(its last day is the day before) and the new one starts on ``effective_on`` — no day counted twice, none
lost. Nothing is deleted. Only an Art. 16 withdrawal (``withdrawal``) ends a membership: a share sale or a
homestead withdrawal does not. Land transactions: ``land``.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.models import Homestead
from registry.models.shares import ShareHolding
from registry.models.transfers import Transfer
from registry.services.errors import DomainError
from registry.services.transfers import land, withdrawal

EVENTS = {"share_transfer": "transfer", "share_gift": "gift", "share_buyback": "buy_back",
          "share_inheritance": "inheritance"}


def apply(session: Session, t: Transfer, *, actor, day=None) -> None:
    if t.type.startswith("share"):
        _shares(session, t, actor)
    elif t.type.startswith("homestead"):
        _homestead(session, t)
    elif t.type.startswith("land"):
        land.apply(session, t)
    else:
        withdrawal.apply(session, t, actor=actor, day=day or t.effective_on)


def _open(session: Session, t: Transfer, household_id, person_id) -> list[ShareHolding]:
    who = (ShareHolding.household_id == household_id if household_id is not None
           else ShareHolding.person_id == person_id)
    return list(session.scalars(select(ShareHolding).where(
        ShareHolding.organization_id == t.organization_id, who, ShareHolding.share_type == t.share_type,
        ShareHolding.valid_to.is_(None)).order_by(ShareHolding.id)))


def _shares(session: Session, t: Transfer, actor) -> None:
    ground = f"股权{EVENTS[t.type]}（交易登记第 {t.journal_no} 号）"
    on, actor_id = t.effective_on, getattr(actor, "id", None)

    def restart(holdings, household_id, person_id, units: Decimal, voting: bool) -> None:
        for h in holdings:
            if on < h.valid_from:
                raise DomainError("transfers.effective_date", "生效日期不能早于现有股份的起始日期")
        # a conditional UPDATE: of two concurrent records of the same units only one can end them
        ids = [h.id for h in holdings]
        done = session.execute(update(ShareHolding).where(ShareHolding.id.in_(ids), ShareHolding.valid_to.is_(None))
                               .values(valid_to=on, end_ground=ground)
                               .execution_options(synchronize_session="fetch")) if ids else None
        if done is not None and done.rowcount != len(ids):
            raise DomainError("transfers.stale", "股份已被另一笔交易变更，请重新审核", rule="§6.3")
        if units > 0:
            session.add(ShareHolding(
                organization_id=t.organization_id, area_code=t.area_code, household_id=household_id,
                person_id=person_id, share_type=t.share_type, units=units, valid_from=on,
                event=EVENTS[t.type], ground=ground, created_by_id=actor_id, voting=voting))

    def votes(holdings) -> bool:
        return all(h.voting is not False for h in holdings)

    seller = _open(session, t, t.household_from_id, t.person_from_id)
    restart(seller, t.household_from_id, t.person_from_id, sum((h.units for h in seller), Decimal(0)) - t.units,
            votes(seller))
    if t.household_to_id is not None or t.person_to_id is not None:
        buyer = _open(session, t, t.household_to_id, t.person_to_id)
        # S-09: a non-member heir's holding carries no vote; otherwise the receiver's holdings keep theirs
        voting = bool(t.voting) if t.type == "share_inheritance" else votes(buyer)
        restart(buyer, t.household_to_id, t.person_to_id, sum((h.units for h in buyer), Decimal(0)) + t.units,
                voting)
    session.flush()


def _homestead(session: Session, t: Transfer) -> None:
    h = session.get(Homestead, t.homestead_id)
    ground = f"交易登记第 {t.journal_no} 号"
    h.valid_to = t.effective_on
    # The register's end-ground codes (models.homesteads.END_GROUNDS); the journal entry goes in the note.
    if t.type == "homestead_withdrawal":
        h.status, h.end_ground, h.end_note = "withdrawn_paid", "withdrawal", ground
        session.flush()
        return
    h.status, h.end_ground, h.end_note = "transferred", "transfer", ground
    session.flush()
    skip = {"id", "household_id", "status", "valid_from", "valid_to", "end_ground", "end_note", "created_at",
            "updated_at", "version"}
    copy = {c.key: getattr(h, c.key) for c in Homestead.__mapper__.column_attrs if c.key not in skip}
    session.add(Homestead(**copy, household_id=t.household_to_id, status="in_use", valid_from=t.effective_on))
    session.flush()
