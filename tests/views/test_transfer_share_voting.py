"""S-09 over HTTP: a holding inherited by a household with no active member carries no vote, and the
holder history shows it as 无表决权 (issue 11)."""
from __future__ import annotations

from sqlalchemy import update

from registry.models import Membership
from registry.services.shares.importer import import_shares
from tests.services.shares.helpers import TODAY, roster_imported, shares_file
from tests.services.transfers.helpers import first_households, inherit

V = "370305100201"


def test_S09_inherited_holding_without_a_vote_is_shown_on_the_holder_history(login_as, db, demo, clock):
    org = roster_imported(db, V)
    assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
    estate, heir = first_households(db, org)
    # the heir's household has no active member (only candidates; stored directly for the test)
    db.session.execute(update(Membership).where(Membership.household_id == heir.id).values(status="pending"))
    t = inherit(db, org, estate, household_to_id=heir.id)
    assert t.voting is False
    client = login_as("clerk")
    page = client.get(f"/villages/{V}/shares/households/{heir.number}").get_data(as_text=True)
    assert "无表决权" in page and "继承" in page
    assert "无表决权" not in client.get(f"/villages/{V}/shares/households/{estate.number}").get_data(as_text=True)
