"""The police's hukou change feed (issue 12 item 6; H-01, H-06). A town or district officer uploads the change
list → preview (matched / unmatched / unreadable rows with reasons; a dry run) → apply in one transaction →
the import's result (stored with its unmatched rows). The village's clerk sees the hints on the village's
hukou hints page, marks them reviewed, or confirms a proposed loss by death (the membership-ending service).
The administrator reads; nothing here changes a membership except the clerk's confirmation."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from registry.extensions import db
from registry.forms.hukou_feed import FeedUploadForm, HintForm
from registry.forms.imports import ApplyForm
from registry.models import Area, HukouFeedImport, HukouHint
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role, sees_full_ids
from registry.reports.roster.masking import mask_id_number
from registry.services.errors import DomainError
from registry.services.hukou_feed.hints import confirm_death, mark_reviewed, village_hints
from registry.services.hukou_feed.importer import import_hukou_feed
from registry.services.uploads import discard_upload, load_upload, save_upload, upload_folder
from registry.views.area_imports import _area  # the town or district in the user's scope, else 404
from registry.views.member_page import commit, load_village, refused

bp = Blueprint("hukou_feed", __name__)

RECENT_IMPORTS = 20
CHANGE_LABELS = {"out": _l("Moved out"), "in": _l("Moved in"), "death": _l("Death"), "other": _l("Other change")}
STATE_LABELS = {"open": _l("Review suggested"), "reviewed": _l("Hint reviewed"),
                "confirmed": _l("Loss by death confirmed")}


@bp.app_template_filter("hukou_change")
def hukou_change(code: str | None) -> str:
    return str(CHANGE_LABELS.get(code or "", code or ""))


@bp.app_template_filter("hukou_hint_state")
def hukou_hint_state(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _run(area: Area, data: bytes, filename: str, *, dry_run: bool):
    return import_hukou_feed(db.session, data, area, actor=current_user, filename=filename, dry_run=dry_run,
                             max_rows=current_app.config.get("ROSTER_MAX_ROWS"))


def _upload_page(area: Area, form: FeedUploadForm, status: int = 200):
    stmt = (select(HukouFeedImport).where(HukouFeedImport.area_code.startswith(area.scope_prefix))
            .order_by(HukouFeedImport.id.desc()).limit(RECENT_IMPORTS))
    imports = list(db.session.scalars(stmt))
    return render_template("hukou_feed/upload.html", area=area, form=form, imports=imports), status


@bp.route("/areas/<code>/hukou-feed", methods=["GET", "POST"])
@require_role(TOWN, DISTRICT)
def upload(code: str):
    """Upload a change list; POST checks it (a dry run) and shows the preview."""
    area = _area(code)
    form = FeedUploadForm()
    if not form.validate_on_submit():
        return _upload_page(area, form, 400 if form.errors else 200)
    storage = form.file.data
    data = storage.read()
    filename = Path(storage.filename or "hukou.csv").name
    report = _run(area, data, filename, dry_run=True)
    db.session.rollback()
    token = None if report.file_error else save_upload(
        upload_folder(current_app), data, user_id=current_user.id, area_code=code, filename=filename)
    return render_template("hukou_feed/preview.html", area=area, report=report, token=token,
                           apply_form=ApplyForm()), 422 if report.file_error else 200


@bp.post("/areas/<code>/hukou-feed/<token>/apply")
@require_role(TOWN, DISTRICT)
def apply(code: str, token: str):
    """Record the previewed list in one transaction and show the import's result."""
    area = _area(code)
    if not ApplyForm().validate_on_submit():
        abort(400)
    folder = upload_folder(current_app)
    stored = load_upload(folder, token, user_id=current_user.id, area_code=code)
    if stored is None:
        flash(_("The uploaded file has expired or was already imported; please upload it again."), "warning")
        return redirect(url_for("hukou_feed.upload", code=code))
    data, filename = stored
    report = _run(area, data, filename, dry_run=False)
    if not report.committed:
        db.session.rollback()
        return render_template("hukou_feed/preview.html", area=area, report=report, token=None,
                               apply_form=ApplyForm()), 422
    db.session.commit()
    discard_upload(folder, token)
    flash(_("Hukou change list recorded: %(matched)s rows matched, %(hints)s new hints, %(unmatched)s unmatched",
            matched=len(report.matched), hints=report.hints_created, unmatched=len(report.unmatched)), "success")
    return redirect(url_for("hukou_feed.result", code=code, import_id=report.import_id))


@bp.get("/areas/<code>/hukou-feed/imports/<int:import_id>")
@require_role(TOWN, DISTRICT, ADMIN)
def result(code: str, import_id: int):
    """An applied import: counts, the hints it raised, its unmatched and unreadable rows."""
    area = _area(code)
    record = db.session.get(HukouFeedImport, import_id)
    if record is None or record.area_code != area.code:
        abort(404)
    hints = list(db.session.scalars(select(HukouHint).where(HukouHint.import_id == record.id)
                                    .order_by(HukouHint.area_code, HukouHint.row)))
    return render_template("hukou_feed/result.html", area=area, record=record, hints=hints,
                           mask=mask_id_number)


# --- the village's hints (H-06) -------------------------------------------------------------------------

def _hints_page(village, org, status: int = 200, failed: tuple[int, HintForm] | None = None):
    hints = village_hints(db.session, org)
    forms = {h.id: failed[1] if failed and failed[0] == h.id else
             HintForm(prefix=f"h{h.id}", version=str(h.version)) for h in hints if h.state == "open"}
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    full_id = sees_full_ids(current_user, village.code)
    return render_template("hukou_feed/hints.html", village=village, org=org, hints=hints, forms=forms,
                           can_edit=can_edit, full_id=full_id, mask=mask_id_number), status


@bp.get("/villages/<code>/hukou-hints")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def hints(code: str):
    """The village's hukou change hints: review suggested, never a change by itself (H-01, H-06)."""
    village, org = load_village(code)
    return _hints_page(village, org)


def _resolve(code: str, hint_id: int, action, message: str):
    village, org = load_village(code)
    hint = db.session.get(HukouHint, hint_id)
    if hint is None or hint.organization_id != org.id:
        abort(404)
    form = HintForm(prefix=f"h{hint.id}")
    if not form.validate_on_submit():
        return _hints_page(village, org, 422, (hint.id, form))
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        action(db.session, hint, org, version=version, note=form.note.data, actor=current_user)
    except DomainError as err:
        refused(err)
        return _hints_page(village, org, 409 if err.code == "hukou_hint.stale" else 422)
    commit(message)
    return redirect(url_for("hukou_feed.hints", code=code))


@bp.post("/villages/<code>/hukou-hints/<int:hint_id>/review")
@require_role(CLERK)
def review(code: str, hint_id: int):
    return _resolve(code, hint_id, mark_reviewed, _("Marked as reviewed; the membership is unchanged"))


@bp.post("/villages/<code>/hukou-hints/<int:hint_id>/confirm-death")
@require_role(CLERK)
def confirm(code: str, hint_id: int):
    return _resolve(code, hint_id, confirm_death, _("Membership ended on the ground of death"))
