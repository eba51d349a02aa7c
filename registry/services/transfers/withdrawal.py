"""Art. 16 membership withdrawal with compensation (退出, DOMAIN M-18, §6.1) as a transaction.

The member (``person_from_id``) withdraws from the organisation for the agreed compensation (``price``) or
keeps held property rights until ``retained_rights_until``. The village step links the organisation's
consent (a passed 同意自愿退出 resolution, Q-08); the town's record ends the membership through the
membership workflow's own transition (``confirmed → withdrawn``, ground ``withdrawal``) on the effective
date, with the compensation in its note. Only this type ends a membership: a share sale or a homestead
withdrawal never does.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Membership, Resolution
from registry.models.transfers import Transfer
from registry.services.errors import DomainError
from registry.services.membership.transitions import CONFIRMED, WITHDRAW, transition


def _membership(session: Session, t: Transfer) -> Membership | None:
    return session.scalars(select(Membership).where(Membership.organization_id == t.organization_id,
                                                    Membership.person_id == t.person_from_id)
                           .order_by(Membership.id.desc())).first()


def facts(session: Session, t: Transfer) -> dict:
    m = _membership(session, t)
    return {"membership_id": m.id if m else None, "membership_status": m.status if m else None}


def check(t: Transfer, f: dict) -> None:
    if f["membership_status"] != CONFIRMED:
        raise DomainError("transfers.not_member", "只有本组织的正式成员才能办理自愿退出", rule="M-18")
    if t.retained_rights_until is not None and t.agreement_date and t.retained_rights_until < t.agreement_date:
        raise DomainError("membership.retained_rights_date", "保留权益的期限不能早于退出协议日期", rule="M-18")


def lock(session: Session, t: Transfer) -> None:
    session.scalars(select(Membership).where(Membership.organization_id == t.organization_id,
                                             Membership.person_id == t.person_from_id)
                    .with_for_update().execution_options(populate_existing=True)).all()


def apply(session: Session, t: Transfer, *, actor, day: dt.date) -> None:
    """End the membership through the M-18 transition (a consequence of the town's record: the town
    officer acts, not the village clerk), with the compensation and the journal entry in its note."""
    m = _membership(session, t)
    resolution = session.get(Resolution, t.resolution_id) if t.resolution_id else None
    note = f"自愿退出补偿 {t.price} 元（交易登记第 {t.journal_no} 号）"
    transition(session, m, WITHDRAW, actor=actor, today=max(day, t.effective_on), consequence=True,
               applied_on=t.voluntary_applied_on, resolution=resolution, effective_on=t.effective_on,
               retained_rights_until=t.retained_rights_until, note=note)
