"""Two town officers recording two different transactions over the same object at the same moment leave
exactly one in effect (issue 11, §6.3): threads with their own app context and session, on a SQLite file or
the PostgreSQL test schema. The row locks (``rules.lock``), the unique partial indexes of open and recorded
transactions and the conditional end of the parcel / holding rows decide — not the timing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from registry.extensions import db
from registry.models import Household, Organization, Parcel, Transfer
from registry.models.shares import ShareHolding
from registry.services.errors import DomainError
from registry.services.shares.importer import import_shares
from registry.services.transfers.workflow import act, draft
from tests.services.shares.helpers import shares_file, use_settings
from tests.services.test_concurrency import together
from tests.services.transfers.helpers import (
    EFF,
    TODAY,
    VOLUNTARY,
    contracts,
    current_parcels,
    village_with_land,
)

#: how the second one is refused: by the rules after waiting for the first (row locks), by a unique index,
#: or by the conditional end of the object's rows
REFUSED = {"transfers.not_held", "transfers.more_than_held", "transfers.open_same_object", "transfers.stale",
           "IntegrityError"}


@pytest.fixture
def loaded_app(shared_app, clock):
    """``shared_app`` (threads share its database: a SQLite file or the PostgreSQL schema) with the
    village's roster, land and share registers loaded."""
    with shared_app.app_context():
        org = village_with_land(db)
        assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
        db.session.commit()
        db.session.remove()
    return shared_app


def _record(app, org_id: int, **data):
    """A job: draft, consent and record one transaction in its own session, then commit; the outcome."""
    def job(barrier):
        with app.app_context():
            barrier.wait()
            try:
                org = db.session.get(Organization, org_id)
                t = draft(db.session, org, actor=None, day=EFF, agreement_date=TODAY, **VOLUNTARY, **data)
                act(db.session, t, "consent", actor=None, day=EFF)
                act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
                db.session.commit()
                return "recorded"
            except DomainError as err:
                db.session.rollback()
                return err.code
            except (IntegrityError, DBAPIError) as err:  # a unique index or a lock refused it
                db.session.rollback()
                return type(err).__name__
            finally:
                db.session.remove()
    return job


def _households(app, org_id: int, n: int) -> list[int]:
    with app.app_context():
        holders = select(ShareHolding.household_id).where(ShareHolding.organization_id == org_id)
        return list(db.session.scalars(select(Household.id).where(Household.organization_id == org_id,
                                                                  Household.id.in_(holders))
                                       .order_by(Household.number).limit(n)))


def test_two_records_of_the_same_parcel_at_once_leave_exactly_one_in_effect(loaded_app):
    shared_app = loaded_app
    with shared_app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.area_code == "370305100201"))
        giver = contracts(db, org)[0]
        parcel = current_parcels(giver)[0]
        org_id, giver_household, parcel_id, code = org.id, giver.household_id, parcel.id, parcel.code
    first, second = [h for h in _households(shared_app, org_id, 3) if h != giver_household][:2]
    common = {"household_from_id": giver_household, "parcel_id": parcel_id, "price": Decimal("9000.00"),
              "consent_note": "发包方书面同意"}
    outcomes = together(_record(shared_app, org_id, type="land_transfer", household_to_id=first, **common),
                        _record(shared_app, org_id, type="land_transfer", household_to_id=second, **common))
    assert sorted(outcomes).count("recorded") == 1, outcomes
    assert set(outcomes) - {"recorded"} <= REFUSED, outcomes
    with shared_app.app_context():
        assert db.session.scalar(select(func.count(Transfer.id)).where(Transfer.parcel_id == parcel_id)) == 1
        rows = db.session.scalars(select(Parcel).where(Parcel.code == code).order_by(Parcel.id)).all()
        assert [(r.valid_to, r.valid_from) for r in rows][0][0] == EFF
        assert len(rows) == 2 and sum(r.valid_to is None for r in rows) == 1  # one current row


def test_two_records_of_the_same_share_units_at_once_leave_exactly_one_in_effect(loaded_app, monkeypatch):
    shared_app = loaded_app
    use_settings(monkeypatch, holding_cap_percent=Decimal(100))
    with shared_app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.area_code == "370305100201"))
        org_id = org.id
    seller, first, second = _households(shared_app, org_id, 3)
    with shared_app.app_context():
        units = db.session.scalar(select(ShareHolding.units).where(
            ShareHolding.household_id == seller, ShareHolding.share_type == "population",
            ShareHolding.valid_to.is_(None)))
    common = {"household_from_id": seller, "share_type": "population", "units": units, "price": Decimal("100.00")}
    outcomes = together(_record(shared_app, org_id, type="share_transfer", household_to_id=first, **common),
                        _record(shared_app, org_id, type="share_gift", household_to_id=second, **common))
    assert sorted(outcomes).count("recorded") == 1, outcomes
    assert set(outcomes) - {"recorded"} <= REFUSED, outcomes
    with shared_app.app_context():
        recorded = db.session.scalars(select(Transfer).where(Transfer.state == "recorded")).all()
        assert len(recorded) == 1
        receiver = recorded[0].household_to_id
        current = {h: db.session.scalar(select(func.coalesce(func.sum(ShareHolding.units), 0)).where(
            ShareHolding.household_id == h, ShareHolding.share_type == "population",
            ShareHolding.valid_to.is_(None))) for h in (seller, first, second)}
        assert Decimal(str(current[seller])) == 0
        # the units moved once: the receiver's holding grew by them, the other household's did not
        started = db.session.scalars(select(ShareHolding).where(ShareHolding.valid_from == EFF)).all()
        assert {h.household_id for h in started} == {receiver}
