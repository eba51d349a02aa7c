"""Background jobs with progress (issue 13 item 4): a 20,000-row district roster imported through the web
runs as a job; its page shows progress, survives a reload, and shows the result when done; a job that
lost its worker is reported as failed and wrote nothing; only its starter may see it."""
from __future__ import annotations

import csv
import io
import json
import threading
import time

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bench.district_data import People
from bench.make_district import write_roster_workbook
from registry.jobs import jobs
from registry.models import Area, Membership
from registry.services.demo import DIVISIONS_CSV

DISTRICT = "370305000000"


@pytest.fixture(scope="module")
def district_file(tmp_path_factory) -> tuple[bytes, int]:
    """~20,000 generated members over the demo district's villages, in the town/district layout."""
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        villages = [r for r in csv.DictReader(fh) if r["level"] == "village"]
    people, rows = People(seed=13), []
    for v in villages:
        rows.extend(people.village(v["code"], v["name"], "", 20_000 // len(villages)))
    path = tmp_path_factory.mktemp("jobs") / "district.xlsx"
    n = write_roster_workbook(path, rows, title="临淄区成员名册")
    return path.read_bytes(), n


def _submit(client, data: bytes):
    # The body is encoded here: the test client would spool a large upload to a temporary file that
    # it never closes (a ResourceWarning, and warnings are errors).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename="district.xlsx")})
    resp = client.post(f"/areas/{DISTRICT}/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"], resp.get_data(as_text=True)[:500]
    return resp.headers["Location"]


def _members(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership))


def test_district_import_runs_as_a_job_with_progress(app, login_as, db, district_file):
    data, rows = district_file
    client = login_as("district")
    job_url = _submit(client, data)
    page = client.get(job_url).get_data(as_text=True)
    assert "正在处理" in page and 'http-equiv="refresh"' in page  # queued: the page refreshes itself

    seen, progress_pages = [], 0
    worker = threading.Thread(target=jobs.run_pending)
    worker.start()
    while worker.is_alive():  # reloads while the job runs keep showing the progress page
        state = client.get(job_url + ".json").get_json()
        if state["state"] == "running" and state["total"]:
            seen.append((state["stage"], state["done"], state["total"]))
            page = client.get(job_url).get_data(as_text=True)
            progress_pages += "正在处理" in page and "<progress" in page
        time.sleep(0.05)
    worker.join()
    final = client.get(job_url + ".json").get_json()
    assert any(stage == "read" and 0 < done <= total for stage, done, total in seen), (seen, final)
    assert progress_pages >= 1

    # Done: the job page is the preview, with the apply button.
    preview = client.get(job_url)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认导入" in html and f"{rows}" in html
    token = html.split("/import/")[1].split("/")[0]
    resp = client.post(f"/areas/{DISTRICT}/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    assert _members(db) == 0  # nothing written before the job runs
    jobs.run_pending()
    landing = client.get(resp.headers["Location"])
    assert landing.status_code == 302  # done: to the district overview, with the counts in a flash
    db.session.expire_all()
    assert _members(db) == rows
    assert f"新增 {rows}" in client.get(landing.headers["Location"]).get_data(as_text=True)


def test_a_job_whose_worker_died_is_reported_failed_and_wrote_nothing(app, login_as, db, district_file):
    client = login_as("district")
    job_url = _submit(client, district_file[0])
    job_id = job_url.rsplit("/", 1)[1]
    # The worker took the job and was killed: the job file says running, its heartbeat stops.
    jobs.huey.dequeue()
    jobs.update(job_id, state="running", stage="write", done=3, total=19)
    path = jobs._path(job_id)
    job = json.loads(path.read_text(encoding="utf-8"))
    job["heartbeat"] -= app.config["JOB_STALE_SECONDS"] + 1
    path.write_text(json.dumps(job), encoding="utf-8")
    page = client.get(job_url).get_data(as_text=True)
    assert "任务未完成就中断了" in page
    assert client.get(job_url + ".json").get_json()["state"] == "failed"
    assert _members(db) == 0


def test_a_job_is_its_starters_only(app, login_as, db, district_file):
    client = login_as("district")
    job_url = _submit(client, district_file[0])
    other = login_as("admin")
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + ".json").status_code == 404
    assert other.get("/jobs/" + "0" * 32).status_code == 404
    assert db.session.scalar(select(Area.id).limit(1)) is not None


def test_an_app_created_earlier_gives_up_its_worker_to_the_next(tmp_path):
    """A second ``create_app()`` in one process (a test run, a script) stops the first app's worker thread:
    left running, it took the next app's jobs off the queue and ran them against the wrong app."""
    from registry import create_app

    def workers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "registry-jobs" and t.is_alive()]

    first = create_app("development", SECRET_KEY_FILE=str(tmp_path / "key"), JOB_FOLDER=str(tmp_path / "a"),
                       SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    assert len(workers()) == 1 and jobs.app is first
    second = create_app("testing", JOB_FOLDER=str(tmp_path / "b"))
    assert workers() == [] and jobs.app is second


def test_job_files_older_than_a_day_are_removed_when_a_job_is_submitted(app, login_as, db, district_file):
    """Finished exports hold ID numbers: they and the job states go after JOB_MAX_AGE_SECONDS."""
    import os

    folder = jobs.folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    old_state, old_export = folder / ("a" * 32 + ".json"), folder / ("a" * 32 + ".xlsx")
    recent_export = folder / ("b" * 32 + ".xlsx")
    for path in (old_state, old_export, recent_export):
        path.write_text("{}", encoding="utf-8")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old_state, old_export):
        os.utime(path, (two_days_ago, two_days_ago))
    job_url = _submit(login_as("district"), district_file[0])
    assert not old_state.exists() and not old_export.exists()
    assert recent_export.exists() and jobs._path(job_url.rsplit("/", 1)[1]).exists()
