"""Plan and apply validated land register rows against the database (the roster import's steps 5–6).

Records are matched by their natural keys within the village: a contract by 承包方编码 (CBFBM), a parcel
by 地块编码 (DKBM), a co-holder by (CBFBM, ID number), a circulation by (CBFBM, 流转合同编号) — or, without a
number, by (CBFBM, start date, parcels). Each row is ``created``, ``updated`` (old → new kept for the audit
event) or ``unchanged``. Nothing in the database that the file does not list is ended or deleted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.excel.land.rows import LandRow
from registry.models import (
    Circulation,
    CirculationParcel,
    CoHolder,
    Household,
    HouseholdMember,
    LandContract,
    Organization,
    Parcel,
    Person,
)
from registry.models.base import utcnow
from registry.services import people
from registry.services.bulk import insert_rows
from registry.services.land.rules import is_registrable

CONTRACT_FIELDS = ("household_id", "representative_id", "method", "contract_no", "term_start", "term_end",
                   "signed_on", "certificate_no", "member_count")
PARCEL_FIELDS = ("name", "contract_area", "measured_area", "land_use_type", "grade", "land_use",
                 "basic_farmland", "east", "south", "west", "north")
COHOLDER_FIELDS = ("relation", "is_coholder")
CIRCULATION_FIELDS = ("code", "method", "receiver_name", "receiver_id_number", "area", "starts_on", "ends_on",
                      "price", "signed_on", "registrable", "parcel_codes")
CHUNK = 900


@dataclass
class Step:
    kind: str  # created / updated / unchanged
    sheet: str
    row: LandRow
    key: Any
    fields: dict
    record: Any = None
    old: dict = field(default_factory=dict)


@dataclass
class LandPlan:
    steps: list[Step] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households: int = 0
    changes: list[dict] = field(default_factory=list)
    contracts: dict[str, LandContract] = field(default_factory=dict)
    parcels: dict[str, Parcel] = field(default_factory=dict)
    household_ids: dict[str, int] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)

    def add(self, step: Step) -> None:
        self.steps.append(step)
        kind = step.kind
        if kind == "created":
            self.created += 1
        elif kind == "unchanged":
            self.unchanged += 1
        else:
            self.updated += 1
        if kind == "updated" and len(self.changes) < 500:
            changed = {k: [_plain(step.old[k]), _plain(v)] for k, v in step.fields.items()
                       if step.old.get(k) != v}
            self.changes.append({"sheet": step.sheet, "row": step.row.row, "key": str(step.key),
                                 "fields": changed})


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value is not None else None)


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _circulation_key(contractor: str, code: str | None, starts_on, parcel_codes) -> tuple:
    return (contractor, code) if code else (contractor, starts_on, parcel_codes)


def current_records(session: Session, organization: Organization) -> tuple[dict, dict, dict, dict]:
    """The village's current contracts (by CBFBM), parcels (by DKBM), co-holders (by (CBFBM, ID)) and
    circulations (by their key), loaded once."""
    contracts = {c.contractor_code: c for c in session.scalars(
        select(LandContract).where(LandContract.organization_id == organization.id,
                                   LandContract.valid_to.is_(None)))}
    ids = [c.id for c in contracts.values()]
    parcels, coholders, circulations = {}, {}, {}
    by_id = {c.id: c for c in contracts.values()}
    for chunk in _chunks(ids):
        for p in session.scalars(select(Parcel).where(Parcel.contract_id.in_(chunk),
                                                      Parcel.valid_to.is_(None))):
            parcels[p.code] = p
        for ch, number in session.execute(
                select(CoHolder, Person.id_number).join(Person, Person.id == CoHolder.person_id)
                .where(CoHolder.contract_id.in_(chunk), CoHolder.valid_to.is_(None))):
            coholders[(by_id[ch.contract_id].contractor_code, number)] = ch
        for circ in session.scalars(
                select(Circulation).options(selectinload(Circulation.parcel_links).selectinload(
                    CirculationParcel.parcel))
                .where(Circulation.contract_id.in_(chunk), Circulation.valid_to.is_(None))):
            codes = tuple(link.parcel.code for link in circ.parcel_links)
            circulations[_circulation_key(by_id[circ.contract_id].contractor_code, circ.code, circ.starts_on,
                                          codes)] = circ
    return contracts, parcels, coholders, circulations


def _current(record, names) -> dict:
    out = {}
    for name in names:
        if name == "parcel_codes":
            out[name] = tuple(link.parcel.code for link in record.parcel_links)
        else:
            out[name] = getattr(record, name)
    return out


def plan_land(session: Session, organization: Organization, rows: dict[str, list[LandRow]],
              household_of: dict[str, str]) -> LandPlan:
    """Compare the accepted rows (per sheet key) with the village's current records."""
    plan = LandPlan()
    contracts, parcels, coholders, circulations = current_records(session, organization)
    plan.contracts, plan.parcels = contracts, parcels
    conn = session.connection()  # plain column reads: Core rows, no ORM row processing
    plan.household_ids = dict(conn.execute(select(Household.number, Household.id)
                                           .where(Household.organization_id == organization.id)).all())
    wanted = {r.values["id_number"] for key in ("contractors", "coholders") for r in rows[key]
              if r.values.get("id_number")}
    for chunk in _chunks(wanted):
        plan.person_ids.update(conn.execute(select(Person.id_number, Person.id)
                                            .where(Person.id_number.in_(chunk))).all())

    def step(sheet: str, row: LandRow, key, fields: dict, existing, names) -> None:
        if existing is None:
            plan.add(Step("created", sheet, row, key, fields))
            return
        old = _current(existing, names)
        kind = "unchanged" if all(old[k] == v for k, v in fields.items()) else "updated"
        plan.add(Step(kind, sheet, row, key, fields, existing, old))

    for r in rows["contractors"]:
        v = r.values
        fields = {"household_id": plan.household_ids.get(household_of[v["contractor_code"]]),
                  "representative_id": plan.person_ids.get(v["id_number"]), "method": v["method"] or "110",
                  "contract_no": v["contract_no"], "term_start": v["term_start"], "term_end": v["term_end"],
                  "signed_on": v["signed_on"], "certificate_no": v["certificate_no"],
                  "member_count": v["member_count"]}
        code = v["contractor_code"]
        step("contractors", r, code, fields, contracts.get(code), CONTRACT_FIELDS)
    plan.households = len(rows["contractors"])
    for r in rows["parcels"]:
        v = r.values
        fields = {k: v[k] for k in PARCEL_FIELDS}
        existing = parcels.get(v["code"])
        if existing is not None and existing.contract.contractor_code != v["contractor_code"]:
            existing = None  # not reached from an import: flag_moved_parcels refused the row (L-12/L-13)
        step("parcels", r, v["code"], fields, existing, PARCEL_FIELDS)
    for r in rows["coholders"]:
        v = r.values
        key = (v["contractor_code"], v["id_number"])
        step("coholders", r, key, {"relation": v["relation"], "is_coholder": v["is_coholder"]},
             coholders.get(key), COHOLDER_FIELDS)
    for r in rows["circulations"]:
        v = r.values
        codes = tuple(v["parcel_codes"])
        key = _circulation_key(v["contractor_code"], v["code"], v["starts_on"], codes)
        fields = {"code": v["code"], "method": v["method"], "receiver_name": v["receiver_name"] or "",
                  "receiver_id_number": v["receiver_id"], "area": v["area"], "starts_on": v["starts_on"],
                  "ends_on": v["ends_on"], "price": v["price"], "signed_on": v["signed_on"],
                  "registrable": is_registrable(v["starts_on"], v["ends_on"]), "parcel_codes": codes}
        step("circulations", r, key, fields, circulations.get(key), CIRCULATION_FIELDS)
    return plan


