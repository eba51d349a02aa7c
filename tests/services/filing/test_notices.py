"""Public notice (F-04, F-05) and objections, through the services."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.models import AuditEvent
from registry.models.filings import ON_NOTICE
from registry.services.calendar import WorkCalendar
from registry.services.errors import DomainError
from registry.services.filing.filings import current_filing, start_notice
from registry.services.filing.notices import notice_ended, raise_objection, resolve_objection
from tests.services.filing_helpers import org, reform_roster, user

D = dt.date


@pytest.fixture
def filing(db, demo):
    s = db.session
    o = org(s)
    reform_roster(s, o, households=1)
    return current_filing(s, o, actor=user(s, "clerk"))


def _start(db, filing, **kw):
    kw.setdefault("today", kw["posted_on"])
    return start_notice(db.session, filing, actor=user(db.session, "clerk"), **kw)


def test_F04_notice_counts_working_days_from_next_day(db, filing):
    # Posted Monday 2025-03-03: Tue 4 … Fri 7 (4 days), Mon 10, Tue 11, Wed 12 → 7 working days.
    notice = _start(db, filing, posted_on=D(2025, 3, 3))
    assert notice.starts_on == D(2025, 3, 4)
    assert notice.ends_on == D(2025, 3, 12)
    assert notice.working_days == 7
    assert filing.state == ON_NOTICE and filing.notice_id == notice.id and notice.filing_id == filing.id


def test_F04_posting_day_does_not_count_on_friday(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 7))  # Friday
    assert notice.ends_on == D(2025, 3, 18)


def test_F04_notice_length_is_a_setting(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 3), working_days=3)
    assert notice.ends_on == D(2025, 3, 6)


def test_F04_end_date_earlier_than_minimum_refused(db, filing):
    with pytest.raises(DomainError) as err:
        _start(db, filing, posted_on=D(2025, 3, 3), ends_on=D(2025, 3, 11))
    assert err.value.rule == "F-04"
    assert "2025-03-12" in err.value.message


def test_F04_longer_end_date_accepted(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 3), ends_on=D(2025, 3, 20), place="村委会公示栏")
    assert notice.ends_on == D(2025, 3, 20)
    assert notice.working_days == 13
    assert notice.place == "村委会公示栏"


def test_F05_holiday_and_adjusted_workday(db, filing):
    # Friday 2025-09-26: Sun 28 is an adjusted working day (调休), 1–8 Oct are holidays,
    # Sat 11 Oct is an adjusted working day: 28, 29, 30, 9, 10, 11, 13 → ends Monday 13 Oct.
    notice = _start(db, filing, posted_on=D(2025, 9, 26))
    assert notice.ends_on == D(2025, 10, 13)


def test_F05_calendar_is_data_not_code(db, filing):
    calendar = WorkCalendar({D(2025, 3, 4): False, D(2025, 3, 8): True})  # Tue off, Sat worked
    notice = _start(db, filing, posted_on=D(2025, 3, 3), calendar=calendar)
    # 5, 6, 7, 8 (Sat, adjusted), 10, 11, 12 → Wed 12 Mar.
    assert notice.ends_on == D(2025, 3, 12)
    assert notice.working_days == 7


def test_notice_posted_in_future_refused(db, filing):
    with pytest.raises(DomainError):
        _start(db, filing, posted_on=D(2025, 3, 3), today=D(2025, 3, 1))


def test_notice_ended_only_after_end_date(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 3))
    assert not notice_ended(notice, D(2025, 3, 12))
    assert notice_ended(notice, D(2025, 3, 13))


def test_notice_writes_audit_events(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 3))
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "notice.posted" in actions and "filing.start_notice" in actions
    event = db.session.query(AuditEvent).filter_by(action="filing.start_notice").one()
    assert event.detail["old"] == "draft" and event.detail["new"] == "on_notice"
    assert event.area_code == "370305100201" and event.target_id == filing.id
    assert event.detail["notice_id"] == notice.id


def test_notice_only_from_draft(db, filing):
    _start(db, filing, posted_on=D(2025, 3, 3))
    with pytest.raises(DomainError) as err:
        _start(db, filing, posted_on=D(2025, 3, 4))
    assert err.value.code == "filing.bad_transition"


def test_notice_only_by_clerk_of_village(db, filing):
    for username in ("town", "district", "clerk2"):
        with pytest.raises(DomainError):
            start_notice(db.session, filing, posted_on=D(2025, 3, 3), actor=user(db.session, username),
                         today=D(2025, 3, 3))


def test_objection_raised_and_resolved_with_note(db, filing):
    clerk = user(db.session, "clerk")
    notice = _start(db, filing, posted_on=D(2025, 3, 3))
    objection = raise_objection(db.session, notice, "王某漏登", "王某", actor=clerk)
    assert not objection.resolved and notice.objections == [objection]
    with pytest.raises(DomainError) as err:
        resolve_objection(db.session, objection, "  ", actor=clerk)
    assert err.value.code == "objection.note_required"
    resolve_objection(db.session, objection, "经核实已补录", actor=clerk)
    assert objection.resolved and objection.resolution_note == "经核实已补录"
    with pytest.raises(DomainError):
        resolve_objection(db.session, objection, "再次处理", actor=clerk)
    actions = {e.action for e in db.session.query(AuditEvent)}
    assert {"objection.raised", "objection.resolved"} <= actions


def test_objection_requires_text_and_clerk(db, filing):
    notice = _start(db, filing, posted_on=D(2025, 3, 3))
    with pytest.raises(DomainError):
        raise_objection(db.session, notice, "", "王某", actor=user(db.session, "clerk"))
    with pytest.raises(DomainError):
        raise_objection(db.session, notice, "有异议", "王某", actor=user(db.session, "town"))


def test_F04_notice_not_dated_before_the_roster_changed(db, filing):
    filing.roster_changed_on = D(2025, 3, 5)
    with pytest.raises(DomainError) as err:
        _start(db, filing, posted_on=D(2025, 3, 4), today=D(2025, 3, 20))
    assert (err.value.code, err.value.rule) == ("notice.before_roster_change", "F-04")
    assert "2025-03-05" in err.value.message and "2025-03-04" in err.value.message
    assert filing.notice_id is None and filing.state == "draft"
    notice = _start(db, filing, posted_on=D(2025, 3, 5), today=D(2025, 3, 20))
    assert notice.posted_on == D(2025, 3, 5)


def test_F04_current_filing_records_the_change_date(db, filing):
    from registry.services.filing.filings import current_filing, mark_roster_changed

    o = filing.organization
    assert current_filing(db.session, o, actor=user(db.session, "clerk"), changed_on=D(2025, 3, 5)) is filing
    assert filing.roster_changed_on == D(2025, 3, 5)
    mark_roster_changed(filing, D(2025, 3, 1))  # never moves backwards
    assert filing.roster_changed_on == D(2025, 3, 5)


def test_F04_notice_posted_in_future_refused_with_rule(db, filing):
    with pytest.raises(DomainError) as err:
        _start(db, filing, posted_on=D(2025, 3, 3), today=D(2025, 3, 2))
    assert (err.value.code, err.value.rule) == ("notice.posted_in_future", "F-04")


def test_F04_notice_cannot_end_before_it_is_posted(db, filing):
    for ends_on in (D(2025, 3, 3), D(2025, 2, 20)):
        with pytest.raises(DomainError) as err:
            _start(db, filing, posted_on=D(2025, 3, 3), ends_on=ends_on)
        assert (err.value.code, err.value.rule) == ("notice.ends_before_posted", "F-04")
    assert filing.notice_id is None


def test_F05_year_not_maintained_is_counted_on_the_provisional_calendar(db, filing):
    """The shipped calendar covers 2025–2026: a period reaching into 2027 is accepted, counted on the
    provisional calendar and marked with the year (issue 13: the work never stops for the calendar)."""
    # Mon 28 Dec: 29, 30, 31 Dec (3), 1 Jan 元旦 (estimated rest), 2–3 weekend, 4, 5, 6, 7 Jan (7).
    notice = _start(db, filing, posted_on=D(2026, 12, 28))
    assert (notice.ends_on, notice.provisional_years) == (D(2027, 1, 7), "2027")
    event = db.session.query(AuditEvent).filter_by(action="notice.posted").one()
    assert event.detail["provisional_years"] == "2027"


def test_F05_a_period_inside_maintained_years_is_not_provisional(db, filing):
    notice = _start(db, filing, posted_on=D(2026, 12, 1))
    assert (notice.ends_on, notice.provisional_years) == (D(2026, 12, 10), None)


def test_F05_loading_the_official_year_recounts_and_extends_provisional_notices(db, filing):
    from registry.services.calendar import covered_years, load_holidays, parse_holidays
    from registry.services.filing.notices import recount_provisional

    notice = _start(db, filing, posted_on=D(2026, 12, 28))
    assert notice.ends_on == D(2027, 1, 7)
    # The official 2027 calendar makes Mon 4 Jan a rest day the estimate did not foresee.
    rows = parse_holidays("date,is_workday,name\n2027-01-01,0,元旦\n2027-01-04,0,测试假日\n")
    assert load_holidays(db.session, rows) == {"added": 2, "updated": 0, "unchanged": 0}
    assert covered_years(db.session) == [2025, 2026, 2027]
    extended = recount_provisional(db.session, actor=user(db.session, "admin"))
    # 29, 30, 31 Dec, (1 Jan holiday, 2–3 weekend, 4 Jan test holiday) 5, 6, 7, 8 Jan.
    assert extended == [notice]
    assert (notice.ends_on, notice.extended_from, notice.provisional_years) == (D(2027, 1, 8), D(2027, 1, 7), None)
    assert notice.working_days == 7
    # A notice posted after the load is counted on the official year directly.
    assert recount_provisional(db.session, actor=user(db.session, "admin")) == []


def test_F05_recount_keeps_a_provisional_notice_that_already_lasts_long_enough(db, filing):
    from registry.services.calendar import load_holidays, parse_holidays
    from registry.services.filing.notices import recount_provisional

    notice = _start(db, filing, posted_on=D(2026, 12, 28))
    load_holidays(db.session, parse_holidays("date,is_workday,name\n2027-01-01,0,元旦\n"))
    assert recount_provisional(db.session, actor=user(db.session, "admin")) == []
    assert (notice.ends_on, notice.extended_from, notice.provisional_years) == (D(2027, 1, 7), None, None)


def test_F05_provisional_calendar_never_ends_a_notice_before_the_official_one():
    """Against the State Council's 2025 and 2026 arrangements (the shipped calendar): counted as if
    those years were not maintained, no notice posted on any day of 2025–2026 ends earlier than
    on the official calendar — for 7 and for 10 working days."""
    from registry.services.calendar import HOLIDAYS_CSV, parse_holidays

    official_rows = parse_holidays(HOLIDAYS_CSV.read_text(encoding="utf-8"))
    official = WorkCalendar({d: w for d, w, _ in official_rows}, covered_years=None)
    provisional = WorkCalendar({}, covered_years=[])
    day = D(2025, 1, 1)
    while day < D(2026, 12, 1):
        for days in (7, 10):
            assert provisional.add_working_days(day, days) >= official.add_working_days(day, days), day
        day += dt.timedelta(days=1)


def test_F05_bad_calendar_file_is_refused_whole():
    from registry.services.calendar import parse_holidays

    with pytest.raises(DomainError) as err:
        parse_holidays("date,is_workday,name\n2027-01-01,0,元旦\n2027-13-01,0,x\n2027-01-02,2,y\n2027-01-01,0,z\n")
    message = err.value.message
    assert err.value.code == "calendar.bad_file"
    assert "第 3 行" in message and "第 4 行" in message and "第 5 行" in message and "第 2 行重复" in message
    with pytest.raises(DomainError):
        parse_holidays("day,workday\n2027-01-01,0\n")
    assert parse_holidays("\ufeffdate,is_workday,name\n2027-02-07,是,春节调休上班\n") == \
        [(D(2027, 2, 7), True, "春节调休上班")]
