"""Masked ID numbers stay masked (issue 10 items 2, 4 and 7; README "Personal information").

- Item 4: first 6 + last 4 hides exactly digits 7–14, the birth date; wherever the number is masked the
  full birth date (or a date equal to it) is never shown beside it, only the year. The test attacks every
  masked page and export of the three sample villages: each masked number is filled with every date found
  in the same table row (page or workbook) and no result may be a real ID number of the registry.
- Item 2: the roster-as-of export (with and without ``?date=``) follows the export rules: full numbers
  only for the village's clerk and ``FULL_ID_EXPORT_ROLES``; its audit event says whether it was masked.
- Item 7: every view that shows full numbers is audited — the roster-as-of page, the filing page and the
  change list included."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from registry.identity import check_character
from registry.models import AuditEvent, Filing, Membership, Person
from registry.models.land import CoHolder, LandContract
from registry.reports.roster.masking import birth_year, mask_id_number, masked_row
from registry.services.areas import organization_for_village
from registry.services.land.importer import import_land
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

V1 = "370305100201"
#: The sample villages and the town officer of each.
VILLAGES = {"370305100201": "town", "370305100202": "town", "370305102201": "town2"}

MASKED = re.compile(r"(\d{6})\*{8}(\d{3}[\dX])")
DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})(?!\d)")


@pytest.fixture
def samples(db, demo):
    """The three sample rosters imported; returns every real ID number of the registry."""
    for code in VILLAGES:
        data = (SAMPLES / f"roster_{code}.xlsx").read_bytes()
        assert import_roster(db.session, data, organization_for_village(db.session, code), actor=None).committed
    db.session.commit()
    return set(db.session.scalars(select(Person.id_number)))


def rebuilt(text: str) -> set[str]:
    """Every number an attacker builds from ``text`` (one table row, or one page): each masked number with
    its hidden 8 digits replaced by each date shown in the same text."""
    dates = {f"{y}{int(m):02d}{int(d):02d}" for y, m, d in DATE.findall(text)}
    return {head + day + tail for head, tail in MASKED.findall(text) for day in dates}


def html_rows(html: str, *, whole: bool = False) -> list[str]:
    """The page split into table rows (``<tr>``); ``whole``: plus the whole page as one text (a member
    page is about one person: its facts list, hukou table and history all sit beside the number)."""
    return [*re.split(r"<tr[ >]", html), *([re.sub(r"<[^>]+>", " ", html)] if whole else [])]


def xlsx_rows(data: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return [" ".join(v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else str(v) for v in row if v is not None)
            for row in ws.iter_rows(values_only=True)]


def assert_not_rebuildable(rows: list[str], real: set[str], where: str) -> int:
    """No row lets a real number be rebuilt; returns how many masked numbers the rows held."""
    hits = set().union(*(rebuilt(r) for r in rows)) & real
    assert not hits, f"{where}: {len(hits)} ID numbers rebuilt from the masked view, e.g. {sorted(hits)[:3]}"
    return sum(len(MASKED.findall(r)) for r in rows)


def headings(data: bytes) -> tuple:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return next(r for r in ws.iter_rows(values_only=True) if "证件号码" in r)


# --- item 4: nothing masked rebuilds ------------------------------------------------------------------------

def test_the_attack_works_on_first6_last4_next_to_the_birth_date():
    """The finding itself: with the birth date beside it the masked number is the full number."""
    number = "370305197504134314"
    row = f"{mask_id_number(number)} 1975-04-13"
    assert number in rebuilt(row)
    assert number not in rebuilt(" ".join(str(v) for v in masked_row({"证件号码": number, "出生日期": "1975-04-13",
                                                                      "取得日期": "1975-04-13"}).values()))


def test_the_year_of_birth_leaves_many_numbers_possible(samples):
    """What a masked view shows (first 6, year of birth, last 4 incl. the check character) fits many valid
    numbers: at least 12 for every sample person (about 33 on average), so it names nobody."""
    counts = []
    for number in samples:
        if len(number) != 18:
            continue
        year = int(number[6:10])
        day, fits = dt.date(year, 1, 1), 0
        while day.year == year:
            body = number[:6] + day.strftime("%Y%m%d") + number[14:17]
            fits += check_character(body) == number[17]
            day += dt.timedelta(days=1)
        counts.append(fits)
    assert len(counts) > 2500 and min(counts) >= 12 and sum(counts) / len(counts) > 25


def _member_ids(db, code: str, n: int) -> list[int]:
    org = organization_for_village(db.session, code)
    return list(db.session.scalars(select(Membership.id).where(Membership.organization_id == org.id)
                                   .order_by(Membership.id).limit(n)))


@pytest.mark.parametrize("code", list(VILLAGES))
def test_no_masked_page_rebuilds_an_id_number(login_as, db, samples, code):
    """Town officer of the village (and the administrator): roster pages, the roster as of today and a past
    day, the change list and the filing page, member pages, the member search."""
    members = _member_ids(db, code, 25)
    filing = db.session.scalar(select(Filing).where(Filing.area_code == code))
    for user in (VILLAGES[code], "admin"):
        client = login_as(user)
        pages = [f"/villages/{code}/roster/as-of", f"/villages/{code}/roster/as-of?date=2026-01-05",
                 f"/villages/{code}/filing/changes", *(f"/villages/{code}/members/{m}" for m in members),
                 *(f"/villages/{code}/roster?page={p}" for p in range(1, 4)), "/search?q=2"]
        if filing is not None:
            pages.append(f"/filings/{filing.id}")
        shown = 0
        for url in pages:
            resp = client.get(url)
            assert resp.status_code == 200, url
            rows = html_rows(resp.get_data(as_text=True), whole="/members/" in url)
            shown += assert_not_rebuildable(rows, samples, f"{user} {url}")
        assert shown > 300  # the views did show masked numbers


@pytest.mark.parametrize("user", ["town", "admin"])
def test_no_masked_export_rebuilds_an_id_number(login_as, samples, user):
    client = login_as(user)
    for url in ("/exports/370305100000/roster.xlsx?current=1", f"/exports/{V1}/roster.xlsx?current=1",
                f"/villages/{V1}/roster/as-of.xlsx", f"/villages/{V1}/roster/as-of.xlsx?date=2026-01-05"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "出生年份" in headings(resp.data) and "出生日期" not in headings(resp.data), url
        assert assert_not_rebuildable(xlsx_rows(resp.data), samples, f"{user} {url}") >= 347, url


def test_masked_rows_show_the_year_of_birth_in_the_same_column():
    row = masked_row({"成员姓名": "商庆华", "证件号码": "370305197504134314", "出生日期": "1975-04-13",
                      "取得日期": "2019-08-10"})
    assert list(row) == ["成员姓名", "证件号码", "出生年份", "取得日期"]
    assert row["证件号码"] == "370305********4314" and row["出生年份"] == "1975" and row["取得日期"] == "2019-08-10"
    assert birth_year(dt.date(2003, 2, 12)) == "2003" and birth_year("") == "" and birth_year("不详") == ""


# --- item 2: the roster-as-of export follows the export rules -------------------------------------------

def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def ids_in(data: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if "证件号码" in r)
    col = rows[head].index("证件号码")
    return [r[col] for r in rows[head + 1:] if r[col]]


@pytest.mark.parametrize("query", ["", "?date=2026-01-05"])
def test_roster_as_of_export_masks_ids_for_town_officers_and_administrators(login_as, db, samples, query):
    url = f"/villages/{V1}/roster/as-of.xlsx{query}"
    expected = {"clerk": False, "town": True, "district": False, "admin": True}
    for user, masked in expected.items():
        resp = login_as(user).get(url)
        ids = ids_in(resp.data)
        assert len(ids) == 347, user
        assert all(("*" in i) == masked for i in ids), user
        assert bool(set(ids) & samples) == (not masked), user
        assert ("%E8%84%B1%E6%95%8F" in resp.headers["Content-Disposition"]) == masked, user  # 脱敏
    exported = events(db, "export.roster_as_of")
    assert [e.detail["masked"] for e in exported] == list(expected.values())
    assert all(e.actor_id and e.detail["rows"] == 347 for e in exported)


def test_cli_roster_as_of_export_keeps_full_ids_for_the_operator(runner, samples, tmp_path):
    out = tmp_path / "asof.xlsx"
    result = runner.invoke(args=["export-roster-as-of", "--village", V1, "--date", "2026-06-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(ids_in(out.read_bytes())) <= samples


# --- item 7: every full-ID view is audited ------------------------------------------------------------------

def test_clerk_views_of_full_ids_on_as_of_filing_and_change_pages_are_audited(login_as, db, samples):
    filing = db.session.scalar(select(Filing).where(Filing.area_code == V1))
    real = next(iter(samples))
    clerk = login_as("clerk")
    pages = {"view.roster_as_of_full_ids": [f"/villages/{V1}/roster/as-of",
                                            f"/villages/{V1}/roster/as-of?date=2026-01-05"],
             "view.filing_full_ids": [f"/villages/{V1}/filing/changes", f"/filings/{filing.id}"]}
    for action, urls in pages.items():
        for url in urls:
            html = clerk.get(url).get_data(as_text=True)
            assert MASKED.search(html) is None and re.search(r"\d{17}[\dX]", html), url
        recorded = events(db, action)
        assert len(recorded) == 2 and all(e.detail["rows"] == 347 and e.area_code == V1 for e in recorded), action
        assert all(e.actor_id is not None and real not in str(e.detail) for e in recorded)
    assert events(db, "view.roster_as_of_full_ids")[1].detail["day"] == "2026-01-05"


@pytest.mark.parametrize("user", ["town", "district", "admin"])
def test_masked_views_leave_no_full_id_event(login_as, db, samples, user):
    filing = db.session.scalar(select(Filing).where(Filing.area_code == V1))
    client = login_as(user)
    for url in (f"/villages/{V1}/roster/as-of", f"/villages/{V1}/filing/changes", f"/filings/{filing.id}"):
        assert client.get(url).status_code == 200
    assert not events(db, "view.roster_as_of_full_ids") and not events(db, "view.filing_full_ids")


def test_land_household_page_shows_coholder_dates_as_years_where_ids_are_masked(login_as, db, samples):
    """A child's co-holding often starts on the birth date: beside a masked number the land page shows the
    co-holder's dates as the year only, so no number is rebuilt; the village's clerk sees the full dates."""
    org = organization_for_village(db.session, V1)
    data = (SAMPLES / "rights" / f"land_{V1}.xlsx").read_bytes()
    assert import_land(db.session, data, org, actor=None).committed
    holders = list(db.session.scalars(select(CoHolder).join(LandContract)
                                      .where(LandContract.organization_id == org.id).limit(40)))
    for holder in holders:  # the attack's best case: every co-holding began on the birth date
        number = holder.person.id_number
        holder.valid_from = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    db.session.commit()
    households = {h.contract.household.number for h in holders}
    shown = 0
    for number in households:
        html = login_as("town").get(f"/villages/{V1}/households/{number}/land").get_data(as_text=True)
        shown += assert_not_rebuildable(html_rows(html), samples, f"town land {number}")
    assert shown >= len(holders)
    clerk_page = login_as("clerk").get(f"/villages/{V1}/households/{holders[0].contract.household.number}/land")
    assert holders[0].valid_from.isoformat() in clerk_page.get_data(as_text=True)


@pytest.mark.parametrize("user", ["town", "district"])
def test_land_household_page_shows_no_date_equal_to_a_masked_birth_date(login_as, db, samples, user):
    """QA finding (issue 10 item 4): the whole household land page (not only the co-holder row) may not
    show, beside masked numbers, a date equal to the birth date one of them hides. Worst case: every
    co-holding, the contract's signing day and term start, and every parcel's validity begin on the
    birth date of the representative or of a co-holder. Where IDs are masked such a date shows as its
    year; the village's clerk (full numbers) sees the dates."""
    org = organization_for_village(db.session, V1)
    data = (SAMPLES / "rights" / f"land_{V1}.xlsx").read_bytes()
    assert import_land(db.session, data, org, actor=None).committed
    contracts = list(db.session.scalars(select(LandContract).where(LandContract.organization_id == org.id)
                                        .order_by(LandContract.id).limit(12)))

    def born(number: str) -> dt.date:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))

    for contract in contracts:
        rep = born(contract.representative.id_number)
        contract.signed_on = rep
        for i, parcel in enumerate(contract.parcels):
            parcel.valid_from = born(contract.coholders[i % len(contract.coholders)].person.id_number) \
                if contract.coholders else rep
        for holder in contract.coholders:
            holder.valid_from = born(holder.person.id_number)
    db.session.commit()
    client = login_as(user)
    shown = 0
    for contract in contracts:
        html = client.get(f"/villages/{V1}/households/{contract.household.number}/land").get_data(as_text=True)
        shown += assert_not_rebuildable(html_rows(html, whole=True), samples, f"{user} land {contract.id}")
    assert shown >= len(contracts)
    clerk_page = login_as("clerk").get(f"/villages/{V1}/households/{contracts[0].household.number}/land")
    assert contracts[0].signed_on.isoformat() in clerk_page.get_data(as_text=True)
