"""S-09 over HTTP: a holding inherited by a household with no active member carries no vote, and the
holder history shows it as 无表决权 (issue 11)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from registry.models import Household, Membership
from registry.services.shares.importer import import_shares
from registry.services.transfers.workflow import act, draft
from tests.services.shares.helpers import TODAY, roster_imported, shares_file
from tests.services.transfers.helpers import EFF, VOLUNTARY

V = "370305100201"


def test_S09_inherited_holding_without_a_vote_is_shown_on_the_holder_history(login_as, db, demo, clock):
    org = roster_imported(db, V)
    assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
    estate, heir = db.session.scalars(select(Household).where(Household.organization_id == org.id)
                                      .order_by(Household.number)).all()[:2]
    # the heir's household has no active member (only candidates; stored directly for the test)
    db.session.execute(update(Membership).where(Membership.household_id == heir.id).values(status="pending"))
    t = draft(db.session, org, type="share_inheritance", actor=None, day=EFF, household_from_id=estate.id,
              household_to_id=heir.id, share_type="population", units=Decimal(1), price=Decimal(0),
              agreement_date=TODAY, **VOLUNTARY)
    act(db.session, t, "consent", actor=None, day=EFF)
    act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    assert t.voting is False
    client = login_as("clerk")
    page = client.get(f"/villages/{V}/shares/households/{heir.number}").get_data(as_text=True)
    assert "无表决权" in page and "继承" in page
    assert "无表决权" not in client.get(f"/villages/{V}/shares/households/{estate.number}").get_data(as_text=True)
