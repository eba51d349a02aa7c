"""Collective household page (read for every role in scope) and the clerk's household changes:
分户 (split off a new household) and a change of head (M-25, M-26)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.codes import RELATION
from registry.extensions import db
from registry.forms.members import HeadForm, SplitForm
from registry.models import Household
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.households import household_rows, member_choices
from registry.services.errors import DomainError
from registry.services.households import change_head, split_household
from registry.views.member_page import commit, is_locked, load_village, refused

bp = Blueprint("households", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _household(org, number: str) -> Household:
    household = db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                          Household.number == number))
    if household is None:
        abort(404)
    return household


def _relations(rows) -> dict[int, str]:
    """``{membership id: relation code}`` from the ``rel-<membership id>`` selects (blank = not set)."""
    out = {}
    for r in rows:
        if r.membership is None:
            continue
        code = request.form.get(f"rel-{r.membership.id}", "")
        if code:
            out[r.membership.id] = code
    return out


def _page(code: str, number: str, *, status: int = 200, split_form=None, head_form=None):
    village, org = load_village(code)
    household = _household(org, number)
    rows = household_rows(db.session, household)
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    return render_template(
        "households/detail.html", village=village, org=org, household=household, rows=rows,
        can_edit=can_edit, locked=can_edit and is_locked(org), relations=RELATION.choices(),
        split_form=split_form or SplitForm(),
        head_form=head_form or HeadForm(members=member_choices(rows)),
    ), status


@bp.get("/villages/<code>/households/<number>")
@require_role(*READERS)
def detail(code: str, number: str):
    return _page(code, number)


@bp.post("/villages/<code>/households/<number>/split")
@require_role(CLERK)
def split(code: str, number: str):
    village, org = load_village(code)
    household = _household(org, number)
    form = SplitForm()
    if not form.validate_on_submit():
        return _page(code, number, status=422, split_form=form)
    movers = list(_relations(household_rows(db.session, household)).items())
    try:
        new = split_household(db.session, org, household, movers, form.new_number.data, on_date=form.on_date.data,
                              actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return _page(code, number, status=422, split_form=form)
    new_number = new.number
    commit(_("Household %(number)s has been split off", number=new_number))
    return redirect(url_for("households.detail", code=code, number=new_number))


@bp.post("/villages/<code>/households/<number>/head")
@require_role(CLERK)
def head(code: str, number: str):
    village, org = load_village(code)
    household = _household(org, number)
    rows = household_rows(db.session, household)
    form = HeadForm(members=member_choices(rows))
    if not form.validate_on_submit() or not form.new_head.data.isdigit():
        return _page(code, number, status=422, head_form=form)
    try:
        change_head(db.session, org, household, int(form.new_head.data),
                    old_head_relation=form.old_head_relation.data or None, relations=_relations(rows),
                    on_date=form.on_date.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return _page(code, number, status=422, head_form=form)
    commit(_("The head of household %(number)s has been changed", number=number))
    return redirect(url_for("households.detail", code=code, number=number))
