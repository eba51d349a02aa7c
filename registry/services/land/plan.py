"""Plan validated land register rows against the database (the roster import's step 5), for one village
or for every village of an area import at once.

Records are matched by their natural keys: a contract by 承包方编码 (CBFBM), a parcel by 地块编码 (DKBM), a
co-holder by (CBFBM, ID number), a circulation by (CBFBM, 流转合同编号) — or, without a number, by (CBFBM,
start date, parcels). Each row is ``created``, ``updated`` (old → new kept for the audit event) or
``unchanged``. Nothing in the database that the file does not list is ended or deleted.

The current records are read with plain column reads (Core rows, no ORM objects), one query per table for
all the villages, and compared as tuples. A created row becomes a tuple of insert values in
``LandPlan.new`` (no per-row object); an updated row becomes a :class:`Step` (old → new dicts, the record's
id: the apply loads only those records through the ORM for the version bump).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
from registry.services.bulk import plain_rows
from registry.services.land.rules import is_registrable

CONTRACT_FIELDS = ("household_id", "representative_id", "method", "contract_no", "term_start", "term_end",
                   "signed_on", "certificate_no", "member_count")
PARCEL_FIELDS = ("name", "contract_area", "measured_area", "land_use_type", "grade", "land_use",
                 "basic_farmland", "east", "south", "west", "north")
COHOLDER_FIELDS = ("relation", "is_coholder")
CIRCULATION_FIELDS = ("code", "method", "receiver_name", "receiver_id_number", "area", "starts_on", "ends_on",
                      "price", "signed_on", "registrable", "parcel_codes")
SHEET_KEYS = ("contractors", "parcels", "coholders", "circulations")
#: The leading values of a ``LandPlan.new`` tuple, before the sheet's fields.
NEW_HEAD = {"contractors": ("organization_id", "contractor_code", "id_number"),
            "parcels": ("contractor_code", "code"), "coholders": ("contractor_code", "id_number"),
            "circulations": ("contractor_code",)}
CHUNK = 900
_CONTRACT_VALUES = itemgetter("contract_no", "term_start", "term_end", "signed_on", "certificate_no",
                              "member_count")
_PARCEL_VALUES = itemgetter("contractor_code", "code", *PARCEL_FIELDS)


@dataclass
class Step:
    """An update of one current record: the row, its natural key, new and old field values."""

    sheet: str
    row: LandRow
    key: Any
    fields: dict
    record_id: int
    old: dict


@dataclass
class VillagePlan:
    """One village's counts and changes (its ``land.import`` audit event)."""

    organization: Organization
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households: int = 0
    changes: list[dict] = field(default_factory=list)


@dataclass
class LandPlan:
    """The plan of one or more villages: per-village counts, the updates (steps) and the new rows per
    sheet (tuples of ``NEW_HEAD[sheet]`` then the sheet's fields; a contract's ``representative_id`` is
    filled in by the apply from ``id_number``)."""

    villages: list[VillagePlan] = field(default_factory=list)
    updates: dict[str, list[Step]] = field(default_factory=lambda: {key: [] for key in SHEET_KEYS})
    new: dict[str, list[tuple]] = field(default_factory=lambda: {key: [] for key in SHEET_KEYS})
    contract_ids: dict[str, int] = field(default_factory=dict)  # current contracts: CBFBM -> id
    person_ids: dict[str, int] = field(default_factory=dict)
    missing_persons: dict[str, str] = field(default_factory=dict)  # ID number -> name, on no roster

    @property
    def created(self) -> int:
        return sum(v.created for v in self.villages)

    @property
    def updated(self) -> int:
        return sum(v.updated for v in self.villages)

    @property
    def unchanged(self) -> int:
        return sum(v.unchanged for v in self.villages)

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)

    @property
    def changes(self) -> list[dict]:
        return [c for v in self.villages for c in v.changes]

    @property
    def organization_ids(self) -> list[int]:
        return [v.organization.id for v in self.villages]


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value is not None else None)


