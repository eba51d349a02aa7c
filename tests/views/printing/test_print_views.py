"""A4 print views and their PDF over HTTP (issue 12 item 4): the 公示表 and the 成员名册备案表 of a roster
version, the rights statement, the 股权证 and the payment sheet — one layout, a PDF rendered from the same
HTML with the CJK font embedded, and the area scope (404 outside)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from registry.models import Filing, Person
from registry.models.shares import DividendLine, DividendRound, ShareCertificate, ShareHolding
from tests.services.filing_helpers import adults, candidates, org, reform_roster
from tests.views.printing.pdf_text import read_pdf

TODAY = dt.date(2026, 6, 15)
V1 = "370305100201"  # 齐都镇东柳庄村: clerk, town
PAGE = f"/villages/{V1}/filing"
VILLAGE_NAME = "东柳庄村"


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


RESOLUTION = {  # 9 confirmed adults (the base, A-07), 2 candidates
    "body": "member_assembly", "subject": "membership_confirmation", "title": "关于确认新增成员的决议",
    "notice_date": iso(20), "meeting_date": iso(5), "in_person": "6", "online": "2",
    "votes_for": "7", "party_pre_discussion_date": iso(25),
}


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    clock.set(TODAY)
    return clock


@pytest.fixture(autouse=True)
def _break_notice_cycle(app):
    """filings.notice_id ↔ public_notices.filing_id: unlink before the conftest drops the tables."""
    yield
    from registry.extensions import db

    db.session.rollback()
    db.session.execute(update(Filing).values(notice_id=None))
    db.session.commit()


@pytest.fixture
def filing(db, demo, login_as) -> Filing:
    """东柳庄村: 9 reform members + 2 candidates, posted 40 days ago, resolution passed (state confirmed)."""
    o = org(db.session)
    reform_roster(db.session, o)
    candidates(db.session, o, n=2)
    db.session.commit()
    clerk = login_as("clerk")
    assert clerk.post(f"{PAGE}/notice", data={"posted_on": iso(40), "ends_on": "",
                                              "place": "村委会公示栏"}).status_code == 302
    resp = clerk.post(f"{PAGE}/resolution", data=RESOLUTION)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    f = db.session.scalar(select(Filing))
    assert f.state == "confirmed"
    return f


def text(resp) -> str:
    return resp.get_data(as_text=True)


def cell(html: str, element_id: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(rf'id="{element_id}">(.*?)</td>', html, re.S).group(1)).strip()


# --- 公示表 ---------------------------------------------------------------------------------------------

def test_F04_notice_sheet_lists_the_roster_with_the_notice_dates_and_no_id(login_as, filing, db):
    clerk = login_as("clerk")
    assert f"/filings/{filing.id}/notice-sheet" in text(clerk.get(PAGE))  # linked from the filing page
    resp = clerk.get(f"/filings/{filing.id}/notice-sheet")
    assert resp.status_code == 200
    html = text(resp)
    notice = filing.notice
    assert "成员名册公示表" in html and "东柳庄" in html and "第 1 版" in html
    assert f"公示期：{notice.starts_on.isoformat()} 至 {notice.ends_on.isoformat()}" in html  # F-04, F-05
    assert "村委会公示栏" in html and 'href="/static/css/print.css"' in html
    people = db.session.scalars(select(Person)).all()
    assert len(people) == 11 and all(p.name in html for p in people)
    assert "王新生" in html and "新增" in html  # the change against the last filed roster (none: all added)
    # a public board: no ID number, no birth date
    assert not any(p.id_number in html or p.id_number[-4:] in html for p in people)
    assert not any(p.birth_date.isoformat() in html for p in people)
    assert "<th>证件号码</th>" not in html and "出生日期" not in html


def test_notice_sheet_of_a_submitted_version_shows_the_frozen_rows(login_as, filing, db):
    clerk = login_as("clerk")
    assert clerk.post(f"{PAGE}/submit").status_code == 302
    # the roster changes afterwards (a name corrected directly): the submitted version does not
    db.session.execute(update(Person).where(Person.name == "王新生").values(name="王更名"))
    db.session.commit()
    html = text(login_as("town").get(f"/filings/{filing.id}/notice-sheet"))
    assert "王新生" in html and "王更名" not in html
    assert f"/filings/{filing.id}/record-form" in text(login_as("town").get(f"/filings/{filing.id}"))


def test_print_css_sets_a4_and_hides_the_screen_parts(client):
    resp = client.get("/static/css/print.css")
    css = resp.get_data(as_text=True)
    resp.close()
    assert re.search(r"@page \{\s*size: A4;", css)
    assert re.search(r"@media print \{[^@]*\.topbar[^}]*display: none", css, re.S)


# --- 备案表 ---------------------------------------------------------------------------------------------

def test_A02_A03_record_form_shows_the_resolution_as_decided_on(login_as, filing):
    resp = login_as("clerk").get(f"/filings/{filing.id}/record-form")
    assert resp.status_code == 200
    html = text(resp)
    assert "成员名册备案表" in html and "关于确认新增成员的决议" in html
    # base 9, 8 attended (6 in person + 2 online), 7 for; 2/3 of 9 → 6 for both thresholds
    assert cell(html, "base") == "9"
    assert cell(html, "attendees").startswith("8") and "现场 6" in cell(html, "attendees")
    assert cell(html, "quorum") == "2/3 → 6" and cell(html, "votes") == "7"
    assert cell(html, "votes-required") == "2/3 → 6"
    assert cell(html, "on-roster") == "11"
    assert "乡镇人民政府" in html and "区农业农村局" in html  # both filing bodies' seal boxes (F-02)


def test_record_form_without_resolution_says_reform_roster(login_as, db, demo):
    reform_roster(db.session, org(db.session))
    db.session.commit()
    clerk = login_as("clerk")
    clerk.post(f"{PAGE}/notice", data={"posted_on": iso(40), "ends_on": "", "place": ""})
    f = db.session.scalar(select(Filing))
    html = text(clerk.get(f"/filings/{f.id}/record-form"))
    assert "M-05" in html and 'id="base"' not in html


# --- scope ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["clerk2", "clerk3", "town2"])
@pytest.mark.parametrize("suffix", ["notice-sheet", "notice-sheet.pdf", "record-form", "record-form.pdf"])
def test_filing_prints_are_404_outside_the_area(login_as, filing, user, suffix):
    assert login_as(user).get(f"/filings/{filing.id}/{suffix}").status_code == 404


@pytest.mark.parametrize("user", ["clerk", "town", "district", "admin"])
def test_filing_prints_open_for_every_role_in_scope(login_as, filing, user):
    client = login_as(user)
    for suffix in ("notice-sheet", "record-form"):
        assert client.get(f"/filings/{filing.id}/{suffix}").status_code == 200


# --- PDF ------------------------------------------------------------------------------------------------

def _pdf(resp) -> bytes:
    assert resp.status_code == 200, text(resp)[:500]
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    data = resp.get_data()
    assert data.startswith(b"%PDF")
    return data


def _assert_cjk_text(doc, *phrases: str):
    """Every phrase is in the PDF's text, drawn with an embedded CJK font, no glyph missing (no tofu)."""
    for phrase in phrases:
        assert phrase in doc.text, (phrase, doc.text[:300])
    assert doc.missing_glyphs == 0
    cjk = [f for f in doc.fonts.values() if "CJK" in f.base_font]
    assert cjk and all(f.embedded for f in cjk)
    drawn = "".join(ch for f in cjk for ch in f.to_unicode.values())
    assert all(ch in drawn for phrase in phrases for ch in phrase if ord(ch) > 0x2E80)


