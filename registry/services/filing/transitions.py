"""The roster filing's transition table (DOMAIN §6.2, F-01..F-09): actions, the states they lead to, who
may take them, and their Chinese labels. :mod:`registry.services.filing.filings` runs it."""
from __future__ import annotations

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

START_NOTICE = "start_notice"
END_NOTICE = "end_notice"
RECORD_RESOLUTION = "record_resolution"
CONFIRM_WITHOUT_RESOLUTION = "confirm_without_resolution"
SUBMIT = "submit"
TOWN_RECORD = "town_record"
TOWN_RETURN = "town_return"
REOPEN = "reopen"
DISTRICT_RECEIVE = "district_receive"
ROSTER_CHANGED = "roster_changed"

STATE_LABELS = {
    DRAFT: "草稿", ON_NOTICE: "公示中", AWAITING_ASSEMBLY: "待成员大会确认", CONFIRMED: "已确认待报送",
    TOWN_REVIEW: "乡镇审核中", RETURNED: "乡镇退回", TOWN_FILED: "已备案(乡镇)", DISTRICT_FILED: "区级已备案",
}
ACTION_LABELS = {
    START_NOTICE: "开始公示", END_NOTICE: "公示期满", RECORD_RESOLUTION: "录入成员大会决议",
    CONFIRM_WITHOUT_RESOLUTION: "公示期满确认（改革确认成员）", SUBMIT: "报送乡镇",
    TOWN_RECORD: "乡镇备案", TOWN_RETURN: "乡镇退回", REOPEN: "退回后修改", DISTRICT_RECEIVE: "区级备案",
    ROSTER_CHANGED: "公示后名册变更（须重新公示）",
}

#: ``(state, action) → new state``. Resolution and submission also work from a draft that kept
#: its ended notice after a return; the guards decide whether the conditions still hold.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, START_NOTICE): ON_NOTICE,
    (ON_NOTICE, END_NOTICE): AWAITING_ASSEMBLY,
    (AWAITING_ASSEMBLY, RECORD_RESOLUTION): CONFIRMED,
    (AWAITING_ASSEMBLY, CONFIRM_WITHOUT_RESOLUTION): CONFIRMED,
    (DRAFT, RECORD_RESOLUTION): CONFIRMED,
    (CONFIRMED, RECORD_RESOLUTION): CONFIRMED,
    (CONFIRMED, SUBMIT): TOWN_REVIEW,
    (DRAFT, SUBMIT): TOWN_REVIEW,
    (TOWN_REVIEW, TOWN_RECORD): TOWN_FILED,
    (TOWN_REVIEW, TOWN_RETURN): RETURNED,
    (RETURNED, REOPEN): DRAFT,
    (TOWN_FILED, DISTRICT_RECEIVE): DISTRICT_FILED,
    # A roster changed after its notice was posted was not on public notice as filed: back to
    # draft, the notice is void and must be posted again (F-04).
    (ON_NOTICE, ROSTER_CHANGED): DRAFT,
    (AWAITING_ASSEMBLY, ROSTER_CHANGED): DRAFT,
    (CONFIRMED, ROSTER_CHANGED): DRAFT,
    # A draft keeps its (ended) notice after a return and reopen, a returned filing still has it:
    # a change voids that notice too, and a returned filing goes back to draft for a new notice.
    (DRAFT, ROSTER_CHANGED): DRAFT,
    (RETURNED, ROSTER_CHANGED): DRAFT,
}

#: States in which a notice is always linked, so that a roster change voids it. A draft or a
#: returned filing may hold one too (after a return): use :func:`notice_would_be_voided`.
NOTICE_POSTED_STATES = (ON_NOTICE, AWAITING_ASSEMBLY, CONFIRMED)

#: Who may take each action. Town and district officers review and record; they never edit
#: village data. ``None`` = anyone in scope (the implicit end of the notice).
ACTION_ROLES: dict[str, tuple[str, ...] | None] = {
    START_NOTICE: ("clerk",), END_NOTICE: None, RECORD_RESOLUTION: ("clerk",),
    CONFIRM_WITHOUT_RESOLUTION: ("clerk",), SUBMIT: ("clerk",), REOPEN: ("clerk",),
    TOWN_RECORD: ("town",), TOWN_RETURN: ("town",), DISTRICT_RECEIVE: ("district",),
    ROSTER_CHANGED: None,
}
