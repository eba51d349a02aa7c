"""Art. 16 withdrawal with compensation through the M-18 transition, and share inheritance by a
non-member heir without a vote (S-09) — issue 11 items 1 and 4."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Homestead, Membership, Person
from registry.models.shares import ShareHolding
from registry.services.errors import DomainError
from registry.services.shares.importer import import_shares
from registry.services.transfers.workflow import act, draft
from tests.services.homesteads.helpers import village_with_homesteads
from tests.services.shares.helpers import resolution, roster_imported, shares_file, use_settings
from tests.services.transfers.helpers import EFF, TODAY, VOLUNTARY, first_households, inherit


def _member(db, org) -> Membership:
    return db.session.scalars(select(Membership).where(Membership.organization_id == org.id,
                                                       Membership.status == "confirmed")
                              .order_by(Membership.id)).first()


def _withdrawal(db, org, member, **kw):
    return draft(db.session, org, type="membership_withdrawal", actor=None, day=EFF,
                 person_from_id=member.person_id, price=Decimal("50000.00"), agreement_date=TODAY,
                 **{**VOLUNTARY, **kw})


def test_M18_withdrawal_with_compensation_ends_the_membership_through_its_transition(db, demo, clock):
    org = roster_imported(db)
    member = _member(db, org)
    t = _withdrawal(db, org, member, retained_rights_until=dt.date(2031, 12, 31))
    with pytest.raises(DomainError) as err:  # the organisation's consent is required
        act(db.session, t, "consent", actor=None, day=EFF)
    assert (err.value.rule, err.value.code) == ("M-18", "transfers.resolution")
    t.resolution_id = resolution(db, org, subject="withdrawal_consent", meeting=TODAY + dt.timedelta(days=2),
                                 notice=TODAY - dt.timedelta(days=20)).id
    act(db.session, t, "consent", actor=None, day=EFF)
    with pytest.raises(DomainError) as err:  # one open withdrawal per member
        _withdrawal(db, org, member)
    assert err.value.code == "transfers.open_same_object"
    act(db.session, t, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    assert (member.status, member.loss_ground, member.lost_at) == ("withdrawn", "withdrawal", EFF)
    assert member.retained_rights_until == dt.date(2031, 12, 31)
    assert member.withdrawal_applied_on == TODAY and member.loss_resolution_id == t.resolution_id
    assert "50000.00" in member.loss_note and "第 1 号" in member.loss_note
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.withdrawn"))
    assert event.detail["new"] == "withdrawn" and event.detail["rule"] == "M-18"
    # no second withdrawal of a member who has left
    with pytest.raises(DomainError) as err:
        _withdrawal(db, org, member)
    assert (err.value.rule, err.value.code) == ("M-18", "transfers.not_member")


def test_M18_a_homestead_withdrawal_never_ends_membership(db, demo, clock):
    org = village_with_homesteads(db)
    plot = db.session.scalars(select(Homestead).where(Homestead.organization_id == org.id,
                                                      Homestead.status == "in_use")).first()
    members = select(Membership.status).where(Membership.household_id == plot.household_id)
    before = sorted(db.session.scalars(members))
    w = draft(db.session, org, type="homestead_withdrawal", actor=None, day=EFF, household_from_id=plot.household_id,
              homestead_id=plot.id, price=Decimal("20000.00"), agreement_date=TODAY, **VOLUNTARY)
    w.resolution_id = resolution(db, org).id
    act(db.session, w, "consent", actor=None, day=EFF)
    act(db.session, w, "record", actor=None, day=EFF, effective_on=EFF)
    db.session.commit()
    assert plot.status == "withdrawn_paid"
    assert sorted(db.session.scalars(members)) == before and "confirmed" in before


def _with_shares(db):
    org = roster_imported(db)
    assert import_shares(db.session, shares_file(), org, actor=None, today=TODAY).committed
    db.session.commit()
    return org


def _outsider(db) -> Person:
    """A person who is no member of the village (a member of a neighbouring village)."""
    other = roster_imported(db, "370305100202")
    return db.session.get(Person, _member(db, other).person_id)


def _held(db, org, household) -> Decimal:
    return db.session.scalar(select(ShareHolding.units).where(
        ShareHolding.organization_id == org.id, ShareHolding.household_id == household.id,
        ShareHolding.share_type == "population", ShareHolding.valid_to.is_(None)))


def test_S09_non_member_heir_inherits_without_a_vote_and_S10_does_not_cap_it(db, demo, clock, monkeypatch):
    org = _with_shares(db)
    heir = _outsider(db)
    estate = first_households(db, org, 1)[0]
    units = _held(db, org, estate)
    use_settings(monkeypatch, holding_cap_percent=Decimal("0.01"))  # far below the estate's units
    # S-08: a transfer or gift to a non-member is refused; inheritance is not
    with pytest.raises(DomainError) as err:
        draft(db.session, org, type="share_gift", actor=None, day=EFF, household_from_id=estate.id,
              person_to_id=heir.id, share_type="population", units=units, price=Decimal(0), agreement_date=TODAY,
              **VOLUNTARY)
    assert err.value.rule == "S-08"
    t = inherit(db, org, estate, units=units, person_to_id=heir.id)
    assert t.voting is False
    held = db.session.scalar(select(ShareHolding).where(ShareHolding.person_id == heir.id,
                                                        ShareHolding.valid_to.is_(None)))
    assert (held.units, held.event, held.voting, held.valid_from) == (units, "inheritance", False, EFF)
    assert _held(db, org, estate) is None  # the estate's holding ended, none with 0 units started
    # the estate's other holdings keep their vote
    assert all(h.voting for h in db.session.scalars(select(ShareHolding).where(
        ShareHolding.organization_id == org.id, ShareHolding.person_id.is_(None))))


def test_S09_member_heir_keeps_the_vote(db, demo, clock):
    org = _with_shares(db)
    estate, heir = first_households(db, org)
    t = inherit(db, org, estate, household_to_id=heir.id)
    assert t.voting is True
    current = db.session.scalars(select(ShareHolding).where(ShareHolding.household_id == heir.id,
                                                            ShareHolding.share_type == "population",
                                                            ShareHolding.valid_to.is_(None))).one()
    assert current.voting is True and current.event == "inheritance"
