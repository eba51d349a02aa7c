"""The roster of a village as of a past day D (issue 3 step 8), rebuilt from the records' dates:

- members: the memberships active on D (``handover.active_on_clause``: confirmed on or before D,
  not lost on or before D), shown as 正式成员 (争议中 while a dispute is open);
- household and relation to the head: the state before the first household change dated after D
  (the ``membership.household`` audit events keep old → new with the date), else the household link
  valid on D; the head is the person whose relation on D is 01/02;
- hukou: the record valid on D (moved in on or before D, not replaced on or before D).

Person fields (name, phone) and shares are current values: they carry no history, nor do household
changes made by a roster import (the import's audit event lists them, not per member). Also the
filed version in force on D (the last version the town recorded on or before D)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import utc_naive_start
from registry.codes import HEAD_RELATIONS
from registry.excel.roster.validate import display_values
from registry.models import AuditEvent, Filing, Household, HouseholdMember, HukouRecord, Membership, Person
from registry.models.filings import DISTRICT_FILED, TOWN_FILED
from registry.services.membership.handover import active_on_clause


def _valid_link(links: list[HouseholdMember], day: dt.date) -> HouseholdMember | None:
    """The link valid on ``day``; the first link when ``day`` precedes its recorded start (imports
    record the import day as the start)."""
    ordered = sorted(links, key=lambda link: (link.valid_from or dt.date.min, link.id))
    for link in reversed(ordered):
        if (link.valid_from is None or link.valid_from <= day) and (link.valid_to is None or link.valid_to > day):
            return link
    if ordered and (ordered[0].valid_to is None or ordered[0].valid_to > day):
        return ordered[0]
    return None


def _valid_hukou(records: list[HukouRecord], day: dt.date) -> HukouRecord | None:
    valid = [r for r in sorted(records, key=lambda r: r.id)
             if (r.valid_to is None or r.valid_to > day) and (r.moved_at is None or r.moved_at <= day)]
    return valid[-1] if valid else None


def _household_states(session: Session, organization_id: int, day: dt.date) -> dict[int, tuple[str, str] | None]:
    """``{person id: (household number, relation) on day}`` for everyone linked to a household of
    the organisation (None: in no household that day)."""
    numbers = dict(session.execute(select(Household.id, Household.number)
                                   .where(Household.organization_id == organization_id)).all())
    links: dict[int, list[HouseholdMember]] = {}
    for link in session.scalars(select(HouseholdMember).where(HouseholdMember.household_id.in_(list(numbers)))):
        links.setdefault(link.person_id, []).append(link)
    later: dict[int, dict] = {}  # person id → "old" of the first household change after day
    stmt = (select(Membership.person_id, AuditEvent.detail).join(Membership, Membership.id == AuditEvent.target_id)
            .where(AuditEvent.target_type == "membership", AuditEvent.action == "membership.household",
                   Membership.organization_id == organization_id).order_by(AuditEvent.id))
    for person_id, detail in session.execute(stmt):
        if (detail.get("on_date") or "") > day.isoformat() and person_id not in later:
            later[person_id] = detail
    states: dict[int, tuple[str, str] | None] = {}
    for person_id in set(links) | set(later):
        if person_id in later:
            old = later[person_id].get("old")
            states[person_id] = (old["household"], old["relation"]) if old else None
        else:
            link = _valid_link(links[person_id], day)
            states[person_id] = (numbers[link.household_id], link.relation) if link else None
    return states


def roster_as_of(session: Session, organization_id: int, day: dt.date) -> list[tuple[int, dict]]:
    """``(membership id, display row)`` of the roster on ``day``, ordered by household number, head
    first (the roster workbook's shape, 21 headings)."""
    members = list(session.scalars(select(Membership).where(Membership.organization_id == organization_id,
                                                            active_on_clause(day))))
    if not members:
        return []
    states = _household_states(session, organization_id, day)
    head_ids = {state[0]: pid for pid, state in states.items() if state and state[1] in HEAD_RELATIONS}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(list(head_ids.values())))).all())
    person_ids = [m.person_id for m in members]
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    hukou: dict[int, list[HukouRecord]] = {}
    for record in session.scalars(select(HukouRecord).where(HukouRecord.person_id.in_(person_ids))):
        hukou.setdefault(record.person_id, []).append(record)
    rows = []
    for m in members:
        p = persons[m.person_id]
        number, relation = states.get(m.person_id) or (None, None)
        record = _valid_hukou(hukou.get(m.person_id, []), day)
        rows.append(((number or "", relation not in HEAD_RELATIONS, m.id), m.id, {
            "group": m.group_code, "household_no": number, "head_name": names.get(head_ids.get(number)),
            "name": p.name, "sex": p.sex, "id_type": p.id_type, "id_number": p.id_number, "relation": relation,
            "birth_date": p.birth_date, "hukou_place": record.place if record else None,
            "hukou_in_village": record.in_organization if record else None,
            "status": "disputed" if m.status == "disputed" else "confirmed",
            "acquisition_ground": m.acquisition_ground, "acquired_at": m.acquired_at, "remark": m.remark,
            "population_shares": m.population_shares, "farm_age_shares": m.farm_age_shares,
            "total_shares": m.total_shares, "phone": p.phone, "notes": m.notes}))
    rows.sort(key=lambda r: r[0])
    return [(mid, display_values({**values, "seq": i}, village_code=False))
            for i, (_key, mid, values) in enumerate(rows, start=1)]


def filed_version_on(session: Session, organization_id: int, day: dt.date) -> Filing | None:
    """The last version the town recorded on or before ``day`` (the filed roster in force then).
    ``day`` is a Beijing date, ``town_recorded_at`` naive UTC: the day ends at Beijing midnight."""
    end = utc_naive_start(day + dt.timedelta(days=1))
    return session.scalar(select(Filing).where(
        Filing.organization_id == organization_id, Filing.state.in_((TOWN_FILED, DISTRICT_FILED)),
        Filing.town_recorded_at < end).order_by(Filing.version_no.desc()).limit(1))
