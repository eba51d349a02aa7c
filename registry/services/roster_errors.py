"""The downloadable error workbook of a roster import (DESIGN §4 step 7)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.reader import FileError, read_roster
from registry.excel.roster import validate_roster
from registry.excel.writer import write_error_workbook
from registry.models import Organization
from registry.services.roster_checks import check_other_villages, check_village_codes
from registry.services.roster_endings import check_endings


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