def test_notice_sheet_pdf_one_page_with_title_and_village(login_as, filing):
    doc = read_pdf(_pdf(login_as("clerk").get(f"/filings/{filing.id}/notice-sheet.pdf")))
    assert len(doc.pages) == 1
    _assert_cjk_text(doc, "成员名册公示表", VILLAGE_NAME, "王新生", filing.notice.ends_on.isoformat())
    assert "1 / 1" in doc.pages[0]  # the page footer of print.css


def test_notice_sheet_pdf_of_a_long_roster_repeats_headings_and_numbers_pages(login_as, db, demo):
    """180 rows do not fit one A4 page: every page carries the table headings and its "n / N" footer,
    N = the PDF's own page count."""
    adults(db.session, org(db.session), 180)
    db.session.commit()
    clerk = login_as("clerk")
    clerk.post(f"{PAGE}/notice", data={"posted_on": iso(40), "ends_on": "", "place": ""})
    f = db.session.scalar(select(Filing))
    doc = read_pdf(_pdf(clerk.get(f"/filings/{f.id}/notice-sheet.pdf")))
    n = len(doc.pages)
    assert n >= 3
    for i, page in enumerate(doc.pages, 1):
        assert "成员姓名" in page and f"{i} / {n}" in page
    assert "成员名册公示表" in doc.pages[0] and "成员179" in doc.pages[-1]
    assert "签章" in doc.pages[-1] or "盖章" in doc.pages[-1]


def test_record_form_pdf(login_as, filing):
    doc = read_pdf(_pdf(login_as("town").get(f"/filings/{filing.id}/record-form.pdf")))
    assert len(doc.pages) in (1, 2)
    _assert_cjk_text(doc, "成员名册备案表", VILLAGE_NAME, "关于确认新增成员的决议")
    assert f"{len(doc.pages)} / {len(doc.pages)}" in doc.pages[-1]


