"""Export of a village's roster as of a past day (issue 3 step 8), as the roster workbook."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from registry.excel.writer import write_roster_xlsx
from registry.models import Organization
from registry.reports.roster.as_of import roster_as_of
from registry.services import audit
from registry.services.exports import ExportResult


def export_roster_as_of(session: Session, organization: Organization, day: dt.date, *, actor) -> ExportResult:
    """The roster of ``organization`` on ``day`` as .xlsx bytes; writes an audit event."""
    rows = [row for _mid, row in roster_as_of(session, organization.id, day)]
    area = organization.area
    data = write_roster_xlsx(rows, title=f"{area.full_name or area.name}成员名册（{day.isoformat()}）")
    audit.record(session, actor=actor, action="export.roster_as_of", target_type="area", target_id=area.id,
                 area_code=area.code, rows=len(rows), day=day)
    session.flush()
    return ExportResult(data, len(rows), f"{area.name}成员名册_{day.isoformat()}_{area.code}.xlsx")
