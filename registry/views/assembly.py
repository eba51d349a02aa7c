"""The member assembly as the law counts it (issue 14): the base of a meeting for a date with the list
of who is in it (A-07, A-08), what a recorded resolution was decided on (frozen), the representative
assembly (A-08), and a member's civil-capacity flags (A-07, clerk only)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.clock import local_today
from registry.extensions import db
from registry.forms.assembly import CapacityForm, DeclarationForm, NestedMembershipForm, RepresentativesForm
from registry.forms.dates import date_arg
from registry.models import Resolution
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.services.assembly.attendance import MODE_LABELS
from registry.services.assembly.basis import basis_of, members_of
from registry.services.assembly.capacity import meeting_base, set_capacity
from registry.services.assembly.representatives import bodies_of, elect, household_count, in_office
from registry.services.errors import DomainError
from registry.services.filing.resolutions import SUBJECTS
from registry.services.membership.declarations import set_declaration
from registry.services.membership.nesting import set_nested_membership
from registry.views.members import commit, load_membership, load_village, member_page, refused

bp = Blueprint("assembly", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _day(name: str) -> dt.date:
    return date_arg(name) or local_today()  # a bad date is a 400, not today's base


@bp.get("/villages/<code>/assembly/base")
@require_role(*READERS)
def base(code: str):
    """Who makes up the base of a member assembly held on ``?on=`` (default today), and who not."""
    village, org = load_village(code)
    on = _day("on")
    return render_template("assembly/base.html", village=village, org=org, on=on,
                           base=meeting_base(db.session, org.id, on), body=in_office(db.session, org.id, on))


@bp.get("/villages/<code>/resolutions/<int:resolution_id>")
@require_role(*READERS)
def resolution(code: str, resolution_id: int):
    """A recorded resolution with what it was decided on, as frozen when it was recorded."""
    village, org = load_village(code)
    r = db.session.get(Resolution, resolution_id)
    if r is None or r.organization_id != org.id:
        abort(404)
    return render_template("assembly/resolution.html", village=village, org=org, r=r, subjects=SUBJECTS,
                           basis=basis_of(db.session, r.id), members=members_of(db.session, r.id),
                           mode_labels=MODE_LABELS)


def _representatives_page(code: str, form=None, status: int = 200):
    village, org = load_village(code)
    today = local_today()
    body = in_office(db.session, org.id, today)
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    return render_template("assembly/representatives.html", village=village, org=org, body=body,
                           bodies=bodies_of(db.session, org.id), today=today,
                           warnings=body.warnings(household_count(db.session, org.id)) if body else [],
                           form=form or RepresentativesForm(), can_edit=can_edit), status


@bp.get("/villages/<code>/representatives")
@require_role(*READERS)
def representatives(code: str):
    return _representatives_page(code)


@bp.post("/villages/<code>/representatives")
@require_role(CLERK)
def elect_representatives(code: str):
    _village, org = load_village(code)
    form = RepresentativesForm()
    if not form.validate_on_submit():
        return _representatives_page(code, form, 422)
    try:
        assembly = elect(db.session, org, elected_on=form.elected_on.data, members=form.members.data,
                         note=form.note.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return _representatives_page(code, form, 422)
    commit(_("Representative assembly recorded: %(n)s representatives, term until %(end)s",
             n=len(assembly.representatives), end=assembly.term_ends_on.isoformat()))
    return redirect(url_for("assembly.representatives", code=code))


@bp.post("/villages/<code>/members/<int:membership_id>/capacity")
@require_role(CLERK)
def capacity(code: str, membership_id: int):
    _village, org = load_village(code)
    m = load_membership(org, membership_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        return member_page(code, membership_id, capacity_form=form)
    try:
        set_capacity(db.session, org, m, limited=form.limited.data, limited_basis=form.limited_basis.data,
                     limited_since=form.limited_since.data, self_supporting=form.self_supporting.data,
                     self_supporting_basis=form.self_supporting_basis.data, actor=current_user,
                     today=local_today())
    except DomainError as err:
        refused(err)
        return member_page(code, membership_id, capacity_form=form)
    commit(_("Civil capacity saved (A-07)"))
    return redirect(url_for("roster.member", code=code, membership_id=membership_id))


@bp.post("/villages/<code>/members/<int:membership_id>/declaration")
@require_role(CLERK)
def declaration(code: str, membership_id: int):
    """M-17: the signed declaration of holding no other membership."""
    _village, org = load_village(code)
    m = load_membership(org, membership_id)
    form = DeclarationForm()
    if not form.validate_on_submit():
        return member_page(code, membership_id, declaration_form=form)
    try:
        set_declaration(db.session, org, m, form.value(), actor=current_user)
    except DomainError as err:
        refused(err)
        return member_page(code, membership_id, declaration_form=form)
    commit(_("Declaration of no other membership saved (M-17)"))
    return redirect(url_for("roster.member", code=code, membership_id=membership_id))


def _settings_page(code: str, form=None, status: int = 200):
    village, org = load_village(code)
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    return render_template("assembly/settings.html", village=village, org=org, can_edit=can_edit,
                           form=form or NestedMembershipForm(data={"allowed": org.allow_nested_membership})), status


@bp.get("/villages/<code>/settings")
@require_role(*READERS)
def settings(code: str):
    """The organisation's exception settings (M-16)."""
    return _settings_page(code)


@bp.post("/villages/<code>/settings")
@require_role(CLERK)
def save_settings(code: str):
    _village, org = load_village(code)
    form = NestedMembershipForm()
    if not form.validate_on_submit():
        return _settings_page(code, form, 422)
    try:
        set_nested_membership(db.session, org, form.allowed.data, basis=form.basis.data, actor=current_user)
    except DomainError as err:
        refused(err)
        return _settings_page(code, form, 422)
    commit(_("Settings saved"))
    return redirect(url_for("assembly.settings", code=code))
