"""The frozen roster of a filing (FilingItem rows) and the filing state of each membership.

A submission freezes one row per membership on the roster (status pending / confirmed / disputed)
plus one ``ended`` row per membership that was on the last filed roster and has since left it
(lost, withdrawn). Each row's ``data`` is the roster workbook row (the 21 headings of DOMAIN §5,
built by ``registry.excel.roster.display_values``) so an export re-creates the workbook, and
``change`` compares it with the last filed version of the same organisation (F-07):
added / changed / unchanged / ended. Rows are written with one bulk INSERT.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session

from registry.models import Filing, FilingItem, Membership
from registry.models.filings import DISTRICT_FILED, TOWN_FILED
from registry.reports.roster_rows import ON_ROSTER, iter_roster_rows

FILED_STATES = (TOWN_FILED, DISTRICT_FILED)
ENDED_STATUSES = ("lost", "withdrawn", "rejected")
ADDED, CHANGED, UNCHANGED, ENDED = "added", "changed", "unchanged", "ended"
CHANGES = (ADDED, CHANGED, UNCHANGED, ENDED)
SEQ_HEADING = "序号"  # the row number moves when rows are added; it is not a change

UNFILED = "unfiled"


def last_filed(session: Session, organization_id: int, *, before_version: int | None = None) -> Filing | None:
    """The highest filed (town or district recorded) version of the organisation."""
    stmt = (select(Filing).where(Filing.organization_id == organization_id, Filing.state.in_(FILED_STATES))
            .order_by(Filing.version_no.desc()).limit(1))
    if before_version is not None:
        stmt = stmt.where(Filing.version_no < before_version)
    return session.scalar(stmt)


def _comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != SEQ_HEADING}


def freeze_items(session: Session, filing: Filing) -> dict[str, int]:
    """Replace ``filing``'s items by the current roster and return the counts per change kind.

    Items left from an earlier (returned) submission of the same filing are deleted first: they
    were never filed, and a resubmission freezes the corrected roster again."""
    session.execute(delete(FilingItem).where(FilingItem.filing_id == filing.id))
    previous = last_filed(session, filing.organization_id, before_version=filing.version_no)
    prev: dict[int, tuple[str, dict]] = {}
    if previous is not None:
        stmt = select(FilingItem.membership_id, FilingItem.change, FilingItem.data).where(
            FilingItem.filing_id == previous.id)
        prev = {mid: (change, data) for mid, change, data in session.execute(stmt)}

    rows: list[dict] = []
    counts = dict.fromkeys(CHANGES, 0)
    for membership_id, data in iter_roster_rows(session, organization_id=filing.organization_id,
                                                statuses=ON_ROSTER):
        before = prev.get(membership_id)
        if before is None or before[0] == ENDED:
            change = ADDED
        elif _comparable(before[1]) == _comparable(data):
            change = UNCHANGED
        else:
            change = CHANGED
        counts[change] += 1
        rows.append({"filing_id": filing.id, "membership_id": membership_id, "change": change, "data": data})

    seq = len(rows)
    for membership_id, data in iter_roster_rows(session, organization_id=filing.organization_id,
                                                statuses=ENDED_STATUSES):
        before = prev.get(membership_id)
        if before is None or before[0] == ENDED:
            continue  # never on a filed roster, or its departure was filed already
        seq += 1
        counts[ENDED] += 1
        rows.append({"filing_id": filing.id, "membership_id": membership_id, "change": ENDED,
                     "data": {**data, SEQ_HEADING: str(seq)}})
    if rows:
        session.execute(insert(FilingItem), rows)
    return counts


def item_counts(session: Session, filing_id: int) -> dict[str, int]:
    """``{change: count}`` for every change kind (zeros included)."""
    counts = dict.fromkeys(CHANGES, 0)
    stmt = (select(FilingItem.change, func.count()).where(FilingItem.filing_id == filing_id)
            .group_by(FilingItem.change))
    counts.update({change: n for change, n in session.execute(stmt)})
    return counts


def changed_items(session: Session, filing_id: int, *, limit: int = 500) -> list[FilingItem]:
    """The items that are not ``unchanged`` (added, changed, ended), in roster order."""
    stmt = (select(FilingItem).where(FilingItem.filing_id == filing_id, FilingItem.change != UNCHANGED)
            .order_by(FilingItem.id).limit(limit))
    return list(session.scalars(stmt))


def previous_data(session: Session, filing: Filing, membership_ids: list[int]) -> dict[int, dict]:
    """The rows of the last filed version before ``filing`` for ``membership_ids`` (for a
    before/after view of changed rows)."""
    previous = last_filed(session, filing.organization_id, before_version=filing.version_no)
    if previous is None or not membership_ids:
        return {}
    stmt = select(FilingItem.membership_id, FilingItem.data).where(
        FilingItem.filing_id == previous.id, FilingItem.membership_id.in_(membership_ids[:900]))
    return dict(session.execute(stmt).all())


def member_filing_states(session: Session, organization_id: int) -> dict[int, str]:
    """``{membership_id: "unfiled" | "town_filed" | "district_filed"}`` for every membership of the
    organisation: the state of the latest filed version that contains the membership (one query)."""
    latest = (
        select(FilingItem.membership_id.label("membership_id"), func.max(Filing.version_no).label("v"))
        .join(Filing, Filing.id == FilingItem.filing_id)
        .where(Filing.organization_id == organization_id, Filing.state.in_(FILED_STATES))
        .group_by(FilingItem.membership_id)
        .subquery()
    )
    stmt = (
        select(Membership.id, Filing.state)
        .outerjoin(latest, latest.c.membership_id == Membership.id)
        .outerjoin(Filing, and_(Filing.organization_id == organization_id, Filing.version_no == latest.c.v))
        .where(Membership.organization_id == organization_id)
    )
    return {mid: state or UNFILED for mid, state in session.execute(stmt)}
