"""services/bulk.insert_rows: the roster import's driver-level executemany stores exactly what the ORM
would (dates, timestamps, booleans, decimals; scalar defaults) on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from registry.models import Household, HouseholdMember, Membership, Organization, Person
from registry.services.bulk import insert_rows
from tests.conftest import make_id

NOW = dt.datetime(2026, 11, 29, 2, 30, 15, 123456)


def _people(n: int) -> list[dict]:
    return [{"name": f"测试{k}", "sex": "1", "birth_date": dt.date(1980, 1, 1 + k % 28), "phone": None,
             "id_type": "1", "id_number_legacy": None, "id_number": make_id(seq=f"{k:03d}"),
             "id_tail": make_id(seq=f"{k:03d}")[-4:], "created_at": NOW, "updated_at": NOW}
            for k in range(n)]


def test_rows_round_trip_with_types_and_scalar_defaults(db, demo):
    insert_rows(db.session, Person, _people(30))  # "version" left out: its scalar default 1 applies
    got = db.session.scalars(select(Person).order_by(Person.id_number)).all()
    assert len(got) == 30
    first = got[0]
    assert (first.birth_date, first.created_at, first.version) == (dt.date(1980, 1, 1), NOW, 1)
    assert {p.birth_date for p in got} == {dt.date(1980, 1, 1 + k % 28) for k in range(30)}


def test_booleans_decimals_and_a_callable_default_fall_back_to_core(db, demo):
    insert_rows(db.session, Person, _people(2))
    org = db.session.scalar(select(Organization).where(Organization.area_code == "370305100201"))
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    # created_at/updated_at left out: their default is a function, so Core's executemany calls it per row.
    insert_rows(db.session, Household, [{"organization_id": org.id, "number": "0001", "group_code": "01"}])
    household = db.session.scalar(select(Household))
    assert household.created_at is not None and household.version == 1
    insert_rows(db.session, HouseholdMember, [
        {"household_id": household.id, "person_id": people[0].id, "relation": "02", "is_head": True,
         "valid_from": dt.date(2026, 1, 1)},
        {"household_id": household.id, "person_id": people[1].id, "relation": "10", "is_head": False,
         "valid_from": dt.date(2026, 1, 1)}])
    links = db.session.scalars(select(HouseholdMember).order_by(HouseholdMember.id)).all()
    assert [(link.is_head, link.relation) for link in links] == [(True, "02"), (False, "10")]
    insert_rows(db.session, Membership, [
        {"person_id": p.id, "organization_id": org.id, "household_id": household.id, "status": "confirmed",
         "acquisition_ground": "reform", "acquired_at": dt.date(2020, 1, 1), "retention_flags": "",
         "population_shares": Decimal("1.5"), "total_shares": Decimal("2"), "created_at": NOW,
         "updated_at": NOW} for p in people])
    shares = db.session.execute(select(Membership.population_shares, Membership.total_shares)).all()
    assert shares == [(Decimal("1.5"), Decimal("2")), (Decimal("1.5"), Decimal("2"))]
