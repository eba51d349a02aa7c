"""M-16 / Q-06: whether a member of a group-level organisation (村民小组) may also be a member of the
village-level organisation is a per-organisation exception setting, off by default, recorded by the
village's clerk as the organisation decided it (audited).

The registry holds village-level organisations only so far, and the partial unique index
``uq_memberships_one_active`` keeps one confirmed membership per person: :func:`may_hold_both` is the
rule a group-level register will call; with the setting off (the default) the M-15 hand-over applies
between the two levels as between peers."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import Organization
from registry.services import audit
from registry.services.clerks import require_village_clerk
from registry.services.errors import DomainError

GROUP, VILLAGE = "group", "village"


def set_nested_membership(session: Session, organization: Organization, allowed: bool, *, actor,
                          basis: str | None = None) -> Organization:
    """Turn the M-16 exception on or off; turning it on needs its basis (the charter article or the
    resolution). Audited old → new."""
    require_village_clerk(actor, organization.area_code, "nesting.role", "只有本村文书可以登记本组织的设置", "M-16")
    basis = (basis or "").strip() or None
    if allowed and not basis:
        raise DomainError("nesting.basis", "允许组级成员同时为村级成员须写明依据（章程条款或成员大会决议）",
                          rule="M-16")
    old = organization.allow_nested_membership
    if old == allowed:
        return organization
    organization.allow_nested_membership = allowed
    session.flush()
    audit.record(session, actor=actor, action="organization.nested_membership", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, rule="M-16", old=old, new=allowed,
                 basis=basis)
    return organization


def may_hold_both(village_level: Organization, other: Organization) -> bool:
    """M-16: True only when ``other`` is a group-level organisation inside ``village_level``'s village
    and the village-level organisation allows nested membership; peers never (M-15)."""
    nested = (other.level == GROUP and village_level.level == VILLAGE
              and other.area_code.startswith(village_level.area_code[:12]))
    return nested and bool(village_level.allow_nested_membership)
