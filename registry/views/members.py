"""Membership change screens (clerk only): add a member, and the actions on the member page — end,
withdraw, propose a rejection, retention flags, hukou change, move to another household.

Handlers: load (404 outside the scope) → form → service → one commit → flash → redirect. A refused
rule (DomainError) is rolled back and shown with its rule id on the re-rendered member page (422).
Town and district officers see the member page read-only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.clock import local_today
from registry.extensions import db
from registry.forms.members import (
    AddMemberForm,
    EndForm,
    FlagsForm,
    HukouForm,
    MoveForm,
    RejectionForm,
    WithdrawForm,
    tri_state,
)
from registry.models import Household, Resolution
from registry.permissions import CLERK, require_role
from registry.reports.households import household_choices
from registry.services.errors import DomainError
from registry.services.households import move_member
from registry.services.membership.changes import (
    add_member,
    end_membership,
    propose_rejection,
    set_flags,
    withdraw,
    withdraw_rejection_proposal,
)
from registry.services.membership.hukou import record_hukou_change
from registry.views.member_page import (
    commit,
    consent_resolutions,
    is_locked,
    load_membership,
    load_village,
    member_page,
    refused,
)

bp = Blueprint("members", __name__)


# --- form helpers (the shared ones live in registry.views.member_page) -------------------------------

def _int(value: str | None) -> int | None:
    """A select's id value (None when blank or not a number: a tampered form is not a 500)."""
    return int(value) if value and value.isdigit() else None


def _act(code: str, membership_id: int, form_name: str, form, run, message: str):
    """Validate ``form``, run the service, commit and go back to the member page."""
    village, org = load_village(code)
    m = load_membership(org, membership_id)
    if not form.validate_on_submit():
        return member_page(code, membership_id, **{form_name: form})
    try:
        result = run(m)
    except DomainError as err:
        refused(err)
        return member_page(code, membership_id, **{form_name: form})
    if commit(message) and isinstance(result, str):
        flash(result, "info")
    return redirect(url_for("roster.member", code=code, membership_id=membership_id))


# --- add a member ---------------------------------------------------------------------------------------

@bp.route("/villages/<code>/members/new", methods=["GET", "POST"])
@require_role(CLERK)
def add(code: str):
    village, org = load_village(code)
    form = AddMemberForm(households=household_choices(db.session, org.id))
    if form.validate_on_submit():
        try:
            m = add_member(
                db.session, org, id_number=form.id_number.data, name=form.name.data, ground=form.ground.data,
                relation=form.relation.data, household_id=_int(form.household_id.data),
                new_household=form.new_household.data, id_type=form.id_type.data,
                sex=form.sex.data or None, birth_date=form.birth_date.data, phone=form.phone.data,
                acquired_at=form.acquired_at.data, remark=form.remark.data or None, notes=form.notes.data,
                hukou_place=form.hukou_place.data, hukou_in_org=tri_state(form.hukou_in_org.data),
                actor=current_user, today=local_today())
        except DomainError as err:
            refused(err)
        else:
            message = (_("%(name)s has been added as a confirmed member (reform roster)", name=m.person.name)
                       if m.status == "confirmed" else
                       _("%(name)s has been added as a pending candidate; the member assembly decides",
                         name=m.person.name))
            if commit(message):
                return redirect(url_for("roster.member", code=code, membership_id=m.id))
    status = 422 if form.is_submitted() else 200
    return render_template("members/add.html", village=village, org=org, form=form,
                           locked=is_locked(org)), status


# --- actions on one membership --------------------------------------------------------------------------

@bp.post("/villages/<code>/members/<int:membership_id>/end")
@require_role(CLERK)
def end(code: str, membership_id: int):
    form = EndForm()
    return _act(code, membership_id, "end_form", form, lambda m: end_membership(
        db.session, m, ground=form.ground.data, lost_at=form.lost_at.data, citation=form.citation.data,
        evidence=form.evidence.data, note=form.note.data, contract_based=form.contract_based.data,
        retained_rights_until=form.retained_rights_until.data, actor=current_user, today=local_today()),
        _("The membership has been ended"))


@bp.post("/villages/<code>/members/<int:membership_id>/withdraw")
@require_role(CLERK)
def withdrawal(code: str, membership_id: int):
    village, org = load_village(code)
    form = WithdrawForm(resolutions=consent_resolutions(org))

    def run(m):
        rid = _int(form.resolution_id.data)
        resolution = db.session.get(Resolution, rid) if rid else None
        return withdraw(db.session, m, applied_on=form.applied_on.data, resolution=resolution,
                        effective_on=form.effective_on.data, retained_rights_until=form.retained_rights_until.data,
                        note=form.note.data, actor=current_user, today=local_today())

    return _act(code, membership_id, "withdraw_form", form, run, _("The voluntary withdrawal has been recorded"))


@bp.post("/villages/<code>/members/<int:membership_id>/rejection")
@require_role(CLERK)
def rejection(code: str, membership_id: int):
    form = RejectionForm()

    def run(m):
        if form.clear.data:
            return withdraw_rejection_proposal(db.session, m, actor=current_user)
        return propose_rejection(db.session, m, form.reason.data, actor=current_user)

    return _act(code, membership_id, "rejection_form", form, run,
                _("Cleared: the candidate goes to the assembly for confirmation") if form.clear.data else
                _("Recorded: the assembly will be asked not to confirm this candidate"))


@bp.post("/villages/<code>/members/<int:membership_id>/flags")
@require_role(CLERK)
def flags(code: str, membership_id: int):
    form = FlagsForm()
    return _act(code, membership_id, "flags_form", form,
                lambda m: set_flags(db.session, m, form.flags.data, actor=current_user),
                _("Retention flags saved; the membership status is unchanged (M-11)"))


@bp.post("/villages/<code>/members/<int:membership_id>/hukou")
@require_role(CLERK)
def hukou(code: str, membership_id: int):
    form = HukouForm()

    def run(m):
        change = record_hukou_change(db.session, m, place=form.place.data,
                                     in_organization=tri_state(form.in_organization.data),
                                     moved_at=form.moved_at.data, moved_to_town=form.moved_to_town.data,
                                     actor=current_user, today=local_today())
        return change.hint

    return _act(code, membership_id, "hukou_form", form, run,
                _("Hukou change recorded; it does not change membership (H-01)"))


@bp.post("/villages/<code>/members/<int:membership_id>/move")
@require_role(CLERK)
def move(code: str, membership_id: int):
    village, org = load_village(code)
    m = load_membership(org, membership_id)
    form = MoveForm(households=household_choices(db.session, org.id, exclude=m.household_id))

    def run(m):
        target = db.session.get(Household, int(form.household_id.data)) if form.household_id.data.isdigit() else None
        if target is None or target.organization_id != org.id:
            raise DomainError("household.not_found", _("Please choose a household of this village"))
        return move_member(db.session, m, target, form.relation.data, on_date=form.on_date.data,
                           actor=current_user, today=local_today())

    return _act(code, membership_id, "move_form", form, run, _("The member has moved to the other household"))
