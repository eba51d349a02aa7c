"""Read-only queries for the filing screens: inboxes, the audit trail of a filing, counts.
Every cross-area query takes a division-code ``scope`` prefix (DESIGN §2)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import AuditEvent, Filing, Membership, Objection, Organization, PublicNotice, User
from registry.models.filings import DISTRICT_FILED, RETURNED, TOWN_FILED, TOWN_REVIEW

RECENT = 20


@dataclass
class Inbox:
    waiting: list[Filing]
    recent: list[Filing]


def _filings(session: Session, scope: str, states, order, limit: int | None = None) -> list[Filing]:
    stmt = (select(Filing).where(Filing.area_code.startswith(scope, autoescape=True), Filing.state.in_(states))
            .options(selectinload(Filing.organization).selectinload(Organization.area))
            .order_by(*order))
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def town_inbox(session: Session, scope: str) -> Inbox:
    """Filings in town review within ``scope`` (oldest submission first), plus the most recently
    recorded or returned ones."""
    return Inbox(
        _filings(session, scope, (TOWN_REVIEW,), (Filing.submitted_at, Filing.id)),
        _filings(session, scope, (TOWN_FILED, DISTRICT_FILED, RETURNED),
                 (Filing.updated_at.desc(), Filing.id.desc()), RECENT),
    )


def district_inbox(session: Session, scope: str) -> Inbox:
    """Filings recorded by the town and awaiting the district's receipt (F-02), plus the most
    recently received ones."""
    return Inbox(
        _filings(session, scope, (TOWN_FILED,), (Filing.town_recorded_at, Filing.id)),
        _filings(session, scope, (DISTRICT_FILED,), (Filing.district_recorded_at.desc(), Filing.id.desc()),
                 RECENT),
    )


def status_counts(session: Session, organization_id: int) -> dict[str, int]:
    """``{membership status: count}`` of the organisation."""
    stmt = (select(Membership.status, func.count()).where(Membership.organization_id == organization_id)
            .group_by(Membership.status))
    return dict(session.execute(stmt).all())


def notices_of(session: Session, filing: Filing) -> list[PublicNotice]:
    return list(session.scalars(select(PublicNotice).where(PublicNotice.filing_id == filing.id)
                                .order_by(PublicNotice.id)))


def filing_trail(session: Session, filing: Filing) -> list[tuple[AuditEvent, str | None]]:
    """``(event, actor display name)`` for the filing's own events and those of its notices,
    objections and resolution, oldest first. Per-membership confirmation events are summarised in
    the filing's ``record_resolution`` event (count and ids) and not listed."""
    notice_ids = [n.id for n in notices_of(session, filing)]
    conditions = [(AuditEvent.target_type == "filing") & (AuditEvent.target_id == filing.id)]
    if notice_ids:
        objection_ids = list(session.scalars(select(Objection.id).where(Objection.notice_id.in_(notice_ids))))
        conditions.append((AuditEvent.target_type == "public_notice") & AuditEvent.target_id.in_(notice_ids))
        if objection_ids:
            conditions.append((AuditEvent.target_type == "objection") & AuditEvent.target_id.in_(objection_ids))
    if filing.resolution_id:
        conditions.append((AuditEvent.target_type == "resolution") & (AuditEvent.target_id == filing.resolution_id))
    stmt = (select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
            .where(or_(*conditions)).order_by(AuditEvent.at, AuditEvent.id))
    return [(event, name) for event, name in session.execute(stmt)]
