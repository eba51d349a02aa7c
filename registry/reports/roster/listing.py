"""Read-only roster queries: area overviews with member counts, the paginated village roster and the
member detail. Returns selects, rows and dataclasses — no HTML, no Flask request state.

Every query that crosses areas is restricted with :func:`registry.permissions.scoped` (division-code
prefix, DESIGN §2); ``user`` is anything with a ``scope`` attribute (a :class:`~registry.models.User`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from registry.models import Area, Household, HouseholdMember, HukouRecord, Membership, Organization, Person
from registry.permissions import scoped
from registry.pinyin import is_pinyin_query
from registry.reports.roster.masking import mask_id_number

__all__ = [
    "AreaSummary",
    "MemberDetail",
    "RosterSearch",
    "find_area",
    "mask_id_number",
    "member_detail",
    "parse_search",
    "roster_select",
    "row_extras",
    "town_summaries",
    "village_summaries",
]


# --- Overviews -----------------------------------------------------------------------------------------

@dataclass
class AreaSummary:
    """Counts for one village (or, summed, one town): memberships by status and collective households."""

    code: str
    name: str
    parent_code: str = ""
    parent_name: str = ""
    villages: int = 0
    confirmed: int = 0
    pending: int = 0
    ended: int = 0  # rejected, lost, withdrawn
    disputed: int = 0
    households: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.pending + self.ended + self.disputed

    def add(self, other: AreaSummary) -> None:
        self.villages += other.villages
        for attr in ("confirmed", "pending", "ended", "disputed", "households"):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))


def village_summaries(session: Session, user, *, under: str = "") -> list[AreaSummary]:
    """One row per village in the user's scope (optionally only those whose code starts with ``under``),
    ordered by code. Two grouped queries in total, whatever the number of villages."""
    ended = Membership.status.in_(("rejected", "lost", "withdrawn"))
    counts = (
        select(
            Membership.organization_id.label("org_id"),
            func.sum(case((Membership.status == "confirmed", 1), else_=0)).label("confirmed"),
            func.sum(case((Membership.status == "pending", 1), else_=0)).label("pending"),
            func.sum(case((ended, 1), else_=0)).label("ended"),
            func.sum(case((Membership.status == "disputed", 1), else_=0)).label("disputed"),
        )
        .group_by(Membership.organization_id)
        .subquery()
    )
    households = (
        select(Household.organization_id.label("org_id"), func.count().label("n"))
        .group_by(Household.organization_id)
        .subquery()
    )
    town = aliased(Area)
    stmt = (
        select(Area.code, Area.name, town.code, town.name, counts.c.confirmed, counts.c.pending,
               counts.c.ended, counts.c.disputed, households.c.n)
        .join(town, Area.parent_id == town.id, isouter=True)
        .join(Organization, Organization.area_id == Area.id, isouter=True)
        .join(counts, counts.c.org_id == Organization.id, isouter=True)
        .join(households, households.c.org_id == Organization.id, isouter=True)
        .where(Area.level == "village")
        .order_by(Area.code)
    )
    stmt = scoped(stmt, Area.code, user)
    if under:
        stmt = stmt.where(Area.code.startswith(under, autoescape=True))
    return [
        AreaSummary(code, name, tcode or "", tname or "", 1, c or 0, p or 0, e or 0, d or 0, h or 0)
        for code, name, tcode, tname, c, p, e, d, h in session.execute(stmt)
    ]


def town_summaries(session: Session, user, villages: list[AreaSummary] | None = None) -> list[AreaSummary]:
    """One row per town in the user's scope with the summed counts of its villages (towns with no
    villages yet are listed with zeros), ordered by code. ``villages``: :func:`village_summaries` of
    the same user, when the caller has them already (saves the grouped queries)."""
    towns = session.execute(
        scoped(select(Area.code, Area.name).where(Area.level == "town"), Area.code, user).order_by(Area.code)
    ).all()
    by_prefix = {code[:9]: AreaSummary(code, name) for code, name in towns}
    for village in village_summaries(session, user) if villages is None else villages:
        total = by_prefix.get(village.code[:9])
        if total is not None:
            total.add(village)
    return list(by_prefix.values())


def find_area(session: Session, user, code: str, level: str) -> Area | None:
    """The area with this 12-digit ``code`` and ``level`` inside the user's scope, else None (→ 404)."""
    stmt = select(Area).where(Area.code == code, Area.level == level)
    return session.scalar(scoped(stmt, Area.code, user))


# --- Roster search -------------------------------------------------------------------------------------

_ID_CHARS = re.compile(r"[0-9X]+")


@dataclass(frozen=True)
class RosterSearch:
    """A parsed search box entry: ``kind`` is "name" (substring), "tail" (last 4–6 ID characters)
    or "id" (a full 18-character or legacy 15-digit number, normalised upper-case)."""

    kind: str
    value: str


def parse_search(text: str | None) -> RosterSearch | None:
    """Parse the roster search box. Returns None for a blank entry.

    Digits (and X) only: 4–6 characters → ID tail; 15 or 18 → full ID; any other length raises
    ``ValueError`` (an ambiguous partial number). Latin letters only → pinyin (``wxl`` or
    ``wangxiulan``, lower-cased, spaces dropped: initials or full pinyin from the start of the name).
    Anything else is a name substring."""
    # Punctuation around the text comes with a pasted name ("商庆华，"): NFKC makes ，；： ASCII first.
    text = unicodedata.normalize("NFKC", text or "").strip().strip(" ,.;:、。")
    if not text:
        return None
    upper = text.upper().replace(" ", "")
    if _ID_CHARS.fullmatch(upper) and any(ch.isdigit() for ch in upper):
        if 4 <= len(upper) <= 6:
            return RosterSearch("tail", upper)
        if len(upper) in (15, 18):
            return RosterSearch("id", upper)
        raise ValueError(upper)
    if is_pinyin_query(text):
        return RosterSearch("pinyin", text.lower().replace(" ", ""))
    return RosterSearch("name", text)


