"""Documents attached to an open transaction before the village's consent (issue 11): the signed voluntary
application (D-08: flag, date, document name) and the organisation's resolution (D-07). A draft may be
saved before the papers arrive; the consent then checks them (``workflow.act``). Audited old → new; flushes,
never commits."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from registry.models import Resolution
from registry.models.transfers import Transfer
from registry.services import audit
from registry.services.errors import DomainError

ATTACHABLE_STATES = ("draft", "returned")


def attach(session: Session, t: Transfer, *, actor, voluntary_applied_on: dt.date | None = None,
           voluntary_document: str | None = None, resolution_id: int | None = None) -> dict:
    """Set the given documents on ``t`` (only those given); returns ``{field: [old, new]}`` of what changed.
    Refused once the village has consented (``transfers.transition``) or for a resolution of another
    organisation (``transfers.resolution``)."""
    if t.state not in ATTACHABLE_STATES:
        raise DomainError("transfers.transition", "村级同意后不能再补录申请书或决议")
    new: dict = {}
    if voluntary_applied_on is not None or voluntary_document:
        new.update(voluntary_applied=True, voluntary_applied_on=voluntary_applied_on or t.voluntary_applied_on,
                   voluntary_document=(voluntary_document or "").strip() or t.voluntary_document)
    if resolution_id is not None:
        resolution = session.get(Resolution, resolution_id)
        if resolution is None or resolution.organization_id != t.organization_id or not resolution.passed:
            raise DomainError("transfers.resolution", "所选决议不是本组织已通过的决议", rule="D-07")
        new["resolution_id"] = resolution_id
    changes = {k: [getattr(t, k), v] for k, v in new.items() if getattr(t, k) != v}
    if not changes:
        return {}
    for key, (_old, value) in changes.items():
        setattr(t, key, value)
    session.flush()
    audit.record(session, actor=actor, action="transfers.attach", target_type="transfer", target_id=t.id,
                 area_code=t.area_code, changes=changes)
    return changes
