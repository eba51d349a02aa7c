"""Shared setup of the transaction page tests (issue 11): the village 东柳庄村 with its sample roster and
share register (or homestead register) imported; form data of a draft; the demo clerk and town officer."""
from __future__ import annotations

from sqlalchemy import select

from registry.models import Homestead, Household, Transfer
from registry.services.shares.importer import import_shares
from tests.services.shares.helpers import TODAY, roster_imported, shares_file

VILLAGE, TOWN = "370305100201", "370305100000"
VOLUNTARY = {"voluntary_applied": "y", "voluntary_applied_on": TODAY.isoformat(),
             "voluntary_document": "自愿申请书.pdf"}


def with_shares(db):
    org = roster_imported(db, VILLAGE)
    assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
    db.session.commit()
    return org


def shares_pair(db):
    """The village with its share register, and its first two households (a seller and a buyer)."""
    org = with_shares(db)
    seller, buyer = households(db, org)[:2]
    return org, seller, buyer


def households(db, org) -> list[Household]:
    return list(db.session.scalars(select(Household).where(Household.organization_id == org.id)
                                   .order_by(Household.number)))


def homesteads_in_use(db, org) -> list[Homestead]:
    return list(db.session.scalars(select(Homestead).where(
        Homestead.organization_id == org.id, Homestead.status == "in_use", Homestead.valid_to.is_(None))
        .order_by(Homestead.id)))


def share_form(seller, buyer, units="1", price="100.00", type="share_transfer", **extra) -> dict:
    data = {"type": type, "household_from": str(seller.id), "share_type": "population", "units": units,
            "price": price, "agreement_date": TODAY.isoformat(), **VOLUNTARY, **extra}
    if buyer is not None:
        data["household_to"] = str(buyer.id)
    return data


def new_transfer(client, data: dict):
    return client.post(f"/villages/{VILLAGE}/transfers/new", data=data)


def only_transfer(db) -> Transfer:
    db.session.expire_all()
    return db.session.scalars(select(Transfer).order_by(Transfer.id.desc())).first()


def act(client, t: Transfer, action: str, **data):
    return client.post(f"/villages/{VILLAGE}/transfers/{t.id}/{action}",
                       data={"version": str(t.version), **data})
