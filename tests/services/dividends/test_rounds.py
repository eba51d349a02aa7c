"""Dividend rounds through the service: S-11 reserve, S-12 exact lines (stored, re-run identical, frozen
after draft), S-13 Art. 15 grantees, S-14 the distribution-plan resolution and its inspection period."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.models import NonMemberGrant, Person
from registry.models.shares import DividendLine
from registry.services.dividends.rounds import compute, create_round, recompute, transition
from registry.services.errors import DomainError
from tests.services.filing_helpers import user
from tests.services.shares.helpers import TODAY, resolution, roster_imported

RECORD = dt.date(2026, 5, 31)


@pytest.fixture
def village(db, demo, clock):
    return roster_imported(db)


def _lines(db, rnd):
    return [(x.holder_code, x.units, x.amount) for x in db.session.scalars(
        select(DividendLine).where(DividendLine.round_id == rnd.id).order_by(DividendLine.holder_code))]


def test_S11_reserve_at_the_charter_rate_half_up_and_never_below(db, village):
    clerk = user(db.session, "clerk")
    rnd = create_round(db.session, village, record_date=RECORD, net_income=Decimal("0.05"), actor=clerk)
    assert (rnd.reserve, rnd.distributable) == (Decimal("0.02"), Decimal("0.03"))  # 1.5 fen → 2
    with pytest.raises(DomainError) as err:
        compute(db.session, village, record_date=RECORD, net_income=Decimal(100), reserve_rate=Decimal("0.2"))
    assert err.value.rule == "S-11"
    higher = compute(db.session, village, record_date=RECORD, net_income=Decimal(100),
                     reserve_rate=Decimal("0.4"))
    assert higher.allocation.reserve == Decimal("40.00")


def test_S12_round_lines_add_up_rerun_identical_and_frozen_after_draft(db, village):
    clerk = user(db.session, "clerk")
    rnd = create_round(db.session, village, record_date=RECORD, net_income=Decimal("123456.78"), actor=clerk)
    db.session.commit()
    lines = _lines(db, rnd)
    assert sum(a for _, _, a in lines) == rnd.distributable == Decimal("86419.75")
    assert rnd.algorithm_version == "S-12/1" and rnd.rounding_mode == "largest_remainder"
    recompute(db.session, rnd, actor=clerk)
    db.session.commit()
    assert _lines(db, rnd) == lines
    transition(db.session, rnd, "link_resolution", actor=clerk, resolution=resolution(db, village),
               inspection_from=dt.date(2026, 5, 10), today=TODAY)
    db.session.commit()
    with pytest.raises(DomainError):
        recompute(db.session, rnd, actor=clerk)
    line = db.session.scalar(select(DividendLine).where(DividendLine.round_id == rnd.id).limit(1))
    line.amount += 1
    with pytest.raises(DomainError) as err:
        db.session.flush()
    assert err.value.code == "dividend.lines_frozen"
    db.session.rollback()


def test_S13_art15_grantee_takes_part_with_the_resolution_units(db, village):
    grant_resolution = resolution(db, village, subject="art15_grant", meeting=dt.date(2026, 1, 10),
                                  notice=dt.date(2025, 12, 20))
    person = Person(id_number="370305198001010013", name="外来贡献", sex="1")
    db.session.add(person)
    db.session.flush()
    db.session.add(NonMemberGrant(organization_id=village.id, area_code=village.area_code,
                                  person_id=person.id,
                                  resolution_id=grant_resolution.id, rights="income_distribution",
                                  units=Decimal("64.25"), valid_from=dt.date(2026, 1, 10), reason="长期贡献"))
    db.session.flush()
    result = compute(db.session, village, record_date=RECORD, net_income=Decimal(100000)).to_json()
    line = next(x for x in result["lines"] if x["holder"] == person.id_number)
    assert line["units"] == "64.25" and line["name"] == "外来贡献"
    assert Decimal(result["total_units"]) == Decimal("6422.5") + Decimal("64.25")
    before = compute(db.session, village, record_date=dt.date(2026, 1, 9),
                     net_income=Decimal(100000)).to_json()
    assert person.id_number not in {x["holder"] for x in before["lines"]}


@pytest.mark.parametrize("case,rule", [
    ("none", "S-14"), ("subject", "S-14"), ("representative", "A-11"), ("no_inspection", "S-14"),
    ("inspection_9_days", "S-14")])
def test_S14_a_round_needs_the_passed_distribution_plan_and_10_days_inspection(db, village, case, rule):
    clerk = user(db.session, "clerk")
    rnd = create_round(db.session, village, record_date=RECORD, net_income=Decimal(1000), actor=clerk)
    meeting = dt.date(2026, 5, 20)
    kwargs = {"resolution": resolution(db, village, meeting=meeting), "inspection_from": dt.date(2026, 5, 10)}
    if case == "none":
        kwargs["resolution"] = None
    elif case == "subject":
        kwargs["resolution"] = resolution(db, village, subject="quantification_plan")
    elif case == "representative":
        kwargs["resolution"] = resolution(db, village, body="representative")
    elif case == "no_inspection":
        kwargs["inspection_from"] = None
    else:
        kwargs["inspection_from"] = meeting - dt.timedelta(days=9)
    with pytest.raises(DomainError) as err:
        transition(db.session, rnd, "link_resolution", actor=clerk, today=TODAY, **kwargs)
    assert err.value.rule == rule
    with pytest.raises(DomainError):  # no town recording before S-14 is met
        transition(db.session, rnd, "record_town", actor=user(db.session, "town"), today=TODAY)


def test_S14_full_workflow_draft_to_closed_with_roles(db, village):
    clerk, town = user(db.session, "clerk"), user(db.session, "town")
    rnd = create_round(db.session, village, record_date=RECORD, net_income=Decimal(1000), actor=clerk)
    transition(db.session, rnd, "link_resolution", actor=clerk, resolution=resolution(db, village),
               inspection_from=dt.date(2026, 5, 10), today=TODAY)
    with pytest.raises(DomainError):
        transition(db.session, rnd, "record_town", actor=clerk, today=TODAY)  # the town records
    transition(db.session, rnd, "record_town", actor=town, today=TODAY)
    transition(db.session, rnd, "pay", actor=clerk, today=TODAY, paid_on=TODAY)
    transition(db.session, rnd, "close", actor=clerk, today=TODAY)
    assert rnd.state == "closed"
    with pytest.raises(DomainError):
        transition(db.session, rnd, "cancel", actor=clerk, today=TODAY, reason="x")
    other = create_round(db.session, village, record_date=RECORD, net_income=Decimal(1000), actor=clerk)
    with pytest.raises(DomainError):
        transition(db.session, other, "cancel", actor=clerk, today=TODAY, reason=" ")
    transition(db.session, other, "cancel", actor=clerk, today=TODAY, reason="净收益有误")
    assert other.state == "cancelled"
    assert db.session.scalar(select(func.count()).select_from(DividendLine)
                             .where(DividendLine.round_id == other.id)) == 94  # kept, never deleted


@pytest.mark.parametrize("amount", ["1e30", "-1", "1000000000000", "10.005"])
def test_S12_net_income_must_fit_the_register(db, village, amount):
    """A net income the register cannot hold exactly (Numeric(14,2)) is refused, never stored as a float
    whose lines no longer add up (found by the fresh-clone test with 1e30)."""
    with pytest.raises(DomainError) as err:
        create_round(db.session, village, record_date=RECORD, net_income=Decimal(amount),
                     actor=user(db.session, "clerk"))
    assert err.value.code == "dividend.net_income"


def test_S14_one_distribution_plan_serves_one_round_and_payment_needs_its_date(db, village):
    clerk, town = user(db.session, "clerk"), user(db.session, "town")
    plan = resolution(db, village)
    first = create_round(db.session, village, record_date=RECORD, net_income=Decimal(1000), actor=clerk)
    second = create_round(db.session, village, record_date=RECORD, net_income=Decimal(2000), actor=clerk)
    transition(db.session, first, "link_resolution", actor=clerk, resolution=plan,
               inspection_from=dt.date(2026, 5, 10), today=TODAY)
    with pytest.raises(DomainError) as err:
        transition(db.session, second, "link_resolution", actor=clerk, resolution=plan,
                   inspection_from=dt.date(2026, 5, 10), today=TODAY)
    assert (err.value.code, err.value.rule) == ("dividend.resolution_used", "S-14")
    transition(db.session, first, "record_town", actor=town, today=TODAY)
    with pytest.raises(DomainError) as err:
        transition(db.session, first, "pay", actor=clerk, today=TODAY)
    assert err.value.code == "dividend.paid_on" and first.state == "town_recorded"
