"""Roster import (DESIGN §4): read → validate → plan against the database → apply in one
transaction. One service behind the web upload and ``flask import-roster``.

Row codes are those of ``registry.excel.roster`` plus ``duplicate.other_village`` (the person is
already an active member of another village; hand-over is a separate workflow, M-15).
File codes: ``file.*`` from the reader plus ``roster.locked`` (the roster is under town review,
F-09). All or nothing by default; ``partial=True`` leaves out every household with an error row."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.excel.reader import FileError, read_roster
from registry.excel.roster import validate_roster
from registry.models import Area, Membership, Organization, Person
from registry.models.filings import TOWN_REVIEW, Filing
from registry.services import audit
from registry.services.roster_apply import apply_plan, plan_rows

LOCKED_STATES = (TOWN_REVIEW,)


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
    file_error: bool = False
    households: int = 0

    def to_json(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "errors": self.errors,
            "warnings": self.warnings,
            "skipped_households": self.skipped_households,
        }

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors if e["row"] is not None})


def read_limits(config) -> dict:
    """The import bounds from the app config (a mapping), as keyword arguments of :func:`import_roster`:
    ``ROSTER_MAX_ROWS``, ``ROSTER_MAX_COLUMNS``, ``ROSTER_MAX_UNCOMPRESSED`` (bytes inflated)."""
    from registry.excel import reader

    return {"max_rows": config.get("ROSTER_MAX_ROWS"),
            "max_columns": config.get("ROSTER_MAX_COLUMNS", reader.MAX_COLUMNS),
            "max_uncompressed": config.get("ROSTER_MAX_UNCOMPRESSED", reader.MAX_UNCOMPRESSED)}


def import_roster(session: Session, data: bytes, organization: Organization, *, actor,
                  filename: str | None = None, dry_run: bool = False, partial: bool = False,
                  today: dt.date | None = None, max_rows: int | None = None, max_columns: int | None = None,
                  max_uncompressed: int | None = None) -> ImportReport:
    """Import a village roster workbook (.xlsx/.xls/.ods bytes) into ``organization``.

    Returns an :class:`ImportReport`; nothing is written when ``dry_run`` is set, when the file
    is refused, or when any row has an error and ``partial`` is False. Flushes, never commits.

    Concurrency: a real import first locks the organisation's row (``SELECT … FOR UPDATE``; SQLite
    serialises writers anyway), so two imports into one village run one after the other and the second
    plans against the first's result. A unique constraint that still fails (another village committed
    the same person meanwhile, M-15) gives the file error ``roster.conflict``: the caller must roll back.
    """
    report = ImportReport(dry_run=dry_run)
    if not dry_run:
        session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    locked = session.scalar(
        select(Filing.id).where(Filing.organization_id == organization.id, Filing.state.in_(LOCKED_STATES))
    )
    if locked:
        report.file_error = True
        report.errors.append(_file_issue("roster.locked", "名册正在乡镇审核中，审核完成或退回前不能导入"))
        return report
    try:
        limits = {k: v for k, v in (("max_columns", max_columns), ("max_uncompressed", max_uncompressed)) if v}
        sheet = read_roster(data, filename, max_rows=max_rows, **limits)
        check = validate_roster(sheet.rows(), today=today)
    except FileError as exc:
        report.file_error = True
        report.errors.append(_file_issue(exc.code, exc.message))
        return report

    results = list(check.rows)
    report.rows_read = len(results)
    if max_rows is not None and report.rows_read > max_rows:
        report.file_error = True
        report.errors.append(_file_issue("file.too_large", f"名册行数 {report.rows_read} 超过上限 {max_rows}"))
        return report
    if report.rows_read == 0:
        report.file_error = True
        report.errors.append(_file_issue("file.empty", "文件中没有成员数据行"))
        return report

    check_other_villages(session, results, organization)
    for r in results:
        report.errors.extend(_issue(i) for i in r.errors)
        report.warnings.extend(_issue(i) for i in r.warnings)

    bad_households = {r.values.get("household_no") for r in results if r.errors}
    if partial:
        accepted = [r for r in results if r.values.get("household_no") not in bad_households]
        report.skipped_households = sorted(h for h in bad_households if h)
        report.skipped_rows = len(results) - len(accepted)
    else:
        accepted = results if not report.errors else []

    # The preview counts the rows that would be written (or, when nothing would, the good rows).
    planned = accepted if accepted else [r for r in results if not r.errors]
    plan = plan_rows(session, organization, [(r.row, r.values) for r in planned])
    report.created, report.updated, report.unchanged = plan.created, plan.updated, plan.unchanged
    report.households = plan.household_count
    report.warnings.extend(_row_issue(row, *w) for row, w in plan.warnings)

    from registry.services import filings

    open_filing = filings.open_filing(session, organization.id)
    renotice = (open_filing is not None and open_filing.state in filings.NOTICE_POSTED_STATES
                and bool(plan.created or plan.updated))
    if renotice:
        report.warnings.append(_file_issue(
            "filing.renotice", "名册已公示，本次导入会改变名册：导入后原公示作废，须重新公示（F-04）"))
    if dry_run or not accepted:
        return report
    try:
        _apply(session, organization, plan, report, actor=actor, filename=filename, renotice=renotice,
               today=today)
    except IntegrityError:
        report.committed = False
        report.file_error = True
        report.errors.append(_file_issue(
            "roster.conflict", "数据库拒绝了本次写入（通常是其他用户同时登记了相同的人员，例如另一个村同时导入了同一人），"
            "本次没有导入任何数据；请重新检查文件后再导入"))
    return report


def _apply(session: Session, organization: Organization, plan, report: ImportReport, *, actor, filename,
           renotice: bool, today) -> None:
    from registry.services import filings

    apply_plan(session, organization, plan)
    report.committed = True
    if plan.created or plan.updated:
        filing = filings.current_filing(session, organization, actor=actor)
        if renotice:
            filings.transition(session, filing, filings.ROSTER_CHANGED, actor=actor, today=today,
                               created=plan.created, updated=plan.updated)
    audit.record(session, actor=actor, action="roster.import", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, filename=filename,
                 rows=report.rows_read, created=plan.created, updated=plan.updated,
                 unchanged=plan.unchanged, skipped_households=report.skipped_households,
                 changes=plan.changes[:500])
    session.flush()


def check_other_villages(session: Session, results, organization: Organization) -> None:
    """``duplicate.other_village``: the person is an active member of another organisation."""
    from registry.excel.roster import Issue

    ids = [r.values["id_number"] for r in results if r.values.get("id_number") and not r.errors]
    elsewhere: dict[str, str] = {}
    for chunk in _chunks(ids, 900):
        stmt = (
            select(Person.id_number, Area.name, Organization.area_code)
            .join(Membership, Membership.person_id == Person.id)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Area, Area.id == Organization.area_id)
            .where(Person.id_number.in_(chunk), Membership.status == "confirmed",
                   Membership.organization_id != organization.id)
        )
        for id_number, village, code in session.execute(stmt):
            elsewhere[id_number] = f"{village}（{code}）"
    for r in results:
        other = elsewhere.get(r.values.get("id_number"))
        if other and not r.errors:
            r.errors.append(Issue(r.row, "证件号码", "duplicate.other_village",
                                  f"此人已是{other}的正式成员，不能重复登记（两头占）；请走成员身份转移流程"))


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _issue(issue) -> dict:
    return {"row": issue.row, "column": issue.column, "code": issue.code, "message": issue.message_zh}


def _row_issue(row, column, code, message) -> dict:
    return {"row": row, "column": column, "code": code, "message": message}


def _file_issue(code: str, message: str) -> dict:
    return {"row": None, "column": None, "code": code, "message": message}
