"""Roster import service (issue 2 §5): counts, all-or-nothing, partial mode, re-import, duplicates."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Household, HouseholdMember, HukouRecord, Membership, Person
from registry.services.areas import organization_for_village
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

CLEAN = [
    ("370305100201", 347, 94),
    ("370305100202", 804, 225),
    ("370305102201", 1446, 427),
]


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("code,members,households", CLEAN)
def test_clean_roster_imports_with_no_codes_and_reimports_unchanged(db, demo, code, members, households):
    org = organization_for_village(db.session, code)
    data = (SAMPLES / f"roster_{code}.xlsx").read_bytes()
    report = import_roster(db.session, data, org, actor=None, filename="r.xlsx")
    db.session.commit()
    assert report.errors == [] and report.warnings == []
    assert report.committed
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (members, members, 0, 0)
    assert _count(db, Membership, Membership.organization_id == org.id) == members
    assert _count(db, Household, Household.organization_id == org.id) == households
    # M-25: every household has exactly one current head.
    heads = db.session.scalar(
        select(func.count()).select_from(HouseholdMember).join(Household)
        .where(Household.organization_id == org.id, HouseholdMember.is_head.is_(True)))
    assert heads == households

    again = import_roster(db.session, data, org, actor=None, filename="r.xlsx")
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, members)
    assert _count(db, Person) == members


def test_H01_hukou_outside_village_stays_confirmed_member(db, demo):
    org = organization_for_village(db.session, "370305100201")
    import_roster(db.session, (SAMPLES / "roster_370305100201.xlsx").read_bytes(), org, actor=None)
    db.session.commit()
    outside = db.session.scalars(
        select(Membership).join(HukouRecord, HukouRecord.person_id == Membership.person_id)
        .where(HukouRecord.in_organization.is_(False))).all()
    assert outside, "the sample has members whose hukou is elsewhere"
    assert {m.status for m in outside} == {"confirmed"}


def test_messy_roster_all_or_nothing_writes_nothing(db, demo):
    org = organization_for_village(db.session, "370305100203")
    report = import_roster(db.session, (SAMPLES / "roster_messy.xlsx").read_bytes(), org, actor=None)
    db.session.commit()
    assert not report.committed
    assert report.errors
    assert _count(db, Person) == 0 and _count(db, Membership) == 0 and _count(db, AuditEvent) == 0


def test_messy_roster_partial_leaves_out_households_with_errors(db, demo):
    org = organization_for_village(db.session, "370305100203")
    data = (SAMPLES / "roster_messy.xlsx").read_bytes()
    report = import_roster(db.session, data, org, actor=None, partial=True)
    db.session.commit()
    assert report.committed and report.skipped_households
    imported = set(db.session.scalars(select(Household.number).where(Household.organization_id == org.id)))
    assert imported and not imported & set(report.skipped_households)
    assert report.created == _count(db, Membership, Membership.organization_id == org.id)
    assert report.created + report.skipped_rows == report.rows_read


def test_dry_run_writes_nothing(db, demo):
    org = organization_for_village(db.session, "370305100201")
    report = import_roster(db.session, (SAMPLES / "roster_370305100201.xlsx").read_bytes(), org, actor=None,
                           dry_run=True)
    db.session.commit()
    assert report.created == 347 and not report.committed
    assert _count(db, Person) == 0


def test_M15_active_member_elsewhere_gives_duplicate_other_village(db, demo):
    first = organization_for_village(db.session, "370305100201")
    data = (SAMPLES / "roster_370305100201.xlsx").read_bytes()
    import_roster(db.session, data, first, actor=None)
    db.session.commit()
    other = organization_for_village(db.session, "370305100204")
    report = import_roster(db.session, data, other, actor=None)
    db.session.commit()
    assert not report.committed
    codes = {e["code"] for e in report.errors}
    assert codes == {"duplicate.other_village"}
    assert len(report.errors) == 347
    assert "东柳庄村" in report.errors[0]["message"]
    assert _count(db, Membership, Membership.organization_id == other.id) == 0


def test_reimport_with_changed_cells_reports_updates(db, demo):
    org = organization_for_village(db.session, "370305100201")
    data = (SAMPLES / "roster_370305100201.xlsx").read_bytes()
    import_roster(db.session, data, org, actor=None)
    db.session.commit()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    headings = [c.value for c in ws[2]]
    phone_col = headings.index("联系电话") + 1
    place_col = headings.index("户籍所在地") + 1
    ws.cell(row=3, column=phone_col, value="13800009999")
    ws.cell(row=4, column=place_col, value="山东省淄博市张店区")
    buf = io.BytesIO()
    wb.save(buf)
    report = import_roster(db.session, buf.getvalue(), org, actor=None)
    db.session.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 2, 345)
    changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster.import")
                                .order_by(AuditEvent.id.desc()))
    assert len(changed.detail["changes"]) == 2
    # H-01: a hukou move is recorded as history, membership untouched.
    assert _count(db, HukouRecord, HukouRecord.valid_to.is_not(None)) == 1
    assert _count(db, Membership, Membership.status != "confirmed", Membership.organization_id == org.id) == 0


def test_F04_import_that_changes_a_noticed_roster_voids_the_notice(db, demo, clock):
    import datetime as dt

    from registry.models import Filing, User
    from registry.services.filing import filings

    org = organization_for_village(db.session, "370305100201")
    data = (SAMPLES / "roster_370305100201.xlsx").read_bytes()
    import_roster(db.session, data, org, actor=None)
    clerk = db.session.scalar(select(User).where(User.username == "clerk"))
    filing = filings.open_filing(db.session, org.id)
    filings.transition(db.session, filing, filings.START_NOTICE, actor=clerk,
                       posted_on=dt.date(2026, 6, 12))  # the clock stands at 2026-06-15
    db.session.commit()
    # Unchanged re-import: the notice stands.
    same = import_roster(db.session, data, org, actor=None)
    assert not any(w["code"] == "filing.renotice" for w in same.warnings)
    assert filings.open_filing(db.session, org.id).state == "on_notice"

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    ws.cell(row=3, column=[c.value for c in ws[2]].index("联系电话") + 1, value="13800001111")
    buf = io.BytesIO()
    wb.save(buf)
    preview = import_roster(db.session, buf.getvalue(), org, actor=None, dry_run=True)
    assert any(w["code"] == "filing.renotice" for w in preview.warnings)
    assert filings.open_filing(db.session, org.id).state == "on_notice"
    report = import_roster(db.session, buf.getvalue(), org, actor=None)
    db.session.commit()
    filing = db.session.get(Filing, filing.id)
    assert report.updated == 1 and filing.state == "draft" and filing.notice_id is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "filing.roster_changed"))
    assert event is not None and event.detail["voided_notice_id"]
    # The roster is dated by the change: a new notice may not be posted before it (F-04).
    assert filing.roster_changed_on == dt.date(2026, 6, 15)
    from registry.services.errors import DomainError

    with pytest.raises(DomainError) as refused:
        filings.transition(db.session, filing, filings.START_NOTICE, actor=clerk, posted_on=dt.date(2026, 6, 12))
    assert refused.value.rule == "F-04"


def test_F04_first_import_does_not_date_the_roster(db, demo, clock):
    """The first import enters the roster as it already stands, so its paper notice may be older."""
    from registry.services.filing import filings

    org = organization_for_village(db.session, "370305100201")
    import_roster(db.session, (SAMPLES / "roster_370305100201.xlsx").read_bytes(), org, actor=None)
    assert filings.open_filing(db.session, org.id).roster_changed_on is None


def test_F09_roster_under_town_review_cannot_be_imported(db, demo):
    from registry.models import Filing

    org = organization_for_village(db.session, "370305100201")
    db.session.add(Filing(organization_id=org.id, version_no=1, state="town_review", area_code=org.area_code))
    db.session.commit()
    report = import_roster(db.session, (SAMPLES / "roster_370305100201.xlsx").read_bytes(), org, actor=None)
    assert report.file_error and report.errors[0]["code"] == "roster.locked"
    assert _count(db, Person) == 0