def apply_land(session: Session, organization: Organization, plan: LandPlan, *, today: dt.date) -> None:
    """Write the plan (created and updated steps) in the caller's transaction; flushes, never commits.

    The bulk path of the roster import (``registry.services.bulk``): changed records are updated through
    the ORM (few: version bump, old → new in the plan), new ones go in with one executemany per table and
    their ids are read back by natural key (CBFBM, DKBM) or, for circulations, in insertion order."""
    changing = [s for s in plan.steps if s.kind != "unchanged"]
    if not changing:
        return
    _ensure_persons(session, plan, [s.row for s in changing if s.sheet in ("contractors", "coholders")], today)
    steps = {key: [s for s in changing if s.sheet == key] for key in SHEET_KEYS}
    for s in steps["contractors"]:
        s.fields["representative_id"] = plan.person_ids[s.row.values["id_number"]]
    relinked = []
    with session.no_autoflush:
        for key in SHEET_KEYS:
            for s in steps[key]:
                if s.record is not None:
                    _set(s.record, s.fields)
                    if key == "circulations" and s.old["parcel_codes"] != s.fields["parcel_codes"]:
                        for link in list(s.record.parcel_links):  # the parcel list was corrected
                            session.delete(link)
                        relinked.append(s)
    session.flush()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    org_id = organization.id
    new = [s for s in steps["contractors"] if s.record is None]
    insert_rows(session, LandContract, [
        {"organization_id": org_id, "contractor_code": s.key, "issuer_code": s.key[:14], "certificate_status": "issued",
         "valid_from": today, **s.fields, **stamp} for s in new])
    contract_ids = {code: c.id for code, c in plan.contracts.items()}
    if new:
        contract_ids.update(session.execute(select(LandContract.contractor_code, LandContract.id).where(
            LandContract.organization_id == org_id, LandContract.valid_to.is_(None))).all())
    new = [s for s in steps["parcels"] if s.record is None]
    insert_rows(session, Parcel, [
        {"contract_id": contract_ids[s.row.values["contractor_code"]], "code": s.key, "valid_from": today,
         **s.fields, **stamp} for s in new])
    parcel_ids = {code: p.id for code, p in plan.parcels.items()}
    if new:
        parcel_ids.update(session.execute(
            select(Parcel.code, Parcel.id).join(LandContract, LandContract.id == Parcel.contract_id)
            .where(LandContract.organization_id == org_id, Parcel.valid_to.is_(None))).all())
    insert_rows(session, CoHolder, [
        {"contract_id": contract_ids[s.row.values["contractor_code"]],
         "person_id": plan.person_ids[s.row.values["id_number"]], "valid_from": today, **s.fields, **stamp}
        for s in steps["coholders"] if s.record is None])
    new = [s for s in steps["circulations"] if s.record is None]
    links = [{"circulation_id": s.record.id, "parcel_id": parcel_ids[code]}
             for s in relinked for code in s.fields["parcel_codes"]]
    if new:
        before = session.scalar(select(func.max(Circulation.id))) or 0
        mine = {contract_ids[s.row.values["contractor_code"]] for s in new}
        insert_rows(session, Circulation, [
            {"contract_id": contract_ids[s.row.values["contractor_code"]],
             **{k: v for k, v in s.fields.items() if k != "parcel_codes"}, **stamp} for s in new])
        ids = [i for i, contract_id in session.execute(
            select(Circulation.id, Circulation.contract_id).where(Circulation.id > before).order_by(Circulation.id))
            if contract_id in mine]  # in insertion order (other villages' rows, if any, are left out)
        links.extend({"circulation_id": i, "parcel_id": parcel_ids[code]}
                     for i, s in zip(ids, new, strict=True) for code in s.fields["parcel_codes"])
    insert_rows(session, CirculationParcel, links)
    if any(steps[key] for key in ("parcels", "coholders", "circulations")):
        session.expire_all()  # relationship lists loaded before the bulk inserts are stale


