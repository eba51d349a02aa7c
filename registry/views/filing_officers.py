"""Filing screens of the town and the district (F-02, F-09): the inboxes, the filing detail with its
trail, and the officers' actions on it — record or return (town), receive (district).

Routes of the ``filings`` blueprint (defined with the village's steps in :mod:`registry.views.filings`),
so the endpoint names stay ``filings.*``; :mod:`registry.views.blueprints` imports this module before
registering the blueprint.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.clock import local_today
from registry.extensions import db
from registry.forms.concurrency import with_version
from registry.forms.filings import ActionForm, ReturnForm
from registry.models import Filing, User
from registry.models.filings import TOWN_FILED, TOWN_REVIEW
from registry.permissions import ADMIN, DISTRICT, TOWN, require_role
from registry.services.errors import DomainError
from registry.services.filing import filings as workflow
from registry.services.filing.items import item_counts
from registry.services.filing.queries import (
    district_inbox as district_inbox_query,
    filing_trail,
    notices_of,
    town_inbox as town_inbox_query,
)
from registry.views.concurrency import check_version
from registry.views.filing_labels import audit_details
from registry.views.filing_review import audit_review_view, review_context
from registry.views.filings import READERS, bp, commit, load_filing
from registry.views.member_page import refused

# --- inboxes --------------------------------------------------------------------------------------------

@bp.get("/town/filings")
@require_role(TOWN)
def town_inbox():
    inbox = town_inbox_query(db.session, current_user.scope)
    return render_template("filings/inbox.html", inbox=inbox, level="town", action_form=ActionForm())


@bp.get("/district/filings")
@require_role(DISTRICT, ADMIN)
def district_inbox():
    inbox = district_inbox_query(db.session, current_user.scope)
    return render_template("filings/inbox.html", inbox=inbox, level="district", action_form=ActionForm())


# --- detail and the town / district actions -------------------------------------------------------------

def _detail_page(filing: Filing, *, return_form: ReturnForm | None = None):
    counts = item_counts(db.session, filing.id)
    users = {}
    for uid in (filing.submitted_by_id, filing.town_recorded_by_id, filing.district_recorded_by_id):
        if uid:
            users[uid] = db.session.get(User, uid)
    notices = notices_of(db.session, filing)
    by_id = {n.id: n for n in notices}
    trail = [(event, actor, audit_details(event, by_id)) for event, actor in filing_trail(db.session, filing)]
    review = review_context(filing)
    html = render_template(
        "filings/detail.html", filing=filing, village=filing.organization.area, org=filing.organization,
        counts=counts, **review, notices=notices,
        trail=trail, users=users, complete=workflow.is_complete(filing),
        return_form=with_version(return_form or ReturnForm(), filing), action_form=with_version(ActionForm(), filing),
        can_town=current_user.role == TOWN and filing.state == TOWN_REVIEW,
        can_district=current_user.role == DISTRICT and filing.state == TOWN_FILED,
        total=sum(counts.values()),
    )
    audit_review_view(filing, review)  # after rendering: the commit expires what the page reads
    return html


@bp.get("/filings/<int:filing_id>")
@require_role(*READERS)
def detail(filing_id: int):
    return _detail_page(load_filing(filing_id))


def _officer_action(filing_id: int, run, message: str, form, **data):
    filing = load_filing(filing_id)
    check_version(filing, form)
    try:
        run(db.session, filing, actor=current_user, today=local_today(), **data)
    except DomainError as err:
        refused(err)
        return _detail_page(load_filing(filing_id))
    commit(message)
    return redirect(url_for("filings.detail", filing_id=filing_id))


@bp.post("/filings/<int:filing_id>/record")
@require_role(TOWN)
def record(filing_id: int):
    load_filing(filing_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _officer_action(filing_id, workflow.town_record, _("The roster has been recorded by the town"), form)


@bp.post("/filings/<int:filing_id>/return")
@require_role(TOWN)
def return_filing(filing_id: int):
    filing = load_filing(filing_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _detail_page(filing, return_form=form)
    return _officer_action(filing_id, workflow.town_return, _("The roster has been returned to the village"),
                           form, reason=form.reason.data)


@bp.post("/filings/<int:filing_id>/receive")
@require_role(DISTRICT)
def receive(filing_id: int):
    load_filing(filing_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _officer_action(filing_id, workflow.district_receive,
                           _("The district has recorded the roster; the filing is complete"), form)
