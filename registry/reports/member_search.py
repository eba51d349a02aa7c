"""Member search over the user's whole area (a village, a town or the district): a name from its first
character, the last 4–6 ID characters, or a full ID number. Read-only; no Flask.

Each kind of search starts from an index of ``persons``, on SQLite and PostgreSQL alike:

- name: ``name >= q AND name < q || U+10FFFF`` is a range on ``ix_persons_name`` in any collation
  (``LIKE 'q%'`` cannot use a plain index: SQLite's LIKE ignores case, PostgreSQL needs the C
  collation or a ``*_pattern_ops`` index). ``LIKE 'q%'`` is added on top so the result is exactly
  "starts with q" whatever the collation puts into the range. U+10FFFF, not U+FFFF: in code-point
  order a name whose next character lies outside the BMP (𠮷) sorts after ``q || U+FFFF``.
- pinyin (``wxl``, ``wangxiulan``): the same range on ``ix_persons_name_initials`` or
  ``ix_persons_name_pinyin`` (:func:`registry.reports.roster.listing.pinyin_condition`).
- ID tail: ``ix_persons_id_tail`` (the last 4 characters); a 5–6 character tail also tests
  ``id_number`` on the rows that index finds, instead of ``LIKE '%tail'`` (which no index serves).
- full ID: the unique index of ``id_number``. A legacy 15-digit number is looked up as itself and as
  its 18-digit upgrade (``id_number_legacy`` has no index, so it is not searched).

One statement per page with village, town and household number: no per-row queries and no count
(a page asks for one row more than it shows to know whether there is a next page).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from registry.excel.normalise import INVALID, parse_name
from registry.identity import normalise_resident_id
from registry.models import Area, Household, Membership, Organization, Person
from registry.permissions import scoped
from registry.reports.roster.listing import RosterSearch, parse_search, pinyin_condition
from registry.services.homesteads.register import in_use_clause

__all__ = ["PAGE_SIZE", "MemberHit", "NotAName", "SearchPage", "parse_member_search", "search_members"]

PAGE_SIZE = 50

_TOP = "\U0010ffff"  # sorts after every character a name may hold (see the module docstring)
# A name typed up to its separator ("阿依古丽·") is a valid prefix; parse_name refuses a trailing one.
_TRAILING_SEPARATOR = re.compile(r"[\s\u00b7\u2022\u30fb\u2027\u2219\u22c5.]+$")


class NotAName(ValueError):
    """The search text is neither a number nor something a stored name can start with."""


def parse_member_search(text: str | None) -> RosterSearch | None:
    """Parse the search box like the roster's (:func:`registry.reports.roster.listing.parse_search`), except
    that a name is a prefix and is normalised as stored names are (``parse_name``: NFKC, separator
    variants → U+00B7). None for a blank entry.

    Raises ``ValueError`` for a number of an ambiguous length and :class:`NotAName` for text a name
    cannot start with (punctuation, digits mixed with letters)."""
    search = parse_search(text)
    if search is None or search.kind != "name":
        return search
    stem = _TRAILING_SEPARATOR.sub("", search.value)
    name = parse_name(stem)
    if name is None or name is INVALID:
        raise NotAName(search.value)
    return RosterSearch("name", name + "\u00b7" if stem != search.value else name)


@dataclass(frozen=True)
class MemberHit:
    """One membership found. ``id_number`` is the stored number: the view masks it per role."""

    membership_id: int
    organization_id: int
    name: str
    id_number: str
    village_code: str
    village_name: str
    town_name: str | None
    household_no: str | None
    status: str  # membership status code (DOMAIN §6.1)


@dataclass(frozen=True)
class SearchPage:
    hits: list[MemberHit]
    page: int
    has_next: bool


def _person_condition(search: RosterSearch) -> list:
    if search.kind == "name":
        value = search.value
        return [Person.name >= value, Person.name < value + _TOP, Person.name.startswith(value, autoescape=True)]
    if search.kind == "pinyin":
        return [pinyin_condition(search.value)]
    if search.kind == "tail":
        conditions = [Person.id_tail == search.value[-4:]]
        if len(search.value) > 4:
            conditions.append(Person.id_number.endswith(search.value, autoescape=True))
        return conditions
    numbers = {search.value}
    upgraded = normalise_resident_id(search.value)
    if upgraded.value:
        numbers.add(upgraded.value)
    return [Person.id_number.in_(sorted(numbers))]


def search_members(session: Session, user, search: RosterSearch, *, status: str | None = None, page: int = 1,
                   per_page: int = PAGE_SIZE, holds: str | None = None) -> SearchPage:
    """Memberships in the user's scope (``user.scope``, a division-code prefix) whose person matches
    ``search``, optionally only those with membership ``status`` and whose household ``holds`` a right
    ("homestead": a current homestead in use); ordered by the name's pinyin (安 < 白 < 陈 < 张), then name,
    person and membership id (stable pages). ``page`` counts from 1."""
    town = aliased(Area)
    stmt = (
        select(Membership.id, Organization.id, Person.name, Person.id_number, Organization.area_code, Area.name,
               town.name, Household.number, Membership.status)
        .select_from(Person)
        .join(Membership, Membership.person_id == Person.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .join(Area, Area.id == Organization.area_id)
        .outerjoin(town, town.id == Area.parent_id)
        .outerjoin(Household, Household.id == Membership.household_id)
        .where(*_person_condition(search))
        .order_by(Person.name_pinyin, Person.name, Person.id, Membership.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    stmt = scoped(stmt, Organization.area_code, user)
    if status:
        stmt = stmt.where(Membership.status == status)
    if holds == "homestead":
        stmt = stmt.where(in_use_clause())
    rows = session.execute(stmt).all()
    return SearchPage([MemberHit(*row) for row in rows[:per_page]], page, len(rows) > per_page)
