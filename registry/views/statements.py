"""The member's rights statement (issue 12): issue (clerk, town, district in scope; audited), print view
(A4) and the public ``/verify/<code>`` page (name and masked ID only, rate-limited)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from registry.clock import local_today
from registry.extensions import db, limiter
from registry.models import RightsStatement
from registry.permissions import CLERK, DISTRICT, TOWN, require_role
from registry.services import statements
from registry.services.shares.settings import SHARE_TYPE_LABELS
from registry.views.member_page import load_membership, load_village

bp = Blueprint("statements", __name__)


@bp.post("/villages/<code>/members/<int:membership_id>/statement")
@require_role(CLERK, TOWN, DISTRICT)
def issue(code: str, membership_id: int):
    village, org = load_village(code)
    membership = load_membership(org, membership_id)
    statement = statements.issue(db.session, membership, actor=current_user, today=local_today(),
                                 area_code=village.code)
    db.session.commit()
    return redirect(url_for("statements.show", code=code, statement_id=statement.id))


@bp.get("/villages/<code>/statements/<int:statement_id>")
@require_role(CLERK, TOWN, DISTRICT)
def show(code: str, statement_id: int):
    village, org = load_village(code)
    statement = db.session.get(RightsStatement, statement_id)
    if statement is None or statement.membership.organization_id != org.id:
        abort(404)
    content = statements.statement_content(db.session, statement.membership, statement.issued_on)
    return render_template("statements/print.html", village=village, org=org, statement=statement,
                           content=content, type_labels=SHARE_TYPE_LABELS)


@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str):
    statement = statements.find(db.session, code)
    if statement is None:  # one page for every wrong code: nothing of what was typed, nothing of others
        return render_template("statements/verify_missing.html"), 404
    person = statement.membership.person
    return render_template("statements/verify.html", statement=statement, name=person.name,
                           masked_id=statements.mask_for_verify(person.id_number),
                           current=statements.is_current(db.session, statement, local_today()))
