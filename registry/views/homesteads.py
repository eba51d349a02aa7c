"""Homestead register pages (issue 15): the village register (as of a date), entry and change of one
homestead (clerk; optimistic locking, audit old → new, end with a date and a ground — never deleted),
the summary by village/town/district and the .xlsx export; the homestead section of the household page
and the member page line (template globals)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from registry.extensions import db
from registry.forms.dates import date_arg
from registry.forms.homesteads import EndHomesteadForm, HomesteadForm
from registry.models import Area, Homestead, Household
from registry.permissions import (
    ADMIN,
    CLERK,
    DISTRICT,
    TOWN,
    exports_full_ids,
    require_role,
    scoped,
    sees_full_ids,
)
from registry.reports.homesteads import TOWN_KEY, VILLAGE_KEY, homestead_summary
from registry.services.errors import DomainError
from registry.services.homesteads import register
from registry.services.homesteads.export import export_homesteads
from registry.services.homesteads.importer import area_cap
from registry.views.downloads import xlsx_response
from registry.views.members import commit, refused
from registry.views.roster import load_village

bp = Blueprint("homesteads", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _as_of() -> dt.date | None:
    return date_arg("as_of")  # 2025.3.1 read; a bad date is a 400, not the current register


def _homestead(org, homestead_id: int) -> Homestead:
    h = db.session.get(Homestead, homestead_id)
    if h is None or h.organization_id != org.id:
        abort(404)
    return h


def _can_edit(village) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


@bp.get("/villages/<code>/homesteads")
@require_role(*READERS)
def index(code: str):
    """The village's homestead register: current records, or those valid on ``?as_of=``."""
    village, org = load_village(code)
    day = _as_of()
    stmt = (select(Homestead, Household.number).join(Household, Household.id == Homestead.household_id)
            .where(Homestead.organization_id == org.id))
    if day is None:
        stmt = stmt.where(Homestead.valid_to.is_(None))
    else:
        stmt = stmt.where(func.coalesce(Homestead.valid_from, day) <= day,
                          Homestead.valid_to.is_(None) | (Homestead.valid_to > day))
    rows = db.session.execute(stmt.order_by(Homestead.plot_code)).all()
    return render_template("homesteads/index.html", village=village, org=org, rows=rows, as_of=day,
                           cap=area_cap(current_app.config), can_edit=_can_edit(village))


def _form_page(village, org, form, homestead=None, end_form=None, status=200):
    return render_template("homesteads/form.html", village=village, org=org, form=form, h=homestead,
                           end_form=end_form, cap=area_cap(current_app.config)), status


@bp.route("/villages/<code>/homesteads/new", methods=["GET", "POST"])
@require_role(CLERK)
def new(code: str):
    village, org = load_village(code)
    form = HomesteadForm()
    if not form.validate_on_submit():
        return _form_page(village, org, form, status=422 if form.errors else 200)
    number = (form.household_no.data or "").strip()
    household = db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                          Household.number == number))
    if household is None:
        form.household_no.errors.append(_("Not a household of this village"))
        return _form_page(village, org, form, status=422)
    values = {**form.values(), "plot_code": (form.plot_code.data or "").strip().upper()}
    try:
        h = register.add_homestead(db.session, org, household, values, actor=current_user)
    except DomainError as err:
        refused(err)
        return _form_page(village, org, form, status=422)
    over = register.over_cap(h, area_cap(current_app.config))
    if commit(_("Homestead recorded")) and over:
        flash(_("The plot area is over the cap: accepted and flagged for review (D-02)"), "warning")
    return redirect(url_for("homesteads.index", code=code))


@bp.route("/villages/<code>/homesteads/<int:homestead_id>/edit", methods=["GET", "POST"])
@require_role(CLERK)
def edit(code: str, homestead_id: int):
    village, org = load_village(code)
    h = _homestead(org, homestead_id)
    end_form = EndHomesteadForm(prefix="end")
    if request.method == "GET":
        form = HomesteadForm(obj=h)
        form.version.data = str(h.version)
        end_form.version.data = str(h.version)
        return _form_page(village, org, form, h, end_form)
    form = HomesteadForm()
    if not form.validate_on_submit():
        return _form_page(village, org, form, h, end_form, status=422)
    try:
        register.change_homestead(db.session, h, form.values(), version=_version(form), actor=current_user)
    except DomainError as err:
        refused(err)
        status = 409 if err.code == "homestead.stale" else 422
        return _form_page(village, org, form, h, end_form, status=status)
    commit(_("Homestead changed"))
    return redirect(url_for("homesteads.index", code=code))


@bp.post("/villages/<code>/homesteads/<int:homestead_id>/end")
@require_role(CLERK)
def end(code: str, homestead_id: int):
    village, org = load_village(code)
    h = _homestead(org, homestead_id)
    end_form = EndHomesteadForm(prefix="end")
    if not end_form.validate_on_submit():
        return _form_page(village, org, HomesteadForm(obj=h), h, end_form, status=422)
    try:
        register.end_homestead(db.session, h, on=end_form.on.data, ground=end_form.ground.data,
                               note=end_form.note.data, version=_version(end_form), actor=current_user)
    except DomainError as err:
        refused(err)
        return _form_page(village, org, HomesteadForm(obj=h), h, end_form, status=422)
    commit(_("Homestead record ended"))
    return redirect(url_for("homesteads.index", code=code))


def _version(form) -> int:
    value = form.version.data or ""
    return int(value) if value.isdigit() else -1


def _area(code: str) -> Area:
    area = db.session.scalar(scoped(select(Area).where(Area.code == code), Area.code, current_user))
    if area is None:
        abort(404)
    return area


@bp.get("/areas/<code>/homesteads")
@require_role(*READERS)
def summary(code: str):
    """Homesteads by status and D-12 households without one: per village, or per town for the district."""
    area = _area(code)
    by = TOWN_KEY if area.level == "district" else VILLAGE_KEY
    rows, total = homestead_summary(db.session, area.scope_prefix, by=by, cap=area_cap(current_app.config))
    return render_template("homesteads/summary.html", area=area, rows=rows, total=total,
                           per_town=by == TOWN_KEY)


@bp.get("/areas/<code>/homesteads.xlsx")
@require_role(*READERS)
def export(code: str):
    """The register in the import layout; full ID numbers for the village's clerk and the district."""
    area = _area(code)
    full = sees_full_ids(current_user, area.code) or exports_full_ids(current_user, current_app.config)
    result = export_homesteads(db.session, area, actor=current_user, mask_ids=not full)
    db.session.commit()
    return xlsx_response(result.data, result.filename)


@bp.app_template_global()
def household_homesteads(household_id: int) -> dict:
    """The household page's homestead section: records as of ``?as_of=`` (or current), every record
    with its end, and the D-12 qualification right."""
    day = _as_of()
    household = db.session.get(Household, household_id)
    return {"as_of": day, "records": register.as_of(db.session, household_id, day),
            "history": register.history(db.session, household_id),
            "qualified": register.qualification_right(db.session, household),
            "cap": area_cap(current_app.config), "grounds": register.END_GROUND_LABELS}
