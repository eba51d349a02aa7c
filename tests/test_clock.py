"""registry.clock: business dates are Beijing dates whatever the server's zone (UTC in production)."""
from __future__ import annotations

import datetime as dt

import registry.clock as clock_module
from registry.clock import local_now, local_today, to_local, utc_naive_now
from registry.models.base import utcnow

UTC = dt.UTC


def test_local_today_is_the_beijing_date(monkeypatch):
    # 2026-03-01 16:30 UTC is 2026-03-02 00:30 in Beijing: the server's UTC date is a day behind.
    monkeypatch.setattr(clock_module, "utc_now", lambda: dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    assert local_today() == dt.date(2026, 3, 2)
    assert local_now().utcoffset() == dt.timedelta(hours=8)
    assert utc_naive_now() == dt.datetime(2026, 3, 1, 16, 30)
    assert utcnow() == dt.datetime(2026, 3, 1, 16, 30)  # stored timestamps stay naive UTC


def test_zone_comes_from_the_app_config(app, monkeypatch):
    monkeypatch.setattr(clock_module, "utc_now", lambda: dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    assert local_today() == dt.date(2026, 3, 2)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    assert local_today() == dt.date(2026, 3, 1)


def test_stored_utc_shown_in_local_time():
    assert to_local(dt.datetime(2026, 3, 1, 16, 30)).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 0, 30)


def test_services_default_to_the_beijing_date(db, demo, clock):
    """A notice posted "today" without an explicit ``today`` uses the Beijing date."""
    from registry.services.filing.filings import current_filing, start_notice
    from tests.services.filing_helpers import org, reform_roster, user

    clock.set(dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))  # 2026-03-02 00:30 Beijing
    s = db.session
    reform_roster(s, org(s), households=1)
    filing = current_filing(s, org(s), actor=user(s, "clerk"))
    notice = start_notice(s, filing, posted_on=dt.date(2026, 3, 2), actor=user(s, "clerk"))
    assert notice.posted_on == dt.date(2026, 3, 2)


def test_day_boundaries_are_beijing_midnight():
    assert clock_module.utc_naive_start(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 1, 16, 0)
    assert clock_module.local_date(dt.datetime(2026, 3, 1, 16, 0)) == dt.date(2026, 3, 2)
    assert clock_module.local_date(dt.datetime(2026, 3, 1, 15, 59)) == dt.date(2026, 3, 1)


def test_stored_timestamps_fall_on_their_beijing_date(db, demo, clock):
    """At 07:00 Beijing time (23:00 UTC the day before) the town records version 1 and a flag is set:
    the roster as of a date and the member timeline put both on the Beijing date."""
    from registry.reports.history import member_timeline
    from registry.reports.roster.as_of import filed_version_on
    from registry.services.membership.changes import set_flags
    from tests.services.filing_helpers import org, user
    from tests.services.membership_helpers import filed_roster

    clock.set(dt.datetime(2026, 6, 15, 23, 0, tzinfo=UTC))  # 2026-06-16 07:00 Beijing
    s = db.session
    o, clerk = org(s), user(s, "clerk")
    members = filed_roster(s, o, clerk)
    assert filed_version_on(s, o.id, dt.date(2026, 6, 15)) is None
    assert filed_version_on(s, o.id, dt.date(2026, 6, 16)).version_no == 1
    set_flags(s, members[0], ["study"], actor=clerk)
    days = {e.kind: e.day for e in member_timeline(s, members[0])}
    assert days["filed"] == days["flags"] == dt.date(2026, 6, 16)


def test_roster_check_uses_the_beijing_date(monkeypatch):
    """validate_roster without ``today``: a child born today in Beijing is not "born in the future"
    while the server's UTC date is still yesterday."""
    from registry.excel.roster.validate import check_row

    monkeypatch.setattr(clock_module, "utc_now", lambda: dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    row = check_row(4, {"birth_date": dt.date(2026, 3, 2), "id_type": "护照", "id_number": "E12345678"})
    assert "date.invalid" not in row.codes, row.codes
    row = check_row(4, {"birth_date": dt.date(2026, 3, 3), "id_type": "护照", "id_number": "E12345678"})
    assert "date.invalid" in row.codes
