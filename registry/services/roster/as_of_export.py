"""Export of a village's roster as of a past day (issue 3 step 8), as the roster workbook."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from registry.excel.writer import write_roster_xlsx
from registry.models import Organization
from registry.reports.roster.as_of import roster_as_of
from registry.reports.roster.masking import masked_rows
from registry.services import audit
from registry.services.exports import MASKED_COLUMNS, ExportResult, masked_suffix


def export_roster_as_of(session: Session, organization: Organization, day: dt.date, *, actor,
                        mask_ids: bool) -> ExportResult:
    """The roster of ``organization`` on ``day`` as .xlsx bytes; writes an audit event (with whether the
    ID numbers were masked). ``mask_ids``: as in :func:`registry.services.exports.export_roster` (the
    caller decides, ``registry.permissions.village_export_full_ids``)."""
    rows = [row for _mid, row in roster_as_of(session, organization.id, day)]
    area = organization.area
    title = f"{area.full_name or area.name}成员名册（{day.isoformat()}）"
    data = write_roster_xlsx(masked_rows(rows) if mask_ids else rows, title=title,
                             replace=MASKED_COLUMNS if mask_ids else None)
    audit.record(session, actor=actor, action="export.roster_as_of", target_type="area", target_id=area.id,
                 area_code=area.code, rows=len(rows), day=day, masked=mask_ids)
    session.flush()
    name = f"{area.name}成员名册_{day.isoformat()}_{area.code}{masked_suffix(mask_ids)}.xlsx"
    return ExportResult(data, len(rows), name)
