"""Assembly resolutions other than the roster confirmation (consent to a withdrawal, Art. 15
grants, …) and the Art. 15 grants to non-members (M-19, A-05). The clerk records, everyone in scope
reads. Membership confirmation stays on the filing page (it needs the roster's public notice, M-02)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.extensions import db
from registry.forms.filings import ResolutionForm
from registry.forms.grants import GrantForm
from registry.models import Resolution
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.services.errors import DomainError
from registry.services.filing.resolutions import SUBJECTS, record_resolution
from registry.services.membership.grants import RIGHT_LABELS, grant_rights, grants_of
from registry.views.member_page import commit, load_village, refused

bp = Blueprint("grants", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _resolutions(org_id: int, subject: str | None = None) -> list[Resolution]:
    stmt = select(Resolution).where(Resolution.organization_id == org_id).order_by(Resolution.meeting_date.desc(),
                                                                                   Resolution.id.desc())
    if subject:
        stmt = stmt.where(Resolution.subject == subject, Resolution.passed.is_(True))
    return list(db.session.scalars(stmt))


def _can_edit(village) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


def _resolution_form() -> ResolutionForm:
    form = ResolutionForm()
    form.subject.choices = [c for c in form.subject.choices if c[0] != "membership_confirmation"]
    form.subject.default = "withdrawal_consent"
    if not form.is_submitted():
        form.subject.data = "withdrawal_consent"
    return form


def _resolutions_page(code: str, form=None, status: int = 200):
    village, org = load_village(code)
    return render_template("grants/resolutions.html", village=village, org=org, form=form or _resolution_form(),
                           subjects=SUBJECTS, resolutions=_resolutions(org.id), can_edit=_can_edit(village)), status


@bp.get("/villages/<code>/resolutions")
@require_role(*READERS)
def resolutions(code: str):
    return _resolutions_page(code)


@bp.post("/villages/<code>/resolutions")
@require_role(CLERK)
def record(code: str):
    village, org = load_village(code)
    form = _resolution_form()
    if not form.validate_on_submit():
        return _resolutions_page(code, form, 422)
    try:
        record_resolution(db.session, org, actor=current_user, today=local_today(), **form.facts())
    except DomainError as err:
        refused(err)
        return _resolutions_page(code, form, 422)
    commit(_("The resolution has been recorded"))
    return redirect(url_for("grants.resolutions", code=code))


def _grant_form(org) -> GrantForm:
    choices = [(str(r.id), f"{r.meeting_date} {r.title or ''}".strip()) for r in _resolutions(org.id, "art15_grant")]
    return GrantForm(resolutions=choices)


def _grants_page(code: str, form=None, status: int = 200):
    village, org = load_village(code)
    return render_template("grants/index.html", village=village, org=org, form=form or _grant_form(org),
                           grants=grants_of(db.session, org.id), right_labels=RIGHT_LABELS,
                           can_edit=_can_edit(village)), status


@bp.get("/villages/<code>/grants")
@require_role(*READERS)
def index(code: str):
    return _grants_page(code)


@bp.post("/villages/<code>/grants")
@require_role(CLERK)
def create(code: str):
    village, org = load_village(code)
    form = _grant_form(org)
    if not form.validate_on_submit():
        return _grants_page(code, form, 422)
    resolution = db.session.get(Resolution, int(form.resolution_id.data)) if form.resolution_id.data.isdigit() else None
    try:
        grant = grant_rights(db.session, org, resolution=resolution, id_number=form.id_number.data,
                             name=form.name.data, rights=form.rights.data, reason=form.reason.data,
                             id_type=form.id_type.data, sex=form.sex.data or None, units=form.units.data,
                             valid_from=form.valid_from.data, valid_to=form.valid_to.data, actor=current_user,
                             today=local_today())
    except DomainError as err:
        refused(err)
        return _grants_page(code, form, 422)
    name = grant.person.name
    commit(_("Rights granted to %(name)s (not a member, no vote)", name=name))
    return redirect(url_for("grants.index", code=code))
