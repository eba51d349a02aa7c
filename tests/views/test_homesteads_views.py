"""Homestead pages over HTTP (issue 15): register list, import (preview → apply, error workbook), entry
and change (D-01 refused / accepted with exception, optimistic locking), end, household section, member
line, rights to review (H-02) and the summary; CSRF and scope as everywhere."""
from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from registry.models import Homestead, Household, Membership, RightsReview
from tests.services.homesteads.helpers import RIGHTS, VILLAGE, village_with_homesteads, village_with_roster

MESSY = RIGHTS / f"homestead_messy_{VILLAGE}.xlsx"


def _household(db, org, number="0001"):
    return db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                     Household.number == number))


def _plot(db, household):
    return db.session.scalar(select(Homestead).where(Homestead.household_id == household.id,
                                                     Homestead.status == "in_use"))


def _token(html: str) -> str:
    return re.search(r"/homesteads/import/([0-9a-f]{32})/apply", html)[1]


def test_import_preview_then_partial_apply_and_error_workbook(db, app, login_as):
    village_with_roster(db)
    client = login_as("clerk")
    app.config["WTF_CSRF_ENABLED"] = False
    resp = client.post(f"/villages/{VILLAGE}/homesteads/import",
                       data={"file": (io.BytesIO(MESSY.read_bytes()), "h.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "homestead.second_in_use" in html and "code.format" in html
    token = _token(html)
    errors = client.get(f"/villages/{VILLAGE}/homesteads/import/{token}/errors.xlsx")
    assert errors.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(errors.data)).active
    assert ws.title == "宅基地" and any("D-01" in str(c.value) for c in ws[ws.max_row] + tuple(ws["Q"]))
    refused = client.post(f"/villages/{VILLAGE}/homesteads/import/{token}/apply", data={"partial": "0"})
    assert refused.status_code == 422
    done = client.post(f"/villages/{VILLAGE}/homesteads/import/{token}/apply", data={"partial": "1"})
    assert done.status_code == 302
    assert db.session.scalar(select(Homestead.id).limit(1))
    page = client.get(f"/villages/{VILLAGE}/homesteads")
    assert page.status_code == 200 and "370305100201JC00002" in page.get_data(as_text=True)


def test_D01_over_http_second_refused_then_accepted_with_exception(db, app, login_as):
    org = village_with_homesteads(db)
    client = login_as("clerk")
    app.config["WTF_CSRF_ENABLED"] = False
    data = {"plot_code": f"{VILLAGE}JC90001", "household_no": "0001", "plot_area": "150.00",
            "status": "in_use"}
    refused = client.post(f"/villages/{VILLAGE}/homesteads/new", data=data)
    assert refused.status_code == 422 and "D-01" in refused.get_data(as_text=True)
    accepted = client.post(f"/villages/{VILLAGE}/homesteads/new",
                           data={**data, "exception_reason": "经镇政府批准的过渡安置"}, follow_redirects=True)
    assert accepted.status_code == 200
    html = accepted.get_data(as_text=True)
    assert "D-02" in html  # over the cap: accepted and flagged
    second = db.session.scalar(select(Homestead).where(Homestead.plot_code == f"{VILLAGE}JC90001"))
    assert second.exception_reason
    assert _household(db, org) is not None


def test_change_with_stale_version_refused_and_end_keeps_record(db, app, login_as):
    org = village_with_homesteads(db)
    client = login_as("clerk")
    app.config["WTF_CSRF_ENABLED"] = False
    h = _plot(db, _household(db, org))
    url = f"/villages/{VILLAGE}/homesteads/{h.id}/edit"
    assert client.get(url).status_code == 200
    form = {"plot_area": str(h.plot_area), "status": "in_use", "location": "新址 8 号",
            "version": str(h.version)}
    assert client.post(url, data=form).status_code == 302
    stale = client.post(url, data={**form, "location": "又改"})
    assert stale.status_code == 409
    db.session.expire_all()
    h = db.session.get(Homestead, h.id)
    assert h.location == "新址 8 号"
    end = client.post(f"/villages/{VILLAGE}/homesteads/{h.id}/end",
                      data={"end-on": "2026-05-01", "end-ground": "disaster", "end-note": "台风",
                            "end-version": str(h.version)})
    assert end.status_code == 302
    db.session.expire_all()
    assert db.session.get(Homestead, h.id).valid_to.isoformat() == "2026-05-01"
    page = client.get(f"/villages/{VILLAGE}/households/0001").get_data(as_text=True)
    assert h.plot_code in page and "D-12" in page  # ended record in the history; qualification right now
    as_of = client.get(f"/villages/{VILLAGE}/households/0001?as_of=2026-04-30").get_data(as_text=True)
    assert h.plot_code in as_of


def test_H02_member_end_over_http_opens_review_and_clerk_closes_it(db, app, login_as):
    org = village_with_homesteads(db)
    client = login_as("clerk")
    app.config["WTF_CSRF_ENABLED"] = False
    hh = _household(db, org)
    m = db.session.scalar(select(Membership).where(Membership.household_id == hh.id,
                                                   Membership.status == "confirmed").order_by(Membership.id))
    member = client.get(f"/villages/{VILLAGE}/members/{m.id}").get_data(as_text=True)
    assert "homestead-line" in member and _plot(db, hh).plot_code in member
    resp = client.post(f"/villages/{VILLAGE}/members/{m.id}/end",
                       data={"end-ground": "death", "end-lost_at": "2026-01-10"})
    assert resp.status_code in (302, 200), resp.get_data(as_text=True)[:300]
    review = db.session.scalar(select(RightsReview))
    assert review is not None and review.household_id == hh.id
    assert _plot(db, hh).valid_to is None  # the right is unchanged
    page = client.get(f"/villages/{VILLAGE}/rights-review")
    assert page.status_code == 200 and review.reason in page.get_data(as_text=True)
    closed = client.post(f"/villages/{VILLAGE}/rights-review/{review.id}/close",
                         data={f"r{review.id}-act": "户内尚有成员，权益不变",
                               f"r{review.id}-version": str(review.version)})
    assert closed.status_code == 302
    db.session.expire_all()
    assert db.session.get(RightsReview, review.id).closed_act


def test_summary_pages_village_town_district(db, login_as):
    village_with_homesteads(db)
    for user, code in (("clerk", VILLAGE), ("town", "370305100000"), ("district", "370305000000")):
        client = login_as(user)
        resp = client.get(f"/areas/{code}/homesteads")
        assert resp.status_code == 200 and "homestead-summary" in resp.get_data(as_text=True)
    assert login_as("town").get("/areas/370305102000/homesteads").status_code == 404


def test_member_search_filters_holders_of_a_homestead(db, login_as):
    org = village_with_homesteads(db)
    hh = _household(db, org)
    plot = _plot(db, hh)
    stmt = select(Membership).where(Membership.household_id == hh.id).order_by(Membership.id)
    head = db.session.scalar(stmt)
    name = head.person.name
    client = login_as("clerk")
    link = f"/villages/{VILLAGE}/members/{head.id}"
    found = client.get("/search", query_string={"q": name, "holds": "homestead"}).get_data(as_text=True)
    assert link in found
    plot.status = "lost_disaster"
    db.session.commit()
    page = client.get("/search", query_string={"q": name, "holds": "homestead"}).get_data(as_text=True)
    assert link not in page
    assert link in client.get("/search", query_string={"q": name}).get_data(as_text=True)


def test_H01_hukou_move_over_http_changes_no_right_and_opens_nothing(db, app, login_as, clock):
    org = village_with_homesteads(db)
    client = login_as("clerk")
    app.config["WTF_CSRF_ENABLED"] = False
    hh = _household(db, org)
    plot = _plot(db, hh)
    before = (plot.id, plot.status, plot.valid_to, plot.version)
    m = db.session.scalar(select(Membership).where(Membership.household_id == hh.id).order_by(Membership.id))
    resp = client.post(f"/villages/{VILLAGE}/members/{m.id}/hukou",
                       data={"hukou-place": "淄博市张店区", "hukou-in_organization": "0",
                             "hukou-moved_at": "2026-06-01", "hukou-moved_to_town": "y"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    db.session.expire_all()
    plot = db.session.get(Homestead, plot.id)
    assert (plot.id, plot.status, plot.valid_to, plot.version) == before
    assert db.session.scalar(select(RightsReview.id)) is None
