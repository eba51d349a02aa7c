"""What a resolution was decided on, frozen when it is recorded (issue 14 item 5): the base list
with each member's reason, how each attended (proxies with their holders), the attendance counts and
the thresholds computed then. A later roster or flag change never changes an old result: views read
these rows, never the roster."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Resolution, ResolutionBasis, ResolutionMember
from registry.services.assembly.attendance import Attendance
from registry.services.assembly.capacity import MeetingBase


def _fraction(k: Fraction) -> str:
    return f"{k.numerator}/{k.denominator}"


def store(session: Session, resolution: Resolution, base: MeetingBase, attendance: Attendance, *,
          quorum_fraction: Fraction, pass_fraction: Fraction, quorum_required: int, votes_required: int,
          representative_assembly_id: int | None = None) -> ResolutionBasis:
    """Write the basis and one row per member of the base; flushes."""
    basis = ResolutionBasis(
        resolution_id=resolution.id, base_members=base.size, quorum_fraction=_fraction(quorum_fraction),
        pass_fraction=_fraction(pass_fraction), quorum_required=quorum_required, votes_required=votes_required,
        in_person=attendance.in_person, online=attendance.online, by_proxy=len(attendance.proxies),
        by_name=attendance.by_name, representative_assembly_id=representative_assembly_id)
    session.add(basis)
    holders = {p.absent.person_id: p.holder for p in attendance.proxies}
    for entry in base.members:
        holder = holders.get(entry.person_id)
        session.add(ResolutionMember(
            resolution_id=resolution.id, person_id=entry.person_id, name=entry.name, reason=entry.reason,
            attendance=attendance.modes.get(entry.person_id), proxy_holder_id=holder.person_id if holder else None,
            proxy_holder_name=holder.name if holder else None))
    session.flush()
    return basis


def basis_of(session: Session, resolution_id: int) -> ResolutionBasis | None:
    return session.scalar(select(ResolutionBasis).where(ResolutionBasis.resolution_id == resolution_id))


def members_of(session: Session, resolution_id: int) -> list[ResolutionMember]:
    return list(session.scalars(select(ResolutionMember).where(ResolutionMember.resolution_id == resolution_id)
                                .order_by(ResolutionMember.id)))
