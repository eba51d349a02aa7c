"""Dispute screens (M-22): the dispute panel of the member page, open / next stage / close (clerk),
and the village's list of disputes (every role in scope reads)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.extensions import db
from registry.forms.disputes import CloseDisputeForm, OpenDisputeForm, StageForm
from registry.models import Dispute, Membership, Organization
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.services.errors import DomainError
from registry.services.membership.disputes import (
    OUTCOME_LABELS,
    STAGE_LABELS,
    advance_stage,
    close_dispute,
    open_dispute,
)
from registry.views.member_page import commit, load_membership, load_village, member_page, refused

bp = Blueprint("disputes", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


@bp.app_context_processor
def dispute_labels():
    return {"dispute_stage_labels": STAGE_LABELS, "dispute_outcome_labels": OUTCOME_LABELS}


def _dispute(org: Organization, dispute_id: int) -> tuple[Dispute, Membership]:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        abort(404)
    return dispute, load_membership(org, dispute.membership_id)


@bp.post("/villages/<code>/members/<int:membership_id>/disputes")
@require_role(CLERK)
def open_(code: str, membership_id: int):
    village, org = load_village(code)
    m = load_membership(org, membership_id)
    form = OpenDisputeForm()
    if not form.validate_on_submit():
        return member_page(code, membership_id, dispute_form=form)
    try:
        open_dispute(db.session, m, applicant=form.applicant.data, subject=form.subject.data,
                     opened_on=form.opened_on.data, stage=form.stage.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return member_page(code, membership_id, dispute_form=form)
    commit(_("The dispute has been opened; the membership reads “in dispute” until it is closed"))
    return redirect(url_for("roster.member", code=code, membership_id=membership_id) + "#disputes")


@bp.post("/villages/<code>/disputes/<int:dispute_id>/stage")
@require_role(CLERK)
def stage(code: str, dispute_id: int):
    village, org = load_village(code)
    dispute, m = _dispute(org, dispute_id)
    form = StageForm()
    if not form.validate_on_submit():
        return member_page(code, m.id, stage_form=form)
    try:
        advance_stage(db.session, dispute, form.stage.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return member_page(code, m.id, stage_form=form)
    commit(_("The dispute has moved to the next stage"))
    return redirect(url_for("roster.member", code=code, membership_id=m.id) + "#disputes")


@bp.post("/villages/<code>/disputes/<int:dispute_id>/close")
@require_role(CLERK)
def close(code: str, dispute_id: int):
    village, org = load_village(code)
    dispute, m = _dispute(org, dispute_id)
    form = CloseDisputeForm()
    if not form.validate_on_submit():
        return member_page(code, m.id, close_form=form)
    try:
        hint = close_dispute(db.session, dispute, outcome=form.outcome.data, note=form.note.data,
                             closed_on=form.closed_on.data, correct=form.correct.data, actor=current_user,
                             today=local_today())
    except DomainError as err:
        refused(err)
        return member_page(code, m.id, close_form=form)
    if commit(_("The dispute has been closed")) and hint:
        flash(hint, "info")
    return redirect(url_for("roster.member", code=code, membership_id=m.id) + "#disputes")


@bp.get("/villages/<code>/disputes")
@require_role(*READERS)
def index(code: str):
    village, org = load_village(code)
    rows = db.session.execute(select(Dispute, Membership).join(Membership, Membership.id == Dispute.membership_id)
                              .where(Membership.organization_id == org.id)
                              .order_by(Dispute.closed_on.is_not(None), Dispute.opened_on.desc())).all()
    return render_template("disputes/index.html", village=village, org=org, rows=rows)
