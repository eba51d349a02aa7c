"""The homestead register as .xlsx in the import layout (sheet 宅基地, the headings of
``registry.excel.homesteads.columns``): a village's export re-imports as "all unchanged"."""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from registry.codes import HOMESTEAD_STATUS
from registry.excel.homesteads.columns import HOMESTEAD_COLUMNS, SHEET_NAME
from registry.excel.writer import write_table_xlsx
from registry.models import Area, Homestead, Household, HouseholdMember, Organization, Person
from registry.reports.roster.listing import mask_id_number
from registry.services import audit
from registry.services.exports import ExportResult

_FIELDS = tuple(c.key for c in HOMESTEAD_COLUMNS)


def homestead_rows(session: Session, scope: str, *, mask_ids: bool = False):
    """``(values in column order)`` of every current homestead within ``scope`` (a division-code prefix),
    ordered by 宗地代码; the head's name and ID are the household's current head on the roster."""
    head = and_(HouseholdMember.household_id == Household.id, HouseholdMember.is_head.is_(True),
                HouseholdMember.valid_to.is_(None))
    stmt = (select(Homestead, Household.number, Person.name, Person.id_number)
            .join(Household, Household.id == Homestead.household_id)
            .join(Organization, Organization.id == Homestead.organization_id)
            .outerjoin(HouseholdMember, head).outerjoin(Person, Person.id == HouseholdMember.person_id)
            .where(Organization.area_code.startswith(scope), Homestead.valid_to.is_(None))
            .order_by(Homestead.plot_code))
    for h, number, name, id_number in session.execute(stmt):
        if mask_ids and id_number:
            id_number = mask_id_number(id_number)
        values = {"household_no": number, "head_name": name, "id_number": id_number,
                  "status": HOMESTEAD_STATUS.label(h.status)}
        yield [values[k] if k in values else getattr(h, k) for k in _FIELDS]


def export_homesteads(session: Session, area: Area, *, actor, mask_ids: bool = False) -> ExportResult:
    """The current homestead register of ``area`` (village, town or district) as .xlsx bytes; audited.
    ``mask_ids``: the heads' ID numbers as first 6 + last 4 (roles that do not need them)."""
    rows = list(homestead_rows(session, area.scope_prefix, mask_ids=mask_ids))
    headings = [c.heading for c in HOMESTEAD_COLUMNS]
    data = write_table_xlsx({SHEET_NAME: (headings, rows)})
    audit.record(session, actor=actor, action="homestead.export", target_type="area", target_id=area.id,
                 area_code=area.code, rows=len(rows), masked=mask_ids)
    return ExportResult(data, len(rows), f"宅基地台账_{area.code}.xlsx")
