"""Village roster screens (read-only): the paginated member list with search and status filter, and
the member detail. Every role may read rosters inside its scope; a village outside it is a 404."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from registry.extensions import db
from registry.forms.roster import RosterSearchForm
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.roster.listing import (
    mask_id_number,
    parse_search,
    roster_select,
    row_extras,
)
from registry.views.member_page import audit_full_ids, filing_states, load_village, show_member, shows_full_id

bp = Blueprint("roster", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)

FILING_LABELS = {
    "unfiled": _l("Not filed"),
    "town_filed": _l("Filed at town"),
    "district_filed": _l("Filed"),  # F-02: recorded by both the town and the district
}


MAX_PAGE = 100_000  # keeps ?page=99999999999999999999 inside the database's integer range


def _page(stmt):
    """``db.paginate`` of ``stmt`` at the requested ``?page=``, clamped to 1 … last page: a page
    beyond the end (an old link after the roster shrank, a typed URL) shows the last page."""
    per_page = current_app.config["ROSTER_PAGE_SIZE"]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    if pagination.pages and page > pagination.pages:
        pagination = db.paginate(stmt, page=pagination.pages, per_page=per_page, error_out=False)
    return pagination


@bp.app_template_filter("filing_label")
def filing_label(state: str) -> str:
    return str(FILING_LABELS.get(state, state))


@bp.get("/villages/<code>/roster")
@require_role(*READERS)
def index(code: str):
    village, org = load_village(code)
    form = RosterSearchForm(formdata=request.args)
    search, status = None, None
    if form.validate():
        search = parse_search(form.q.data)
        status = form.status.data or None
    if form.errors:
        members = []
        pagination = None
    else:
        pagination = _page(roster_select(org.id, search=search, status=status))
        members = pagination.items
    extras = row_extras(db.session, members)
    states = filing_states(org.id) if members else {}
    full_id = shows_full_id(village)
    rows = [
        {
            "m": m,
            "id_number": m.person.id_number if full_id else mask_id_number(m.person.id_number),
            "relation": extras[m.id].relation,
            "hukou_local": extras[m.id].hukou_local,
            "filing": states.get(m.id, "unfiled"),
        }
        for m in members
    ]
    query_args = {k: v for k, v in (("q", form.q.data), ("status", form.status.data)) if v}
    html = render_template("roster/village_roster.html", village=village, org=org, form=form,
                           rows=rows, pagination=pagination, query_args=query_args, full_id=full_id)
    if full_id and rows:  # after rendering: the commit expires what the page reads
        # Not the search text itself: it may be a full ID number.
        audit_full_ids(village, "view.roster_full_ids", "organization", org.id, len(rows),
                       page=pagination.page if pagination else 1, searched=bool(form.q.data),
                       status=form.status.data or None)
    return html


@bp.get("/villages/<code>/members/<int:membership_id>")
@require_role(*READERS)
def member(code: str, membership_id: int):
    return show_member(code, membership_id)
