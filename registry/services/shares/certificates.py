"""Share certificates (股权证): issued, re-issued after loss (补发), replaced (换发) or cancelled with a
reason. Only issued / reissued certificates are valid; an ended certificate is kept with its date and
reason."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models.shares import ShareCertificate
from registry.services import audit
from registry.services.errors import DomainError

VALID = ("issued", "reissued")
#: action → (status of the new certificate, status the old one ends in); cancel issues none.
ACTIONS = {"reissue": ("reissued", "replaced"), "replace": ("issued", "replaced"),
           "cancel": (None, "cancelled")}
STATUS_LABELS = {"issued": "有效", "reissued": "补发（有效）", "replaced": "已换发", "cancelled": "已注销"}


def change_certificate(session: Session, certificate: ShareCertificate, action: str, *,
                       reason: str | None, actor, new_number: str | None = None,
                       today: dt.date | None = None) -> ShareCertificate:
    """Re-issue, replace or cancel a valid certificate (clerk). Returns the new certificate, or the
    cancelled one. Raises DomainError for an ended certificate, a missing reason or a number in use."""
    today = today or local_today()
    if action not in ACTIONS:
        raise DomainError("certificate.action", "无效的操作")
    if certificate.status not in VALID:
        raise DomainError("certificate.ended", "该股权证已失效，不能再办理")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("certificate.reason", "请填写原因（如遗失、损毁、股份变动、赎回）")
    new_status, old_status = ACTIONS[action]
    new = None
    if new_status is not None:
        number = (new_number or "").strip()
        if not number:
            raise DomainError("certificate.number", "请填写新股权证号")
        if session.scalar(select(ShareCertificate.id).where(
                ShareCertificate.organization_id == certificate.organization_id,
                ShareCertificate.number == number)):
            raise DomainError("certificate.number_used", f"股权证号 {number} 已被使用")
        new = ShareCertificate(organization_id=certificate.organization_id, area_code=certificate.area_code,
                               number=number, household_id=certificate.household_id,
                               person_id=certificate.person_id, issued_on=today, status=new_status,
                               created_by_id=getattr(actor, "id", None))
        session.add(new)
        session.flush()
    certificate.status, certificate.ended_on, certificate.reason = old_status, today, reason
    certificate.replaced_by_id = getattr(new, "id", None)
    audit.record(session, actor=actor, action=f"certificate.{action}", target_type="share_certificate",
                 target_id=certificate.id, area_code=certificate.area_code, number=certificate.number,
                 new_number=getattr(new, "number", None), reason=reason)
    session.flush()
    return new or certificate
