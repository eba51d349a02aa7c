"""The audit log page for district users: every audited action in their scope (imports, exports,
views of full ID numbers, the filing workflow), newest first, filtered by action and area."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.extensions import db
from registry.forms.audit import AuditFilterForm
from registry.models import Area
from registry.permissions import ADMIN, DISTRICT, require_role
from registry.reports.audit_log import actions_in, audit_select, users_by_id

bp = Blueprint("audit", __name__)

#: Labels of the actions this issue audits; the filing workflow's come from ``audit_action_label``.
ACTION_LABELS = {
    "roster.import": _l("Roster imported"),
    "export.roster": _l("Roster exported"),
    "export.summary": _l("Summary exported"),
    "view.roster_full_ids": _l("Roster viewed with full ID numbers"),
    "view.member_full_id": _l("Member viewed with full ID number"),
    "view.search_full_ids": _l("Member search shown with full ID numbers"),
    "backup.create": _l("Database backed up"),
}


@bp.app_template_filter("audit_label")
def audit_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    fallback = current_app.jinja_env.filters.get("audit_action_label")
    return fallback(action) if fallback else action


@bp.get("/audit")
@require_role(DISTRICT, ADMIN)
def index():
    scope = current_user.scope
    form = AuditFilterForm(formdata=request.args)
    form.set_actions([(a, audit_label(a)) for a in actions_in(db.session, scope)])
    action = area = None
    if form.validate():
        action = form.action.data or None
        area = form.area.data or None
    pagination = None
    if not form.errors:
        pagination = db.paginate(audit_select(scope, action=action, area=area), per_page=50, max_per_page=200,
                                 error_out=False, count=True)
    events = list(pagination.items) if pagination else []
    users = users_by_id(db.session, (e.actor_id for e in events))
    rows = [(e, users.get(e.actor_id)) for e in events]
    codes = {e.area_code for e in events}
    names = dict(db.session.execute(db.select(Area.code, Area.name).where(Area.code.in_(codes))).all())
    query_args = {k: v for k, v in (("action", form.action.data), ("area", form.area.data)) if v}
    return render_template("audit/index.html", form=form, rows=rows, pagination=pagination, names=names,
                           query_args=query_args)
