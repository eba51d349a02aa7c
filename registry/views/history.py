"""History screens (issue 3 step 8): a village's roster as of a past day, on screen and as a
workbook, next to the filed version in force that day. Every role reads within its scope."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from registry.clock import local_today
from registry.extensions import db
from registry.forms.dates import DateField
from registry.permissions import (
    ADMIN,
    CLERK,
    DISTRICT,
    TOWN,
    require_role,
    sees_full_ids,
    village_export_full_ids,
)
from registry.reports.roster.as_of import filed_version_on, roster_as_of
from registry.reports.roster.masking import masked_row
from registry.services.roster.as_of_export import export_roster_as_of
from registry.views.downloads import xlsx_response
from registry.views.member_page import audit_full_ids, load_village

bp = Blueprint("history", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)

#: Timeline entry kinds (registry.reports.history) → labels.
TIMELINE_LABELS = {
    "acquired": _l("Membership acquired"), "confirmed": _l("Confirmed by the member assembly"),
    "rejected": _l("Not confirmed by the member assembly"), "rejection_proposed": _l("Proposed not to confirm"),
    "rejection_withdrawn": _l("Proposal not to confirm withdrawn"), "flags": _l("Retention flags"),
    "household": _l("Household change"), "hukou": _l("Hukou (information only)"), "filed": _l("Roster filed"),
    "dispute_opened": _l("Dispute opened"), "dispute_closed": _l("Dispute closed"),
    "reinstated": _l("Membership restored after the dispute"), "reconsidered": _l("Back to the member assembly"),
    "ended": _l("Membership lost"), "withdrawn": _l("Voluntary withdrawal"),
    "handover": _l("Membership elsewhere ended on the same day (M-15)"),
}


@bp.app_template_filter("timeline_label")
def timeline_label(kind: str) -> str:
    return str(TIMELINE_LABELS.get(kind, kind))


class AsOfForm(FlaskForm):
    class Meta:
        csrf = False

    date = DateField(_l("Roster as of"), validators=[Optional()])


def _day(form: AsOfForm) -> date:
    if not form.validate():  # a date that is not one: a 400, not today's roster as if it were that day
        abort(400, _("Enter a date as YYYY-MM-DD"))
    return form.date.data or local_today()


@bp.get("/villages/<code>/roster/as-of")
@require_role(*READERS)
def as_of(code: str):
    village, org = load_village(code)
    form = AsOfForm(formdata=request.args)
    day = _day(form)
    full = sees_full_ids(current_user, village.code)
    rows = [row if full else masked_row(row) for _mid, row in roster_as_of(db.session, org.id, day)]
    html = render_template("history/as_of.html", village=village, org=org, form=form, day=day, rows=rows,
                           filed=filed_version_on(db.session, org.id, day),
                           headings=list(rows[0]) if rows else [], full_id=full)
    if full and rows:  # after rendering: the commit expires what the page reads (README: every full-ID view)
        audit_full_ids(village, "view.roster_as_of_full_ids", "organization", org.id, len(rows), day=day)
    return html


@bp.get("/villages/<code>/roster/as-of.xlsx")
@require_role(*READERS)
def as_of_xlsx(code: str):
    village, org = load_village(code)
    day = _day(AsOfForm(formdata=request.args))
    result = export_roster_as_of(db.session, org, day, actor=current_user,
                                 mask_ids=not village_export_full_ids(current_user, village.code, current_app.config))
    db.session.commit()
    return xlsx_response(result.data, result.filename)
