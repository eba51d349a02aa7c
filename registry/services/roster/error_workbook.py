"""The downloadable error workbook of a roster import (DESIGN §4 step 7): a village's, and a town's or
the district's (``import-roster --area``, issue 5)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.reader import FileError, read_roster
from registry.excel.roster.validate import Issue, validate_roster
from registry.excel.writer import write_error_workbook
from registry.models import Area, Organization
from registry.services.roster.area_import import import_area_roster
from registry.services.roster.checks import check_other_villages, check_village_codes
from registry.services.roster.endings import check_endings


def error_workbook_bytes(session: Session, data: bytes, organization: Organization, *,
                         filename: str | None = None) -> bytes | None:
    """The user's rows plus an ``错误说明`` column with every error and warning of the import,
    offending cells highlighted; None when the file itself cannot be read. Writes nothing."""
    try:
        sheet = read_roster(data, filename)
        check = validate_roster(sheet.rows(), today=local_today())
    except FileError:
        return None
    results = list(check.rows)
    check_village_codes(results, organization)
    check_other_villages(session, results, organization)
    check_endings(session, results, organization)
    issues = [i for r in results for i in (*r.errors, *r.warnings)]
    return write_error_workbook(sheet.raw_rows(), issues, headings=sheet.headings)


def area_error_workbook_bytes(session: Session, data: bytes, area: Area, *, filename: str | None = None,
                              actor=None, **limits) -> bytes | None:
    """The error workbook of a town or district roster (one workbook, 村代码 on every row): the
    import's own dry run (:func:`~registry.services.roster.area_import.import_area_roster`) runs the village
    checks per village plus ``village.missing/unknown/outside``; its row issues go into the
    ``错误说明`` column. None when the import refuses the file as a whole (a ``file.*`` code,
    ``roster.locked``). ``limits``: the read bounds (``read_limits``). Writes nothing; the caller
    rolls back."""
    report = import_area_roster(session, data, area, actor=actor, filename=filename, dry_run=True, **limits)
    if report.file_error:
        return None
    sheet = read_roster(data, filename)  # the dry run has read it: it opens
    issues = [Issue(i["row"], i["column"], i["code"], i["message"], level)
              for level, items in (("error", report.errors), ("warning", report.warnings))
              for i in items if i["row"] is not None]
    return write_error_workbook(sheet.raw_rows(), issues, headings=sheet.headings)