def chunks(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _circulation_key(contractor: str, code: str | None, starts_on, parcel_codes) -> tuple:
    return (contractor, code) if code else (contractor, starts_on, parcel_codes)


def current_records(session: Session, organization_ids: list[int]) -> tuple[dict, dict, dict, dict]:
    """The villages' current contracts (CBFBM -> (id, CONTRACT_FIELDS values)), parcels (DKBM -> (id,
    CBFBM, PARCEL_FIELDS values)), co-holders ((CBFBM, ID) -> (id, COHOLDER_FIELDS values)) and
    circulations (key -> (id, CIRCULATION_FIELDS values)), read as plain columns with one query per
    table (per 900 villages); the values are tuples, compared with the rows' as they are."""
    conn = session.connection()
    contracts, parcels, coholders, circulations = {}, {}, {}, {}
    for orgs in chunks(organization_ids):
        mine = (LandContract.organization_id.in_(orgs), LandContract.valid_to.is_(None))
        for row in conn.execute(select(LandContract.contractor_code, LandContract.id,
                                       *(getattr(LandContract, n) for n in CONTRACT_FIELDS)).where(*mine)):
            contracts[row[0]] = (row[1], tuple(row[2:]))
        for row in conn.execute(
                select(Parcel.code, Parcel.id, LandContract.contractor_code,
                       *(getattr(Parcel, n) for n in PARCEL_FIELDS))
                .join(LandContract, LandContract.id == Parcel.contract_id).where(*mine, Parcel.valid_to.is_(None))):
            parcels[row[0]] = (row[1], row[2], tuple(row[3:]))
        for row in conn.execute(
                select(LandContract.contractor_code, Person.id_number, CoHolder.id, CoHolder.relation,
                       CoHolder.is_coholder)
                .join(LandContract, LandContract.id == CoHolder.contract_id)
                .join(Person, Person.id == CoHolder.person_id).where(*mine, CoHolder.valid_to.is_(None))):
            coholders[(row[0], row[1])] = (row[2], tuple(row[3:]))
        circulating = (*mine, Circulation.valid_to.is_(None))
        codes: dict[int, list[str]] = {}
        for circulation_id, code in conn.execute(
                select(CirculationParcel.circulation_id, Parcel.code)
                .join(Parcel, Parcel.id == CirculationParcel.parcel_id)
                .join(Circulation, Circulation.id == CirculationParcel.circulation_id)
                .join(LandContract, LandContract.id == Circulation.contract_id)
                .where(*circulating).order_by(CirculationParcel.id)):
            codes.setdefault(circulation_id, []).append(code)
        for row in conn.execute(select(LandContract.contractor_code, Circulation.id,
                                       *(getattr(Circulation, n) for n in CIRCULATION_FIELDS[:-1]))
                                .join(LandContract, LandContract.id == Circulation.contract_id).where(*circulating)):
            fields = (*row[2:], tuple(codes.get(row[1], ())))
            circulations[_circulation_key(row[0], row[2], row[7], fields[-1])] = (row[1], fields)
    return contracts, parcels, coholders, circulations


def plan_land(session: Session, villages: Iterable[tuple[Organization, dict[str, list[LandRow]], dict[str, str]]]
              ) -> LandPlan:
    """Compare each village's accepted rows (per sheet key) with its current records; ``villages``:
    (organisation, rows, CBFBM -> household number). Reads the current records, households and persons
    of all the villages at once."""
    villages = list(villages)
    plan = LandPlan()
    org_ids = [org.id for org, _rows, _households in villages]
    current = current_records(session, org_ids)
    plan.contract_ids = {code: record[0] for code, record in current[0].items()}
    households: dict[int, dict[str, int]] = {}  # ids by natural key: driver rows (plain_rows)
    for orgs in chunks(org_ids):
        for org_id, number, household_id in plain_rows(session, select(
                Household.organization_id, Household.number, Household.id).where(Household.organization_id.in_(orgs))):
            households.setdefault(org_id, {})[number] = household_id
    for orgs in chunks(org_ids):  # the roster members in one query, then the others (few) by ID number
        plan.person_ids.update(plain_rows(session, (
            select(Person.id_number, Person.id).join(HouseholdMember, HouseholdMember.person_id == Person.id)
            .join(Household, Household.id == HouseholdMember.household_id)
            .where(Household.organization_id.in_(orgs), HouseholdMember.valid_to.is_(None)))))
    wanted = {r.values["id_number"] for _org, rows, _h in villages for key in ("contractors", "coholders")
              for r in rows[key] if r.values.get("id_number")} - plan.person_ids.keys()
    for chunk in chunks(wanted):
        plan.person_ids.update(plain_rows(session, select(Person.id_number, Person.id)
                                          .where(Person.id_number.in_(chunk))))
    for org, rows, household_of in villages:
        village = VillagePlan(org, households=len(rows["contractors"]))
        plan.villages.append(village)
        _plan_village(plan, village, rows, household_of, current, households.get(org.id, {}))
    return plan


def _update(plan: LandPlan, village: VillagePlan, step: Step) -> None:
    village.updated += 1
    plan.updates[step.sheet].append(step)
    if len(village.changes) < 500:
        changed = {k: [_plain(step.old[k]), _plain(v)] for k, v in step.fields.items() if step.old.get(k) != v}
        village.changes.append({"sheet": step.sheet, "row": step.row.row, "key": str(step.key), "fields": changed})


def _plan_village(plan: LandPlan, village: VillagePlan, rows: dict[str, list[LandRow]], household_of: dict,
                  current: tuple[dict, dict, dict, dict], households: dict[str, int]) -> None:
    contracts, parcels, coholders, circulations = current
    person_ids, missing, new = plan.person_ids, plan.missing_persons, plan.new
    org_id = village.organization.id

    def changed(sheet: str, row: LandRow, key, names, fields: tuple, record: tuple) -> bool:
        """Count a row matching a current record ``(id, ..., fields)``: unchanged, or (True) an update."""
        if record[-1] == fields:
            village.unchanged += 1
            return False
        _update(plan, village, Step(sheet, row, key, dict(zip(names, fields)), record[0],
                                    dict(zip(names, record[-1]))))
        return True

    # an ID number of a written contractor or co-holder on no roster: the apply registers the person (L-10)
    for r in rows["contractors"]:
        v = r.values
        code, number = v["contractor_code"], v["id_number"]
        fields = (households.get(household_of[code]), person_ids.get(number), v["method"] or "110",
                  *_CONTRACT_VALUES(v))
        record = contracts.get(code)
        if record is None:
            village.created += 1
            new["contractors"].append((org_id, code, number, *fields))
        elif not changed("contractors", r, code, CONTRACT_FIELDS, fields, record):
            continue
        if number not in person_ids:
            missing.setdefault(number, v["name"])
    for r in rows["parcels"]:
        values = _PARCEL_VALUES(r.values)
        record = parcels.get(values[1])
        if record is not None and record[1] != values[0]:
            record = None  # not reached from an import: flag_moved_parcels refused the row (L-12/L-13)
        if record is None:
            village.created += 1
            new["parcels"].append(values)
        else:
            changed("parcels", r, values[1], PARCEL_FIELDS, values[2:], record)
    for r in rows["coholders"]:
        v = r.values
        key = (v["contractor_code"], v["id_number"])
        fields = (v["relation"], v["is_coholder"])
        record = coholders.get(key)
        if record is None:
            village.created += 1
            new["coholders"].append((*key, *fields))
        elif not changed("coholders", r, key, COHOLDER_FIELDS, fields, record):
            continue
        if key[1] not in person_ids:
            missing.setdefault(key[1], v["name"])
    for r in rows["circulations"]:
        v = r.values
        codes = tuple(v["parcel_codes"])
        key = _circulation_key(v["contractor_code"], v["code"], v["starts_on"], codes)
        fields = (v["code"], v["method"], v["receiver_name"] or "", v["receiver_id"], v["area"], v["starts_on"],
                  v["ends_on"], v["price"], v["signed_on"], is_registrable(v["starts_on"], v["ends_on"]), codes)
        record = circulations.get(key)
        if record is None:
            village.created += 1
            new["circulations"].append((v["contractor_code"], *fields))
        else:
            changed("circulations", r, key, CIRCULATION_FIELDS, fields, record)


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
