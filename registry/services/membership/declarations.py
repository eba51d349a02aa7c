"""M-17: duplicates across districts cannot be checked, so a member's signed declaration of holding no
other membership (声明无其他集体经济组织成员身份) is recorded on the membership, audited old → new.
The roster import sets it too (optional column 声明无其他成员身份; a blank cell leaves it)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import Membership, Organization
from registry.services import audit
from registry.services.clerks import require_village_clerk
from registry.services.errors import DomainError


def set_declaration(session: Session, organization: Organization, membership: Membership,
                    declared: bool | None, *, actor) -> Membership:
    """``declared``: True signed, False refused to sign / withdrawn, None not recorded."""
    require_village_clerk(actor, organization.area_code, "declaration.role", "只有本村文书可以登记无其他成员身份声明",
                          "M-17")
    if membership.organization_id != organization.id:
        raise DomainError("declaration.not_found", "本村没有这名成员")
    old = membership.declared_no_other_membership
    if old == declared:
        return membership
    membership.declared_no_other_membership = declared
    session.flush()
    audit.record(session, actor=actor, action="membership.declaration", target_type="membership",
                 target_id=membership.id, area_code=organization.area_code, rule="M-17", old=old, new=declared)
    return membership
