"""Read and validate a land contract register workbook (承包地台账; samples README "Rights registers").

:func:`read_land` finds the four sheets (Chinese headings or NY/T 2539 field codes); :func:`validate_land`
checks EVERY row of every sheet: the row rules (``rows``), then the rules across rows and sheets —
``contractor.duplicate``, ``household.unknown`` (against the village roster, given as a
:class:`RosterView`), ``term.invalid``, ``parcel.duplicate``, ``parcel.contractor_unknown``,
``coholder.left_household`` (warning, L-10), ``circulation.parcel_unknown``, ``circulation.area_exceeds``
and ``circulation.term_exceeds_contract`` (L-16). No database access here.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from registry.excel.land.columns import CIRCULATIONS, COHOLDERS, CONTRACTORS, PARCELS, SHEETS, LandSheet
from registry.excel.land.rows import CHECKERS, LandRow, display
from registry.excel.reader import FileError, TableSheet, Workbook, open_workbook

__all__ = ["RosterView", "LandCheck", "land_tables", "read_land", "check_rows", "validate_land", "cross_check",
           "LandRow"]


@dataclass(frozen=True, slots=True)
class RosterView:
    """The village roster as the land checks need it: household number -> the ID numbers of its current
    members, and ID number -> household number."""

    members: Mapping[str, frozenset[str]]
    household_of: Mapping[str, str]


@dataclass(slots=True)
class LandCheck:
    """Every row's outcome, per sheet key (``contractors``, ``parcels``, ``coholders``, ``circulations``);
    ``household_of``: CBFBM -> roster household number of the accepted contractor rows."""

    rows: dict[str, list[LandRow]]
    household_of: dict[str, str] = field(default_factory=dict)

    def all_rows(self) -> list[LandRow]:
        return [r for key in ("contractors", "parcels", "coholders", "circulations") for r in self.rows[key]]

    def code_counts(self) -> Counter:
        return Counter(c for r in self.all_rows() for c in r.codes)


def land_tables(book: Workbook, max_rows: int | None = None, *,
                before: Callable[[LandSheet], None] | None = None) -> Iterator[tuple[str, TableSheet]]:
    """``(key, table)`` of each located sheet, in ``SHEETS`` order (absent optional sheets left out); a
    sheet is located (and so loaded) only when its turn comes, after ``before(spec)`` if given. Raises
    FileError (``file.*``)."""
    used: set[str] = set()
    for spec in SHEETS:
        if before is not None:
            before(spec)
        table = book.find_table(spec.columns, names=spec.names, max_rows=max_rows, required=spec.required)
        if table is not None and table.sheet_name in used:
            if spec.required:
                raise FileError("file.no_header", f"没有找到“{spec.title}”表")
            continue
        if table is not None:
            used.add(table.sheet_name)
            yield spec.key, table


def read_land(data: bytes, filename: str | None = None, **limits) -> dict[str, TableSheet]:
    """The located sheets by key (absent optional sheets left out). Raises FileError (``file.*``)."""
    return dict(land_tables(open_workbook(data, filename, **limits), limits.get("max_rows")))


def check_rows(key: str, table: TableSheet, village_code: str, *, today: date,
               memos: dict[str, dict] | None = None) -> list[LandRow]:
    """The row rules (``rows.CHECKERS[key]``) on every data row of one located sheet. ``memos``: the
    checker's memos, shared by the calls for the villages of one file (filled here)."""
    check = CHECKERS[key](village_code, today)
    if memos is not None:
        check.share_memos(memos)
    return [row for row, _cells in check.table_rows(table)]


def validate_land(sheets: Mapping[str, TableSheet], village_code: str, roster: RosterView, *,
                  today: date, memos: dict[str, dict] | None = None) -> LandCheck:
    """Check every row of the located sheets (see the module docstring). ``memos``: sheet key -> the row
    checkers' memos, shared by the calls for the villages of one file (filled here)."""
    rows = {key: check_rows(key, sheets[key], village_code, today=today,
                            memos=None if memos is None else memos.setdefault(key, {}))
            if key in sheets else [] for key in CHECKERS}
    with_household_column = "contractors" in sheets and "household_no" in sheets["contractors"].columns
    return cross_check(rows, roster, with_household_column)


def cross_check(rows: dict[str, list[LandRow]], roster: RosterView, with_household_column: bool) -> LandCheck:
    """The rules across rows and sheets (module docstring) on one village's checked rows, per sheet key
    (every key of ``rows.CHECKERS``, in sheet row order); ``with_household_column``: the 承包方 sheet has
    a 户编号 column. Adds the issues to the rows; returns them as a LandCheck."""
    result = LandCheck(rows)
    terms = _contractor_rules(result, roster, with_household_column)
    areas = _parcel_rules(rows["parcels"], terms)
    _coholder_rules(rows["coholders"], terms, result.household_of, roster)
    _circulation_rules(rows["circulations"], terms, areas)
    for r in result.all_rows():
        if r.errors:
            r.normalised.clear()  # only accepted rows list their cleaned values
    return result