# --- the statement, the certificate and the payment sheet on the same layout --------------------------

def _household_holding(db, membership):
    cert = ShareCertificate(organization_id=membership.organization_id, area_code=V1, number="DL0001",
                            household_id=membership.household_id, status="issued",
                            issued_on=dt.date(2020, 1, 1))
    db.session.add(cert)
    db.session.add(ShareHolding(organization_id=membership.organization_id, area_code=V1,
                                household_id=membership.household_id, share_type="population",
                                units=Decimal("3"), valid_from=dt.date(2020, 1, 1), ground="股权台账"))
    db.session.commit()
    return cert


def test_statement_shows_share_types_and_filing_state_in_chinese_and_its_pdf(login_as, filing, db):
    """Item 4 of the brief: no code (population, unfiled, district_filed) on the statement."""
    membership = db.session.scalar(select(Person).where(Person.name == "张0甲")).memberships[0]
    _household_holding(db, membership)
    clerk = login_as("clerk")
    resp = clerk.post(f"/villages/{V1}/members/{membership.id}/statement")
    page = resp.headers["Location"]
    html = text(clerk.get(page))
    assert "人口股" in html and "population" not in html
    assert "未备案" in html and "unfiled" not in html
    assert 'href="/static/css/print.css"' in html and "print-doc" in html
    doc = read_pdf(_pdf(clerk.get(page + ".pdf")))
    assert len(doc.pages) == 1
    _assert_cjk_text(doc, "成员身份及权益证明", "东柳庄", "张0甲", "人口股")
    # filed at the district: the state reads 区级已备案
    clerk.post(f"{PAGE}/submit")
    login_as("town").post(f"/filings/{filing.id}/record")
    login_as("district").post(f"/filings/{filing.id}/receive")
    clerk = login_as("clerk")
    html = text(clerk.get(clerk.post(f"/villages/{V1}/members/{membership.id}/statement").headers["Location"]))
    assert "区级已备案" in html and "district_filed" not in html


def test_certificate_and_payment_sheet_pdf(login_as, filing, db):
    membership = db.session.scalar(select(Person).where(Person.name == "张0甲")).memberships[0]
    cert = _household_holding(db, membership)
    rnd = DividendRound(organization_id=membership.organization_id, area_code=V1, title="2025年度收益分配",
                        record_date=dt.date(2025, 12, 31), net_income=Decimal("1000.00"),
                        reserve_rate=Decimal("0.3"), reserve=Decimal("300.00"), distributable=Decimal("700.00"),
                        total_units=Decimal("3"), rounding_mode="largest_remainder", algorithm_version="S-12/1",
                        holder_unit="household", source="holdings", state="draft")
    db.session.add(rnd)
    db.session.flush()
    db.session.add(DividendLine(round_id=rnd.id, holder_code="0001", household_id=membership.household_id,
                                name="张0甲", units=Decimal("3"), amount=Decimal("700.00")))
    db.session.commit()
    client = login_as("town")
    html = text(client.get(f"/villages/{V1}/shares/certificates/{cert.id}"))
    assert "print-doc" in html and f"/villages/{V1}/shares/certificates/{cert.id}.pdf" in html
    doc = read_pdf(_pdf(client.get(f"/villages/{V1}/shares/certificates/{cert.id}.pdf")))
    assert len(doc.pages) == 1
    _assert_cjk_text(doc, "股权证", "东柳庄", "DL0001", "人口股")
    html = text(client.get(f"/villages/{V1}/dividends/{rnd.id}/print"))
    assert "print-doc" in html and f"/villages/{V1}/dividends/{rnd.id}/payments.pdf" in html
    doc = read_pdf(_pdf(client.get(f"/villages/{V1}/dividends/{rnd.id}/payments.pdf")))
    assert len(doc.pages) == 1
    _assert_cjk_text(doc, "2025年度收益分配", "发放表", "东柳庄", "张0甲", "700.00")


@pytest.mark.parametrize("user", ["clerk2", "town2"])
def test_statement_certificate_and_payment_pdf_are_404_outside_the_area(login_as, filing, db, user):
    membership = db.session.scalar(select(Person).where(Person.name == "张0甲")).memberships[0]
    cert = _household_holding(db, membership)
    client = login_as(user)
    for url in (f"/villages/{V1}/statements/1.pdf", f"/villages/{V1}/shares/certificates/{cert.id}.pdf",
                f"/villages/{V1}/dividends/1/payments.pdf"):
        assert client.get(url).status_code == 404, url
