"""Homestead rules through the service (issue 15): D-01, D-02, D-12, H-01, H-02 — and end, never delete."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Homestead, Household, Membership, RightsReview, User
from registry.services import rights_review
from registry.services.errors import DomainError
from registry.services.homesteads import register
from registry.services.membership.changes import end_membership
from registry.services.membership.hukou import record_hukou_change
from tests.services.homesteads.helpers import VILLAGE, village_with_homesteads

TODAY = dt.date(2026, 6, 15)


def _clerk(db):
    return db.session.scalar(select(User).where(User.username == "clerk"))


def _household(db, org, number):
    return db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                     Household.number == number))


def _plot(db, household):
    return db.session.scalar(select(Homestead).where(Homestead.household_id == household.id,
                                                     Homestead.status == "in_use"))


def _values(code: str, **extra):
    return {"plot_code": f"{VILLAGE}JC{code}", "plot_area": Decimal("120.50"), "status": "in_use", **extra}


def test_D01_second_homestead_in_use_refused_without_exception(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    with pytest.raises(DomainError) as err:
        register.add_homestead(db.session, org, hh, _values("90001"), actor=_clerk(db), today=TODAY)
    assert err.value.rule == "D-01" and err.value.code == "homestead.second_in_use"


def test_D01_second_homestead_in_use_accepted_with_written_exception(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    values = _values("90001", exception_reason="危房改造过渡，经镇批准")
    h = register.add_homestead(db.session, org, hh, values, actor=_clerk(db), today=TODAY)
    db.session.commit()
    assert h.id and h.exception_reason
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "homestead.created"))
    assert event.detail["rule"] == "D-01"


def test_D01_index_backs_the_rule_in_the_database(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    db.session.add(Homestead(organization_id=org.id, household_id=hh.id, plot_code=f"{VILLAGE}JC90002",
                             plot_area=Decimal("100"), status="in_use"))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_D02_area_over_cap_accepted_and_flagged(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    old = _plot(db, hh)
    register.end_homestead(db.session, old, on=TODAY, ground="withdrawal", note="有偿退出",
                           version=old.version, actor=_clerk(db))
    h = register.add_homestead(db.session, org, hh, _values("90003", plot_area=Decimal("150.25")),
                               actor=_clerk(db), today=TODAY)
    assert register.over_cap(h, Decimal(132)) and h.plot_area == Decimal("150.25")


def test_D12_qualification_right_member_household_without_homestead_in_use(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    assert not register.qualification_right(db.session, hh)
    plot = _plot(db, hh)
    register.change_homestead(db.session, plot, {"status": "lost_disaster"}, version=plot.version,
                              actor=_clerk(db))
    assert register.qualification_right(db.session, hh)


def test_change_uses_optimistic_locking_and_audits_old_new(db, demo):
    org = village_with_homesteads(db)
    plot = _plot(db, _household(db, org, "0001"))
    seen = plot.version
    changes = register.change_homestead(db.session, plot, {"location": "新坐落 1 号"}, version=seen,
                                        actor=_clerk(db))
    assert set(changes) == {"location"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "homestead.changed"))
    assert event.detail["new"] == {"location": "新坐落 1 号"}
    with pytest.raises(DomainError) as err:
        register.change_homestead(db.session, plot, {"location": "再改"}, version=seen, actor=_clerk(db))
    assert err.value.code == "homestead.stale"


def test_end_keeps_the_record_with_date_and_ground(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    plot = _plot(db, hh)
    register.end_homestead(db.session, plot, on=TODAY, ground="disaster", note="台风", version=plot.version,
                           actor=_clerk(db))
    db.session.commit()
    assert db.session.get(Homestead, plot.id).valid_to == TODAY
    assert register.as_of(db.session, hh.id, TODAY - dt.timedelta(days=1)) == [plot]
    assert register.as_of(db.session, hh.id, TODAY) == []


def _member_of(db, household):
    stmt = select(Membership).where(Membership.household_id == household.id, Membership.status == "confirmed")
    return db.session.scalar(stmt.order_by(Membership.id))


def test_H01_hukou_move_changes_no_right(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    before = [(h.id, h.status, h.valid_to, h.version) for h in register.history(db.session, hh.id)]
    record_hukou_change(db.session, _member_of(db, hh), place="淄博市张店区", in_organization=False,
                        moved_at=TODAY, moved_to_town=True, actor=_clerk(db), today=TODAY)
    db.session.commit()
    assert [(h.id, h.status, h.valid_to, h.version) for h in register.history(db.session, hh.id)] == before
    assert not db.session.scalar(select(RightsReview.id))


def test_H02_membership_ending_changes_no_right_and_opens_a_review_entry(db, demo):
    org = village_with_homesteads(db)
    hh = _household(db, org, "0001")
    before = [(h.id, h.status, h.valid_to, h.version) for h in register.history(db.session, hh.id)]
    m = _member_of(db, hh)
    end_membership(db.session, m, ground="death", lost_at=TODAY, actor=_clerk(db), today=TODAY)
    db.session.commit()
    assert [(h.id, h.status, h.valid_to, h.version) for h in register.history(db.session, hh.id)] == before
    review = db.session.scalar(select(RightsReview))
    assert review.household_id == hh.id and review.membership_id == m.id and "死亡" in review.reason
    assert rights_review.open_reviews(db.session, org) == [review]
    with pytest.raises(DomainError):
        rights_review.close_review(db.session, review, act=" ", version=review.version, actor=_clerk(db))
    rights_review.close_review(db.session, review, act="户内尚有成员，宅基地使用权不变",
                               version=review.version, actor=_clerk(db), today=TODAY)
    db.session.commit()
    assert rights_review.open_reviews(db.session, org) == []
    after = [(h.id, h.status, h.valid_to) for h in register.history(db.session, hh.id)]
    assert after == [b[:3] for b in before]
