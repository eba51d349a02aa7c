"""History through HTTP and the CLI (issue 3 step 8): the member page timeline (acquisition, flags,
hukou, filings, ending) and the roster as of a date (screen and export)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster

V1 = "370305100201"
# The registry clock is stopped on TODAY (Beijing date, tests.conftest ``clock``): every date the
# test posts is relative to it, the real date never matters.
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture
def members(db, demo):
    out = filed_roster(db.session, org(db.session), user(db.session, "clerk"))
    db.session.commit()
    return out


def test_member_timeline(login_as, members, db):
    clerk = login_as("clerk")
    m = members[2]
    assert clerk.post(f"/villages/{V1}/members/{m.id}/flags", data={"flags-flags": ["study"]}).status_code == 302
    assert clerk.post(f"/villages/{V1}/members/{m.id}/hukou", data={
        "hukou-place": "北京市海淀区", "hukou-in_organization": "0", "hukou-moved_at": iso(20)}).status_code == 302
    assert clerk.post(f"/villages/{V1}/members/{m.id}/end", data={
        "end-ground": "civil_servant", "end-lost_at": iso(2), "end-evidence": "公务员录用通知"}).status_code == 302
    html = login_as("town").get(f"/villages/{V1}/members/{m.id}").get_data(as_text=True)
    section = html[html.index('id="timeline"'):]
    kinds = [k for k in ("acquired", "confirmed", "filed", "hukou", "flags", "ended") if f'data-kind="{k}"' in section]
    assert kinds == ["acquired", "confirmed", "filed", "hukou", "flags", "ended"]
    assert "改革确认" in section and "第 1 版（新增）" in section and "北京市海淀区（非本村）" in section
    assert "无 → 就学" in section and "成为公务员（非聘任制）" in section
    assert section.index(iso(20)) < section.index(iso(2))


def test_roster_as_of_screen_and_export(login_as, members, db):
    clerk = login_as("clerk")
    assert clerk.post(f"/villages/{V1}/members/{members[0].id}/end", data={
        "end-ground": "death", "end-lost_at": iso(5)}).status_code == 302
    before = login_as("town").get(f"/villages/{V1}/roster/as-of?date={iso(6)}").get_data(as_text=True)
    after = login_as("town").get(f"/villages/{V1}/roster/as-of?date={iso(5)}").get_data(as_text=True)
    masked = members[0].person.id_number[:6] + "********" + members[0].person.id_number[-4:]
    assert before.count(masked) == 1 and after.count(masked) == 0
    # Version 1 was recorded by the town today (the test's filing ran now): in force from today on.
    assert "当日没有已备案的名册" in after
    assert "当日有效的备案名册：第 1 版" in login_as("town").get(f"/villages/{V1}/roster/as-of").get_data(as_text=True)
    assert members[0].person.id_number not in before  # masked for the town
    resp = login_as("town").get(f"/villages/{V1}/roster/as-of.xlsx?date={iso(6)}")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert ws.max_row == 2 + 9  # title, headings, nine members


def test_cli_export_roster_as_of(runner, members, tmp_path):
    out = tmp_path / "asof.xlsx"
    result = runner.invoke(args=["export-roster-as-of", "--village", V1, "--date", "2025-02-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 人" in result.output
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(row=2, column=1).value == "序号" and ws.max_row == 11

