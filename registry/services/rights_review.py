"""The village's "rights to review" list (H-01, H-02, L-07, seed §四): a membership that ends never
ends or deletes a right (land, homestead, shares). It puts the household's rights on this list with the
reason; only a recorded lawful act closes the entry. A hukou move puts nothing here (H-01)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today, utc_naive_now
from registry.codes import LOSS_GROUND, MEMBER_STATUS
from registry.models import Membership, Organization, Person, RightsReview
from registry.services import audit
from registry.services.errors import DomainError

MEMBERSHIP_ENDED = "membership.ended"


def open_for_ended_membership(session: Session, membership: Membership, *, actor, today: dt.date | None = None
                              ) -> RightsReview | None:
    """Put the household of a membership that just ended (lost or withdrawn) on the list, with the reason.
    Changes no right. None when the member belongs to no household."""
    if membership.household_id is None:
        return None
    today = today or local_today()
    person = session.get(Person, membership.person_id)
    status = MEMBER_STATUS.label(membership.status) or membership.status
    ground = LOSS_GROUND.label(membership.loss_ground) if membership.loss_ground else None
    when = membership.lost_at.isoformat() if membership.lost_at else today.isoformat()
    why = "，".join(x for x in (ground, when) if x)
    reason = f"{person.name} 成员身份{status}（{why}）：本户权益须核查，未经依法办理不变"
    review = RightsReview(organization_id=membership.organization_id, household_id=membership.household_id,
                          person_id=membership.person_id, membership_id=membership.id, cause=MEMBERSHIP_ENDED,
                          reason=reason, opened_on=today)
    session.add(review)
    session.flush()
    org = session.get(Organization, membership.organization_id)
    audit.record(session, actor=actor, action="rights_review.opened", target_type="rights_review",
                 target_id=review.id, area_code=org.area_code, household_id=membership.household_id,
                 membership_id=membership.id, reason=reason, rule="H-02")
    return review


def close_review(session: Session, review: RightsReview, *, act: str, version: int, actor,
                 today: dt.date | None = None) -> RightsReview:
    """Close an entry by recording the lawful act done (or that the rights stay as they are)."""
    if review.version != version:
        raise DomainError("rights_review.stale", "该记录已被其他人处理，请刷新")
    if review.closed_on is not None:
        raise DomainError("rights_review.closed", "该记录已处理")
    act = (act or "").strip()
    if not act:
        raise DomainError("rights_review.act_missing", "请填写所办理的依法行为（或“权益不变”及理由）",
                          rule="H-02")
    review.closed_on, review.closed_act = today or local_today(), act
    review.closed_by_id, review.closed_at = getattr(actor, "id", None), utc_naive_now()
    session.flush()
    org = session.get(Organization, review.organization_id)
    audit.record(session, actor=actor, action="rights_review.closed", target_type="rights_review",
                 target_id=review.id, area_code=org.area_code, household_id=review.household_id, act=act)
    return review


def open_reviews(session: Session, organization: Organization, *, include_closed: bool = False
                 ) -> list[RightsReview]:
    """The village's list, open entries first, oldest first."""
    stmt = select(RightsReview).where(RightsReview.organization_id == organization.id)
    if not include_closed:
        stmt = stmt.where(RightsReview.closed_on.is_(None))
    return list(session.scalars(stmt.order_by(RightsReview.closed_on.is_not(None), RightsReview.opened_on,
                                              RightsReview.id)))