SHEET_KEYS = ("contractors", "parcels", "coholders", "circulations")


def _ensure_persons(session: Session, plan: LandPlan, rows: list[LandRow], today: dt.date) -> None:
    """A co-holder who is on no roster (a daughter who married out before the reform, L-10) is
    registered as a person from the ID on the row (one flush for all of them)."""
    new = {}
    with session.no_autoflush:
        for row in rows:
            number = row.values["id_number"]
            if number not in plan.person_ids and number not in new:
                new[number] = people.person_for(session, id_type="1", id_number=number, name=row.values["name"],
                                                today=today)
    session.flush()
    plan.person_ids.update({number: person.id for number, person in new.items()})


def _set(record, fields: dict) -> None:
    for name, value in fields.items():
        if name != "parcel_codes":
            setattr(record, name, value)



def roster_members(session: Session, organization: Organization) -> tuple[dict, dict]:
    """``({household number: {ID numbers of current members}}, {ID number: household number})`` of the
    village roster."""
    members: dict[str, set[str]] = {}
    household_of: dict[str, str] = {}
    stmt = (select(Household.number, Person.id_number)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(Household.organization_id == organization.id, HouseholdMember.valid_to.is_(None)))
    for number, id_number in session.execute(stmt):
        members.setdefault(number, set()).add(id_number)
        household_of[id_number] = number
    return members, household_of
