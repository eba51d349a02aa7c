"""Homestead register import for the clerk (upload → preview (dry run) → apply; error workbook) and the
village's "rights to review" list (H-02: close an entry by recording the lawful act). The import's
steps are the roster import's (``registry.views.imports.apply_stored``, the preview template)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.extensions import db
from registry.forms.homesteads import CloseReviewForm, HomesteadUploadForm
from registry.forms.imports import ApplyForm
from registry.models import RightsReview
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.services.errors import DomainError
from registry.services.homesteads.error_workbook import error_workbook_bytes
from registry.services.homesteads.importer import area_cap, import_homesteads
from registry.services.rights_review import close_review, open_reviews
from registry.services.roster.importer import read_limits
from registry.services.uploads import load_upload, save_upload
from registry.views.downloads import xlsx_response
from registry.views.imports import PREVIEW_ERROR_LIMIT, Applied, _folder, apply_stored
from registry.views.members import commit, refused
from registry.views.roster import load_village

bp = Blueprint("homestead_imports", __name__)


def _run(org, data: bytes, **kw):
    cap = area_cap(current_app.config)
    return import_homesteads(db.session, data, org, actor=current_user, cap=cap, **kw)


def _preview(org, report, token, filename, partial, status):
    return render_template("imports/preview.html", org=org, report=report, token=token, filename=filename,
                           partial=partial, apply_form=ApplyForm(), error_limit=PREVIEW_ERROR_LIMIT), status


@bp.route("/villages/<code>/homesteads/import", methods=["GET", "POST"])
@require_role(CLERK)
def upload(code: str):
    """Upload a homestead register; POST runs the dry run and shows the preview."""
    village, org = load_village(code)
    form = HomesteadUploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        filename = Path(storage.filename or "homesteads.xlsx").name
        limits = read_limits(current_app.config)
        report = _run(org, data, filename=filename, dry_run=True, partial=True, **limits)
        db.session.rollback()
        token = None if report.file_error else save_upload(
            _folder(), data, user_id=current_user.id, area_code=code, filename=filename)
        return _preview(org, report, token, filename, False, 422 if report.file_error else 200)
    return render_template("homesteads/upload.html", village=village, form=form), 400 if form.errors else 200


@bp.post("/villages/<code>/homesteads/import/<token>/apply")
@require_role(CLERK)
def apply(code: str, token: str):
    """Apply a previewed file in one transaction (all or nothing, or households without errors)."""
    _village, org = load_village(code)
    done = apply_stored(code, token, "homestead_imports.upload", lambda data, **kw: _run(org, data, **kw))
    if not isinstance(done, Applied):
        return done
    if not done.committed:
        return _preview(org, done.report, token, done.filename, done.partial, 422)
    report = done.report
    flash(_("Homesteads imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
            created=report.created, updated=report.updated, unchanged=report.unchanged), "success")
    return redirect(url_for("homesteads.index", code=code))


@bp.get("/villages/<code>/homesteads/import/<token>/errors.xlsx")
@require_role(CLERK)
def error_workbook(code: str, token: str):
    _village, org = load_village(code)
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is None:
        abort(404)
    data, filename = stored
    content = error_workbook_bytes(db.session, data, org, filename=filename, cap=area_cap(current_app.config))
    db.session.rollback()
    if content is None:
        abort(404)
    return xlsx_response(content, f"{Path(filename).stem}_错误说明.xlsx")


def _reviews_page(village, org, status=200, form=None, failed_id=None):
    reviews = open_reviews(db.session, org, include_closed=True)
    forms = {r.id: form if r.id == failed_id else CloseReviewForm(prefix=f"r{r.id}", version=str(r.version))
             for r in reviews if r.closed_on is None}
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    return render_template("homesteads/reviews.html", village=village, org=org, reviews=reviews, forms=forms,
                           can_edit=can_edit), status


@bp.get("/villages/<code>/rights-review")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def reviews(code: str):
    """The village's rights to review (a membership ended: the household's rights stay until a lawful act)."""
    village, org = load_village(code)
    return _reviews_page(village, org)


@bp.post("/villages/<code>/rights-review/<int:review_id>/close")
@require_role(CLERK)
def close(code: str, review_id: int):
    village, org = load_village(code)
    review = db.session.get(RightsReview, review_id)
    if review is None or review.organization_id != org.id:
        abort(404)
    form = CloseReviewForm(prefix=f"r{review.id}")
    if not form.validate_on_submit():
        return _reviews_page(village, org, 422, form, review.id)
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        close_review(db.session, review, act=form.act.data, version=version, actor=current_user)
    except DomainError as err:
        refused(err)
        return _reviews_page(village, org, 409 if err.code == "rights_review.stale" else 422)
    commit(_("Recorded; the entry is closed"))
    return redirect(url_for("homestead_imports.reviews", code=code))
