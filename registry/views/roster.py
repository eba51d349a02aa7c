"""Village roster screens (read-only): the paginated member list with search and status filter, and
the member detail. Every role may read rosters inside its scope; a village outside it is a 404."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.extensions import db
from registry.forms.roster import RosterSearchForm
from registry.models import Area, Organization
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, ensure_in_scope, require_role, sees_full_ids
from registry.reports.roster.listing import (
    find_area,
    mask_id_number,
    member_detail,
    parse_search,
    roster_select,
    row_extras,
)
from registry.reports.roster.masking import birth_year
from registry.services.filing.filings import member_filing_states

bp = Blueprint("roster", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)

FILING_LABELS = {
    "unfiled": _l("Not filed"),
    "town_filed": _l("Filed at town"),
    "district_filed": _l("Filed"),  # F-02: recorded by both the town and the district
}


def filing_states(organization_id: int) -> dict[int, str]:
    """membership id → "unfiled" | "town_filed" | "district_filed" (F-02: filed at town, then district)."""
    return member_filing_states(db.session, organization_id)


def load_village(code: str) -> tuple[Area, Organization]:
    """The village area and its organisation, 404 when outside the user's scope or unknown."""
    village = find_area(db.session, current_user, code, "village")
    if village is None or village.organization is None:
        abort(404)
    ensure_in_scope(current_user, village.code)
    return village, village.organization


def shows_full_id(village: Area) -> bool:
    """Full ID numbers only for the clerk of this village; everyone else sees them masked."""
    return sees_full_ids(current_user, village.code)


def audit_full_ids(village: Area, action: str, target_type: str, target_id: int, rows: int, **detail) -> None:
    """A view that showed full ID numbers leaves an audit event (who, which village, how many rows)."""
    from registry.services import audit

    audit.record(db.session, actor=current_user, action=action, target_type=target_type, target_id=target_id,
                 area_code=village.code, rows=rows, **detail)
    db.session.commit()


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
    return member_page(code, membership_id)


def member_page(code: str, membership_id: int, *, status: int = 200, **forms):
    """The member page; ``forms`` carries submitted change forms to show again with their errors
    (registry.views.members)."""
    from registry.views.members import member_actions

    village, org = load_village(code)
    detail = member_detail(db.session, org.id, membership_id)
    if detail is None:
        abort(404)
    full_id = shows_full_id(village)

    def shown_id(number: str) -> str:
        return number if full_id else mask_id_number(number)

    birth = detail.membership.person.birth_date

    def shown_date(day):
        """Where the ID is masked, a date equal to the birth date shows only its year (issue 10 item 4)."""
        return birth_year(day) if not full_id and day and birth and str(day)[:10] == birth.isoformat() else day

    filing = filing_states(org.id).get(membership_id, "unfiled")
    html = render_template("roster/member.html", village=village, org=org, d=detail, m=detail.membership,
                           person=detail.membership.person, shown_id=shown_id, shown_date=shown_date,
                           full_id=full_id, filing=filing,
                           **member_actions(village, org, detail.membership, forms))
    if full_id:  # the person and the household members listed with them
        audit_full_ids(village, "view.member_full_id", "membership", membership_id,
                       max(1, len(detail.household_rows)))
    return html, status
