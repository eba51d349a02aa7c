"""Member search over the user's whole area (village clerk: the village; town: its villages; district
and administrator: the district). Read-only GET page; the query is registry.reports.member_search."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from registry.extensions import db
from registry.forms.member_search import MemberSearchForm
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role, sees_full_ids
from registry.reports.member_search import parse_member_search, search_members
from registry.reports.roster.listing import mask_id_number
from registry.services import audit
from registry.views.roster import MAX_PAGE

bp = Blueprint("search", __name__)


@bp.get("/search")
@require_role(CLERK, TOWN, DISTRICT, ADMIN)
def members():
    form = MemberSearchForm(formdata=request.args)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    result, rows = None, []
    search = parse_member_search(form.q.data) if form.validate() else None
    if search is not None:
        holds = form.holds.data if form.holds.data == "homestead" else None
        result = search_members(db.session, current_user, search, status=form.status.data or None, page=page,
                                holds=holds)
        for hit in result.hits:
            # The roster's rule: full ID numbers only for the clerk of the member's village.
            full = sees_full_ids(current_user, hit.village_code)
            rows.append({"hit": hit, "full": full,
                         "id_number": hit.id_number if full else mask_id_number(hit.id_number)})
    asked = (("q", form.q.data), ("status", form.status.data), ("holds", form.holds.data))
    query_args = {k: v for k, v in asked if v}
    html = render_template("search/members.html", form=form, result=result, rows=rows, query_args=query_args,
                           masked=not all(row["full"] for row in rows))
    full_ids = [row["hit"] for row in rows if row["full"]]
    if full_ids:  # after rendering: the commit expires what the page reads
        _audit_full_ids(full_ids, search.kind, page, form.status.data or None)
    return html


def _audit_full_ids(hits, kind: str, page: int, status: str | None) -> None:
    """One audit event per village whose full ID numbers the page showed (who, where, how many rows) —
    as the roster does; not the search text itself, which may be a full ID number."""
    by_org: dict[int, list] = {}
    for hit in hits:
        by_org.setdefault(hit.organization_id, []).append(hit)
    for org_id, found in by_org.items():
        audit.record(db.session, actor=current_user, action="view.search_full_ids", target_type="organization",
                     target_id=org_id, area_code=found[0].village_code, rows=len(found), page=page, kind=kind,
                     status=status)
    db.session.commit()
