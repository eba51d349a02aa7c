"""Issue 13 item 4 through HTTP (memory queue): an export above ``EXPORT_JOB_ROWS`` rows — a district's
roster, a land register — runs as a background job: the request leads to the progress page, the job
reports rows written, and the page offers the download when done (its starter's only); below the
threshold the export stays synchronous."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from registry.jobs import jobs
from registry.models import AuditEvent, User
from registry.services import exports as export_service
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, village

V1, DISTRICT_CODE = "370305100201", "370305000000"
ROSTER_ROWS = 347  # the sample roster of 东柳庄村


@pytest.fixture
def roster(db):
    return village(db, V1)


def _audits(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _run_job(client, resp, monkeypatch) -> tuple[str, list[tuple]]:
    """Follow an export that went to a job: the progress page, then run the queue; returns the job URL
    and the progress steps the job reported."""
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    job_url = resp.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "正在处理" in page and 'http-equiv="refresh"' in page and "完成后本页提供文件下载" in page
    seen, update = [], jobs.update

    def spy(job_id, **fields):
        seen.append((fields.get("stage"), fields.get("done"), fields.get("total")))
        return update(job_id, **fields)

    monkeypatch.setattr(jobs, "update", spy)
    assert jobs.run_pending() == 1
    return job_url, seen


def test_large_district_roster_export_runs_as_a_job_with_progress_and_download(app, login_as, db, roster,
                                                                                monkeypatch):
    app.config["EXPORT_JOB_ROWS"] = 100
    monkeypatch.setattr(export_service, "PROGRESS_EVERY", 100)
    client = login_as("district")
    resp = client.get(f"/exports/{DISTRICT_CODE}/roster.xlsx?current=1")
    assert _audits(db, "export.roster") == []  # the request wrote nothing: the job does
    job_url, seen = _run_job(client, resp, monkeypatch)
    assert ("export", 100, ROSTER_ROWS) in seen and ("export", 300, ROSTER_ROWS) in seen
    state = client.get(job_url + ".json").get_json()
    assert state["state"] == "done" and state["done"] == state["total"] == ROSTER_ROWS

    done = client.get(job_url)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "导出完成" in html and f"已写入 {ROSTER_ROWS} 行" in html
    download = html.split('id="export-download" href="')[1].split('"')[0]
    resp = client.get(download)
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    ids = [c.value for c in ws["H"][2:] if c.value]
    assert len(ids) == ROSTER_ROWS and all("*" not in i for i in ids)  # the district gets full ID numbers
    [event] = _audits(db, "export.roster")
    starter = db.session.scalar(select(User.id).where(User.username == "district"))
    assert event.detail["rows"] == ROSTER_ROWS and event.actor_id == starter  # written as the job's starter

    # The file is its starter's only.
    assert login_as("town").get(download).status_code == 404
    assert login_as("admin").get(download).status_code == 404


def test_small_roster_export_stays_synchronous(app, login_as, db, roster):
    client = login_as("district")
    resp = client.get(f"/exports/{DISTRICT_CODE}/roster.xlsx?current=1")  # 347 rows < 2,000
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert len(_audits(db, "export.roster")) == 1


def test_large_land_export_runs_as_a_job(app, login_as, db, roster, monkeypatch):
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), roster, actor=None).committed
    db.session.commit()
    client = login_as("district")
    small = client.get(f"/exports/{V1}/land.xlsx")  # a village's few dozen contractors: synchronous
    assert small.status_code == 200
    contractors = openpyxl.load_workbook(io.BytesIO(small.data))["承包方"].max_row - 2

    app.config["EXPORT_JOB_ROWS"] = 10
    job_url, _seen = _run_job(client, client.get(f"/exports/{DISTRICT_CODE}/land.xlsx"), monkeypatch)
    html = client.get(job_url).get_data(as_text=True)
    assert f"已写入 {contractors} 行" in html
    resp = client.get(html.split('id="export-download" href="')[1].split('"')[0])
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["承包方", "承包地块", "共有人", "流转合同"]
    assert book["承包方"].max_row - 2 == contractors
    assert len(_audits(db, "export.land")) == 2


def test_land_export_needs_full_id_rights(login_as, db, roster):
    assert login_as("town").get(f"/exports/{V1}/land.xlsx").status_code == 403
    assert login_as("admin").get(f"/exports/{V1}/land.xlsx").status_code == 403
