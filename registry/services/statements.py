"""The member's rights statement (成员身份及权益证明, issue 12 item 5; H-01 hukou is not membership).

``statement_content`` gathers, as of a date, the membership (ground, dates, filing state), the
household's contract land (parcels, co-holders), homestead, share holdings and recent dividend payments;
``issue`` stores a random verification code with the issue date and a SHA-256 digest of that content;
``verify`` recomputes the digest now to tell whether the statement is still current.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.models import (
    CoHolder,
    Homestead,
    LandContract,
    Membership,
    Parcel,
    Person,
    RightsStatement,
    ShareHolding,
)
from registry.reports.shares.units import member_payments
from registry.services import audit
from registry.services.filing.filings import member_filing_states

RECENT_PAYMENTS = 5


def _current(column_from, column_to, as_of: dt.date):
    return (or_(column_from.is_(None), column_from <= as_of), or_(column_to.is_(None), column_to > as_of))


def statement_content(session: Session, membership: Membership, as_of: dt.date) -> dict:
    """Everything the statement shows, as plain strings (digestible, printable)."""
    hh = membership.household_id
    land = []
    if hh is not None:
        contracts = session.scalars(select(LandContract).where(
            LandContract.household_id == hh, *_current(LandContract.valid_from, LandContract.valid_to, as_of))
            .order_by(LandContract.id)).all()
        for c in contracts:
            parcels = session.scalars(select(Parcel).where(
                Parcel.contract_id == c.id, *_current(Parcel.valid_from, Parcel.valid_to, as_of))
                .order_by(Parcel.code)).all()
            holders = session.scalars(select(Person.name).join(CoHolder, CoHolder.person_id == Person.id).where(
                CoHolder.contract_id == c.id, CoHolder.is_coholder.is_(True),
                *_current(CoHolder.valid_from, CoHolder.valid_to, as_of)).order_by(CoHolder.id)).all()
            land.append({"contract_no": c.contract_no or "", "term": f"{c.term_start}—{c.term_end}",
                         "parcels": [{"code": p.code, "name": p.name or "", "area": str(p.contract_area)}
                                     for p in parcels],
                         "coholders": list(holders)})
    homesteads = [] if hh is None else [
        {"plot_code": h.plot_code, "area": str(h.plot_area), "status": h.status,
         "certificate_no": h.certificate_no or ""}
        for h in session.scalars(select(Homestead).where(
            Homestead.household_id == hh, *_current(Homestead.valid_from, Homestead.valid_to, as_of))
            .order_by(Homestead.id))]
    holder = [ShareHolding.person_id == membership.person_id]
    if hh is not None:
        holder.append(ShareHolding.household_id == hh)
    shares = [{"type": s.share_type, "units": str(s.units), "household": s.household_id is not None}
              for s in session.scalars(select(ShareHolding).where(
                  ShareHolding.organization_id == membership.organization_id, or_(*holder),
                  ShareHolding.valid_from <= as_of,
                  or_(ShareHolding.valid_to.is_(None), ShareHolding.valid_to > as_of)).order_by(ShareHolding.id))]
    payments = [{"round": r.title, "date": str(r.record_date),
                 "amount": str(line.amount)}
                for r, line in member_payments(session, membership)
                if r.record_date <= as_of][:RECENT_PAYMENTS]
    filing = member_filing_states(session, membership.organization_id).get(membership.id, "unfiled")
    return {
        "name": membership.person.name,
        "status": membership.status,
        "ground": membership.acquisition_ground or "",
        "acquired_at": str(membership.acquired_at or ""),
        "lost_at": str(membership.lost_at or ""),
        "loss_ground": membership.loss_ground or "",
        "filing": filing,
        "land": land, "homesteads": homesteads, "shares": shares, "payments": payments,
    }


def content_digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def issue(session: Session, membership: Membership, *, actor, today: dt.date, area_code: str) -> RightsStatement:
    """Store a new statement with a random code (never derived from the person); audited."""
    content = statement_content(session, membership, today)
    statement = RightsStatement(code=secrets.token_hex(8).upper(), membership_id=membership.id, issued_on=today,
                                digest=content_digest(content), issued_by_id=getattr(actor, "id", None))
    session.add(statement)
    session.flush()
    audit.record(session, actor=actor, action="rights_statement.issue", target_type="membership",
                 target_id=membership.id, area_code=area_code, statement_id=statement.id)
    return statement


def find(session: Session, code: str) -> RightsStatement | None:
    return session.scalar(select(RightsStatement).where(RightsStatement.code == code.strip().upper()))


def is_current(session: Session, statement: RightsStatement, today: dt.date) -> bool:
    """Current when the content recomputed today equals what was stated at issue."""
    return content_digest(statement_content(session, statement.membership, today)) == statement.digest


def mask_for_verify(id_number: str) -> str:
    """First and last character only (e.g. 3****************1): never enough to rebuild the number."""
    return id_number[:1] + "*" * max(len(id_number) - 2, 0) + id_number[-1:] if id_number else ""
