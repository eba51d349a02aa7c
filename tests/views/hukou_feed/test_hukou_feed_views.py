"""The hukou change feed through HTTP (issue 12 item 6): the officer's upload → preview → apply → result,
scoping (a clerk gets 403, another town 404), the clerk's hints on the village's page (H-06), and a death
that ends the membership (ground death) only when the clerk confirms it."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, HukouFeedImport, HukouHint, Membership
from tests.services.hukou_feed_helpers import (
    UNKNOWN_IDS,
    confirmed_people,
    csv_bytes,
    snapshot,
    three_villages,
)

V1, T1, T_OUT = "370305100201", "370305100000", "370305102000"
URL = f"/areas/{T1}/hukou-feed"
MOVED, DIED = dt.date(2026, 3, 2), dt.date(2026, 4, 1)


@pytest.fixture
def feed(db, demo, clock):
    three_villages(db)
    mover, dead = confirmed_people(db, V1, 2)
    rows = [(mover.id_number, mover.name, "迁出", MOVED, "临淄区闻韶街道"),
            (dead.id_number, dead.name, "死亡", DIED, ""),
            (UNKNOWN_IDS[0], "查无此人", "迁出", MOVED, ""),
            ("37030519800101001", "位数不对", "迁出", MOVED, "")]
    return {"mover": mover, "dead": dead, "data": csv_bytes(rows, encoding="gb18030")}


def _upload(client, data, url=URL, name="变动清单.csv"):
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _token(html: str) -> str:
    match = re.search(r"/hukou-feed/([0-9a-f]{32})/apply", html)
    assert match, html[:2000]
    return match.group(1)


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_preview_apply_and_result_H01(db, feed, login_as):
    client = login_as("town")
    page = client.get(URL)
    assert page.status_code == 200 and 'accept=".xlsx,.xls,.ods,.csv"' in page.get_data(as_text=True)
    before = snapshot(db)
    resp = _upload(client, feed["data"])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert feed["mover"].name in html and "person.unknown" in html and "id.format" in html
    assert UNKNOWN_IDS[0] not in html  # IDs are masked in the preview
    assert _count(db, HukouHint) == 0  # the preview writes nothing
    resp = client.post(f"{URL}/{_token(html)}/apply", data={"partial": "0"})
    assert resp.status_code == 302
    record = db.session.scalar(select(HukouFeedImport))
    assert resp.headers["Location"].endswith(f"{URL}/imports/{record.id}")
    assert (record.matched, record.hints_created, record.unmatched_count, record.invalid_count) == (2, 2, 1, 1)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "person.unknown" in page and "id.format" in page
    assert snapshot(db) == before  # H-01
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "hukou_feed.imported")) == 1


def test_apply_twice_does_not_duplicate(db, feed, login_as):
    client = login_as("town")
    for _ in range(2):
        html = _upload(client, feed["data"]).get_data(as_text=True)
        assert client.post(f"{URL}/{_token(html)}/apply", data={"partial": "0"}).status_code == 302
    assert _count(db, HukouHint) == 2 and _count(db, HukouFeedImport) == 2


def test_scoping_clerk_403_other_town_404(db, feed, login_as):
    client = login_as("clerk")
    assert client.get(URL).status_code == 403
    assert _upload(client, feed["data"]).status_code == 403
    client = login_as("town")
    assert client.get(f"/areas/{T_OUT}/hukou-feed").status_code == 404
    assert _upload(client, feed["data"], url=f"/areas/{T_OUT}/hukou-feed").status_code == 404
    client = login_as("district")  # the district imports for any town or the whole district
    assert client.get(f"/areas/{T_OUT}/hukou-feed").status_code == 200


def test_clerk_sees_hints_and_confirms_death_H06(db, feed, login_as):
    client = login_as("town")
    html = _upload(client, feed["data"]).get_data(as_text=True)
    client.post(f"{URL}/{_token(html)}/apply", data={"partial": "0"})
    dead = db.session.scalar(select(Membership).where(Membership.person_id == feed["dead"].id))
    death = db.session.scalar(select(HukouHint).where(HukouHint.change_type == "death"))
    move = db.session.scalar(select(HukouHint).where(HukouHint.change_type == "out"))
    assert dead.status == "confirmed"  # the import only proposes the loss
    # the town officer reads the hints but cannot resolve them
    assert client.get(f"/villages/{V1}/hukou-hints").status_code == 200
    assert client.post(f"/villages/{V1}/hukou-hints/{death.id}/confirm-death",
                       data={f"h{death.id}-version": str(death.version)}).status_code == 403
    client = login_as("clerk")
    page = client.get(f"/villages/{V1}/hukou-hints").get_data(as_text=True)
    assert feed["dead"].name in page and feed["mover"].name in page
    assert "hukou-hints" in client.get(f"/villages/{V1}/roster").get_data(as_text=True)
    resp = client.post(f"/villages/{V1}/hukou-hints/{move.id}/review",
                       data={f"h{move.id}-version": str(move.version), f"h{move.id}-note": "已核实"})
    assert resp.status_code == 302
    db.session.refresh(dead)
    assert dead.status == "confirmed"  # reviewing a hint changes nothing
    resp = client.post(f"/villages/{V1}/hukou-hints/{death.id}/confirm-death",
                       data={f"h{death.id}-version": str(death.version)})
    assert resp.status_code == 302
    db.session.refresh(dead)
    db.session.refresh(death)
    assert (dead.status, dead.loss_ground, dead.lost_at, death.state) == ("lost", "death", DIED, "confirmed")
    # a stale page (the old version) is refused, never applied twice
    assert client.post(f"/villages/{V1}/hukou-hints/{death.id}/review",
                       data={f"h{death.id}-version": "1"}).status_code == 409


def test_other_villages_hints_are_404_for_the_clerk(db, feed, login_as):
    client = login_as("clerk")
    assert client.get("/villages/370305102201/hukou-hints").status_code == 404


def test_bad_file_is_422_and_writes_nothing(db, feed, login_as):
    client = login_as("town")
    resp = _upload(client, b"\x00\x01\x02 not a list", name="x.csv")
    assert resp.status_code == 422
    assert _count(db, HukouFeedImport) == 0
