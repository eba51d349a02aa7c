"""Confirming the pending candidates of a roster by a passed member-assembly resolution.

M-02: only the member assembly confirms; the confirmation takes effect on the meeting date (filing
records it, it does not create it). Each candidate goes through the membership workflow's entry point
(``registry.services.membership.decisions``): confirmed, or rejected where the village proposed it with a
written reason (M-03, M-04); a candidate who is an active member elsewhere is handed over (M-15).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import Organization, Resolution
from registry.services.membership.decisions import decide_candidates, pending_count  # noqa: F401  (re-exported)


def confirm_pending(session: Session, organization: Organization, resolution: Resolution, *, actor,
                    today=None) -> tuple[list[int], list[int]]:
    """The assembly's decision on every pending membership of ``organization``: ``(confirmed ids,
    rejected ids)``. Confirmed: status confirmed, ``confirmed_at`` = meeting date, ``resolution_id``
    set; one audit event per membership. Raises DomainError (M-02, F-09, M-15) before changing
    anything."""
    return decide_candidates(session, organization, resolution, actor=actor, today=today)
