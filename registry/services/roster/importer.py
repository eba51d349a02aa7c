"""Roster import (DESIGN §4): read → validate → plan against the database → apply in one
transaction. One service behind the web upload and ``flask import-roster``.

Row codes are those of ``registry.excel.roster.validate`` plus ``duplicate.other_village`` (a 正式成员 row of
a person who is already an active member of another village, M-15) and the warning
``handover.pending`` (a 待确认 row of such a person: the hand-over runs when the assembly confirms).
File codes: ``file.*`` from the reader plus ``roster.locked`` (the roster is under town review,
F-09). All or nothing by default; ``partial=True`` leaves out every household with an error row."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel import reader
from registry.excel.reader import FileError, read_roster
from registry.excel.roster.validate import validate_roster
from registry.models import Membership, Organization
from registry.models.filings import TOWN_REVIEW, Filing
from registry.services import audit
from registry.services.filing import filings
from registry.services.roster.apply import apply_plan, plan_rows
from registry.services.roster.checks import (
    check_other_villages,
    check_village_codes,
    current_households,
    headless_households,
    households_to_leave_out,
)
from registry.services.roster.endings import apply_endings, check_endings, not_in_file
from registry.services.roster.preview import preview_diff

LOCKED_STATES = (TOWN_REVIEW,)


#: ``progress(stage, done, total)``: "read" = rows read and checked of the sheet's rows, "write" / "check" =
#: villages planned (and written) of the villages in the file. Used by background jobs and the CLI bar.
Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """Result of a roster import. ``errors``/``warnings`` items are dicts
    ``{"row": Excel row number or None for file errors, "column": heading or None, "code", "message"}``."""

    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    dry_run: bool = False
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    skipped_households: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    rows_to_import: int = 0
    file_error: bool = False
    households: int = 0
    ended: int = 0  # confirmed members whose 已丧失 row ends the membership (issue 3)
    not_in_file: int = 0  # members of the roster missing from the file (kept, M-09)
    diff: dict = field(default_factory=dict)  # registry.services.roster.preview.preview_diff
    villages: int | None = None  # villages with rows in the file (area import, ``import-roster --area``)

    def to_json(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "committed": self.committed,
            "errors": self.errors,
            "warnings": self.warnings,
            "skipped_households": self.skipped_households,
            **({"villages": self.villages} if self.villages is not None else {}),
        }

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors if e["row"] is not None})


def read_limits(config) -> dict:
    """The import bounds from the app config (a mapping), as keyword arguments of :func:`import_roster`:
    ``ROSTER_MAX_ROWS``, ``ROSTER_MAX_COLUMNS``, ``ROSTER_MAX_UNCOMPRESSED`` (bytes inflated)."""
    return {"max_rows": config.get("ROSTER_MAX_ROWS"),
            "max_columns": config.get("ROSTER_MAX_COLUMNS", reader.MAX_COLUMNS),
            "max_uncompressed": config.get("ROSTER_MAX_UNCOMPRESSED", reader.MAX_UNCOMPRESSED)}


def import_roster(session: Session, data: bytes, organization: Organization, *, actor,
                  filename: str | None = None, dry_run: bool = False, partial: bool = False,
                  today: dt.date | None = None, max_rows: int | None = None, max_columns: int | None = None,
                  max_uncompressed: int | None = None, progress: Progress | None = None) -> ImportReport:
    """Import a village roster workbook (.xlsx/.xls/.ods bytes) into ``organization``
    (``progress``: see :data:`Progress`, rows read and checked).

    Returns an :class:`ImportReport`; nothing is written when ``dry_run`` is set, when the file
    is refused, or when any row has an error and ``partial`` is False. Flushes, never commits.

    Concurrency: a real import first locks the organisation's row (``SELECT … FOR UPDATE``; SQLite
    serialises writers anyway), so two imports into one village run one after the other and the second
    plans against the first's result. A unique constraint that still fails (another village committed
    the same person meanwhile, M-15) gives the file error ``roster.conflict``: the caller must roll back.
    """
    report = ImportReport(dry_run=dry_run)
    today = today or local_today()
    if not dry_run:
        session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    locked = session.scalar(
        select(Filing.id).where(Filing.organization_id == organization.id, Filing.state.in_(LOCKED_STATES))
    )
    if locked:
        report.file_error = True
        report.errors.append(_file_issue("roster.locked", "名册正在乡镇审核中，审核完成或退回前不能导入"))
        return report
    results = read_checked(data, filename, report, today=today, max_rows=max_rows, max_columns=max_columns,
                           max_uncompressed=max_uncompressed, progress=progress)
    if results is None:
        return report

    check_village_codes(results, organization)
    check_other_villages(session, results, organization)
    endings = check_endings(session, results, organization, today=today, actor=actor)
    for r in results:
        report.errors.extend(_issue(i) for i in r.errors)
        report.warnings.extend(_issue(i) for i in r.warnings)

    file_ids = {r.values["id_number"] for r in results if r.values.get("id_number")}
    current = current_households(session, organization, file_ids)
    if partial:
        left_out = households_to_leave_out(results, current)
        accepted = [r for r in results if not r.errors and r.values.get("household_no") not in left_out
                    and current.get(r.values.get("id_number")) not in left_out]
        report.skipped_households = sorted(left_out)
        report.skipped_rows = len(results) - len(accepted)
    else:
        accepted = results if not report.errors else []
    report.rows_to_import = len(accepted)

    # The preview counts the rows that would be written (or, when nothing would, the good rows).
    planned = accepted if accepted else [r for r in results if not r.errors]
    plan = plan_rows(session, organization, [(r.row, r.values) for r in planned], endings)
    report.created, report.updated, report.unchanged = plan.created, plan.updated, plan.unchanged
    report.ended = len(plan.ended)
    report.households = plan.household_count
    report.warnings.extend(_row_issue(row, *w) for row, w in plan.warnings)
    report.diff = preview_diff(plan, results)
    missing, names = not_in_file(session, organization, file_ids)
    report.not_in_file = missing
    if missing:
        report.warnings.append(_file_issue(
            "roster.not_in_file",
            f"名册中有 {missing} 名成员不在本文件中（{'、'.join(names)}{'等' if missing > len(names) else ''}），"
            "导入不改变他们的成员身份；丧失成员身份须填写“成员状态 已丧失”和“丧失原因”，或在成员页面办理（M-09）"))

    open_filing = filings.open_filing(session, organization.id)
    changes = bool(plan.created or plan.updated or plan.ended)
    renotice = changes and filings.notice_would_be_voided(open_filing)
    if renotice:
        report.warnings.append(_file_issue(
            "filing.renotice", "名册已公示，本次导入会改变名册：导入后原公示作废，须重新公示（F-04）"))
    # The first import of a village enters the roster as it already stands (its paper notice may
    # predate the import); later changes date the roster, so no notice can be dated before them.
    first_roster = not session.scalar(select(Membership.id).where(Membership.organization_id == organization.id)
                                      .limit(1))
    if dry_run or not accepted:
        return report
    savepoint = session.begin_nested()
    try:
        headless = apply_village(session, organization, plan, report, actor=actor, filename=filename,
                                 renotice=renotice, changes=changes, first_roster=first_roster, today=today)
    except IntegrityError:
        return refuse(savepoint, report, "roster.conflict")
    if headless:
        # M-25 over the whole village, not only the file: e.g. the file moves a head out of a
        # household whose other members it does not list.
        return refuse(savepoint, report, "household.no_head", headless)
    savepoint.commit()
    return report


def refuse(savepoint, report: ImportReport, code: str, households: list[str] | None = None) -> ImportReport:
    """Undo an import that failed while writing (``savepoint`` rolled back) and say why in ``report``:
    ``roster.conflict`` (the database refused a row: someone registered the same person meanwhile, M-15)
    or ``household.no_head`` (``households`` would be left without exactly one head, M-25)."""
    savepoint.rollback()
    report.committed = False
    if code == "roster.conflict":
        report.file_error = True
        report.errors.append(_file_issue(
            code, "数据库拒绝了本次写入（通常是其他用户同时登记了相同的人员，例如另一个村同时导入了同一人），"
            "本次没有导入任何数据；请重新检查文件后再导入"))
    else:
        report.errors.append(_file_issue(
            code, f"导入后以下户将没有户主或有多个户主：{'、'.join(households[:20])}；请在文件中列出这些户的全部成员"))
    return report


def read_checked(data: bytes, filename: str | None, report: ImportReport, *, today: dt.date,
                 max_rows: int | None = None, max_columns: int | None = None,
                 max_uncompressed: int | None = None, progress: Progress | None = None) -> list | None:
    """Read and validate a roster file: the row results (``registry.excel.roster.validate.RowResult``) in file
    order, or None after adding the file error (``file.*``) to ``report``. Sets ``report.rows_read``.
    ``progress("read", rows done, rows in the sheet)`` is called every few hundred rows."""
    try:
        limits = {k: v for k, v in (("max_columns", max_columns), ("max_uncompressed", max_uncompressed)) if v}
        sheet = read_roster(data, filename, max_rows=max_rows, **limits)
        rows = sheet.rows() if progress is None else _reporting(sheet.rows(), progress, sheet.height - sheet.header_row)
        check = validate_roster(rows, today=today)
    except FileError as exc:
        report.file_error = True
        report.errors.append(_file_issue(exc.code, exc.message))
        return None
    results = check.rows
    report.rows_read = len(results)
    if max_rows is not None and report.rows_read > max_rows:
        report.file_error = True
        report.errors.append(_file_issue("file.too_large", f"名册行数 {report.rows_read} 超过上限 {max_rows}"))
        return None
    if report.rows_read == 0:
        report.file_error = True
        report.errors.append(_file_issue("file.empty", "文件中没有成员数据行"))
        return None
    return results


PROGRESS_EVERY = 500  # rows between two progress reports


def _reporting(rows, progress: Progress, total: int):
    """``rows`` unchanged, calling ``progress("read", n, total)`` every PROGRESS_EVERY rows and at the end."""
    count = 0
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0:
            progress("read", count, max(total, count))
        yield row
    progress("read", count, count)


def apply_village(session: Session, organization: Organization, plan, report: ImportReport, *, actor, filename,
                  renotice: bool, changes: bool, first_roster: bool, today, rows_read: int | None = None,
                  skipped: list[str] | None = None) -> list[str]:
    """Write one village's plan, date its roster, void a posted notice, run the endings through the
    membership workflow and audit (``rows_read``/``skipped``: the village's share of an area import).
    Returns the households left without exactly one head (the caller rolls back)."""
    apply_plan(session, organization, plan, today=today)
    headless = headless_households(session, organization)
    if headless:
        return headless
    report.committed = True
    if changes:
        filing = filings.current_filing(session, organization, actor=actor,
                                        changed_on=None if first_roster else today)
        if renotice:
            filings.transition(session, filing, filings.ROSTER_CHANGED, actor=actor, today=today,
                               created=plan.created, updated=plan.updated, ended=len(plan.ended))
    apply_endings(session, plan.ended, actor=actor, today=today)  # through the membership workflow
    audit.record(session, actor=actor, action="roster.import", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, filename=filename,
                 rows=report.rows_read if rows_read is None else rows_read, created=plan.created,
                 updated=plan.updated, unchanged=plan.unchanged, ended=len(plan.ended),
                 skipped_households=report.skipped_households if skipped is None else skipped,
                 changes=plan.changes[:500])
    session.flush()
    return []


def refused_because(preview: ImportReport, refused: ImportReport) -> ImportReport:
    """Add to a fresh dry-run ``preview`` the file-level errors of an import that was just ``refused``
    (``roster.conflict``, ``household.no_head`` …) that the preview does not show itself; returns it."""
    known = {(e["code"], e["message"]) for e in preview.errors}
    preview.errors[:0] = [e for e in refused.errors if e["row"] is None and (e["code"], e["message"]) not in known]
    return preview


def _issue(issue) -> dict:
    return {"row": issue.row, "column": issue.column, "code": issue.code, "message": issue.message_zh}


def _row_issue(row, column, code, message) -> dict:
    return {"row": row, "column": column, "code": code, "message": message}


def _file_issue(code: str, message: str) -> dict:
    return {"row": None, "column": None, "code": code, "message": message}
