"""Town / district roster import screens (issue 5): one workbook for a whole town or the district with
a 12-digit 村代码 on every row (``registry.services.roster.area_import``). Upload → preview (dry run) → apply;
error workbook download — the village import's flow (views/imports.py) and templates.

Town officers import into their own town, district officers into the district or any of its towns.
The administrator only reads (README, Walkthrough), so the routes are theirs only."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.extensions import db
from registry.forms.imports import ApplyForm, UploadForm
from registry.jobs import jobs
from registry.jobs_roster import AREA_IMPORT, report_of
from registry.models import Area
from registry.permissions import DISTRICT, TOWN, ensure_in_scope, require_role
from registry.services.roster.area_import import import_area_roster
from registry.services.roster.error_workbook import area_error_workbook_bytes
from registry.services.roster.importer import read_limits
from registry.services.uploads import load_upload, save_upload, upload_folder
from registry.views.downloads import xlsx_response
from registry.views.imports import PREVIEW_ERROR_LIMIT, Applied, apply_stored

bp = Blueprint("area_imports", __name__)

AREA_LEVELS = ("town", "district")
FLASH_HOUSEHOLDS = 20  # households named in the flash (the session cookie holds it)


def _folder() -> Path:
    return upload_folder(current_app)


def _area(code: str) -> Area:
    """The town or district ``code`` (12 digits) within the user's scope, else 404."""
    ensure_in_scope(current_user, code)
    area = db.session.scalar(select(Area).where(Area.code == code, Area.level.in_(AREA_LEVELS)))
    if area is None:
        abort(404)
    return area


def _preview(area: Area, report, *, token: str | None, filename: str, partial: bool, status: int):
    return render_template("imports/preview.html", area=area, report=report, token=token, filename=filename,
                           partial=partial, apply_form=ApplyForm(), error_limit=PREVIEW_ERROR_LIMIT), status


def _landing(area: Area) -> str:
    """Where an applied import returns to: the town's or the district's overview."""
    if area.level == "town":
        return url_for("main.town_overview", code=area.code)
    return url_for("main.district_overview")


@bp.route("/areas/<code>/import", methods=["GET", "POST"])
@require_role(TOWN, DISTRICT)
def upload(code: str):
    """Upload a workbook; POST runs the dry run and shows the preview."""
    area = _area(code)
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        filename = Path(storage.filename or "roster.xlsx").name
        if _as_job(data):  # a large file is checked by a background job with progress (issue 13)
            token = save_upload(_folder(), data, user_id=current_user.id, area_code=code, filename=filename)
            job_id = jobs.submit(AREA_IMPORT, user_id=current_user.id, area_code=code, token=token, dry_run=True)
            return redirect(url_for("jobs.show", job_id=job_id))
        # The preview always plans the partial import too, so it can say what that would import.
        report = import_area_roster(db.session, data, area, actor=current_user, filename=filename, dry_run=True,
                                    partial=True, **read_limits(current_app.config))
        db.session.rollback()
        token = None if report.file_error else save_upload(
            _folder(), data, user_id=current_user.id, area_code=code, filename=filename)
        return _preview(area, report, token=token, filename=filename, partial=False,
                        status=422 if report.file_error else 200)
    return render_template("imports/upload.html", area=area, form=form), 400 if form.errors else 200


@bp.route("/areas/<code>/import/<token>/apply", methods=["POST"])
@require_role(TOWN, DISTRICT)
def apply(code: str, token: str):
    """Apply a previewed file in one transaction (all or nothing, or households without errors)."""
    area = _area(code)
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is not None and _as_job(stored[0]):
        form = ApplyForm()
        if not form.validate_on_submit():
            abort(400)
        job_id = jobs.submit(AREA_IMPORT, user_id=current_user.id, area_code=code, token=token, dry_run=False,
                             partial=form.partial.data == "1")
        return redirect(url_for("jobs.show", job_id=job_id))
    done = apply_stored(code, token, "area_imports.upload",
                        lambda data, **kw: import_area_roster(db.session, data, area, actor=current_user, **kw))
    if not isinstance(done, Applied):
        return done  # the file was already imported or has expired
    report = done.report
    if not done.committed:
        return _preview(area, report, token=token, filename=done.filename, partial=done.partial, status=422)
    return _applied(area, report)


def _as_job(data: bytes) -> bool:
    return len(data) > current_app.config.get("JOB_THRESHOLD_BYTES", 150_000)


def job_result(job: dict):
    """The page a finished area-import job leads to: the preview (checked, or refused) or the landing page."""
    area = _area(job["area_code"])
    result = job["result"]
    report = report_of(result)
    if result["dry_run"]:
        token = None if report.file_error else result["token"]
        return _preview(area, report, token=token, filename=result["filename"], partial=False,
                        status=422 if report.file_error else 200)
    if not result["committed"]:
        flash(_("Nothing was imported: the file has errors. Correct them, or choose to import only "
                "households without errors."), "error")
        return _preview(area, report, token=result["token"], filename=result["filename"], partial=result["partial"],
                        status=422)
    return _applied(area, report)


def _applied(area: Area, report):
    flash(_("Imported into %(villages)s villages: %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
            villages=report.villages, created=report.created, updated=report.updated,
            unchanged=report.unchanged), "success")
    skipped = report.skipped_households
    if skipped:
        shown = "、".join(skipped[:FLASH_HOUSEHOLDS]) + ("…" if len(skipped) > FLASH_HOUSEHOLDS else "")
        flash(_("%(n)s households left out because of errors (village code/household no.): %(list)s",
                n=len(skipped), list=shown), "warning")
    return redirect(_landing(area))


@bp.route("/areas/<code>/import/<token>/errors.xlsx")
@require_role(TOWN, DISTRICT)
def error_workbook(code: str, token: str):
    """The user's rows plus an 错误说明 column, bad cells highlighted."""
    area = _area(code)
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is None:
        abort(404)
    data, filename = stored
    content = area_error_workbook_bytes(db.session, data, area, filename=filename, actor=current_user,
                                        **read_limits(current_app.config))
    db.session.rollback()
    if content is None:
        abort(404)
    return xlsx_response(content, f"{Path(filename).stem}_错误说明.xlsx")
