"""Homestead register import (issue 15, the roster's pipeline): read → validate → check against the
roster and the register → plan → apply in one transaction. One service behind the web upload and
``flask import-homesteads``.

Row codes: samples/RIGHTS.md (``code.format``, ``household.unknown``, ``area.invalid``,
``homestead.second_in_use`` (D-01), ``homestead.other_household`` (D-13: a plot changes household only by
a recorded transaction), the warning ``homestead.area_over_cap`` (D-02), and the roster's ``id.*``,
``name.missing``, ``date.invalid``, ``value.unknown``). All or nothing by default; ``partial=True`` leaves
out every household with an error row. Plots of the register missing from the file are kept."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.homesteads.columns import HOMESTEAD, SHEET_NAME
from registry.excel.homesteads.validate import validate_homesteads
from registry.excel.reader import FileError, read_table
from registry.excel.roster.types import RowResult
from registry.models import Organization
from registry.services import audit
from registry.services.homesteads.apply import apply_plan, plan_rows, preview_diff
from registry.services.homesteads.checks import (
    check_households,
    check_in_use,
    check_moves,
    current_plots,
    finish,
    roster_households,
)
from registry.services.roster.importer import ImportReport

DEFAULT_CAP = Decimal(132)


def area_cap(config) -> Decimal:
    """The D-02 cap in m² from the app config (``HOMESTEAD_AREA_CAP_M2``, default 132)."""
    return Decimal(str(config.get("HOMESTEAD_AREA_CAP_M2", DEFAULT_CAP)))


def check_file(session: Session, data: bytes, organization: Organization, report: ImportReport, *,
               filename: str | None = None, cap: Decimal = DEFAULT_CAP, today: dt.date | None = None,
               **limits) -> tuple[list[RowResult], object, dict, dict] | None:
    """Read and check a homestead file: ``(results, sheet, households, current plots)``, or None after
    adding the file error to ``report``. Sets ``report.rows_read``. Writes nothing."""
    today = today or local_today()
    try:
        sheet = read_table(data, HOMESTEAD, filename, names=(SHEET_NAME,),
                           **{k: v for k, v in limits.items() if v})
        results = validate_homesteads(sheet.rows(), village_code=organization.area_code, cap=cap, today=today)
    except FileError as exc:
        report.file_error = True
        report.errors.append(_file_issue(exc.code, exc.message))
        return None
    report.rows_read = len(results)
    if not results:
        report.file_error = True
        report.errors.append(_file_issue("file.empty", "文件中没有宅基地数据行"))
        return None
    households = roster_households(session, organization)
    current = current_plots(session, organization)
    check_households(results, households)
    check_moves(results, current, households)
    check_in_use(results, current, households)
    finish(results)
    return results, sheet, households, current


def import_homesteads(session: Session, data: bytes, organization: Organization, *, actor,
                      filename: str | None = None, dry_run: bool = False, partial: bool = False,
                      cap: Decimal = DEFAULT_CAP, today: dt.date | None = None, max_rows: int | None = None,
                      max_columns: int | None = None, max_uncompressed: int | None = None) -> ImportReport:
    """Import a village's homestead register workbook into ``organization``.

    Returns an :class:`~registry.services.roster.importer.ImportReport` (``ended`` is always 0); nothing is
    written on ``dry_run``, a file error, or any error row without ``partial``. Flushes, never commits."""
    report = ImportReport(dry_run=dry_run)
    today = today or local_today()
    if not dry_run:
        session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    checked = check_file(session, data, organization, report, filename=filename, cap=cap, today=today,
                         max_rows=max_rows, max_columns=max_columns, max_uncompressed=max_uncompressed)
    if checked is None:
        return report
    results, _sheet, households, current = checked
    for r in results:
        report.errors.extend(_issue(i) for i in r.errors)
        report.warnings.extend(_issue(i) for i in r.warnings)
    if partial:
        left_out = {r.values["household_no"] for r in results if r.errors and r.values["household_no"]}
        accepted = [r for r in results if not r.errors and r.values["household_no"] not in left_out]
        report.skipped_households = sorted(h for h in left_out if h in households)
        report.skipped_rows = len(results) - len(accepted)
    else:
        accepted = results if not report.errors else []
    report.rows_to_import = len(accepted)
    planned = accepted if accepted else [r for r in results if not r.errors]
    plan = plan_rows(planned, current, households)
    report.created, report.updated, report.unchanged = (plan.count("created"), plan.count("updated"),
                                                        plan.count("unchanged"))
    report.households = len({r.values["household_no"] for r in planned})
    report.diff = preview_diff(plan)
    if dry_run or not accepted:
        return report
    savepoint = session.begin_nested()
    try:
        apply_plan(session, organization, plan, today=today)
        audit.record(session, actor=actor, action="homestead.import", target_type="organization",
                     target_id=organization.id, area_code=organization.area_code, filename=filename,
                     rows=report.rows_read, created=report.created, updated=report.updated,
                     unchanged=report.unchanged, skipped_households=report.skipped_households,
                     changes=plan.changes[:500])
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        report.file_error = True
        report.errors.append(_file_issue(
            "homestead.conflict",
            "数据库拒绝了本次写入（通常是其他用户同时修改了宅基地登记），本次没有导入任何数据；请重新导入"))
        return report
    savepoint.commit()
    report.committed = True
    return report


def _issue(issue) -> dict:
    return {"row": issue.row, "column": issue.column, "code": issue.code, "message": issue.message_zh}


def _file_issue(code: str, message: str) -> dict:
    return {"row": None, "column": None, "code": code, "message": message}
