"""Roster filing screens (DOMAIN §6.2) of the village: the notice → assembly → submission page and
the clerk's steps. Defines the ``filings`` blueprint; the town and district inboxes, the filing detail
and the officers' actions are its routes in :mod:`registry.views.filing_officers`.

Handlers: load → scope (404) / role (403) → form → service → one commit → flash → redirect. A
refused rule (DomainError) is flashed with its rule id, rolled back and the page re-rendered."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from registry.clock import local_today
from registry.extensions import db
from registry.forms.concurrency import with_version
from registry.forms.filings import (
    ActionForm,
    FilingResolutionForm,
    NoticeForm,
    ObjectionForm,
    ResolveObjectionForm,
)
from registry.models import Area, AuditEvent, Filing, Objection, Organization
from registry.models.filings import (
    AWAITING_ASSEMBLY,
    CONFIRMED,
    DISTRICT_FILED,
    DRAFT,
    ON_NOTICE,
    RETURNED,
    TOWN_FILED,
    TOWN_REVIEW,
)
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, ensure_in_scope, require_role
from registry.services.assembly.capacity import meeting_base
from registry.services.charter import settings_for
from registry.services.errors import DomainError
from registry.services.filing import filings as workflow
from registry.services.filing.confirmation import pending_count
from registry.services.filing.filings import start_notice as start_notice_service
from registry.services.filing.notices import notice_ended, open_objections, raise_objection, resolve_objection
from registry.services.filing.queries import (
    status_counts,
)
from registry.views.concurrency import check_version, stale_message
from registry.views.filing_labels import (
    audit_action_label,
    filing_change_label,
    filing_state_label,
)
from registry.views.member_page import load_village, refused

bp = Blueprint("filings", __name__)
for _filter in (audit_action_label, filing_state_label, filing_change_label):
    bp.add_app_template_filter(_filter)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


# --- loading --------------------------------------------------------------------------------------------

def load_filing(filing_id: int) -> Filing:
    filing = db.get_or_404(Filing, filing_id)
    ensure_in_scope(current_user, filing.area_code)
    return filing


def commit(message: str) -> bool:
    """Commit the request's work and flash ``message``; on a concurrent change roll back and say so.
    (A lost race inside a service's flush reaches the app-wide 409 handler in views.errors.)"""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(stale_message(), "error")
        return False
    flash(message, "success")
    return True


# --- the village page -----------------------------------------------------------------------------------

def _steps(filing: Filing | None, state: str | None, today: date) -> list[tuple[str, bool]]:
    notice = filing.notice if filing else None
    order = [DRAFT, ON_NOTICE, AWAITING_ASSEMBLY, CONFIRMED, TOWN_REVIEW, TOWN_FILED, DISTRICT_FILED]
    reached = order.index(state) if state in order else (order.index(DRAFT) if state == RETURNED else -1)
    resubmitted = state in (DRAFT, RETURNED) and notice is not None
    # Returned (or reopened after a return, until submitted again): the submission step reads
    # what the clerk has to do now.
    returned = state == RETURNED or (state == DRAFT and filing is not None and filing.return_reason)
    submitted = ((_("Returned by the town: correct the roster and submit it again"), False) if returned
                 else (_("Submitted to the town"), reached >= 4))
    return [
        (_("Roster prepared (import or edit)"), filing is not None),
        (_("Roster posted for public notice"), notice is not None),
        (_("Notice period ended, objections handled"),
         notice_ended(notice, today) and not open_objections(notice)),
        (_("Confirmed by the member assembly (or reform roster)"), reached >= 3 or resubmitted),
        submitted,
        (_("Recorded by the town"), reached >= 5),
        (_("Recorded by the district"), reached >= 6),
    ]


def _resolution_note(filing: Filing | None, state: str | None, pending: int, objections_open: bool) -> str | None:
    """Why the resolution card offers no form or button right now, for each state."""
    notice = filing.notice if filing else None
    if filing is None:
        return _("Available once a roster version has been posted for public notice and the notice period has ended.")
    if state == RETURNED:
        return _("The town returned the roster: open it for correction first (Correct and resubmit).")
    if state in (TOWN_REVIEW, TOWN_FILED, DISTRICT_FILED):
        return _("The roster has been submitted; nothing is to be recorded here.")
    if notice is None:
        return _("Post the roster for public notice first; "
                 "a resolution can be recorded once the notice period has ended.")
    if state == ON_NOTICE:
        return _("Available once the notice period has ended (on %(date)s).", date=notice.ends_on.isoformat())
    if objections_open:
        return _("Handle the open objections first (F-04).")
    if pending == 0 and filing.resolution is None:
        return _("No candidate is pending: no member assembly resolution is needed (M-05).")
    if pending == 0:
        return _("No candidate is pending: no further resolution is needed.")
    return None


def _village_page(village: Area, org: Organization, **forms):
    today = local_today()
    history = workflow.filings_of(db.session, org.id)
    filing = workflow.open_filing(db.session, org.id)
    shown = filing or (history[0] if history else None)
    state = workflow.display_state(shown, today) if shown else None
    notice = filing.notice if filing else None
    pending = pending_count(db.session, org.id)
    notice_over = notice_ended(notice, today)
    objections_open = bool(open_objections(notice))
    is_clerk = current_user.role == CLERK
    objections = notice.objections if notice else []
    can = {
        "start_notice": is_clerk and (filing is None or filing.state == DRAFT),
        "objections": is_clerk and filing is not None and notice is not None
        and filing.state in (DRAFT, ON_NOTICE, AWAITING_ASSEMBLY, CONFIRMED),
        # After a confirmation (or a return) a further resolution is only needed for new candidates.
        "resolution": is_clerk and filing is not None and notice_over and not objections_open
        and (state == AWAITING_ASSEMBLY or (state in (DRAFT, CONFIRMED) and pending > 0)),
        "confirm": is_clerk and state == AWAITING_ASSEMBLY and pending == 0 and not objections_open,
        "submit": is_clerk and filing is not None and notice_over and state in (CONFIRMED, DRAFT),
        "reopen": is_clerk and state == RETURNED,
    }
    resolve_forms = {o.id: with_version(forms.get("resolve_forms", {}).get(o.id)
                                        or ResolveObjectionForm(prefix=f"objection-{o.id}"), o)
                     for o in objections if not o.resolved}
    # the base is derived for the meeting date; today's is shown, with a link to the list.
    base = meeting_base(db.session, org.id, today) if can["resolution"] else None
    resolution_form = forms.get("resolution_form") or FilingResolutionForm()
    base_note = None
    if base is not None:
        base_note = _("On the roster today %(n)s members have full civil capacity (A-07); the base is counted "
                      "for the meeting date from the roster as it stood that day.", n=base.size)
        if base.among_candidates:
            base_note += " " + _("No member is confirmed yet: the pending candidates are counted.")
        charter = settings_for(db.session, org.id, today)
        if charter.settings_id is not None:  # the thresholds the charter in force sets
            base_note += " " + _("Charter (%(article)s): votes for at least %(votes)s and attendance at least "
                                 "%(quorum)s of the base.", article=charter.article,
                                 votes=str(charter.confirmation_threshold), quorum=str(charter.quorum_threshold))
    note = None if (can["resolution"] or can["confirm"]) else _resolution_note(filing, state, pending, objections_open)
    return render_template(
        "filings/village.html", village=village, org=org, filing=filing, shown=shown, state=state,
        history=[(f, workflow.display_state(f, today)) for f in history], notice=notice, objections=objections,
        pending=pending,
        counts=status_counts(db.session, org.id), steps=_steps(shown, state, today), can=can,
        notice_form=with_version(forms.get("notice_form") or NoticeForm(), filing),
        objection_form=forms.get("objection_form") or ObjectionForm(),
        resolution_form=with_version(resolution_form, filing), base_note=base_note,
        base_size=base.size if base is not None else None, resolution_note=note,
        resolve_forms=resolve_forms, action_form=with_version(ActionForm(), filing),
        resolution_error=forms.get("resolution_error"),
        working_days=settings_for(db.session, org.id, today).notice_working_days, today=today,
    )


@bp.get("/villages/<code>/filing")
@require_role(*READERS)
def village(code: str):
    village_area, org = load_village(code)
    return _village_page(village_area, org)


def _open_filing_or_404(org: Organization) -> Filing:
    filing = workflow.open_filing(db.session, org.id)
    if filing is None:
        abort(404)
    return filing


@bp.post("/villages/<code>/filing/notice")
@require_role(CLERK)
def start_notice(code: str):
    village_area, org = load_village(code)
    form = NoticeForm()
    if not form.validate_on_submit():
        return _village_page(village_area, org, notice_form=form)
    check_version(workflow.open_filing(db.session, org.id), form)
    try:
        filing = workflow.current_filing(db.session, org, actor=current_user)
        notice = start_notice_service(
            db.session, filing, posted_on=form.posted_on.data, ends_on=form.ends_on.data,
            place=form.place.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return _village_page(village_area, org, notice_form=form)
    commit(_("The roster is on public notice until %(date)s", date=notice.ends_on.isoformat()))
    return redirect(url_for("filings.village", code=code))


@bp.post("/villages/<code>/filing/objections")
@require_role(CLERK)
def add_objection(code: str):
    village_area, org = load_village(code)
    filing = _open_filing_or_404(org)
    if filing.notice is None:
        abort(404)
    form = ObjectionForm()
    if not form.validate_on_submit():
        return _village_page(village_area, org, objection_form=form)
    try:
        raise_objection(db.session, filing.notice, form.text.data, form.raised_by.data, actor=current_user,
                        submission=form.submission_token())
    except DomainError as err:
        refused(err)
        return _village_page(village_area, org, objection_form=form)
    commit(_("The objection has been recorded"))
    return redirect(url_for("filings.village", code=code))


@bp.post("/villages/<code>/filing/objections/<int:objection_id>/resolve")
@require_role(CLERK)
def resolve(code: str, objection_id: int):
    village_area, org = load_village(code)
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.notice.organization_id != org.id:
        abort(404)
    form = ResolveObjectionForm(prefix=f"objection-{objection_id}")
    if not form.validate_on_submit():
        return _village_page(village_area, org, resolve_forms={objection_id: form})
    check_version(objection, form)
    try:
        resolve_objection(db.session, objection, form.note.data, actor=current_user)
    except DomainError as err:
        refused(err)
        return _village_page(village_area, org, resolve_forms={objection_id: form})
    commit(_("The objection has been marked as handled"))
    return redirect(url_for("filings.village", code=code))


@bp.post("/villages/<code>/filing/resolution")
@require_role(CLERK)
def record_resolution(code: str):
    village_area, org = load_village(code)
    filing = _open_filing_or_404(org)
    form = FilingResolutionForm()
    if not form.validate_on_submit():
        return _village_page(village_area, org, resolution_form=form)
    check_version(filing, form)
    try:
        workflow.record_resolution(db.session, filing, actor=current_user, today=local_today(), **form.facts())
    except DomainError as err:
        refused(err)
        return _village_page(village_area, org, resolution_form=form, resolution_error=str(err))
    decided = db.session.get(AuditEvent, _last_event_id(filing.id)).detail
    if decided.get("rejected_count"):
        commit(_("The resolution has been recorded; %(n)s candidate(s) confirmed, %(m)s not confirmed",
                  n=decided["confirmed_count"], m=decided["rejected_count"]))
    else:
        commit(_("The resolution has been recorded; %(n)s candidate(s) confirmed", n=decided["confirmed_count"]))
    return redirect(url_for("filings.village", code=code))


def _last_event_id(filing_id: int) -> int:
    from sqlalchemy import func, select

    return db.session.scalar(select(func.max(AuditEvent.id)).where(
        AuditEvent.target_type == "filing", AuditEvent.target_id == filing_id,
        AuditEvent.action == "filing.record_resolution"))


def _village_action(code: str, run, message: str):
    village_area, org = load_village(code)
    filing = _open_filing_or_404(org)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    check_version(filing, form)
    try:
        run(db.session, filing, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
        return _village_page(village_area, org)
    commit(message)
    return redirect(url_for("filings.village", code=code))


@bp.post("/villages/<code>/filing/confirm")
@require_role(CLERK)
def confirm(code: str):
    return _village_action(code, workflow.confirm_without_resolution,
                           _("Notice period over; no member assembly confirmation needed (reform-confirmed members)"))


@bp.post("/villages/<code>/filing/submit")
@require_role(CLERK)
def submit(code: str):
    return _village_action(code, workflow.submit, _("The roster has been submitted to the town for filing"))


@bp.post("/villages/<code>/filing/reopen")
@require_role(CLERK)
def reopen(code: str):
    return _village_action(code, workflow.reopen,
                           _("The returned roster is open for correction; submit it again when ready"))
