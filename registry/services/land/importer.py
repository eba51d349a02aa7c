"""Land contract register import (issue 15): read → validate (``registry.excel.land``) → plan against the
database → apply in one transaction. One service behind the web upload and ``flask import-land``.

Row codes: the roster's ID, name, date and vocabulary codes plus those of shared/samples/RIGHTS.md. File
codes: ``file.*`` from the reader, ``land.no_roster`` (the village roster must be imported first). All or
nothing by default; ``partial=True`` leaves out every contracting household (承包方编码) with an error row
on any sheet. The report is the roster import's (:class:`ImportReport`, same JSON); row issues also carry
their ``sheet``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.gc_pause import paused_gc
from registry.excel.land.columns import PARCELS
from registry.excel.land.validate import LandCheck, LandRow, RosterView, read_land, validate_land
from registry.excel.reader import FileError
from registry.models import LandContract, Organization, Parcel
from registry.services import audit
from registry.services.land.apply import LandPlan, apply_land, plan_land, roster_members
from registry.services.roster.importer import ImportReport

__all__ = ["import_land", "check_file", "flag_moved_parcels", "LandImport"]


@dataclass
class LandImport(ImportReport):
    """The roster's report plus the land plan (for the preview)."""

    plan: LandPlan | None = None


def check_file(session: Session, data: bytes, organization: Organization, report: ImportReport, *,
               filename: str | None = None, today: dt.date, **limits) -> tuple[LandCheck, dict] | None:
    """Read and validate a land workbook against the village roster: the check and the located sheets,
    or None after adding the file error to ``report``. Sets ``report.rows_read`` and the row issues."""
    members, household_of = roster_members(session, organization)
    if not members:
        _file_error(report, "land.no_roster", "本村还没有导入成员名册：请先导入名册，再导入承包地台账")
        return None
    try:
        sheets = read_land(data, filename, **{k: v for k, v in limits.items() if v})
        check = validate_land(sheets, organization.area_code,
                              RosterView({k: frozenset(v) for k, v in members.items()}, household_of),
                              today=today)
    except FileError as exc:
        _file_error(report, exc.code, exc.message)
        return None
    flag_moved_parcels(session, [organization.id], check.rows.get("parcels", []))
    if not report_rows(report, check.all_rows()):
        return None
    return check, sheets


def flag_moved_parcels(session: Session, organization_ids: list[int], parcel_rows: list[LandRow]) -> None:
    """``parcel.other_contractor`` on each parcel row whose 地块编码 is registered (current) under another
    承包方编码 of these organisations: a parcel changes contractor only by a recorded exchange or transfer
    (L-12, L-13, ``registry.services.transfers``), never by an import. One query per call."""
    if not parcel_rows:
        return
    holders = dict(session.execute(
        select(Parcel.code, LandContract.contractor_code).join(LandContract, LandContract.id == Parcel.contract_id)
        .where(LandContract.organization_id.in_(organization_ids), Parcel.valid_to.is_(None))).all())
    for r in parcel_rows:
        held_by = holders.get(r.values.get("code"))
        if held_by is not None and r.values.get("contractor_code") and held_by != r.values["contractor_code"]:
            r.error(PARCELS, "code", "parcel.other_contractor", r.values["code"], held_by)


def report_rows(report: ImportReport, rows, *, total: int | None = None) -> bool:
    """Count the rows read (``total``, else ``len(rows)``: ``rows`` may then hold only the rows with an
    issue) and list every row's errors and warnings (with their sheet) in ``report``; False after the
    file error ``file.empty`` when there is no row."""
    report.rows_read = len(rows) if total is None else total
    if not report.rows_read:
        _file_error(report, "file.empty", "文件中没有承包方数据行")
        return False
    for r in rows:
        if r.errors:
            report.errors.extend(_issue(r.sheet, i) for i in r.errors)
        if r.warnings:
            report.warnings.extend(_issue(r.sheet, i) for i in r.warnings)
    return True


@paused_gc()  # many row objects, no cycles: registry.excel.gc_pause
def import_land(session: Session, data: bytes, organization: Organization, *, actor,
                filename: str | None = None, dry_run: bool = False, partial: bool = False,
                today: dt.date | None = None, max_rows: int | None = None, max_columns: int | None = None,
                max_uncompressed: int | None = None) -> LandImport:
    """Import a village's land contract register (.xlsx/.xls/.ods bytes) into ``organization``.

    Nothing is written when ``dry_run`` is set, when the file is refused, or when any row has an error
    and ``partial`` is False. Flushes, never commits; one audit event ``land.import`` for a write."""
    report = LandImport(dry_run=dry_run)
    today = today or local_today()
    if not dry_run:
        session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    found = check_file(session, data, organization, report, filename=filename, today=today, max_rows=max_rows,
                       max_columns=max_columns, max_uncompressed=max_uncompressed)
    if found is None:
        return report
    check, _sheets = found
    bad = {r.values.get("contractor_code") for r in check.all_rows() if r.errors}
    good = {key: [r for r in rows if not r.errors and r.values.get("contractor_code") not in bad]
            for key, rows in check.rows.items()}
    if partial:
        report.skipped_households = sorted(c for c in bad if c)
        accepted = good
    else:
        accepted = good if not report.errors else {key: [] for key in good}
    report.rows_to_import = sum(len(v) for v in accepted.values())
    report.skipped_rows = report.rows_read - report.rows_to_import
    # The preview counts the rows that would be written (or, when nothing would, the good rows).
    planned = accepted if report.rows_to_import else good
    plan = plan_land(session, [(organization, planned, check.household_of)])
    report.plan = plan
    report.created, report.updated, report.unchanged = plan.created, plan.updated, plan.unchanged
    report.households = plan.households
    if dry_run or not report.rows_to_import:
        return report
    apply_land(session, plan, today=today)
    report.committed = True
    audit.record(session, actor=actor, action="land.import", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, filename=filename,
                 rows=report.rows_read, created=plan.created, updated=plan.updated, unchanged=plan.unchanged,
                 skipped_households=report.skipped_households, changes=plan.changes)
    session.flush()
    return report


def _issue(sheet: str, issue) -> dict:
    return {"sheet": sheet, "row": issue.row, "column": issue.column, "code": issue.code,
            "message": issue.message_zh}


def _file_error(report: ImportReport, code: str, message: str) -> None:
    report.file_error = True
    report.errors.append({"row": None, "column": None, "code": code, "message": message})
