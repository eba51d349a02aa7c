"""Dividend round screens: the village's rounds (with totals) and a new draft, a round's lines and its
workflow (resolution linked with the inspection date S-14, town recorded, paid, closed, cancelled), the
payment sheet (.xlsx) and its A4 print view."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.excel.shares.payments import write_payment_sheet
from registry.extensions import db
from registry.forms.shares import RoundActionForm, RoundForm
from registry.models import Resolution
from registry.models.shares import DividendLine, DividendRound
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.roster.listing import mask_id_number
from registry.reports.shares.units import rounds_with_totals
from registry.services.dividends.rounds import STATE_LABELS, TRANSITIONS, create_round, transition
from registry.services.errors import DomainError
from registry.views.downloads import xlsx_response
from registry.views.member_page import commit, load_village, refused, shows_full_id

bp = Blueprint("dividends", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)
ACTIONS = ("link_resolution", "record_town", "pay", "close", "cancel")


def _plans(org_id: int) -> list[tuple[str, str]]:
    stmt = (select(Resolution).where(Resolution.organization_id == org_id, Resolution.passed.is_(True),
                                     Resolution.subject == "distribution_plan")
            .order_by(Resolution.meeting_date.desc()))
    return [(str(r.id), f"{r.meeting_date} {r.title or ''}".strip()) for r in db.session.scalars(stmt)]


@bp.route("/villages/<code>/dividends")
@require_role(*READERS)
def index(code: str):
    village, org = load_village(code)
    return render_template("dividends/index.html", village=village, org=org,
                           rounds=rounds_with_totals(db.session, org.id), form=RoundForm(),
                           state_labels=STATE_LABELS, can_edit=_is_clerk_of(village))


def _is_clerk_of(village) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


@bp.route("/villages/<code>/dividends/new", methods=["POST"])
@require_role(CLERK)
def create(code: str):
    village, org = load_village(code)
    form = RoundForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("dividends.index", code=code))
    try:
        rnd = create_round(db.session, org, record_date=form.record_date.data,
                           net_income=form.net_income.data, reserve_rate=form.reserve_rate.data,
                           title=form.title.data, actor=current_user)
    except DomainError as err:
        refused(err)
        return redirect(url_for("dividends.index", code=code))
    commit(_("The draft round has been computed"))
    return redirect(url_for("dividends.detail", code=code, round_id=rnd.id))


def _round(org, round_id: int) -> DividendRound:
    rnd = db.session.get(DividendRound, round_id)
    if rnd is None or rnd.organization_id != org.id:
        abort(404)
    return rnd


def _lines(rnd: DividendRound) -> list[DividendLine]:
    return list(db.session.scalars(select(DividendLine).where(DividendLine.round_id == rnd.id)
                                   .order_by(DividendLine.holder_code)))


def _shown_holder(village):
    full = shows_full_id(village)
    return lambda code: code if full or len(code) < 15 else mask_id_number(code)


@bp.route("/villages/<code>/dividends/<int:round_id>")
@require_role(*READERS)
def detail(code: str, round_id: int):
    village, org = load_village(code)
    rnd = _round(org, round_id)
    form = RoundActionForm()
    form.resolution_id.choices = [("", "—"), *_plans(org.id)]
    actions = [a for a in ACTIONS if (rnd.state, a) in TRANSITIONS
               and ((a == "record_town" and current_user.role == TOWN)
                    or (a != "record_town" and _is_clerk_of(village))
                    or (a == "cancel" and current_user.role == TOWN))]
    return render_template("dividends/round.html", village=village, org=org, rnd=rnd, lines=_lines(rnd),
                           form=form, actions=actions, state_labels=STATE_LABELS,
                           shown_holder=_shown_holder(village))


@bp.route("/villages/<code>/dividends/<int:round_id>/<action>", methods=["POST"])
@require_role(CLERK, TOWN)
def act(code: str, round_id: int, action: str):
    village, org = load_village(code)
    rnd = _round(org, round_id)
    if action not in ACTIONS:
        abort(404)
    form = RoundActionForm()
    if not form.validate_on_submit():
        abort(400)
    resolution = None
    if form.resolution_id.data and form.resolution_id.data.isdigit():
        resolution = db.session.get(Resolution, int(form.resolution_id.data))
    try:
        transition(db.session, rnd, action, actor=current_user, resolution=resolution,
                   inspection_from=form.inspection_from.data, paid_on=form.paid_on.data,
                   reason=form.reason.data)
    except DomainError as err:
        refused(err)
        return redirect(url_for("dividends.detail", code=code, round_id=round_id))
    commit(_("The round is now: %(state)s", state=STATE_LABELS[rnd.state]))
    return redirect(url_for("dividends.detail", code=code, round_id=round_id))


@bp.route("/villages/<code>/dividends/<int:round_id>/payments.xlsx")
@require_role(*READERS)
def payment_sheet(code: str, round_id: int):
    village, org = load_village(code)
    rnd = _round(org, round_id)
    shown = _shown_holder(village)
    data = write_payment_sheet(((shown(x.holder_code), x.name, x.units, x.amount) for x in _lines(rnd)),
                               organisation=org.name, title=rnd.title, subtitle=_subtitle(rnd),
                               total_units=rnd.total_units, total_amount=rnd.distributable)
    return xlsx_response(data, f"{village.name}_{rnd.title}_发放表.xlsx")


def _subtitle(rnd: DividendRound) -> str:
    return (f"股权登记日 {rnd.record_date.isoformat()}  净收益 {rnd.net_income:.2f} 元  "
            f"公积公益金 {rnd.reserve:.2f} 元  可分配 {rnd.distributable:.2f} 元")


@bp.route("/villages/<code>/dividends/<int:round_id>/print")
@require_role(*READERS)
def print_sheet(code: str, round_id: int):
    """The payment sheet as an A4 print view with a signature column."""
    village, org = load_village(code)
    rnd = _round(org, round_id)
    return render_template("dividends/print.html", village=village, org=org, rnd=rnd, lines=_lines(rnd),
                           subtitle=_subtitle(rnd), shown_holder=_shown_holder(village))
