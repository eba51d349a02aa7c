"""Rights statement (成员身份及权益证明) and its public verification, over HTTP (issue 12 item 5; H-01:
hukou is not membership, F-02: the filing state is stated)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from registry.models import AuditEvent, Homestead, RightsStatement
from tests.conftest import make_id

V1 = "370305100201"
ID = make_id(seq="123")


def _issue(client, login_as, add_member, clock):
    clock.set(dt.date(2026, 6, 1))
    m = add_member(V1, "王秀英", ID, acquired_at=dt.date(2020, 1, 1))
    login_as("clerk")
    resp = client.post(f"/villages/{V1}/members/{m.id}/statement")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    code = re.search(r'id="code">([0-9A-F]+)<', text).group(1)
    return m, code, text


def test_issue_prints_a4_statement_and_audits(client, login_as, add_member, clock, db):
    m, code, text = _issue(client, login_as, add_member, clock)
    # the shared A4 print layout (static/css/print.css holds the @page rule: no inline style under the CSP)
    assert 'href="/static/css/print.css"' in text and 'class="print-doc"' in text and "<style" not in text
    assert "王秀英" in text and "尚无记录" in text  # land/homestead/shares not recorded: no invented figures
    st = db.session.scalar(select(RightsStatement).where(RightsStatement.code == code))
    assert st.issued_on == dt.date(2026, 6, 1) and len(st.digest) == 64
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rights_statement.issue",
                                                      AuditEvent.target_id == m.id)) is not None


def test_verify_current_then_not_after_a_right_changes(client, login_as, add_member, clock, db, app):
    m, code, _ = _issue(client, login_as, add_member, clock)
    client.get("/auth/logout")
    anon = app.test_client()
    page = anon.get(f"/verify/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "2026-06-01" in text and "仍然有效" in text
    # the household gets a homestead: the stated rights changed
    db.session.add(Homestead(organization_id=m.organization_id, household_id=m.household_id,
                             plot_code="3703051002010000001", plot_area=Decimal("200.00"),
                             status="in_use", valid_from=dt.date(2026, 5, 1)))
    db.session.commit()
    text = anon.get(f"/verify/{code}").get_data(as_text=True)
    assert "已不是最新" in text


def test_verify_shows_only_name_and_masked_id(client, login_as, add_member, clock, app):
    _, code, _ = _issue(client, login_as, add_member, clock)
    text = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "王秀英" in text
    assert ID[0] + "*" * 16 + ID[-1] in text
    assert ID not in text and ID[-4:] not in text and ID[6:14] not in text  # no tail, no birth date


def test_unknown_code_is_404(app):
    assert app.test_client().get("/verify/DOESNOTEXIST").status_code == 404


def test_a_wrong_code_says_the_statement_does_not_exist_the_same_way_whatever_the_code(client, login_as, add_member,
                                                                                       clock, app):
    """QA: /verify/<wrong code> answered the generic 「404 · 页面不存在」; a person checking a paper needs to
    read that the statement does not exist or the code is wrong — and nothing about the code typed."""
    _, code, _ = _issue(client, login_as, add_member, clock)
    anon = app.test_client()
    bodies = set()
    for wrong in (code[:-1] + ("0" if code[-1] != "0" else "1"), "DOESNOTEXIST", "x", "王秀英", "A" * 300):
        resp = anon.get(f"/verify/{wrong}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 404, wrong
        assert "证明不存在或验证码有误" in html and "页面不存在" not in html, wrong
        assert "王秀英" not in html and ID[0] + "*" not in html
        assert wrong not in html or wrong == "x"  # the code typed is not echoed back
        bodies.add(html)
    assert len(bodies) == 1
