"""Progress of a background job (registry/jobs.py): a page that refreshes itself every two seconds while the
job runs (a reload or another tab shows the same progress), the job's error when it failed, and the
result page when it is done. ``/jobs/<id>.json`` gives the same state for scripts. A job is its
starter's only: anyone else gets 404."""
from __future__ import annotations

import time

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required

from registry.jobs import jobs
from registry.jobs_exports import EXPORT_KINDS
from registry.jobs_roster import AREA_IMPORT
from registry.views import area_imports, exports

bp = Blueprint("jobs", __name__)

#: What a finished job of each kind shows.
RESULT_PAGES = {AREA_IMPORT: area_imports.job_result, **dict.fromkeys(EXPORT_KINDS, exports.job_result)}


def _job(job_id: str) -> dict:
    job = jobs.get(job_id)
    if job is None or job["user_id"] != current_user.id:
        abort(404)
    return job


def _estimate(job: dict) -> int | None:
    """Seconds left, from the rate so far (None before there is a rate)."""
    done, total, started = job.get("done") or 0, job.get("total") or 0, job.get("started")
    if not started or not done or not total or done >= total:
        return None
    elapsed = time.time() - started
    return max(1, round(elapsed * (total - done) / done))


@bp.get("/jobs/<job_id>")
@login_required
def show(job_id: str):
    job = _job(job_id)
    if job["state"] == "done":
        return RESULT_PAGES[job["kind"]](job)
    return render_template("jobs/progress.html", job=job, eta=_estimate(job))


@bp.get("/jobs/<job_id>.json")
@login_required
def state(job_id: str):
    job = _job(job_id)
    return jsonify({k: job.get(k) for k in ("id", "kind", "state", "stage", "done", "total", "error", "lost")}
                   | {"eta_seconds": _estimate(job)})
