"""Women's-equality review flags (W-02, RCEO Law Art. 8): a rejection or ending in a roster version
whose ground or reason speaks of marriage, divorce, widowhood, being unmarried or a household without
men is flagged ``W-equality-review``. The keywords are frozen with the filing's items
(``detail["w02"]``); submitting the filing creates one :class:`EqualityFlag` per flagged row; the town
officer acknowledges each one before recording the filing (``filings.town_record`` refuses
otherwise, rule W-02)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.models import EqualityFlag, Filing, FilingItem
from registry.models.base import utcnow
from registry.models.filings import TOWN_REVIEW
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.rules import equality_keywords

#: Grounds whose loss is never "for" marriage (the person's remark alone does not flag them).
_NEUTRAL_GROUNDS = frozenset({"death", "nationality", "civil_servant"})
_REMARK_CONTEXT = {"1": "外嫁女", "2": "入赘男"}
_KIND = {"rejected": "rejection", "withdrawn": "withdrawal"}


def flag_keywords(detail: dict | None) -> list[str]:
    """The W-02 keywords of one ending or rejection (its ``FilingItem.detail``); empty = no flag."""
    if not detail:
        return []
    words = equality_keywords(detail.get("rejection_reason"), detail.get("citation"), detail.get("note"),
                              detail.get("evidence"))
    context = _REMARK_CONTEXT.get(detail.get("remark"))
    if context and detail.get("loss_ground") not in _NEUTRAL_GROUNDS and context not in words:
        words.append(context)
    return words


def reason_text(detail: dict) -> str:
    return "；".join(detail[k] for k in ("rejection_reason", "citation", "note", "evidence") if detail.get(k))


def flag_filing(session: Session, filing: Filing) -> int:
    """Create the filing's flags from its frozen items (after :func:`freeze_items`); earlier flags of
    the same filing (a returned submission) are replaced. Returns the number of flags."""
    session.execute(delete(EqualityFlag).where(EqualityFlag.filing_id == filing.id))
    stmt = select(FilingItem.membership_id, FilingItem.detail).where(FilingItem.filing_id == filing.id,
                                                                      FilingItem.change == "ended")
    flags = []
    for membership_id, detail in session.execute(stmt):
        words = (detail or {}).get("w02")
        if words:
            flags.append(EqualityFlag(filing_id=filing.id, membership_id=membership_id,
                                      kind=_KIND.get(detail.get("status"), "loss"), reason=reason_text(detail),
                                      keywords="、".join(words)))
    session.add_all(flags)
    session.flush()
    return len(flags)


def flags_of(session: Session, filing: Filing) -> list[EqualityFlag]:
    return list(session.scalars(select(EqualityFlag).where(EqualityFlag.filing_id == filing.id)
                                .order_by(EqualityFlag.id)))


def unacknowledged(session: Session, filing: Filing) -> int:
    return session.scalar(select(func.count()).select_from(EqualityFlag).where(
        EqualityFlag.filing_id == filing.id, EqualityFlag.acknowledged_at.is_(None))) or 0


def check_acknowledged(session: Session, filing: Filing) -> None:
    """W-02: the town records a filing only after acknowledging every flag."""
    n = unacknowledged(session, filing)
    if n:
        raise DomainError("filing.w02_unacknowledged",
                          f"本次备案有 {n} 条涉及婚姻、离婚、丧偶、未婚或户无男性的不予确认或丧失记录尚未审阅确认，"
                          "请逐条审阅（妇女权益保护）后再备案", rule="W-02")


def acknowledge(session: Session, flag: EqualityFlag, *, note: str | None, actor,
                today: dt.date | None = None) -> EqualityFlag:
    """The town officer acknowledges one flag (with an optional review note)."""
    filing = session.get(Filing, flag.filing_id)
    if getattr(actor, "role", None) != "town" or not filing.area_code.startswith(actor.scope):
        raise DomainError("filing.role", "只有乡镇农经站可以审阅妇女权益提示", rule="W-02")
    if filing.state != TOWN_REVIEW:
        raise DomainError("filing.bad_transition", "只有乡镇审核中的名册可以审阅")
    if flag.acknowledged_at is not None:
        raise DomainError("filing.w02_done", "该提示已审阅")
    flag.acknowledged_at = utcnow()
    flag.acknowledged_by_id = getattr(actor, "id", None)
    flag.note = (note or "").strip() or None
    audit.record(session, actor=actor, action="filing.w02_acknowledged", target_type="filing", target_id=filing.id,
                 area_code=filing.area_code, flag_id=flag.id, membership_id=flag.membership_id,
                 keywords=flag.keywords, note=flag.note, rule="W-02")
    session.flush()
    return flag
