"""District (and town) export page: filed rosters and the summary by town and village."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from registry.codes import ACQUISITION_GROUND
from registry.extensions import db
from registry.models import Area
from registry.permissions import ADMIN, DISTRICT, TOWN, ensure_in_scope, exports_full_ids, require_role
from registry.reports.summary import GROUNDS, district_summary
from registry.services.areas import area_by_code
from registry.services.exports import export_roster, export_summary
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
    result = export_roster(db.session, area, actor=current_user, filed_only=request.args.get("current") != "1",
                           mask_ids=not exports_full_ids(current_user, current_app.config))
    db.session.commit()
    return xlsx_response(result.data, result.filename)


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
