"""District (and town) export page: filed rosters and the summary by town and village.

An export of more than ``EXPORT_JOB_ROWS`` rows (default 2,000: a town's or the district's roster, a land
register) runs as a background job (registry/jobs_exports.py): the request redirects to the job's progress
page, which shows the download when the file is written (issue 13 item 4)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from registry.codes import ACQUISITION_GROUND
from registry.extensions import db
from registry.jobs import jobs
from registry.jobs_exports import DEFAULT_THRESHOLD, EXPORT_KINDS, EXPORT_LAND, EXPORT_ROSTER, export_path
from registry.models import Area
from registry.permissions import ADMIN, DISTRICT, TOWN, ensure_in_scope, exports_full_ids, require_role
from registry.reports.summary import GROUNDS, district_summary
from registry.services.areas import area_by_code
from registry.services.exports import export_roster, export_summary, roster_export_size
from registry.services.land.export import export_land, land_export_size
from registry.views.downloads import xlsx_response

bp = Blueprint("exports", __name__)

READERS = (TOWN, DISTRICT, ADMIN)


def load_area(code: str) -> Area:
    """The area of a 12-digit code inside the user's scope (404 otherwise)."""
    if not code.isdigit() or len(code) != 12:
        abort(404)
    ensure_in_scope(current_user, code)
    area = area_by_code(db.session, code)
    if area is None:
        abort(404)
    return area


@bp.route("/exports")
@require_role(*READERS)
def index():
    """Summary screen of the user's area with export links for each town and village."""
    summary = district_summary(db.session, current_user.scope)
    return render_template("exports/index.html", summary=summary, area=current_user.area,
                           grounds=[(g, ACQUISITION_GROUND.labels[g]) for g in GROUNDS])


@bp.route("/exports/<code>/roster.xlsx")
@require_role(*READERS)
def roster(code: str):
    """The filed roster of a village, town or district (``?current=1``: the current roster)."""
    area = load_area(code)
    filed_only = request.args.get("current") != "1"
    mask_ids = not exports_full_ids(current_user, current_app.config)
    total = roster_export_size(db.session, area, filed_only=filed_only)
    if total > _threshold():
        return _as_job(EXPORT_ROSTER, area, total, filed_only=filed_only, mask_ids=mask_ids)
    result = export_roster(db.session, area, actor=current_user, filed_only=filed_only, mask_ids=mask_ids)
    db.session.commit()
    return xlsx_response(result.data, result.filename)


@bp.route("/exports/<code>/land.xlsx")
@require_role(DISTRICT)
def land(code: str):
    """The land contract register of a village, town or district in its import layout (full ID numbers:
    the district only, as for the roster export)."""
    area = load_area(code)
    total = land_export_size(db.session, area)
    if total > _threshold():
        return _as_job(EXPORT_LAND, area, total)
    result = export_land(db.session, area, actor=current_user)
    db.session.commit()
    return xlsx_response(result.data, result.filename)


def _threshold() -> int:
    return int(current_app.config.get("EXPORT_JOB_ROWS", DEFAULT_THRESHOLD))


def _as_job(kind: str, area: Area, total: int, **params):
    db.session.rollback()  # nothing written by the request: the job writes the file and its audit event
    job_id = jobs.submit(kind, user_id=current_user.id, area_code=area.code, total=total, **params)
    return redirect(url_for("jobs.show", job_id=job_id))


def job_result(job: dict):
    """The page a finished export job shows: the file's name and rows, and its download."""
    return render_template("exports/job_done.html", job=job, result=job["result"])


@bp.route("/exports/jobs/<job_id>.xlsx")
@require_role(*READERS)
def job_download(job_id: str):
    """The file of a finished export job: its starter's only (404 for anyone else or an unknown job)."""
    job = jobs.get(job_id)
    if job is None or job["user_id"] != current_user.id or job["kind"] not in EXPORT_KINDS \
            or job["state"] != "done":
        abort(404)
    path = export_path(current_app, job_id)
    if not path.exists():
        abort(404)
    return xlsx_response(path.read_bytes(), job["result"]["filename"])


@bp.route("/exports/<code>/summary.xlsx")
@require_role(*READERS)
def summary(code: str):
    """The summary workbook by town and by village."""
    area = load_area(code)
    if area.level == "village":
        abort(404)
    result = export_summary(db.session, area, actor=current_user)
    db.session.commit()
    return xlsx_response(result.data, result.filename)
