"""Shares and dividends over HTTP: the clerk's share import, the round workflow, payment sheet and print
view, member payments; the S-rules through the web (S-04 S-05 S-06 S-10 S-11 S-12 S-13 S-14)."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import Membership, NonMemberGrant, Person
from registry.models.shares import DividendLine, DividendRound, ShareHolding
from tests.services.shares.helpers import (
    RIGHTS,
    TODAY,
    resolution,
    roster_imported,
    shares_file,
    use_settings,
)

V = "370305100201"
BASE = f"/villages/{V}"


@pytest.fixture
def village(db, demo, clock):
    return roster_imported(db)


def _upload(client, data: bytes):
    return client.post(f"{BASE}/shares/import", data={"file": (io.BytesIO(data), "shares.xlsx")},
                       content_type="multipart/form-data")


def _import(client, data: bytes, partial="0"):
    html = _upload(client, data).get_data(as_text=True)
    token = re.search(r"/shares/import/([0-9a-f]{32})/", html).group(1)
    return client.post(f"{BASE}/shares/import/{token}/apply", data={"partial": partial})


def _round(client, **form):
    data = {"record_date": "2026-05-31", "net_income": "100000.00", **form}
    resp = client.post(f"{BASE}/dividends/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp.headers["Location"]


def test_clerk_imports_the_share_register_and_sees_it(login_as, db, village):
    client = login_as("clerk")
    preview = _upload(client, shares_file())
    assert preview.status_code == 200 and "94" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ShareHolding)) == 0
    resp = _import(client, shares_file())
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ShareHolding)) == 188
    page = client.get(f"{BASE}/shares").get_data(as_text=True)
    assert "东柳庄股证字第0001号" in page
    history = client.get(f"{BASE}/shares/households/0001").get_data(as_text=True)
    assert "股权台账导入" in history


def test_messy_share_file_preview_lists_every_error_and_offers_the_error_workbook(login_as, village):
    client = login_as("clerk")
    resp = _upload(client, shares_file(messy=True))
    html = resp.get_data(as_text=True)
    for code in ("shares.sum_mismatch", "shares.invalid", "household.unknown", "shares.roster_mismatch"):
        assert code in html
    token = re.search(r"/shares/import/([0-9a-f]{32})/", html).group(1)
    book = client.get(f"{BASE}/shares/import/{token}/errors.xlsx")
    assert book.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(book.data)).active
    assert any("错误说明" == c.value for c in ws[1]) or any("错误说明" == c.value for c in ws[3])


def test_S12_S14_round_workflow_payment_sheet_print_and_member_payments(login_as, db, village):
    client = login_as("clerk")
    location = _round(client, net_income="123456.78")
    rnd = db.session.scalar(select(DividendRound))
    page = client.get(location).get_data(as_text=True)
    assert "86419.75" in page and rnd.state == "draft"
    member = db.session.scalar(select(Membership).where(Membership.organization_id == village.id,
                                                        Membership.household_id.is_not(None)))

    def payments_section() -> str:
        html = client.get(f"{BASE}/members/{member.id}").get_data(as_text=True)
        return html[html.index('id="member-payments"'):]

    assert rnd.title not in payments_section()  # a draft is not a payment (QA finding)
    lines = db.session.scalar(select(func.sum(DividendLine.amount)).where(DividendLine.round_id == rnd.id))
    assert lines == Decimal("86419.75")  # S-12 to the fen
    plan = resolution(db, village)
    db.session.commit()
    act = f"{location}/link_resolution"
    short = client.post(act, data={"resolution_id": str(plan.id), "inspection_from": "2026-05-15"},
                        follow_redirects=True)
    assert "S-14" in short.get_data(as_text=True)
    db.session.refresh(rnd)
    assert rnd.state == "draft"
    client.post(act, data={"resolution_id": str(plan.id), "inspection_from": "2026-05-10"})
    db.session.refresh(rnd)
    assert rnd.state == "resolution_linked"
    assert client.post(f"{location}/record_town", data={}).status_code == 302  # refused: the town records
    db.session.refresh(rnd)
    assert rnd.state == "resolution_linked"
    town = login_as("town")
    town.post(f"{location}/record_town", data={})
    db.session.refresh(rnd)
    assert rnd.state == "town_recorded"
    client = login_as("clerk")
    assert rnd.title in payments_section() and "待发放" in payments_section()
    client.post(f"{location}/pay", data={"paid_on": TODAY.isoformat()})
    db.session.refresh(rnd)
    assert rnd.state == "paid" and rnd.paid_on == TODAY
    sheet = client.get(f"{location}/payments.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(sheet.data)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert rows[-1][2] == "合计" and round(rows[-1][4], 2) == 86419.75
    assert len(rows) == 95 and ws.cell(row=3, column=6).value == "领款人签字"
    printed = client.get(f"{location}/print").get_data(as_text=True)
    assert printed.count("<tr>") >= 95 and "东柳庄" in printed
    assert rnd.title in payments_section() and TODAY.isoformat() in payments_section()


def test_S11_reserve_rate_below_the_charter_is_refused_over_http(login_as, db, village):
    client = login_as("clerk")
    resp = client.post(f"{BASE}/dividends/new", data={"record_date": "2026-05-31", "net_income": "1000",
                                                      "reserve_rate": "0.1"}, follow_redirects=True)
    assert "S-11" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DividendRound)) == 0


def test_S13_grantee_line_on_the_round_page(login_as, db, village):
    grant_resolution = resolution(db, village, subject="art15_grant", meeting=dt.date(2026, 1, 10),
                                  notice=dt.date(2025, 12, 20))
    person = Person(id_number="370305198001010013", name="外来贡献", sex="1")
    db.session.add(person)
    db.session.flush()
    db.session.add(NonMemberGrant(organization_id=village.id, area_code=V, person_id=person.id,
                                  resolution_id=grant_resolution.id, rights="income_distribution",
                                  units=Decimal(10), valid_from=dt.date(2026, 1, 10), reason="长期贡献"))
    db.session.commit()
    client = login_as("clerk")
    page = client.get(_round(client)).get_data(as_text=True)
    assert "外来贡献" in page and "370305198001010013" in page
    town_page = login_as("town").get(_round_url(db)).get_data(as_text=True)
    assert "外来贡献" in town_page and "370305198001010013" not in town_page  # masked for the town


def _round_url(db):
    return f"{BASE}/dividends/{db.session.scalar(select(DividendRound.id))}"


def test_S06_person_holder_unit_over_http(login_as, db, village, monkeypatch):
    use_settings(monkeypatch, holder_unit="person")
    client = login_as("clerk")
    client.get(_round(client))
    holders = list(db.session.scalars(select(DividendLine.holder_code)))
    assert len(holders) > 94 and all(len(h) == 18 for h in holders)


def test_S10_cap_refuses_the_import_over_http(login_as, db, village, monkeypatch):
    use_settings(monkeypatch, holding_cap_percent=Decimal(1))
    html = _upload(login_as("clerk"), shares_file()).get_data(as_text=True)
    assert "shares.cap_exceeded" in html


def test_S04_dynamic_import_change_needs_a_resolution_over_http(login_as, db, village, monkeypatch):
    client = login_as("clerk")
    _import(client, shares_file())
    use_settings(monkeypatch, management="dynamic")
    wb = openpyxl.load_workbook(io.BytesIO(shares_file()))
    wb.active.cell(row=4, column=5).value, wb.active.cell(row=4, column=7).value = 6, 58
    buf = io.BytesIO()
    wb.save(buf)
    assert "shares.needs_resolution" in _upload(client, buf.getvalue()).get_data(as_text=True)


def test_S05_a_death_over_http_changes_no_holding(login_as, db, village):
    client = login_as("clerk")
    _import(client, shares_file())
    before = db.session.scalar(select(func.sum(ShareHolding.units)).where(ShareHolding.valid_to.is_(None)))
    member = db.session.scalar(select(Membership).where(Membership.organization_id == village.id,
                                                        Membership.status == "confirmed").limit(1))
    resp = client.post(f"{BASE}/members/{member.id}/end", data={
        "end-ground": "death", "end-lost_at": (TODAY - dt.timedelta(days=2)).isoformat()})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:300]
    db.session.refresh(member)
    assert member.status == "lost"
    after = db.session.scalar(select(func.sum(ShareHolding.units)).where(ShareHolding.valid_to.is_(None)))
    assert after == before


def test_units_report_for_the_town_and_district(login_as, db, village):
    _import(login_as("clerk"), shares_file())
    page = login_as("district").get("/areas/370305000000/shares").get_data(as_text=True)
    assert "东柳庄村" in page and "6422.5" in page
    assert login_as("town").get("/areas/370305100000/shares").status_code == 200
    assert RIGHTS.exists()


def test_net_income_with_thousands_separators_is_read_and_a_non_number_is_named(login_as, db, village):
    """``100,000.00`` and full-width ``１００，０００．００`` are 100000.00 yuan; ``abc`` is named not a number."""
    client = login_as("clerk")
    resp = client.post(f"{BASE}/dividends/new", data={"record_date": "2026-05-31", "net_income": "abc",
                                                      "reserve_rate": "0.30"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "不是有效的数字" in page and "请填写" not in page
    assert db.session.scalar(select(func.count()).select_from(DividendRound)) == 0
    for typed in ("100,000.00", "１００，０００．００"):
        resp = client.post(f"{BASE}/dividends/new", data={"record_date": "2026-05-31", "net_income": typed,
                                                          "reserve_rate": "0.30", "title": typed})
        assert resp.status_code == 302, typed
    incomes = db.session.scalars(select(DividendRound.net_income)).all()
    assert incomes == [Decimal("100000.00")] * 2


def test_household_share_page_payments_show_only_recorded_rounds(login_as, db, village):
    """QA finding: the household's 分配记录 (share page) listed draft rounds and rounds only linked to their
    plan next to paid ones. Only rounds the town has recorded (then paid, closed) are payments; a recorded
    round not yet paid says 待发放 (S-14: the round stands only once the plan is adopted and recorded)."""
    client = login_as("clerk")
    _import(client, shares_file())
    draft_at = _round(client, net_income="5000.00", title="草稿轮次甲")
    linked_at = _round(client, net_income="6000.00", title="已关联轮次乙")
    draft, linked = db.session.scalars(select(DividendRound).order_by(DividendRound.id)).all()
    draft.title, linked.title = "草稿轮次甲", "已关联轮次乙"
    plan = resolution(db, village)
    db.session.commit()
    client.post(f"{linked_at}/link_resolution", data={"resolution_id": str(plan.id), "inspection_from": "2026-05-10"})
    db.session.refresh(linked)
    assert (draft.state, linked.state) == ("draft", "resolution_linked") and draft_at != linked_at

    def payments() -> str:
        html = client.get(f"{BASE}/shares/households/0001").get_data(as_text=True)
        return html[html.index('id="payments"'):]

    assert "草稿轮次甲" not in payments() and "已关联轮次乙" not in payments() and "没有分配记录" in payments()
    login_as("town").post(f"{linked_at}/record_town", data={})
    client = login_as("clerk")
    db.session.refresh(linked)
    assert linked.state == "town_recorded"
    assert "已关联轮次乙" in payments() and "待发放" in payments() and "草稿轮次甲" not in payments()
