"""The audit log page for district users: every audited action in their scope (imports, exports,
views of full ID numbers, the filing workflow), newest first, filtered by action and area."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from registry.codes import MEMBER_STATUS, RELATION, RETENTION_FLAG
from registry.extensions import db
from registry.forms.audit import AuditFilterForm
from registry.models import Area
from registry.permissions import ADMIN, DISTRICT, require_role
from registry.reports.audit_log import actions_in, audit_select, users_by_id
from registry.views.audit_labels import RIGHTS_ACTION_LABELS

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
    "backup.restore": _l("Database restored"),
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "user.password_changed": _l("Password changed; sessions ended"),
    "export.roster_as_of": _l("Roster as of a date exported"),
    "view.roster_as_of_full_ids": _l("Roster as of a date viewed with full ID numbers"),
    "view.filing_full_ids": _l("Roster changes viewed with full ID numbers"),
    "membership.hukou": _l("Hukou change recorded (information only)"),
    "hukou_feed.imported": _l("Hukou change list imported"),
    "hukou_feed.hint": _l("Hukou change from the police list recorded (review suggested)"),
    "hukou_feed.hint_reviewed": _l("Hukou change hint reviewed"),
    "hukou_feed.hint_confirmed": _l("Death from the hukou change list confirmed"),
    "membership.flags": _l("Retention flags changed"),
    "membership.household": _l("Household change"),
    **RIGHTS_ACTION_LABELS,
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
    rows = [(e, users.get(e.actor_id), audit_change(e)) for e in events]
    codes = {e.area_code for e in events}
    names = dict(db.session.execute(db.select(Area.code, Area.name).where(Area.code.in_(codes))).all())
    query_args = {k: v for k, v in (("action", form.action.data), ("area", form.area.data)) if v}
    return render_template("audit/index.html", form=form, rows=rows, pagination=pagination, names=names,
                           query_args=query_args)


#: Field labels of the dicts in hukou and household events (``old`` / ``new``).
FIELD_LABELS = {"household": _l("Household no."), "relation": _l("Relation to head"),
                "in_organization": _l("Hukou in this village"), "moved_to_town": _l("Moved to a town or city")}


def _value_text(value, action: str, key: str = "") -> str:
    """One side of an event's ``old`` → ``new``: a state code, a list of codes or a dict of fields
    (hukou: place, in organisation; household: number, relation) as one short text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        parts = [(f"{FIELD_LABELS[k]}：" if k in FIELD_LABELS else "") + _value_text(v, action, k)
                 for k, v in value.items() if v is not None and v != "" and not (k == "moved_to_town" and not v)]
        return "，".join(parts) or "—"
    if isinstance(value, (list, tuple)):
        return "、".join(RETENTION_FLAG.label(v) or str(v) if action == "membership.flags"
                        else _value_text(v, action) for v in value) or "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    if key == "relation":
        return RELATION.label(text) or text
    if action.startswith("membership.") and not key:
        return MEMBER_STATUS.label(text) or text
    state_label = current_app.jinja_env.filters.get("filing_state_label")
    return state_label(text) if state_label and action.startswith("filing.") else text


def audit_change(event) -> str:
    """The ``old → new`` of an event as text ("" when it records none): any JSON shape is shown, so no
    event can break the page."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if detail.get("new") is None and detail.get("old") is None:
        return ""
    return f"{_value_text(detail.get('old'), event.action)} → {_value_text(detail.get('new'), event.action)}"
