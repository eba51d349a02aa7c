"""Second roster versions for the benchmark district: the town review page's 1,500-member diff.

The review village (``make_district.REVIEW_VILLAGE``) gets 60 added, 100 changed and 20 ended members
after its filed version 1; then version 2 is frozen with the real ``freeze_items`` and put under town
review. A few other villages get an unchanged version 2 under town review or recorded by the town, so
the inboxes are not empty.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bench.district_data import People

ADDED, CHANGED, ENDED = 60, 100, 20


def _org(session: Session, code: str):
    from registry.models import Organization

    return session.scalar(select(Organization).where(Organization.area_code == code))


def _new_version(session: Session, org, state: str, at: dt.datetime):
    from registry.models import Filing
    from registry.services.filing.items import freeze_items

    filing = Filing(organization_id=org.id, version_no=2, state="draft", area_code=org.area_code)
    session.add(filing)
    session.flush()
    counts = freeze_items(session, filing)
    filing.state = state
    filing.submitted_at = at
    if state == "town_filed":
        filing.town_recorded_at = at + dt.timedelta(days=3)
    session.flush()
    return filing, counts


def _change_review_village(session: Session, org, seed: int) -> None:
    from registry.models import Household, HouseholdMember, HukouRecord, Membership, Person

    rng = random.Random(f"{seed}:review")
    rows = session.execute(select(Membership.id, Membership.person_id).where(
        Membership.organization_id == org.id, Membership.status == "confirmed").order_by(Membership.id)).all()
    heads = set(session.scalars(select(HouseholdMember.person_id).join(
        Household, Household.id == HouseholdMember.household_id).where(
        Household.organization_id == org.id, HouseholdMember.is_head.is_(True))))
    candidates = [r for r in rows if r.person_id not in heads]
    picked = rng.sample(candidates, ENDED + CHANGED)
    ended, changed = picked[:ENDED], picked[ENDED:]
    session.execute(update(Membership).where(Membership.id.in_([mid for mid, _ in ended])).values(
        status="lost", loss_ground="death", lost_at=dt.date(2024, 9, 1)))
    for k, (mid, pid) in enumerate(changed):
        if k % 3 == 0:
            session.execute(update(Person).where(Person.id == pid).values(phone=f"1390000{k:04d}"))
        elif k % 3 == 1:
            session.execute(update(HukouRecord).where(HukouRecord.person_id == pid, HukouRecord.valid_to.is_(None))
                            .values(valid_to=dt.date(2024, 9, 1)))
            session.add(HukouRecord(person_id=pid, place="淄博市张店区科苑街道", in_organization=False,
                                    moved_at=dt.date(2024, 9, 1), moved_to_town=True))
        else:
            session.execute(update(Membership).where(Membership.id == mid).values(
                farm_age_shares=Membership.farm_age_shares + 1, total_shares=Membership.total_shares + 1))
    # New members: households 9001.. with four people each (new IDs use an address code no one else has).
    people = People(seed)
    last_no = 9000
    for k in range(ADDED):
        if k % 4 == 0:
            last_no += 1
            household = Household(organization_id=org.id, number=f"{last_no}", group_code="09")
            session.add(household)
            session.flush()
        sex = "1" if k % 4 in (0, 2) else "2"
        born = dt.date(1960 + k % 40, 1 + k % 12, 1 + k % 28)
        person = Person(id_number=people._id(rng, born, sex, "370481"), name=f"新{'男女'[sex == '2']}{k:02d}",
                        sex=sex, birth_date=born)
        person.id_tail = person.id_number[-4:]
        session.add(person)
        session.flush()
        relation = "02" if k % 4 == 0 else ("10" if k % 4 == 1 else "20" if sex == "1" else "30")
        session.add(HouseholdMember(household_id=household.id, person_id=person.id, relation=relation,
                                    is_head=relation == "02", valid_from=dt.date(2024, 9, 1)))
        session.add(HukouRecord(person_id=person.id, place="淄博市临淄区齐都镇", in_organization=True,
                                organization_id=org.id))
        session.add(Membership(person_id=person.id, organization_id=org.id, household_id=household.id,
                               status="confirmed", acquisition_ground="policy_migration",
                               acquired_at=dt.date(2024, 9, 1), confirmed_at=dt.date(2024, 9, 20),
                               population_shares=Decimal(1), farm_age_shares=Decimal(0), total_shares=Decimal(1)))
    session.flush()


def make_review_versions(session: Session, *, seed: int) -> dict:
    """Create the second versions; returns ``{"review_items": …, "freeze_seconds": …}``."""
    from bench.make_district import REVIEW_VILLAGE

    org = _org(session, REVIEW_VILLAGE)
    _change_review_village(session, org, seed)
    t = time.perf_counter()
    filing, counts = _new_version(session, org, "town_review", dt.datetime(2024, 9, 25, 10))
    freeze_seconds = time.perf_counter() - t
    for k, code in enumerate(("370305100202", "370305100203", "370305102201", "370305103201")):
        _new_version(session, _org(session, code), "town_review", dt.datetime(2024, 9, 20 + k, 10))
    for k, code in enumerate(("370305100204", "370305102202", "370305104201")):
        _new_version(session, _org(session, code), "town_filed", dt.datetime(2024, 9, 10 + k, 10))
    return {"review_filing_id": filing.id, "review_counts": counts, "freeze_seconds": round(freeze_seconds, 2)}
