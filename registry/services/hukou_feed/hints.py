"""The village clerk's hukou hints (H-06): list them, mark one reviewed, or — for a death — confirm the
proposed loss, which goes through the membership-ending service (ground death, the feed's date). The hint
itself never changes a membership (H-01); only the clerk's confirmation does."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from registry.clock import utc_naive_now
from registry.models import HukouHint, Organization
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.membership.changes import end_membership

NOTE_MAX = 200


def village_hints(session: Session, organization: Organization, *, include_resolved: bool = True) -> list[HukouHint]:
    """The village's hints, open ones first, newest change first."""
    stmt = (select(HukouHint).options(joinedload(HukouHint.person), joinedload(HukouHint.membership))
            .where(HukouHint.organization_id == organization.id))
    if not include_resolved:
        stmt = stmt.where(HukouHint.state == "open")
    hints = list(session.scalars(stmt))
    hints.sort(key=lambda h: (h.state != "open", -h.change_date.toordinal(), h.id))
    return hints


def _check(hint: HukouHint, organization: Organization, actor, version: int) -> None:
    if hint.organization_id != organization.id:
        raise DomainError("hukou_hint.not_found", "提示不存在")
    if getattr(actor, "role", None) != "clerk" or not organization.area_code.startswith(actor.scope):
        raise DomainError("hukou_hint.role", "只有本村文书可以处理户籍变动提示", rule="H-06")
    if hint.version != version:
        raise DomainError("hukou_hint.stale", "该提示已被他人处理或修改，请刷新页面后重试")
    if hint.state != "open":
        raise DomainError("hukou_hint.closed", "该提示已处理")


def _resolve(session: Session, hint: HukouHint, state: str, note: str | None, *, actor, **detail) -> HukouHint:
    old = hint.state
    hint.state = state
    hint.resolved_by_id = actor.id
    hint.resolved_at = utc_naive_now()
    hint.resolved_note = (note or "").strip()[:NOTE_MAX] or None
    audit.record(session, actor=actor, action=f"hukou_feed.hint_{state}", target_type="hukou_hint",
                 target_id=hint.id, area_code=hint.area_code, person_id=hint.person_id,
                 membership_id=hint.membership_id, change_type=hint.change_type, change_date=hint.change_date,
                 old=old, new=state, note=hint.resolved_note, rule="H-06", **detail)
    session.flush()
    return hint


def mark_reviewed(session: Session, hint: HukouHint, organization: Organization, *, version: int,
                  note: str | None = None, actor) -> HukouHint:
    """The clerk has looked at the hint: it leaves the open list; nothing else changes (H-01)."""
    _check(hint, organization, actor, version)
    return _resolve(session, hint, "reviewed", note, actor=actor)


def confirm_death(session: Session, hint: HukouHint, organization: Organization, *, version: int,
                  note: str | None = None, actor) -> HukouHint:
    """A death hint confirmed by the clerk: the membership ends with ground death on the feed's date through
    ``end_membership`` (its rules, audit and consequences: the household's rights go on the review list,
    the roster changes). Raises the service's DomainError (e.g. a candidate cannot "lose" membership)."""
    _check(hint, organization, actor, version)
    if hint.change_type != "death":
        raise DomainError("hukou_hint.not_death", "只有死亡提示可以确认丧失成员身份", rule="H-06")
    membership = hint.membership
    text = (note or "").strip()
    end_membership(session, membership, ground="death", lost_at=hint.change_date, actor=actor,
                   note=("公安户籍变动清单：死亡" + (f"；{text}" if text else ""))[:NOTE_MAX],
                   evidence="公安户籍变动清单（死亡注销）")
    return _resolve(session, hint, "confirmed", note, actor=actor, ground="death", lost_at=hint.change_date)
