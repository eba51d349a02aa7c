"""Roster import screens: upload → preview (dry run) → apply; error workbook download."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.excel.templates import IMPORTS_DIR, TEMPLATES
from registry.extensions import db
from registry.forms.imports import ApplyForm, UploadForm
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, ensure_in_scope, require_role
from registry.services.areas import organization_for_village
from registry.services.roster.error_workbook import error_workbook_bytes
from registry.services.roster.importer import ImportReport, import_roster, read_limits, refused_because
from registry.services.uploads import discard_upload, load_upload, save_upload, upload_folder
from registry.views.downloads import xlsx_response

bp = Blueprint("imports", __name__)

PREVIEW_ERROR_LIMIT = 500


def _folder() -> Path:
    return upload_folder(current_app)


def _organization(code: str):
    ensure_in_scope(current_user, code)
    org = organization_for_village(db.session, code)
    if org is None:
        abort(404)
    return org


@bp.route("/villages/<code>/import", methods=["GET", "POST"])
@require_role(CLERK)
def upload(code: str):
    """Upload a workbook; POST runs the dry run and shows the preview."""
    org = _organization(code)
    form = UploadForm()
    if form.validate_on_submit():
        return preview_upload(code, form, lambda data, **kw: import_roster(
            db.session, data, org, actor=current_user, **kw), org=org)
    return render_template("imports/upload.html", org=org, form=form), 400 if form.errors else 200


def preview_upload(code: str, form, run, **context):
    """The dry run of an uploaded file and its preview page: ``run(data, filename=, dry_run=, partial=,
    **limits)`` is the import; the file is stored for the apply step unless refused as a whole. The
    preview always plans the partial import too, so it can say what that would import."""
    storage = form.file.data
    data = storage.read()
    filename = Path(storage.filename or "import.xlsx").name
    report = run(data, filename=filename, dry_run=True, partial=True, **read_limits(current_app.config))
    db.session.rollback()
    token = None if report.file_error else save_upload(
        _folder(), data, user_id=current_user.id, area_code=code, filename=filename)
    status = 200 if not report.file_error else 422
    return render_template("imports/preview.html", report=report, token=token, filename=filename,
                           partial=False, apply_form=ApplyForm(), error_limit=PREVIEW_ERROR_LIMIT,
                           **context), status


@bp.route("/villages/<code>/import/<token>/apply", methods=["POST"])
@require_role(CLERK)
def apply(code: str, token: str):
    """Apply a previewed file in one transaction (all or nothing, or households without errors)."""
    org = _organization(code)
    done = apply_stored(code, token, "imports.upload",
                        lambda data, **kw: import_roster(db.session, data, org, actor=current_user, **kw))
    return finish_apply(org, token, done) or redirect(url_for("roster.index", code=code))


def finish_apply(org, token: str, done):
    """After :func:`apply_stored` of a village register: the response to return when nothing was imported
    (the file expired: a redirect; the import refused: the preview again, 422), else None after flashing
    the counts (the caller redirects to its register)."""
    if not isinstance(done, Applied):
        return done  # the file was already imported or has expired
    report = done.report
    if not done.committed:
        return render_template("imports/preview.html", org=org, report=report, token=token,
                               filename=done.filename, partial=done.partial, apply_form=ApplyForm(),
                               error_limit=PREVIEW_ERROR_LIMIT), 422
    flash(_("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
            created=report.created, updated=report.updated, unchanged=report.unchanged), "success")
    if report.skipped_households:
        flash(_("Households left out because of errors: %(list)s", list="、".join(report.skipped_households)),
              "warning")
    return None


@dataclass
class Applied:
    """Outcome of :func:`apply_stored`: the committed import's report, or (``committed`` False) a fresh
    preview of the file with the reason the import was refused."""

    report: ImportReport
    committed: bool
    partial: bool
    filename: str


def apply_stored(code: str, token: str, upload_endpoint: str, run):
    """The apply step shared by the village and the town/district import: check the form, load the
    user's stored upload, run ``run(data, filename=, partial=, [dry_run=], **limits)`` and commit, or roll
    back and preview again. Returns :class:`Applied`, or a redirect to ``upload_endpoint`` when the file
    was already imported or has expired; aborts 400 without a valid form."""
    form = ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is None:
        flash(_("This file has already been imported or has expired; upload it again to import it"), "warning")
        return redirect(url_for(upload_endpoint, code=code))
    data, filename = stored
    partial = form.partial.data == "1"
    limits = read_limits(current_app.config)
    report = run(data, filename=filename, partial=partial, **limits)
    if not report.committed:
        db.session.rollback()
        flash(_("Nothing was imported: the file has errors. Correct them, or choose to import only "
                "households without errors."), "error")
        # The preview as it stands now (what each choice would import), plus why the import refused
        # (e.g. roster.conflict when someone registered the same person meanwhile).
        fresh = run(data, filename=filename, partial=True, dry_run=True, **limits)
        db.session.rollback()
        return Applied(refused_because(fresh, report), False, partial, filename)
    db.session.commit()
    discard_upload(_folder(), token)
    return Applied(report, True, partial, filename)


@bp.route("/villages/<code>/import/<token>/errors.xlsx")
@require_role(CLERK)
def error_workbook(code: str, token: str):
    """The user's rows plus an 错误说明 column, bad cells highlighted."""
    org = _organization(code)
    return stored_error_workbook(code, token, lambda data, filename: error_workbook_bytes(
        db.session, data, org, filename=filename))


def stored_error_workbook(code: str, token: str, build):
    """The error workbook of the user's stored upload: ``build(data, filename)`` gives its bytes, or None
    when the file cannot be read (404, like an unknown token). Writes nothing."""
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is None:
        abort(404)
    data, filename = stored
    content = build(data, filename)
    db.session.rollback()
    if content is None:
        abort(404)
    return xlsx_response(content, f"{Path(filename).stem}_错误说明.xlsx")


@bp.route("/imports/templates/roster.xlsx")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def template():
    """The empty roster template (generated from the column spec, committed under imports/)."""
    return _template("roster_template.xlsx")


@bp.route("/imports/templates/roster_area.xlsx")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def area_template():
    """The empty town/district roster template: the village layout plus the 村代码 column."""
    return _template("roster_area_template.xlsx")


@bp.route("/imports/templates/homesteads.xlsx")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def homestead_template():
    """The homestead register template: header comments, status dropdown and an example row (issue 13)."""
    return _template("homestead_template.xlsx")


@bp.route("/imports/templates/shares.xlsx")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def share_template():
    """The share register template with header comments and an example row (issue 13)."""
    return _template("share_template.xlsx")


@bp.route("/imports/templates/land.xlsx")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def land_template():
    """The land contract register template: four sheets, header comments, dropdowns, example rows (issue 13)."""
    return _template("land_template.xlsx")


def _template(name: str):
    download, _build = TEMPLATES[name]
    return xlsx_response((IMPORTS_DIR / name).read_bytes(), download)
