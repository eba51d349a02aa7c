"""What the town reviews in a roster version: the change set against the last filed version (F-07)
and the women's-equality flags (W-02) it acknowledges one by one before recording. The clerk sees the
same change set, with the rows that will be flagged, before submitting."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.extensions import db
from registry.forms.members import AcknowledgeForm
from registry.models import EqualityFlag, Filing, Membership, Person
from registry.models.filings import TOWN_REVIEW
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, ensure_in_scope, require_role, sees_full_ids
from registry.reports.roster.masking import ID_HEADING, mask_id_number, masked_value
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.filing import filings as workflow
from registry.services.membership.equality import acknowledge, flags_of
from registry.services.roster.diff import filing_diff
from registry.views.member_page import commit, load_village, refused

bp = Blueprint("review", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def shown_id(village_code: str):
    """Full ID numbers only for the village's own clerk (as on the roster pages)."""
    return (lambda number: number) if sees_full_ids(current_user, village_code) else mask_id_number


def _shown_field(full: bool):
    """A cell of the change set as shown: where IDs are masked, 证件号码 masked and 出生日期 (or a date
    equal to the birth date, ``birth``) reduced to its year (reports/roster/masking.py)."""
    if full:
        return lambda heading, value, birth="": value
    return lambda heading, value, birth="": masked_value(heading, value, birth)


def full_id_rows(diff) -> int:
    """How many members the change set shows with an ID number (the audited row count)."""
    if diff is None:
        return 0
    changed = sum(1 for r in diff.changed if any(f.heading == ID_HEADING for f in r.fields))
    return len(diff.added) + len(diff.ended) + changed


def audit_review_view(filing: Filing | None, context: dict) -> None:
    """Audit a change-set view that showed full ID numbers (the village's clerk; README: every
    full-ID view). Called after rendering: the commit expires what the page reads."""
    rows = full_id_rows(context.get("diff"))
    if filing is not None and context.get("full_id") and rows:
        audit.record(db.session, actor=current_user, action="view.filing_full_ids", target_type="filing",
                     target_id=filing.id, area_code=filing.area_code, rows=rows, version_no=filing.version_no)
        db.session.commit()


def review_context(filing: Filing) -> dict:
    """Template context of the diff and the W-02 flags of ``filing`` (detail page and pre-submit)."""
    diff = filing_diff(db.session, filing)
    flags = flags_of(db.session, filing)
    names = dict(db.session.execute(select(Membership.id, Person.name).join(Person)
                                    .where(Membership.id.in_([f.membership_id for f in flags]))).all())
    flagged = {r.membership_id for r in diff.ended if r.keywords}  # W-02 (frozen, or to be flagged)
    can_ack = current_user.role == TOWN and filing.state == TOWN_REVIEW
    full = sees_full_ids(current_user, filing.area_code)
    return {"diff": diff, "shown_id": shown_id(filing.area_code), "shown_field": _shown_field(full),
            "full_id": full, "flags": flags, "flag_names": names,
            "flagged": flagged, "can_ack": can_ack,
            "ack_forms": {f.id: AcknowledgeForm(prefix=f"flag-{f.id}") for f in flags if can_ack}}


@bp.get("/villages/<code>/filing/changes")
@require_role(*READERS)
def changes(code: str):
    """The clerk's pre-submit view: the open version's changes against the last filed version, as
    the town will see them (the latest version when none is open)."""
    village_area, org = load_village(code)
    filing = workflow.open_filing(db.session, org.id) or next(iter(workflow.filings_of(db.session, org.id)), None)
    context = review_context(filing) if filing else {"diff": None, "flagged": set()}
    html = render_template("filings/changes.html", village=village_area, org=org, filing=filing, **context)
    audit_review_view(filing, context)
    return html


@bp.post("/filings/<int:filing_id>/flags/<int:flag_id>/acknowledge")
@require_role(TOWN)
def acknowledge_flag(filing_id: int, flag_id: int):
    filing = db.get_or_404(Filing, filing_id)
    ensure_in_scope(current_user, filing.area_code)
    flag = db.session.get(EqualityFlag, flag_id)
    if flag is None or flag.filing_id != filing.id:
        abort(404)
    form = AcknowledgeForm(prefix=f"flag-{flag_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        acknowledge(db.session, flag, note=form.note.data, actor=current_user, today=local_today())
    except DomainError as err:
        refused(err)
    else:
        commit(_("Flag reviewed"))
    return redirect(url_for("filings.detail", filing_id=filing_id) + "#w02")
