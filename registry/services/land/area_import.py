"""Town or district land register import (issue 15, ``import-land FILE --area CODE``).

A land-right confirmation (确权) export often covers a whole town or the district. Every code of the land
register names its village (承包方编码 CBFBM and 地块编码 DKBM start with the 12-digit village code), so no
村代码 column is needed: the file is read once, each row goes to the village its code names (a parcel by
its 地块编码, the other sheets by 承包方编码), and every village's rows get the same checks, plan and
bulk apply as a village import (``registry.services.land.importer``), all in the caller's one transaction:
all or nothing over the whole file, or with ``partial`` every contracting household with an error row
left out. The roster of every village in the area is read in one query.

Row codes added here: ``village.unknown`` — the code names no village with a collective economic
organisation inside the area (the row is checked against the area's code, so a malformed or foreign code
is ``code.format`` as in a village import). File code ``land.no_roster`` when no village in the area has
a roster.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.gc_pause import paused_gc
from registry.excel.land.cells import parse_code
from registry.excel.land.columns import CIRCULATIONS, COHOLDERS, CONTRACTORS, PARCELS, SHEETS
from registry.excel.land.rows import CHECKERS, LandRow
from registry.excel.land.validate import RosterView, read_land, validate_land
from registry.excel.normalise import INVALID
from registry.excel.reader import FileError
from registry.models import Area, Household, HouseholdMember, Organization, Person
from registry.services import audit
from registry.services.land.apply import apply_land, plan_land
from registry.services.land.importer import LandImport, _file_error, flag_moved_parcels, report_rows

__all__ = ["import_land_area"]

_COLUMNS = {"contractors": CONTRACTORS, "parcels": PARCELS, "coholders": COHOLDERS, "circulations": CIRCULATIONS}
_ORDER = {spec.title: i for i, spec in enumerate(SHEETS)}


@dataclass
class _Rows:
    """The rows of one sheet that belong to one village, shaped like a located sheet for ``validate_land``."""

    columns: dict[str, int]
    items: list[tuple[int, dict[str, Any]]]

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return iter(self.items)


def _village_of(key: str, raw: dict[str, Any]) -> str | None:
    """The 12-digit village code a row's land code names (None when the code is not well formed)."""
    cell = raw.get("code") if key == "parcels" else raw.get("contractor_code")
    code = parse_code(cell, 19 if key == "parcels" else 18)
    if (code is None or code is INVALID) and key == "parcels":
        code = parse_code(raw.get("contractor_code"), 18)
    return None if code is None or code is INVALID else code[:12]


def area_rosters(session: Session, organizations: dict[int, Organization]) -> dict[int, RosterView]:
    """The roster of every organisation, read in one query: organisation id -> RosterView."""
    members: dict[int, dict[str, set[str]]] = defaultdict(dict)
    household_of: dict[int, dict[str, str]] = defaultdict(dict)
    stmt = (select(Household.organization_id, Household.number, Person.id_number)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(Household.organization_id.in_(list(organizations)), HouseholdMember.valid_to.is_(None)))
    # Core rows (the session's connection, same transaction): no ORM row processing for ~300k rows
    for org_id, number, id_number in session.connection().execute(stmt):
        members[org_id].setdefault(number, set()).add(id_number)
        household_of[org_id][id_number] = number
    return {org_id: RosterView({k: frozenset(v) for k, v in members[org_id].items()}, household_of[org_id])
            for org_id in members}