def _where(rows: list[LandRow]) -> str:
    shown = "、".join(str(r.row) for r in rows[:5])
    return f"第 {shown} 行" + (f" 等共 {len(rows)} 行" if len(rows) > 5 else "")


def _contractor_rules(check: LandCheck, roster: RosterView, with_household_column: bool) -> dict:
    """Contractor rules; returns CBFBM -> term end (None when the row is refused) of every listed code."""
    rows = check.rows["contractors"]
    by_code: dict[str, list[LandRow]] = defaultdict(list)
    for r in rows:
        v = r.values
        if v["contractor_code"]:
            by_code[v["contractor_code"]].append(r)
        if v["term_start"] and v["term_end"] and v["term_end"] < v["term_start"]:
            r.error(CONTRACTORS, "term_end", "term.invalid", v["term_end"], v["term_start"])
        number = _household(r, roster, with_household_column)
        if number is not None and not r.errors:
            check.household_of[v["contractor_code"]] = number
    for code, same in by_code.items():
        if len(same) > 1:
            for r in same:
                r.error(CONTRACTORS, "contractor_code", "contractor.duplicate", code, _where(same))
                check.household_of.pop(code, None)
    return {code: (same[0].values["term_end"] if not same[0].errors else None)
            for code, same in by_code.items()}


def _household(r: LandRow, roster: RosterView, with_household_column: bool) -> str | None:
    """The roster household of a contractor row, or None after ``household.unknown`` (or when the ID is
    invalid and there is no 户编号 column)."""
    v = r.values
    id_number = v["id_number"]
    if with_household_column:
        number = v["household_no"]
        members = roster.members.get(number) if number else None
        if members is None:
            r.error(CONTRACTORS, "household_no", "household.unknown", number or "（空）",
                    "本村名册中没有这一户")
            return None
        if id_number is not None and id_number not in members:
            r.error(CONTRACTORS, "id_number", "household.unknown", id_number,
                    f"不是名册中户编号 {number} 这一户的成员")
            return None
        return number
    if id_number is None:
        return None
    number = roster.household_of.get(id_number)
    if number is None:
        r.error(CONTRACTORS, "id_number", "household.unknown", id_number, "不是本村名册中的成员")
    return number


def _parcel_rules(rows: list[LandRow], terms: dict) -> dict[str, tuple[str, Decimal | None]]:
    """Parcel rules; returns DKBM -> (CBFBM, contract area) of the parcels not refused."""
    by_code: dict[str, list[LandRow]] = defaultdict(list)
    for r in rows:
        if r.values["code"]:
            by_code[r.values["code"]].append(r)
        contractor = r.values["contractor_code"]
        if contractor not in terms:
            r.error(PARCELS, "contractor_code", "parcel.contractor_unknown", contractor or "（空）")
    for code, same in by_code.items():
        if len(same) > 1:
            for r in same:
                r.error(PARCELS, "code", "parcel.duplicate", code, _where(same))
    return {r.values["code"]: (r.values["contractor_code"], r.values["contract_area"])
            for r in rows if not r.errors}


def _coholder_rules(rows: list[LandRow], terms: dict, household_of: dict[str, str],
                    roster: RosterView) -> None:
    for r in rows:
        v = r.values
        contractor = v["contractor_code"]
        if contractor not in terms:
            r.error(COHOLDERS, "contractor_code", "parcel.contractor_unknown", contractor or "（空）")
            continue
        number = household_of.get(contractor)
        if r.errors or not v["is_coholder"] or number is None:
            continue
        if v["id_number"] not in roster.members.get(number, ()):
            r.warn(COHOLDERS, "id_number", "coholder.left_household", f"{v['name']}（{v['id_number']}）")


def _circulation_rules(rows: list[LandRow], terms: dict, parcels: dict) -> None:
    for r in rows:
        v = r.values
        contractor = v["contractor_code"]
        if contractor not in terms:
            r.error(CIRCULATIONS, "contractor_code", "parcel.contractor_unknown", contractor or "（空）")
        codes = v["parcel_codes"] or []
        unknown = [c for c in codes if parcels.get(c, (None,))[0] != contractor]
        if unknown or not codes:
            r.error(CIRCULATIONS, "parcel_codes", "circulation.parcel_unknown",
                    "、".join(unknown) or "（空）")
        if v["starts_on"] and v["ends_on"] and v["ends_on"] < v["starts_on"]:
            r.error(CIRCULATIONS, "ends_on", "term.invalid", v["ends_on"], v["starts_on"])
        term_end = terms.get(contractor)
        if v["ends_on"] and term_end and v["ends_on"] > term_end:
            r.error(CIRCULATIONS, "ends_on", "circulation.term_exceeds_contract", v["ends_on"], term_end)
        if not unknown and codes and v["area"] is not None:
            total = sum((parcels[c][1] or Decimal(0) for c in codes), Decimal(0))
            if v["area"] > total:
                r.error(CIRCULATIONS, "area", "circulation.area_exceeds",
                        display("circulations", "area", v["area"]), display("circulations", "area", total))
