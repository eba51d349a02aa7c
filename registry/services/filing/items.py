"""The frozen roster of a filing (FilingItem rows) and the filing state of each membership.

A submission freezes one row per membership on the roster (status pending / confirmed / disputed)
plus one ``ended`` row per membership that was on the last filed roster and has since left it
(lost, withdrawn). Each row's ``data`` is the roster workbook row (the 21 headings of DOMAIN §5,
built by ``registry.excel.roster.validate.display_values``) so an export re-creates the workbook, and
``change`` compares it with the last filed version of the same organisation (F-07):
added / changed / unchanged / ended. Rows are written with one bulk INSERT.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from registry.models import Area, Filing, FilingItem, Membership, Organization
from registry.models.filings import DISTRICT_FILED, TOWN_FILED
from registry.reports.roster.rows import ON_ROSTER, iter_roster_rows
from registry.services.membership.equality import flag_keywords

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
    rows, counts = compute_items(session, filing.organization_id, filing.version_no)
    if rows:
        session.execute(insert(FilingItem), [{"filing_id": filing.id, **row} for row in rows])
    return counts


def compute_items(session: Session, organization_id: int, version_no: int) -> tuple[list[dict], dict[str, int]]:
    """The rows a submission of version ``version_no`` would freeze now, without writing them:
    ``[{"membership_id", "change", "data", "detail"}]`` and the counts per change kind.

    On the roster: added / changed / unchanged against the last filed version before it. Off the
    roster (lost, withdrawn, rejected): ``ended`` once — when the membership was on the last filed
    roster, or never filed at all (a candidate rejected, or a member added and lost, within this
    version); ``detail`` records how (ground, date, reason), frozen with the row."""
    previous = last_filed(session, organization_id, before_version=version_no)
    prev: dict[int, tuple[str, dict]] = {}
    if previous is not None:
        stmt = select(FilingItem.membership_id, FilingItem.change, FilingItem.data).where(
            FilingItem.filing_id == previous.id)
        prev = {mid: (change, data) for mid, change, data in session.execute(stmt)}

    rows: list[dict] = []
    counts = dict.fromkeys(CHANGES, 0)
    for membership_id, data in iter_roster_rows(session, organization_id=organization_id, statuses=ON_ROSTER):
        before = prev.get(membership_id)
        if before is None or before[0] == ENDED:
            change = ADDED
        elif _comparable(before[1]) == _comparable(data):
            change = UNCHANGED
        else:
            change = CHANGED
        counts[change] += 1
        rows.append({"membership_id": membership_id, "change": change, "data": data, "detail": None})

    seq = len(rows)
    ended = []
    filed_once: set[int] | None = None
    for membership_id, data in iter_roster_rows(session, organization_id=organization_id, statuses=ENDED_STATUSES):
        before = prev.get(membership_id)
        if before is not None and before[0] == ENDED:
            continue  # its departure was filed already
        if before is None and previous is not None:
            if filed_once is None:
                filed_once = _filed_before(session, organization_id, previous.version_no)
            if membership_id in filed_once:
                continue  # left an earlier filed roster
        seq += 1
        counts[ENDED] += 1
        ended.append(membership_id)
        rows.append({"membership_id": membership_id, "change": ENDED, "data": {**data, SEQ_HEADING: str(seq)},
                     "detail": None})
    if ended:
        details = ending_details(session, ended)
        for row in rows[-len(ended):]:
            detail = details.get(row["membership_id"])
            words = flag_keywords(detail)
            row["detail"] = {**detail, "w02": words} if words else detail  # W-02, frozen with the row
    return rows, counts


def _filed_before(session: Session, organization_id: int, version_no: int) -> set[int]:
    """Memberships on any filed version up to ``version_no`` (an ending filed once is not repeated)."""
    stmt = (select(FilingItem.membership_id).join(Filing, Filing.id == FilingItem.filing_id)
            .where(Filing.organization_id == organization_id, Filing.state.in_(FILED_STATES),
                   Filing.version_no <= version_no))
    return set(session.scalars(stmt))


def ending_details(session: Session, membership_ids: list[int]) -> dict[int, dict]:
    """``{membership id: how it left the roster}``: status, loss ground and date, citation, evidence,
    note, rights kept, the membership elsewhere that ended it (M-15), or the rejection reason."""
    out: dict[int, dict] = {}
    other = aliased(Membership)
    for i in range(0, len(membership_ids), 900):
        stmt = (select(Membership, Area.name).outerjoin(other, other.id == Membership.ended_by_membership_id)
                .outerjoin(Organization, Organization.id == other.organization_id)
                .outerjoin(Area, Area.id == Organization.area_id)
                .where(Membership.id.in_(membership_ids[i:i + 900])))
        for m, elsewhere in session.execute(stmt):
            out[m.id] = {k: v for k, v in {
                "status": m.status, "loss_ground": m.loss_ground,
                "lost_at": m.lost_at.isoformat() if m.lost_at else None, "citation": m.loss_citation,
                "evidence": m.loss_evidence, "note": m.loss_note, "rejection_reason": m.rejection_reason,
                "retained_rights_until": m.retained_rights_until.isoformat() if m.retained_rights_until else None,
                "applied_on": m.withdrawal_applied_on.isoformat() if m.withdrawal_applied_on else None,
                "ended_by_village": elsewhere, "remark": m.remark,
            }.items() if v is not None}
    return out


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
