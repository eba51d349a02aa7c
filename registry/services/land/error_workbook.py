"""The downloadable error workbook of a land register import: every sheet of the user's file as read,
plus an ``错误说明`` column with the row's errors and warnings. Writes nothing."""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.land.columns import SHEETS
from registry.excel.writer import write_table_xlsx
from registry.models import Organization
from registry.services.land.importer import LandImport, check_file


def land_error_workbook_bytes(session: Session, data: bytes, organization: Organization, *,
                              filename: str | None = None) -> bytes | None:
    """None when the file itself cannot be read (a ``file.*`` or ``land.no_roster`` error)."""
    report = LandImport(dry_run=True)
    found = check_file(session, data, organization, report, filename=filename, today=local_today())
    if found is None:
        return None
    check, sheets = found
    out = {}
    for spec in SHEETS:
        table = sheets.get(spec.key)
        if table is None:
            continue
        notes = {r.row: "；".join(f"{i.column}：{i.message_zh}" for i in (*r.errors, *r.warnings))
                 for r in check.rows[spec.key]}
        width = len(table.headings)
        rows = ([*row[:width], *[None] * (width - len(row)), notes.get(number) or None]
                for number, row in table.raw_rows())
        out[table.sheet_name] = ((*table.headings, "错误说明"), rows)
    return write_table_xlsx(out)
