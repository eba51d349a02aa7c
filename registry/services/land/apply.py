"""Apply a land plan (``registry.services.land.plan``; the roster import's step 6) in the caller's
transaction, for one village or every village of an area import at once.

The bulk path of the roster import (``registry.services.bulk``): the records that change are loaded and
updated through the ORM (few: optimistic-lock version bump; old → new is in the plan), the new ones go in
with one executemany per table for all the villages, column by column from the plan's tuples, and their
ids are read back once per table: contracts by 承包方编码 (scoped to the plan's organisations), parcels by
地块编码 (only those a circulation lists), circulations in insertion order.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Circulation, CirculationParcel, CoHolder, LandContract, Parcel
from registry.models.base import utcnow
from registry.services import people
from registry.services.bulk import insert_columns, plain_rows
from registry.services.land.plan import (
    CIRCULATION_FIELDS,
    COHOLDER_FIELDS,
    CONTRACT_FIELDS,
    NEW_HEAD,
    PARCEL_FIELDS,
    SHEET_KEYS,
    LandPlan,
    Step,
    chunks,
    plan_land,
    roster_members,
)

__all__ = ["apply_land", "plan_land", "roster_members", "LandPlan", "Step", "PARCEL_FIELDS"]

_MODELS = {"contractors": LandContract, "parcels": Parcel, "coholders": CoHolder, "circulations": Circulation}
_FIELDS = {"contractors": CONTRACT_FIELDS, "parcels": PARCEL_FIELDS, "coholders": COHOLDER_FIELDS,
           "circulations": CIRCULATION_FIELDS}


def apply_land(session: Session, plan: LandPlan, *, today: dt.date) -> None:
    """Write the plan (its updates and new rows) in the caller's transaction; flushes, never commits."""
    new = plan.new
    if not any(plan.updates.values()) and not any(new.values()):
        return
    _ensure_persons(session, plan, today)
    for s in plan.updates["contractors"]:
        s.fields["representative_id"] = plan.person_ids[s.row.values["id_number"]]
    relinked = _update(session, plan)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    contract_ids = plan.contract_ids
    columns = _columns("contractors", new["contractors"])
    if columns:
        numbers = columns.pop("id_number")
        columns["representative_id"] = [plan.person_ids[n] for n in numbers]
        columns["issuer_code"] = [code[:14] for code in columns["contractor_code"]]
        insert_columns(session, LandContract, columns,
                       {"certificate_status": "issued", "valid_from": today, **stamp})
        for orgs in chunks(plan.organization_ids):
            contract_ids.update(plain_rows(session, select(LandContract.contractor_code, LandContract.id).where(
                LandContract.organization_id.in_(orgs), LandContract.valid_to.is_(None))))
    columns = _columns("parcels", new["parcels"])
    if columns:
        columns["contract_id"] = [contract_ids[c] for c in columns.pop("contractor_code")]
        insert_columns(session, Parcel, columns, {"valid_from": today, **stamp})
    columns = _columns("coholders", new["coholders"])
    if columns:
        columns["contract_id"] = [contract_ids[c] for c in columns.pop("contractor_code")]
        columns["person_id"] = [plan.person_ids[n] for n in columns.pop("id_number")]
        insert_columns(session, CoHolder, columns, {"valid_from": today, **stamp})
    links = [(s.record_id, code) for s in relinked for code in s.fields["parcel_codes"]]
    columns = _columns("circulations", new["circulations"])
    if columns:
        before = session.scalar(select(func.max(Circulation.id))) or 0
        contracts = [contract_ids[c] for c in columns.pop("contractor_code")]
        parcel_codes = columns.pop("parcel_codes")
        insert_columns(session, Circulation, {"contract_id": contracts, **columns}, stamp)
        mine = set(contracts)
        ids = [i for i, contract_id in session.execute(
            select(Circulation.id, Circulation.contract_id).where(Circulation.id > before).order_by(Circulation.id))
            if contract_id in mine]  # in insertion order (other transactions' rows, if any, are left out)
        links.extend((i, code) for i, codes in zip(ids, parcel_codes, strict=True) for code in codes)
    if links:
        parcel_ids = {}
        for chunk in chunks({code for _i, code in links}):
            parcel_ids.update(plain_rows(session, select(Parcel.code, Parcel.id).where(
                Parcel.code.in_(chunk), Parcel.valid_to.is_(None))))
        insert_columns(session, CirculationParcel, {"circulation_id": [i for i, _code in links],
                                                    "parcel_id": [parcel_ids[code] for _i, code in links]})
    if any(new[key] for key in ("parcels", "coholders", "circulations")) or links:
        session.expire_all()  # relationship lists loaded before the bulk inserts are stale


def _columns(sheet: str, rows: list[tuple]) -> dict[str, list]:
    """The plan's new-row tuples of ``sheet`` as insert columns (name -> values)."""
    if not rows:
        return {}
    names = NEW_HEAD[sheet] + _FIELDS[sheet]  # one list per column (no per-row objects, unlike zip(*rows))
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def _update(session: Session, plan: LandPlan) -> list[Step]:
    """Set the new values on the records that change (loaded through the ORM, a query per table and 900
    records) and flush; the circulations whose parcel list changed lose their links (returned)."""
    relinked = []
    with session.no_autoflush:
        for key in SHEET_KEYS:
            steps = plan.updates[key]
            model = _MODELS[key]
            records = {}
            for chunk in chunks([s.record_id for s in steps]):
                records.update((r.id, r) for r in session.scalars(select(model).where(model.id.in_(chunk))))
            for s in steps:
                record = records[s.record_id]
                for name, value in s.fields.items():
                    if name != "parcel_codes":
                        setattr(record, name, value)
                if key == "circulations" and s.old["parcel_codes"] != s.fields["parcel_codes"]:
                    for link in list(record.parcel_links):  # the parcel list was corrected
                        session.delete(link)
                    relinked.append(s)
    session.flush()
    return relinked


def _ensure_persons(session: Session, plan: LandPlan, today: dt.date) -> None:
    """A co-holder who is on no roster (a daughter who married out before the reform, L-10) is
    registered as a person from the ID on the row (one flush for all of them)."""
    if not plan.missing_persons:
        return
    new = {}
    with session.no_autoflush:
        for number, name in plan.missing_persons.items():
            new[number] = people.person_for(session, id_type="1", id_number=number, name=name, today=today)
    session.flush()
    plan.person_ids.update({number: person.id for number, person in new.items()})

