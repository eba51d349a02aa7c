"""Membership change screens (clerk only): add a member, and the actions on the member page — end,
withdraw, propose a rejection, retention flags, hukou change, move to another household.

Handlers: load (404 outside the scope) → form → service → one commit → flash → redirect. A refused
rule (DomainError) is rolled back and shown with its rule id on the re-rendered member page (422).
Town and district officers see the member page read-only."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from registry.clock import local_today
from registry.extensions import db
from registry.forms.members import (
    AddMemberForm, EndForm, FlagsForm, HukouForm, MoveForm, RejectionForm, WithdrawForm, tri_state,
)
from registry.models import Filing, Household, Membership, Organization, Resolution
from registry.models.filings import TOWN_REVIEW
from registry.permissions import CLERK, require_role
from registry.reports.households import household_choices
from registry.services.errors import DomainError
from registry.services.households import move_member
from registry.services.membership.hukou import record_hukou_change
from registry.services.membership.changes import (
    add_member, end_membership, propose_rejection, set_flags, withdraw, withdraw_rejection_proposal,
)

bp = Blueprint("members", __name__)


# --- shared helpers (also used by the household, dispute and grant screens) ---------------------------

def load_village(code: str):
    from registry.views.roster import load_village as load

    return load(code)


def _int(value: str | None) -> int | None:
    """A select's id value (None when blank or not a number: a tampered form is not a 500)."""
    return int(value) if value and value.isdigit() else None


def load_membership(org: Organization, membership_id: int) -> Membership:
    m = db.session.get(Membership, membership_id)
    if m is None or m.organization_id != org.id:
        abort(404)
    return m


def commit(message: str) -> bool:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this record at the same time; please reload and try again"), "error")
        return False
    flash(message, "success")
    return True


def chosen_id(value: str | None) -> int | None:
    """The record id a select posted, or None when it is missing or tampered with (not ASCII digits,
    beyond a 64-bit integer): the handler then answers 422, never 500."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


def refused(err: DomainError) -> None:
    db.session.rollback()
    flash(str(err), "error")


def is_locked(org: Organization) -> bool:
    return db.session.scalar(select(Filing.id).where(Filing.organization_id == org.id,
                                                     Filing.state == TOWN_REVIEW)) is not None


def consent_resolutions(org: Organization) -> list[tuple[str, str]]:
    stmt = (select(Resolution).where(Resolution.organization_id == org.id, Resolution.passed.is_(True),
                                     Resolution.subject == "withdrawal_consent")
            .order_by(Resolution.meeting_date.desc()))
    return [(str(r.id), f"{r.meeting_date} {r.title or ''}".strip()) for r in db.session.scalars(stmt)]


def member_actions(village, org: Organization, m: Membership, forms: dict) -> dict:
    """Template context of the member page's action panels (only the village's own clerk acts)."""
    can_edit = current_user.role == CLERK and current_user.area.code == village.code
    from registry.views.disputes import dispute_context

    from registry.reports.history import member_timeline

    ctx = {"can_edit": can_edit, "locked": can_edit and is_locked(org), "handover": handover_links(m),
           "timeline": member_timeline(db.session, m), **dispute_context(m, can_edit, forms)}
    if not can_edit:
        return ctx
    ctx.update(
        end_form=forms.get("end_form") or EndForm(),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(resolutions=consent_resolutions(org)),
        rejection_form=forms.get("rejection_form") or RejectionForm(),
        flags_form=forms.get("flags_form") or FlagsForm(data={"flags": m.flags}),
        hukou_form=forms.get("hukou_form") or HukouForm(),
        move_form=forms.get("move_form") or MoveForm(
            households=household_choices(db.session, org.id, exclude=m.household_id)),
    )
    return ctx


def handover_links(m: Membership) -> dict:
    """M-15: the membership elsewhere that ended this one, and those this one ended (village names)."""
    def village(other: Membership) -> str:
        return db.session.get(Organization, other.organization_id).area.name

    ended_by = db.session.get(Membership, m.ended_by_membership_id) if m.ended_by_membership_id else None
    superseded = db.session.scalars(select(Membership).where(Membership.ended_by_membership_id == m.id)).all()
    return {"ended_by": village(ended_by) if ended_by else None,
            "supersedes": [(village(o), o.lost_at) for o in superseded]}


def member_page(code: str, membership_id: int, status: int = 422, **forms):
    from registry.views.roster import member_page as page

    return page(code, membership_id, status=status, **forms)


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
        chosen = chosen_id(form.household_id.data)
        target = db.session.get(Household, chosen) if chosen is not None else None
        if target is None or target.organization_id != org.id:
            raise DomainError("household.not_found", _("Please choose a household of this village"))
        return move_member(db.session, m, target, form.relation.data, on_date=form.on_date.data,
                           actor=current_user, today=local_today())

    return _act(code, membership_id, "move_form", form, run, _("The member has moved to the other household"))
