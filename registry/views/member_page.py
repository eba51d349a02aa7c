"""The member page and the helpers every village screen shares (no blueprint of its own): the village
and membership loaders (404 outside the scope), commit / refuse, the page's action panels (membership
changes, disputes, the M-15 hand-over links) and the audit of shown full ID numbers.

Below ``roster``, ``members``, ``disputes``, ``households``, ``grants``, ``history`` and ``filing_review``,
which all import it, so none of them imports another's blueprint module for a helper (issue 9).
"""
from __future__ import annotations

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db
from registry.forms.disputes import CloseDisputeForm, OpenDisputeForm, StageForm
from registry.forms.members import EndForm, FlagsForm, HukouForm, MoveForm, RejectionForm, WithdrawForm
from registry.models import Area, Filing, Membership, Organization, Resolution
from registry.models.filings import TOWN_REVIEW
from registry.permissions import CLERK, ensure_in_scope, sees_full_ids
from registry.reports.history import member_timeline
from registry.reports.households import household_choices
from registry.reports.roster.listing import find_area, mask_id_number, member_detail
from registry.reports.roster.masking import birth_year
from registry.reports.shares.units import member_payments
from registry.services import audit
from registry.services.errors import DomainError
from registry.services.filing.filings import member_filing_states
from registry.services.membership.disputes import disputes_of
from registry.services.membership.transitions import OPEN_DISPUTE, TRANSITIONS
from registry.views.assembly_context import capacity_context


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
    audit.record(db.session, actor=current_user, action=action, target_type=target_type, target_id=target_id,
                 area_code=village.code, rows=rows, **detail)
    db.session.commit()


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
    beyond a 64-bit integer): the handler then answers 422, never 500 (issue 10 item 10)."""
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
    ctx = {"can_edit": can_edit, "locked": can_edit and is_locked(org), "handover": handover_links(m),
           "timeline": member_timeline(db.session, m), **dispute_context(m, can_edit, forms),
           **capacity_context(m, can_edit, forms)}
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
    """The member page again after a refused or invalid change form (422 by default)."""
    return show_member(code, membership_id, status=status, **forms)


def dispute_context(m: Membership, can_edit: bool, forms: dict) -> dict:
    """Member page: the membership's disputes (everyone) and the clerk's dispute forms."""
    disputes = disputes_of(db.session, m.id)
    current = next((d for d in disputes if d.closed_on is None), None)
    ctx = {"disputes": disputes, "open_dispute": current,
           "can_open_dispute": can_edit and (m.status, OPEN_DISPUTE) in TRANSITIONS}
    if can_edit:
        ctx.update(dispute_form=forms.get("dispute_form") or OpenDisputeForm(),
                   stage_form=forms.get("stage_form") or StageForm(),
                   close_form=forms.get("close_form") or CloseDisputeForm())
    return ctx


def show_member(code: str, membership_id: int, *, status: int = 200, **forms):
    """The member page; ``forms`` carries submitted change forms to show again with their errors
    (registry.views.members, registry.views.disputes)."""
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
                           payments=member_payments(db.session, detail.membership),
                           **member_actions(village, org, detail.membership, forms))
    if full_id:  # the person and the household members listed with them
        audit_full_ids(village, "view.member_full_id", "membership", membership_id,
                       max(1, len(detail.household_rows)))
    return html, status