def pinyin_condition(value: str):
    """Person whose name's initials or full pinyin start with ``value`` (lower-case ASCII letters).

    Each side is a range on its index (``ix_persons_name_initials`` / ``ix_persons_name_pinyin``) plus
    ``LIKE`` for exactness, as the name search does (see reports/member_search.py)."""
    def starts(column):
        return and_(column >= value, column < value + "\U0010ffff", column.startswith(value, autoescape=True))

    return or_(starts(Person.name_initials), starts(Person.name_pinyin))


def _current_link():
    """Join condition for a membership's current place in its household (relation code, head flag)."""
    hm = aliased(HouseholdMember)
    cond = and_(hm.household_id == Membership.household_id, hm.person_id == Membership.person_id,
                hm.valid_to.is_(None))
    return hm, cond


def roster_select(organization_id: int, *, search: RosterSearch | None = None,
                  status: str | None = None) -> Select:
    """Memberships of one organisation with person and household loaded, ordered by household number,
    head first, then relation code. Feed it to ``db.paginate``; extras per page from :func:`row_extras`."""
    hm, link = _current_link()
    stmt = (
        select(Membership)
        .join(Membership.person)
        .outerjoin(Membership.household)
        .outerjoin(hm, link)
        .options(contains_eager(Membership.person), contains_eager(Membership.household))
        .where(Membership.organization_id == organization_id)
        .order_by(Household.number.is_(None), Household.number, func.coalesce(hm.is_head, False).desc(),
                  hm.relation, Person.id)
    )
    if status:
        stmt = stmt.where(Membership.status == status)
    if search is not None:
        if search.kind == "name":
            stmt = stmt.where(Person.name.contains(search.value, autoescape=True))
        elif search.kind == "pinyin":
            stmt = stmt.where(pinyin_condition(search.value))
        elif search.kind == "tail" and len(search.value) == 4:
            stmt = stmt.where(Person.id_tail == search.value)  # indexed (persons.id_tail)
        elif search.kind == "tail":
            stmt = stmt.where(Person.id_number.endswith(search.value, autoescape=True))
        else:
            stmt = stmt.where((Person.id_number == search.value) | (Person.id_number_legacy == search.value))
    return stmt


@dataclass(frozen=True)
class RowExtra:
    relation: str | None  # GB/T 4761 code of the current household link
    hukou_local: bool | None  # current hukou record says "in this organisation"; None = not recorded


def row_extras(session: Session, memberships: list[Membership]) -> dict[int, RowExtra]:
    """Relation code and "hukou in this village" for one page of memberships — two queries."""
    if not memberships:
        return {}
    ids = [m.id for m in memberships]
    hm, link = _current_link()
    relations = dict(session.execute(
        select(Membership.id, hm.relation).join(hm, link).where(Membership.id.in_(ids))
    ).all())
    person_org = {m.person_id: m.organization_id for m in memberships}
    hukou: dict[int, bool | None] = {}
    rows = session.execute(
        select(HukouRecord.person_id, HukouRecord.in_organization, HukouRecord.organization_id)
        .where(HukouRecord.person_id.in_(person_org), HukouRecord.valid_to.is_(None))
        .order_by(HukouRecord.id)
    )
    for person_id, in_org, org_id in rows:  # the latest current record wins
        same_org = org_id is None or org_id == person_org[person_id]
        hukou[person_id] = None if in_org is None else bool(in_org and same_org)
    return {m.id: RowExtra(relations.get(m.id), hukou.get(m.person_id)) for m in memberships}


# --- Member detail -------------------------------------------------------------------------------------

@dataclass
class HouseholdRow:
    person: Person
    relation: str
    is_head: bool
    membership: Membership | None  # the person's membership in this organisation, if any


@dataclass
class MemberDetail:
    membership: Membership
    relation: str | None
    household_rows: list[HouseholdRow] = field(default_factory=list)
    hukou: list[HukouRecord] = field(default_factory=list)


def member_detail(session: Session, organization_id: int, membership_id: int) -> MemberDetail | None:
    """The membership (with person and household) if it belongs to ``organization_id``, its household's
    current members with their memberships here, and the person's hukou records (newest first)."""
    membership = session.scalar(
        select(Membership)
        .join(Membership.person)
        .outerjoin(Membership.household)
        .options(contains_eager(Membership.person), contains_eager(Membership.household))
        .where(Membership.id == membership_id, Membership.organization_id == organization_id)
    )
    if membership is None:
        return None
    detail = MemberDetail(membership, row_extras(session, [membership])[membership.id].relation)
    if membership.household_id is not None:
        rows = session.execute(
            select(HouseholdMember, Person, Membership)
            .join(Person, HouseholdMember.person_id == Person.id)
            .outerjoin(Membership, and_(Membership.person_id == Person.id,
                                        Membership.organization_id == organization_id))
            .where(HouseholdMember.household_id == membership.household_id,
                   HouseholdMember.valid_to.is_(None))
            .order_by(HouseholdMember.is_head.desc(), HouseholdMember.relation, Person.id)
        ).all()
        detail.household_rows = [HouseholdRow(p, hm.relation, hm.is_head, m) for hm, p, m in rows]
    detail.hukou = list(session.scalars(
        select(HukouRecord).where(HukouRecord.person_id == membership.person_id)
        .order_by(HukouRecord.valid_to.is_not(None), HukouRecord.id.desc())
    ))
    return detail
