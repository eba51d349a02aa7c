"""Charter settings through the service (DOMAIN §8): defaults, history by date, the law's floors
(A-04, F-04), the share settings (S-04, S-06, S-07, S-10, S-11, S-16) and the audit trail."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, CharterSettings
from registry.services.charter import settings_for, update_settings
from registry.services.errors import DomainError
from tests.services.filing_helpers import org, user

D = dt.date
ARTICLE = "章程第十二条"


@pytest.fixture
def s(db, demo):
    return db.session


@pytest.fixture
def o(s):
    return org(s)


@pytest.fixture
def district(s):
    return user(s, "district")


def test_defaults_are_the_law_and_DOMAIN_8_when_nothing_is_set(s, o):
    view = settings_for(s, o.id, D(2026, 6, 15))
    assert view.settings_id is None and view.article is None and view.organization_id == o.id
    assert (view.confirmation_threshold, view.art15_threshold, view.quorum_threshold) == (
        Fraction(2, 3), Fraction(3, 4), Fraction(2, 3))
    assert view.notice_working_days == 7 and view.withdrawal_consent_body == "member_assembly"
    assert view.state_payroll_loss_ground is False and view.allow_nested_membership is False
    assert (view.holder_unit, view.management, view.death_treatment) == ("household", "static", "full_year")
    assert view.holding_cap_percent == Decimal(3) and view.reserve_rate == Decimal("0.30")
    assert view.share_types["population"] == (Decimal(1), True)
    assert view.share_types["collective"] == (Decimal(1), False)  # S-07: out of the divisor by default
    assert set(view.share_types) == {"population", "farm_age", "collective", "contribution", "other"}


def test_A04_a_raised_threshold_is_stored_audited_and_in_force_from_its_date(s, o, district):
    view = update_settings(s, o, {"confirmation_threshold": "3/4", "quorum_threshold": "0.8"}, actor=district,
                           article=ARTICLE, effective_on=D(2026, 3, 1))
    assert view.confirmation_threshold == Fraction(3, 4) and view.quorum_threshold == Fraction(4, 5)
    assert view.pass_threshold("membership_confirmation") == Fraction(3, 4)
    assert view.pass_threshold("other") == Fraction(2, 3)
    assert settings_for(s, o.id, D(2026, 2, 28)).settings_id is None  # before: the law
    assert settings_for(s, o.id, D(2026, 3, 1)).article == ARTICLE
    event = s.scalar(select(AuditEvent).where(AuditEvent.action == "charter.updated"))
    assert event.actor_id == district.id and event.area_code == o.area_code and event.detail["article"] == ARTICLE
    assert event.detail["changes"] == {"confirmation_threshold": {"old": "2/3", "new": "3/4"},
                                       "quorum_threshold": {"old": "2/3", "new": "4/5"}}

    update_settings(s, o, {"confirmation_threshold": "4/5"}, actor=district, article="章程第十三条",
                    effective_on=D(2026, 5, 1))
    rows = s.scalars(select(CharterSettings).order_by(CharterSettings.id)).all()
    assert [(r.valid_from, r.valid_to) for r in rows] == [(D(2026, 3, 1), D(2026, 5, 1)), (D(2026, 5, 1), None)]
    assert settings_for(s, o.id, D(2026, 4, 30)).confirmation_threshold == Fraction(3, 4)
    assert settings_for(s, o.id, D(2026, 5, 1)).confirmation_threshold == Fraction(4, 5)
    assert settings_for(s, o.id, D(2026, 5, 1)).quorum_threshold == Fraction(4, 5)  # unchanged values carried


@pytest.mark.parametrize("key,value", [("confirmation_threshold", "1/2"), ("quorum_threshold", "60%"),
                                       ("art15_threshold", "2/3"), ("confirmation_threshold", "0.66")])
def test_A04_a_threshold_below_the_law_is_refused(s, o, district, key, value):
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {key: value}, actor=district, article=ARTICLE)
    assert err.value.rule == "A-04" and "不能降低" in err.value.message
    assert s.scalar(select(CharterSettings)) is None


def test_F04_notice_days_below_seven_are_refused(s, o, district):
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {"notice_working_days": "6"}, actor=district, article=ARTICLE)
    assert err.value.rule == "F-04" and "少于最短公示期 7" in err.value.message
    assert update_settings(s, o, {"notice_working_days": 10}, actor=district, article=ARTICLE).notice_working_days == 10


def test_share_settings_S04_S06_S07_S10_S11_S16(s, o, district):
    view = update_settings(s, o, {
        "holder_unit": "person", "management": "dynamic", "adjustment_years": "5",
        "share_types.farm_age.weight": "0.5", "share_types.collective.counts_in_divisor": "是",
        "holding_cap_percent": "5%", "reserve_rate": "35%", "death_treatment": "pro_rata",
    }, actor=district, article=ARTICLE)
    assert (view.holder_unit, view.management, view.adjustment_years) == ("person", "dynamic", 5)
    assert view.share_types["farm_age"] == (Decimal("0.5"), True)
    assert view.share_types["collective"] == (Decimal(1), True)
    assert view.weight("farm_age") == (Decimal("0.5"), True)
    assert view.holding_cap_percent == Decimal(5) and view.reserve_rate == Decimal("0.35")
    assert view.death_treatment == "pro_rata"
    for change, rule in [({"holder_unit": "village"}, "S-06"), ({"management": "yearly"}, "S-04"),
                         ({"share_types.population.weight": "-1"}, "S-07"), ({"share_types.bonus.weight": "1"}, "S-07"),
                         ({"holding_cap_percent": "0"}, "S-10"), ({"holding_cap_percent": "101"}, "S-10"),
                         ({"reserve_rate": "1"}, "S-11"), ({"reserve_rate": "0.12345"}, "S-11"),
                         ({"death_treatment": "ignore"}, "S-16"),
                         ({"management": "static"}, "S-04")]:  # adjustment years only for dynamic
        with pytest.raises(DomainError) as err:
            update_settings(s, o, change, actor=district, article=ARTICLE)
        assert err.value.rule == rule, change


def test_article_required_no_op_refused_and_no_backdating_before_the_version_in_force(s, o, district):
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {"notice_working_days": 8}, actor=district, article=" ")
    assert err.value.code == "charter.article_required"
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {"notice_working_days": 7}, actor=district, article=ARTICLE)
    assert err.value.code == "charter.unchanged"
    update_settings(s, o, {"notice_working_days": 8}, actor=district, article=ARTICLE, effective_on=D(2026, 3, 1))
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {"notice_working_days": 9}, actor=district, article=ARTICLE, effective_on=D(2026, 2, 1))
    assert err.value.code == "charter.effective_on"
    with pytest.raises(DomainError) as err:
        update_settings(s, o, {"nonsense": 1}, actor=district, article=ARTICLE)
    assert err.value.code == "charter.unknown_setting"


def test_only_the_district_officer_or_administrator_in_scope_changes(s, o):
    for name in ("clerk", "town"):
        with pytest.raises(DomainError) as err:
            update_settings(s, o, {"notice_working_days": 8}, actor=user(s, name), article=ARTICLE)
        assert err.value.code == "charter.role"
    assert update_settings(s, o, {"notice_working_days": 8}, actor=user(s, "admin"), article=ARTICLE).settings_id


def test_a_second_change_on_the_same_day_supersedes_the_first_and_keeps_it_in_the_history(s, o, district):
    day = D(2026, 6, 15)
    first = update_settings(s, o, {"notice_working_days": 8}, actor=district, article=ARTICLE, effective_on=day)
    second = update_settings(s, o, {"notice_working_days": 9}, actor=district, article=ARTICLE, effective_on=day)
    assert settings_for(s, o.id, day).settings_id == second.settings_id
    old = s.get(CharterSettings, first.settings_id)
    assert (old.valid_from, old.valid_to, old.notice_working_days) == (day, day, 8)


def test_share_services_read_the_charter_settings_in_force(s, o, district):
    """The shares and dividends services read their settings through shares.settings.share_settings, which
    follows the charter (S-06, S-10, S-11); with nothing recorded it gives the documented defaults."""
    from registry.clock import local_today
    from registry.services.shares.settings import DEFAULT, share_settings

    today = local_today()
    assert share_settings(s, o.id, today) is DEFAULT
    update_settings(s, o, {"holder_unit": "person", "holding_cap_percent": "5", "reserve_rate": "0.35",
                           "share_types.collective.weight": "0.5"}, actor=district, article=ARTICLE)
    shares = share_settings(s, o.id, today)
    assert (shares.holder_unit, shares.holding_cap_percent, shares.reserve_rate) == ("person", Decimal(5),
                                                                                      Decimal("0.35"))
    assert shares.weight("collective") == (Decimal("0.5"), False)
