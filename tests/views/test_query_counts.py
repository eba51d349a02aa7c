"""No N+1 queries on list pages (issue 5): each page runs a fixed number of SQL statements whatever
the number of rows it lists. Every page is requested in a small and in a large world (more villages,
households, members and filings in every state); the statement counts (``before_cursor_execute``) must
be equal and within the page's limit."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, update

from registry.extensions import db as _db
from registry.models import Filing, Membership
from registry.services.filing.items import freeze_items
from tests.services.filing_helpers import add_household, org, reform_roster

T1_VILLAGES = ("370305100201", "370305100202", "370305100203", "370305100204")  # 齐都镇
T_OUT_VILLAGES = ("370305102201", "370305102202")  # 皇城镇

#: page -> (user, url, most statements allowed)
PAGES = {
    "roster list": ("clerk", "/villages/370305100201/roster", 14),  # + the full-ID view's audit event
    "roster list, officer, search": ("district", "/villages/370305100201/roster?q=张", 12),
    "town inbox": ("town", "/town/filings", 10),
    "district inbox": ("district", "/district/filings", 10),
    "filing detail": ("town", "/filings/{review}", 15),  # + the W-02 flags of the version
    "exports index (town)": ("town", "/exports", 10),
    "exports index (district)": ("district", "/exports", 10),
    "district overview": ("district", "/district", 6),
    "town overview": ("town", "/towns/370305100000", 6),
    "village filing page": ("clerk", "/villages/370305100201/filing", 11),
    "member search": ("district", "/search?q=张", 4),
    "member search, clerk": ("clerk", "/search?q=张&status=confirmed", 7),  # + the full-ID view's audit event
    "member search, page 2": ("town", "/search?q=张&page=2", 4),
    # issue 12 item 4: the print views of a roster version (the frozen rows, the notice, the resolution)
    "notice sheet (公示表)": ("town", "/filings/{review}/notice-sheet", 12),
    "filing record form (备案表)": ("town", "/filings/{review}/record-form", 12),
}


@pytest.fixture(autouse=True)
def _break_notice_cycle(app):
    yield
    _db.session.rollback()
    _db.session.execute(update(Filing).values(notice_id=None))
    _db.session.commit()


def _filing(session, organization, version: int, state: str, at: dt.datetime) -> Filing:
    filing = Filing(organization_id=organization.id, version_no=version, state="draft",
                    area_code=organization.area_code)
    session.add(filing)
    session.flush()
    freeze_items(session, filing)
    filing.state, filing.submitted_at = state, at
    if state in ("town_filed", "district_filed"):
        filing.town_recorded_at = at
    if state == "district_filed":
        filing.district_recorded_at, filing.filed_on = at, at.date()
    session.flush()
    return filing


def build_world(session, villages: tuple[str, ...], households: int) -> int:
    """Rosters with a filed version 1 in every village; version 2 (one member ended, one changed, one
    household added) under town review in the first village, recorded by the town in the others.
    Returns the id of the version under review."""
    review = None
    at = dt.datetime(2025, 3, 1, 9)
    for k, code in enumerate(villages):
        o = org(session, code)
        members = reform_roster(session, o, households=households)
        _filing(session, o, 1, "district_filed", at)
        session.execute(update(Membership).where(Membership.id == members[1].id).values(
            status="lost", loss_ground="death", lost_at=dt.date(2025, 2, 1)))  # M-09: ground and date
        session.execute(update(Membership).where(Membership.id == members[2].id).values(notes="已变更"))
        add_household(session, o, "0900", [("赵新", "1", dt.date(1990, 1, k + 1), "02")])
        filing = _filing(session, o, 2, "town_review" if k == 0 else "town_filed", at + dt.timedelta(days=k))
        review = review or filing.id
    session.commit()
    return review


def count_statements(client, url: str) -> tuple[int, int]:
    seen = []

    def count(*_args):
        seen.append(1)

    # The test keeps one app context (and session) for every request; production starts each request
    # with an empty session, so nothing loaded by an earlier request may save a statement here.
    _db.session.close()
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        status = client.get(url).status_code
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return status, len(seen)


def measure(login_as, review: int) -> dict[str, int]:
    out = {}
    for page, (user, url, _limit) in PAGES.items():
        client = login_as(user)
        status, n = count_statements(client, url.format(review=review))
        assert status == 200, (page, status)
        out[page] = n
    return out


@pytest.fixture
def small(db, demo):
    return build_world(db.session, T1_VILLAGES[:1] + T_OUT_VILLAGES[:1], households=1)


def test_list_pages_run_a_fixed_number_of_statements(app, login_as, small):
    few = measure(login_as, small)
    # Grow the same database: more villages (each with filings in every state), 25x the households,
    # and 60 more members on the first village's roster (more than one page).
    many_review = build_world(_db.session, T1_VILLAGES[1:] + T_OUT_VILLAGES[1:], households=25)
    first = org(_db.session, T1_VILLAGES[0])
    for h in range(20):
        add_household(_db.session, first, f"{100 + h:04d}", [
            (f"张{h}父", "1", dt.date(1960, 1, 1 + h), "02"), (f"张{h}母", "2", dt.date(1962, 2, 1 + h), "10"),
            (f"张{h}子", "1", dt.date(1990, 3, 1 + h), "20")])
    _db.session.commit()
    many = measure(login_as, many_review)
    over = {page: n for page, n in many.items() if n > PAGES[page][2]}
    assert not over, f"statement limits exceeded: {over}"
    grew = {page: (few[page], many[page]) for page in PAGES if many[page] != few[page]}
    assert not grew, f"statement count depends on the number of rows (small, large): {grew}"