@paused_gc()  # millions of row objects, no cycles: registry.excel.gc_pause
def import_land_area(session: Session, data: bytes, area: Area, *, actor, filename: str | None = None,
                     dry_run: bool = False, partial: bool = False, today: dt.date | None = None,
                     **limits) -> LandImport:
    """Import a land register workbook covering several villages of ``area`` (a town or the district).

    ``limits``: the reader's bounds (``max_rows``, ``max_columns``, ``max_uncompressed``, ``max_bytes``,
    ``max_cells``; None or 0 keeps the default). The report is a village import's plus ``villages`` (the
    villages with rows in the file). Nothing is written when ``dry_run`` is set, the file is refused, or any
    row has an error and ``partial`` is False. Flushes, never commits; one ``land.import`` audit event per
    village written."""
    report = LandImport(dry_run=dry_run, villages=0)
    today = today or local_today()
    orgs = {o.area_code: o for o in session.scalars(
        select(Organization).where(Organization.area_code.startswith(area.scope_prefix),
                                   Organization.level == "village"))}
    if not dry_run and orgs:
        session.execute(select(Organization.id).where(Organization.id.in_([o.id for o in orgs.values()]))
                        .with_for_update())
    rosters = area_rosters(session, {o.id: o for o in orgs.values()}) if orgs else {}
    if not rosters:
        _file_error(report, "land.no_roster", "本区域还没有导入成员名册的村：请先导入名册，再导入承包地台账")
        return report
    try:
        sheets = read_land(data, filename, **{k: v for k, v in limits.items() if v})
    except FileError as exc:
        _file_error(report, exc.code, exc.message)
        return report
    split: dict[str, dict[str, list]] = defaultdict(lambda: {key: [] for key in _COLUMNS})
    stray: dict[str, list] = {key: [] for key in _COLUMNS}
    for key, table in sheets.items():
        for number, raw in table.rows():
            village = _village_of(key, raw)
            (split[village][key] if village in orgs else stray[key]).append((number, raw))
    checks, memos = {}, {}
    for code in sorted(split):
        org = orgs[code]
        village_sheets = {key: _Rows(sheets[key].columns, items) for key, items in split[code].items()
                          if key in sheets}
        checks[code] = validate_land(village_sheets, code, rosters.get(org.id, RosterView({}, {})), today=today,
                                     memos=memos)
    flag_moved_parcels(session, [orgs[code].id for code in checks],
                       [r for check in checks.values() for r in check.rows.get("parcels", [])])
    strays = _stray_rows(stray, area, today)
    # the rows with an issue are listed in sheet and row order; every row is counted
    rows = [r for check in checks.values() for r in check.all_rows() if r.errors or r.warnings]
    rows += [r for r in strays if r.errors or r.warnings]
    rows.sort(key=lambda r: (_ORDER[r.sheet], r.row))
    report.villages = len(checks)
    total = sum(len(items) for check in checks.values() for items in check.rows.values()) + len(strays)
    if not report_rows(report, rows, total=total):
        return report
    bad = {r.values.get("contractor_code") for r in rows if r.errors}
    good = {code: {key: [r for r in items if not r.errors and r.values.get("contractor_code") not in bad]
                   for key, items in check.rows.items()} for code, check in checks.items()}
    if partial:
        report.skipped_households = sorted(c for c in bad if c)
    if partial or not report.errors:
        report.rows_to_import = sum(len(v) for rows_of in good.values() for v in rows_of.values())
    report.skipped_rows = report.rows_read - report.rows_to_import
    # one plan and one apply for every village: one insert per table, ids read back once per table
    plan = plan_land(session, [(orgs[code], good[code], check.household_of) for code, check in checks.items()])
    for village in plan.villages:  # the counts are those of the rows written, or (when nothing would be) of
        report.created += village.created  # the rows without errors
        report.updated += village.updated
        report.unchanged += village.unchanged
        report.households += village.households
    if not dry_run and report.rows_to_import:
        apply_land(session, plan, today=today)
        for village in plan.villages:
            if not (village.created or village.updated):
                continue
            org = village.organization
            audit.record(session, actor=actor, action="land.import", target_type="organization",
                         target_id=org.id, area_code=org.area_code, filename=filename, area=area.code,
                         created=village.created, updated=village.updated, unchanged=village.unchanged,
                         changes=village.changes,
                         skipped_households=[c for c in report.skipped_households if c.startswith(org.area_code)])
    report.committed = not dry_run and report.rows_to_import > 0
    session.flush()
    return report


def _stray_rows(stray: dict[str, list], area: Area, today: dt.date) -> list[LandRow]:
    """Rows whose code names no registered village of the area: checked as rows of the area (its code
    prefix), then ``code.format`` for a code outside the area, ``village.unknown`` for a village of the
    area without a collective economic organisation."""
    out = []
    for key, items in stray.items():
        check = CHECKERS[key](area.scope_prefix, today)
        columns = _COLUMNS[key]
        field = "code" if key == "parcels" else "contractor_code"
        for number, raw in items:
            row = check(number, raw)
            village = _village_of(key, raw)
            outside = village is None or not village.startswith(area.scope_prefix)
            if not row.errors and outside:
                row.error(columns, field, "code.format", raw.get(field),
                          f"应以本区域代码 {area.scope_prefix} 开头的 12 位村代码开头")
            elif not row.errors:
                row.error(columns, field, "village.unknown", raw.get(field), "本区域内没有该村的集体经济组织")
            out.append(row)
    return out
