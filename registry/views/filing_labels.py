"""Chinese labels of the filing workflow for the screens: filing states, item changes and audit actions
(with a one-line detail per audit event). Registered as template filters by ``views.filings``."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from registry.models import AuditEvent, PublicNotice
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

STATE_LABELS = {
    DRAFT: _l("Draft"),
    ON_NOTICE: _l("On public notice"),
    AWAITING_ASSEMBLY: _l("Awaiting member assembly"),
    CONFIRMED: _l("Confirmed, not yet submitted"),
    TOWN_REVIEW: _l("Under town review"),
    RETURNED: _l("Returned by town"),
    TOWN_FILED: _l("Filed (town)"),
    DISTRICT_FILED: _l("Filed at district"),
}
CHANGE_LABELS = {
    "added": _l("Added"), "changed": _l("Changed"), "unchanged": _l("Unchanged"), "ended": _l("Ended"),
}


#: Every audit action code the registry writes → its label (an unknown code is shown as stored).
#: ``filing.<action>`` covers each workflow action (tests check the table against the workflow).
AUDIT_ACTIONS = {
    "filing.created": _l("Roster version created"),
    "filing.start_notice": _l("Public notice started"),
    "filing.end_notice": _l("Notice period ended"),
    "filing.record_resolution": _l("Member assembly resolution recorded"),
    "filing.confirm_without_resolution": _l("Confirmed without a resolution (reform roster)"),
    "filing.submit": _l("Submitted to the town"),
    "filing.town_record": _l("Recorded by the town"),
    "filing.town_return": _l("Returned by the town"),
    "filing.reopen": _l("Reopened for correction"),
    "filing.district_receive": _l("Recorded by the district"),
    "filing.roster_changed": _l("Roster changed after the notice; notice voided"),
    "notice.posted": _l("Notice posted"),
    "objection.raised": _l("Objection raised"),
    "objection.resolved": _l("Objection handled"),
    "resolution.recorded": _l("Resolution recorded"),
    "membership.confirmed": _l("Membership confirmed"),
    "roster.import": _l("Roster imported"),
    "export.roster": _l("Roster exported"),
    "export.summary": _l("Summary exported"),
    "filing.w02_acknowledged": _l("Women's-equality flag reviewed (W-02)"),
}


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTIONS.get(action, action))


def audit_details(event: AuditEvent, notices: dict[int, PublicNotice]) -> str:
    """The details column of the audit trail: the reason, note or objection text, and for a roster
    change which notice it voided (``notices``: the filing's notices by id)."""
    detail = event.detail or {}
    if event.action == "filing.roster_changed":
        voided = detail.get("voided_notice_id")
        posted = detail.get("voided_posted_on")
        if voided is not None and posted is None and voided in notices:
            posted = notices[voided].posted_on.isoformat()
        parts = []
        if voided is not None:
            parts.append(_("The notice posted on %(date)s is void; post the roster for public notice again",
                           date=posted or "?"))
        if detail.get("created") or detail.get("updated"):
            parts.append(_("%(created)s added, %(updated)s updated",
                           created=detail.get("created", 0), updated=detail.get("updated", 0)))
        return "; ".join(parts)
    if event.action == "notice.posted" and detail.get("posted_on"):
        return _("Posted on %(posted)s, notice period until %(end)s",
                 posted=detail["posted_on"], end=detail.get("ends_on", ""))
    if event.action == "filing.record_resolution" and detail.get("confirmed_count") is not None:
        return _("%(n)s candidate(s) confirmed", n=detail["confirmed_count"])
    return str(detail.get("reason") or detail.get("note") or detail.get("text") or "")


def filing_state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def filing_change_label(change: str) -> str:
    return str(CHANGE_LABELS.get(change, change))
