"""The transfer workflow as a transition table, with ONE entry point :func:`act` (DOMAIN §6.3).

draft → consented (village consent/resolution) → recorded (town: in effect) / returned (with reason);
draft/consented/returned → withdrawn; draft/consented → rejected. The rules (``rules.check``) run at
draft, at consent and again at the town's record, where a draft whose facts changed since consent is
refused with what changed. The effect (``effects.apply``) runs in the same transaction as the record.
Services flush, never commit.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Organization
from registry.models.transfers import TRANSFER_TYPES, Transfer
from registry.reports.transfers.labels import STATE_LABELS
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.transfers import effects, rules

TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "consent"): "consented",
    ("returned", "consent"): "consented",
    ("consented", "record"): "recorded",
    ("consented", "return"): "returned",
    ("draft", "withdraw"): "withdrawn",
    ("consented", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("draft", "reject"): "rejected",
    ("consented", "reject"): "rejected",
}
FIELDS = ("household_from_id", "person_from_id", "household_to_id", "person_to_id", "share_type", "units",
          "parcel_id", "area_mu", "homestead_id", "area_m2", "price", "agreement_date", "voluntary_applied",
          "voluntary_applied_on", "voluntary_document", "resolution_id", "consent_note", "counter_parcel_id",
          "notice_on", "retained_rights_until")


def draft(session: Session, organization: Organization, *, type: str, actor, day: dt.date, **data) -> Transfer:
    """A new draft; the rules run now (a second open transfer over the same object is refused)."""
    if type not in TRANSFER_TYPES:
        raise DomainError("transfers.type", "未知的交易类型")
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise DomainError("transfers.fields", f"未知字段：{', '.join(sorted(unknown))}")
    t = Transfer(organization_id=organization.id, area_code=organization.area_code, type=type, state="draft",
                 created_by_id=getattr(actor, "id", None), price=Decimal(data.pop("price", 0) or 0), **data)
    return act(session, t, "draft", actor=actor, day=day)


def act(session: Session, t: Transfer, action: str, *, actor, day: dt.date, reason: str | None = None,
        effective_on: dt.date | None = None) -> Transfer:
    """The one entry point: apply ``action`` to ``t`` per :data:`TRANSITIONS` (``draft`` creates)."""
    old = None if action == "draft" else t.state
    if action == "draft":
        new = "draft"
    else:
        new = TRANSITIONS.get((t.state, action))
        if new is None:
            raise DomainError("transfers.transition", f"当前状态（{STATE_LABELS.get(t.state, t.state)}）不能执行此操作")
    if new in ("returned", "withdrawn", "rejected") and not (reason or "").strip():
        raise DomainError("transfers.reason", "退回、撤回或驳回须填写理由")
    if action in ("draft", "consent", "record"):
        _check(session, t, action, day, effective_on)
    if action == "record":
        t.effective_on = effective_on or day
        # the organisation's row lock numbers the journal entries of concurrent records one after another
        session.scalar(select(Organization.id).where(Organization.id == t.organization_id).with_for_update())
        t.journal_no = (session.scalar(select(func.max(Transfer.journal_no)).where(
            Transfer.organization_id == t.organization_id)) or 0) + 1
        effects.apply(session, t, actor=actor, day=day)
    t.state = new
    if reason:
        t.reason = reason
    if t.id is None:
        session.add(t)
    session.flush()
    audit.record(session, actor=actor, action=f"transfers.{action}", target_type="transfer", target_id=t.id,
                 area_code=t.area_code, old=old, new=new, type=t.type, journal_no=t.journal_no,
                 effective_on=t.effective_on)
    return t


def _check(session: Session, t: Transfer, action: str, day: dt.date, effective_on) -> None:
    if action in ("consent", "record") and not (t.voluntary_applied and t.voluntary_applied_on
                                                and t.voluntary_document):
        raise DomainError("transfers.voluntary", "须有本人签字的自愿申请书（日期、文件名）", rule="D-08")
    if action == "consent" and t.type in ("share_buyback", "homestead_withdrawal") and not t.resolution_id:
        raise DomainError("transfers.resolution", "赎回或有偿退出须关联本组织的决议", rule="D-07")
    if action == "consent" and t.type == "membership_withdrawal" and not t.resolution_id:
        raise DomainError("transfers.resolution", "自愿退出须关联本组织同意自愿退出的决议", rule="M-18")
    rules.lock(session, t)
    if rules.open_over_same_object(session, t):
        raise DomainError("transfers.open_same_object", "同一标的已有未办结的交易", rule="§6.3")
    on = effective_on or day
    f = rules.facts(session, t, on)
    if action == "record" and t.basis is not None and f != t.basis:
        changed = ", ".join(f"{k}: {t.basis.get(k)} → {f.get(k)}" for k in sorted(f) if f.get(k) != t.basis.get(k))
        raise DomainError("transfers.stale", f"村级同意后情况已变化，请退回重新审核：{changed}", rule="§6.3")
    rules.check(session, t, f, on, recording=action == "record")
    t.basis = f
