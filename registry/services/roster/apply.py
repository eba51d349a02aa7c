"""Plan and apply validated roster rows against the database (DESIGN §4 steps 5–6).

The plan is computed with a handful of set-based queries (no per-row queries) that read plain table
rows (``sqlalchemy.Row``, attributes named as the columns; no ORM objects: loading 400k of them cost
half of a district-scale re-import); applying it uses one executemany INSERT per table
(``services/bulk.py``) and bulk UPDATE by primary key inside the caller's transaction."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Household, HouseholdMember, HukouRecord, Membership, Organization, Person
from registry.models.base import utcnow
from registry.pinyin import name_pinyin
from registry.services.bulk import insert_rows

PERSON_FIELDS = ("name", "sex", "birth_date", "phone", "id_type", "id_number_legacy")
MEMBERSHIP_FIELDS = ("status", "acquisition_ground", "acquired_at", "remark", "group_code",
                     "population_shares", "farm_age_shares", "total_shares", "notes", "declared_no_other_membership")
#: Optional columns whose blank cell leaves the stored value as it is (M-17).
KEEP_WHEN_BLANK = frozenset({"declared_no_other_membership"})
HUKOU_FIELDS = ("place", "in_organization")
LOSS_FIELDS = ("loss_ground", "lost_at", "loss_citation", "loss_evidence")
CHUNK = 900  # stays below SQLite's bound-parameter limit for IN lists


@dataclass
class RowPlan:
    row: int
    values: dict
    person: dict
    membership: dict
    hukou: dict
    person_id: int | None = None
    membership_id: int | None = None
    kind: str = "created"  # created / updated / unchanged / ended (a confirmed member's 已丧失 row)
    loss: dict = field(default_factory=dict)  # loss fields of a new lost membership (history)


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: list = field(default_factory=list)  # roster_endings.Ending of confirmed members, in row order
    household_count: int = 0
    warnings: list[tuple[int, tuple]] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    # Current database rows (table rows, read-only) by natural key.
    persons: dict[str, Row] = field(default_factory=dict)  # persons by id_number
    memberships: dict[int, Row] = field(default_factory=dict)  # this village's, by person_id
    households: dict[str, Row] = field(default_factory=dict)  # by number
    hukou: dict[int, Row] = field(default_factory=dict)  # current record by person_id
    links: dict[int, Row] = field(default_factory=dict)  # current household_members by person_id
    ended_links: dict[tuple[int, int], Row] = field(default_factory=dict)  # by (household_id, person_id)


def _person_fields(v: dict) -> dict:
    spelled = name_pinyin(v["name"])
    return {
        "name": v["name"], "name_pinyin": spelled.full, "name_initials": spelled.initials, "sex": v["sex"],
        "birth_date": v.get("birth_date"), "phone": v.get("phone"),
        "id_type": v.get("id_type") or "1", "id_number_legacy": v.get("id_original"),
    }


def _membership_fields(v: dict) -> dict:
    return {
        # A blank status follows DOMAIN §6.1: reform-era members are confirmed (M-05), others pending.
        "status": v.get("status") or ("confirmed" if v.get("acquisition_ground") == "reform" else "pending"),
        "acquisition_ground": v.get("acquisition_ground"), "acquired_at": v.get("acquired_at"),
        "remark": v.get("remark"), "group_code": v.get("group"),
        "population_shares": v.get("population_shares"), "farm_age_shares": v.get("farm_age_shares"),
        "total_shares": v.get("total_shares"), "notes": v.get("notes"),
        "declared_no_other_membership": v.get("declared_no_other"),
    }


def _hukou_fields(v: dict) -> dict:
    return {"place": v.get("hukou_place"), "in_organization": v.get("hukou_in_village")}


def _diff(old_obj, new: dict, fields) -> dict:
    out = {}
    for f in fields:
        if f in KEEP_WHEN_BLANK and new[f] is None:
            continue
        old = getattr(old_obj, f)
        if old != new[f]:
            out[f] = [old, new[f]]
    return out


def plan_rows(session: Session, organization: Organization, rows: list[tuple[int, dict]],
              endings: dict | None = None) -> Plan:
    """Classify each validated row ``(excel row number, normalised values)`` as created /
    updated / unchanged against the database, or ended (a 已丧失 row of a confirmed member whose
    ending ``roster_endings.check_endings`` accepted; ``endings`` maps row numbers to them)."""
    plan = Plan()
    endings = endings or {}
    ids = [v["id_number"] for _, v in rows]
    for chunk in _chunks(ids):
        for p in session.execute(select(Person.__table__).where(Person.id_number.in_(chunk))):
            plan.persons[p.id_number] = p
    plan.memberships = {
        m.person_id: m
        for m in session.execute(select(Membership.__table__)
                                 .where(Membership.organization_id == organization.id))
    }
    plan.households = {
        h.number: h
        for h in session.execute(select(Household.__table__)
                                 .where(Household.organization_id == organization.id))
    }
    if plan.households:
        hh_ids = [h.id for h in plan.households.values()]
        for chunk in _chunks(hh_ids):
            for link in session.execute(select(HouseholdMember.__table__)
                                        .where(HouseholdMember.household_id.in_(chunk))):
                if link.valid_to is None:
                    plan.links[link.person_id] = link
                else:  # an earlier stay in a household: reactivated if the person moves back
                    plan.ended_links[(link.household_id, link.person_id)] = link
    person_ids = [p.id for p in plan.persons.values()]
    for chunk in _chunks(person_ids):
        for h in session.execute(select(HukouRecord.__table__).where(
                HukouRecord.person_id.in_(chunk), HukouRecord.valid_to.is_(None)).order_by(HukouRecord.id)):
            plan.hukou[h.person_id] = h
    id_to_household = {h.id: h.number for h in plan.households.values()}

    households = set()
    for row_no, v in rows:
        rp = RowPlan(row_no, v, _person_fields(v), _membership_fields(v), _hukou_fields(v))
        households.add(v["household_no"])
        person = plan.persons.get(v["id_number"])
        membership = plan.memberships.get(person.id) if person else None
        ending = endings.get(row_no)
        if person is None or membership is None:
            rp.kind = "created"
            plan.created += 1
            if person is not None:
                rp.person_id = person.id
            if ending is not None:
                rp.loss = {k: ending.values.get(k) for k in LOSS_FIELDS}
        else:
            rp.person_id, rp.membership_id = person.id, membership.id
            changed = _diff(person, rp.person, PERSON_FIELDS)
            if ending is not None or (rp.membership["status"] == "lost" and membership.status == "lost"):
                rp.membership["status"] = membership.status  # the workflow ends it (roster_endings)
            if rp.membership["status"] != membership.status:
                plan.warnings.append((row_no, ("成员状态", "status.kept",
                                      "成员状态的变更须经成员大会决议或变更流程办理，导入不改变已登记的状态")))
                rp.membership["status"] = membership.status
            changed.update(_diff(membership, rp.membership, MEMBERSHIP_FIELDS))
            hukou = plan.hukou.get(person.id)
            if (hukou is None or hukou.place != rp.hukou["place"]
                    or hukou.in_organization != rp.hukou["in_organization"]):
                changed["hukou"] = [hukou and [hukou.place, hukou.in_organization],
                                    [rp.hukou["place"], rp.hukou["in_organization"]]]
            link = plan.links.get(person.id)
            if (link is None or id_to_household.get(link.household_id) != v["household_no"]
                    or link.relation != v["relation"]):
                changed["household"] = [link and [id_to_household.get(link.household_id), link.relation],
                                        [v["household_no"], v["relation"]]]
            if ending is not None:
                rp.kind = "ended"
                plan.ended.append(ending)
                if changed:
                    plan.changes.append({"row": row_no, "id_tail": v["id_number"][-4:], "fields": changed})
            elif changed:
                rp.kind = "updated"
                plan.updated += 1
                plan.changes.append({"row": row_no, "id_tail": v["id_number"][-4:], "fields": changed})
            else:
                rp.kind = "unchanged"
                plan.unchanged += 1
        plan.rows.append(rp)
    plan.household_count = len(households)
    return plan


def apply_plan(session: Session, organization: Organization, plan: Plan, *, today: dt.date | None = None) -> None:
    """Write the plan: persons, households, household links, hukou records, memberships."""
    today = today or local_today()
    now = utcnow()
    work = [rp for rp in plan.rows if rp.kind != "unchanged"]
    if not work:
        return
    # Persons: insert the new ones, update the changed ones.
    new_people = {}
    for rp in work:
        if rp.person_id is None and rp.values["id_number"] not in new_people:
            new_people[rp.values["id_number"]] = {**rp.person, "id_number": rp.values["id_number"],
                                                  "id_tail": rp.values["id_number"][-4:],
                                                  "created_at": now, "updated_at": now, "version": 1}
    person_ids = {p.id_number: p.id for p in plan.persons.values()}
    if new_people:
        insert_rows(session, Person, list(new_people.values()))
        for chunk in _chunks(new_people):
            person_ids.update(session.execute(select(Person.id_number, Person.id)
                                              .where(Person.id_number.in_(chunk))).all())
    person_updates = []
    for rp in work:
        rp.person_id = person_ids[rp.values["id_number"]]
        old = plan.persons.get(rp.values["id_number"])
        if old is not None and _diff(old, rp.person, PERSON_FIELDS):
            person_updates.append({"id": old.id, **rp.person, "updated_at": now, "version": old.version})
    if person_updates:
        session.execute(update(Person), person_updates)

    # Households.
    new_households = {}
    for rp in work:
        number = rp.values["household_no"]
        if number not in plan.households and number not in new_households:
            new_households[number] = {"organization_id": organization.id, "number": number,
                                      "group_code": rp.values.get("group"), "created_at": now,
                                      "updated_at": now, "version": 1}
    household_ids = {n: h.id for n, h in plan.households.items()}
    if new_households:
        insert_rows(session, Household, list(new_households.values()))
        household_ids.update(session.execute(select(Household.number, Household.id)
                                             .where(Household.organization_id == organization.id)).all())

    # Household links: end or demote first (one head per household is a unique index), then add.
    ended, demoted, promoted, added = [], [], [], []
    for rp in work:
        hid = household_ids[rp.values["household_no"]]
        relation = rp.values["relation"]
        is_head = relation in ("01", "02")
        link = plan.links.get(rp.person_id)
        if link is not None and link.household_id != hid:
            ended.append({"id": link.id, "relation": link.relation, "is_head": False, "valid_to": today})
            link = None
        if link is None:
            earlier = plan.ended_links.get((hid, rp.person_id))
            if earlier is not None:  # (household, person) is unique: move back = reactivate
                (promoted if is_head else demoted).append(
                    {"id": earlier.id, "relation": relation, "is_head": is_head, "valid_to": None})
            else:
                added.append({"household_id": hid, "person_id": rp.person_id, "relation": relation,
                              "is_head": is_head, "valid_from": today})
        elif link.relation != relation or link.is_head != is_head:
            (promoted if is_head else demoted).append(
                {"id": link.id, "relation": relation, "is_head": is_head, "valid_to": None})
    for batch in (ended, demoted, promoted):
        if batch:
            session.execute(update(HouseholdMember), batch)
    if added:
        insert_rows(session, HouseholdMember, added)

    # Hukou (information only, H-01): end the current record and add the new one when it changed.
    hukou_end, hukou_new = [], []
    for rp in work:
        cur = plan.hukou.get(rp.person_id)
        if cur is not None and cur.place == rp.hukou["place"] and cur.in_organization == rp.hukou["in_organization"]:
            continue
        if cur is not None:
            hukou_end.append({"id": cur.id, "valid_to": today})
        if rp.hukou["place"] is not None or rp.hukou["in_organization"] is not None:
            hukou_new.append({**rp.hukou, "person_id": rp.person_id, "organization_id": organization.id,
                              "moved_to_town": False, "created_at": now, "updated_at": now})
    if hukou_end:
        session.execute(update(HukouRecord), hukou_end)
    if hukou_new:
        insert_rows(session, HukouRecord, hukou_new)

    # Memberships.
    new_memberships, membership_updates = [], []
    for rp in work:
        hid = household_ids[rp.values["household_no"]]
        old = plan.memberships.get(rp.person_id)
        if old is None:
            m = rp.membership
            new_memberships.append({**m, **(rp.loss or dict.fromkeys(LOSS_FIELDS)), "person_id": rp.person_id,
                                    "organization_id": organization.id, "household_id": hid, "retention_flags": "",
                                    "confirmed_at": m["acquired_at"] if m["status"] == "confirmed" else None,
                                    "created_at": now, "updated_at": now, "version": 1})
        elif _diff(old, rp.membership, MEMBERSHIP_FIELDS) or old.household_id != hid:
            kept = {f: getattr(old, f) for f in KEEP_WHEN_BLANK if rp.membership[f] is None}
            membership_updates.append({"id": old.id, **rp.membership, **kept, "household_id": hid,
                                       "updated_at": now, "version": old.version})
    if new_memberships:
        insert_rows(session, Membership, new_memberships)
    if membership_updates:
        session.execute(update(Membership), membership_updates)
    session.flush()
    session.expire_all()


def _chunks(items, size: int = CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]
