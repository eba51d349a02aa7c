"""The downloadable error workbook of a homestead import: the user's rows plus an ``错误说明`` column."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from registry.excel.homesteads.columns import HOMESTEAD
from registry.excel.writer import write_error_workbook
from registry.models import Organization
from registry.services.homesteads.importer import DEFAULT_CAP, check_file
from registry.services.roster.importer import ImportReport


def error_workbook_bytes(session: Session, data: bytes, organization: Organization, *,
                         filename: str | None = None, cap: Decimal = DEFAULT_CAP) -> bytes | None:
    """Every error and warning of the import in the user's own rows; None when the file itself cannot be
    read. Writes nothing."""
    checked = check_file(session, data, organization, ImportReport(), filename=filename, cap=cap)
    if checked is None:
        return None
    results, sheet, _households, _current = checked
    issues = [i for r in results for i in (*r.errors, *r.warnings)]
    return write_error_workbook(sheet.raw_rows(), issues, headings=sheet.headings, columns=HOMESTEAD,
                                sheet_name="宅基地")
