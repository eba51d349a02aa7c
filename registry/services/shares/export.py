"""The share register as a 股权台账 workbook (the import's layout: one row per holder household), so an
export re-imports "all unchanged"."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from registry.excel.shares.columns import SHARE_COLUMNS
from registry.excel.writer import write_table_xlsx
from registry.models import Household, HouseholdMember, Organization, Person
from registry.services import audit
from registry.services.shares.holders import holdings_on, households_of
from registry.services.shares.importer import valid_certificates

ZERO = Decimal(0)


@dataclass
class Export:
    data: bytes
    rows: int


def register_rows(session: Session, organization: Organization, day: dt.date) -> list[list]:
    """The register's rows on ``day`` in 户编号 order: certificate, 户编号, head, head's ID, 人口股, 农龄股,
    股份合计, issue date."""
    units: dict[int, dict[str, Decimal]] = {}
    for h in session.scalars(holdings_on(session, organization.id, day)):
        if h.household_id is not None:
            bucket = units.setdefault(h.household_id, {})
            bucket[h.share_type] = bucket.get(h.share_type, ZERO) + h.units
    households = households_of(session, organization.id)
    head_ids = dict(session.execute(
        select(HouseholdMember.household_id, Person.id_number)
        .join(Person, Person.id == HouseholdMember.person_id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(and_(Household.organization_id == organization.id, HouseholdMember.is_head.is_(True),
                    HouseholdMember.valid_to.is_(None)))).all())
    certificates = valid_certificates(session, organization.id)
    rows = []
    for hid, bucket in sorted(units.items(), key=lambda item: households[item[0]][0]):
        number, head = households[hid]
        cert = certificates.get(hid)
        pop, farm = bucket.get("population", ZERO), bucket.get("farm_age", ZERO)
        rows.append([cert.number if cert else None, number, head, head_ids.get(hid), pop, farm,
                     sum(bucket.values(), ZERO), cert.issued_on if cert else None])
    return rows


def export_shares(session: Session, organization: Organization, *, actor, day: dt.date) -> Export:
    rows = register_rows(session, organization, day)
    data = write_table_xlsx({"股权台账": ([c.heading for c in SHARE_COLUMNS], rows)})
    audit.record(session, actor=actor, action="export.shares", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, rows=len(rows), day=day)
    return Export(data, len(rows))
