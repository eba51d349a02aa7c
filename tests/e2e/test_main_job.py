"""Issue 2 end to end, for a sample village with two 待确认 candidates (后杨家村 370305102201):
clerk imports → public notice → assembly resolution → submit → town records → district receives →
district exports; the exported roster re-imports as all unchanged. Through HTTP, then with the CLI
doing the import and the exports."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Filing, Membership
from tests.conftest import SAMPLES

VILLAGE = "370305102201"
ROSTER = SAMPLES / f"roster_{VILLAGE}.xlsx"
PAGE = f"/villages/{VILLAGE}/filing"
# The registry clock is stopped (tests.conftest ``clock``): the roster is imported on IMPORTED_ON,
# the rest happens on TODAY, so the notice (40 days before TODAY) is posted after the roster last
# changed (F-04) and every date lies inside the 2025–2026 holiday calendar (F-05).
IMPORTED_ON = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _import_day(clock):
    return clock.set(IMPORTED_ON)


def _iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


RESOLUTION = {
    "body": "member_assembly", "subject": "membership_confirmation", "title": "关于确认成员名册的决议",
    "notice_date": _iso(25), "meeting_date": _iso(10),
    "base_members": "1200", "in_person": "1000", "votes_for": "900",
}


def _filing(db) -> Filing:
    db.session.expire_all()
    return db.session.scalar(select(Filing).order_by(Filing.id.desc()))


def _village_workflow(login_as, db, clock):
    """Notice → resolution → submit → town record → district receive, as each role does it."""
    clock.set(TODAY)
    clerk = login_as("clerk3")
    resp = clerk.post(f"{PAGE}/notice", data={"posted_on": _iso(40), "place": "村委会公示栏"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    resp = clerk.post(f"{PAGE}/resolution", data=RESOLUTION)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    pending = db.session.scalar(select(func.count()).select_from(Membership).where(Membership.status == "pending"))
    assert pending == 0  # the two 待确认 candidates were confirmed by the assembly (M-02)
    assert clerk.post(f"{PAGE}/submit").status_code == 302
    filing = _filing(db)
    assert filing.state == "town_review" and len(filing.items) == 1446

    town = login_as("town2")
    assert town.post(f"/filings/{filing.id}/record").status_code == 302
    district = login_as("district")
    assert district.post(f"/filings/{filing.id}/receive").status_code == 302
    assert _filing(db).state == "district_filed"
    return district


def _reimport_unchanged(client_or_runner, data: bytes, *, via_cli=None):
    if via_cli is not None:
        path = via_cli / "exported.xlsx"
        path.write_bytes(data)
        result = client_or_runner.invoke(args=["import-roster", str(path), "--village", VILLAGE, "--json",
                                               "--dry-run"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.output.strip().splitlines()[-1])
        assert (out["created"], out["updated"], out["unchanged"], out["errors"]) == (0, 0, 1446, [])
        return
    resp = client_or_runner.post(f"/villages/{VILLAGE}/import",
                                 data={"file": (io.BytesIO(data), "exported.xlsx")},
                                 content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    counts = dict(re.findall(r"<th>(新增|更新|无变化)</th><td[^>]*>(\d+)</td>", html))
    assert counts == {"新增": "0", "更新": "0", "无变化": "1446"}, counts


def test_main_job_over_http(login_as, db, clock):
    clerk = login_as("clerk3")
    resp = clerk.post(f"/villages/{VILLAGE}/import", data={"file": (io.BytesIO(ROSTER.read_bytes()), "r.xlsx")},
                      content_type="multipart/form-data")
    token = re.search(r"/import/([0-9a-f]{32})/apply", resp.get_data(as_text=True)).group(1)
    assert clerk.post(f"/villages/{VILLAGE}/import/{token}/apply", data={"partial": "0"}).status_code == 302
    roster = clerk.get(f"/villages/{VILLAGE}/roster").get_data(as_text=True)
    assert "待确认" in roster and "未备案" in roster

    district = _village_workflow(login_as, db, clock)
    export = district.get(f"/exports/{VILLAGE}/roster.xlsx")
    assert export.status_code == 200
    assert "filename*=UTF-8''" in export.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(export.data)).active
    assert ws.max_row - 2 == 1446  # title, headings, members
    summary = district.get("/exports/370305000000/summary.xlsx")
    assert summary.status_code == 200
    page = district.get("/exports").get_data(as_text=True)
    assert "后杨家村" in page

    roster = login_as("clerk3").get(f"/villages/{VILLAGE}/roster").get_data(as_text=True)
    assert "已备案" in roster and "待确认" not in roster.split("<tbody>")[-1]
    _reimport_unchanged(login_as("clerk3"), export.data)
    audit = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"roster.import", "filing.submit", "filing.town_record", "filing.district_receive",
            "export.roster", "export.summary"} <= audit


def test_main_job_with_cli_import_and_exports(login_as, db, runner, tmp_path, clock):
    result = runner.invoke(args=["import-roster", str(ROSTER), "--village", VILLAGE, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["created"] == 1446

    _village_workflow(login_as, db, clock)
    out = tmp_path / "district.xlsx"
    result = runner.invoke(args=["export-roster", "--area", "370305", "--out", str(out)])
    assert result.exit_code == 0 and "1446" in result.output
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[2]]
    assert header[-1] == "村代码"
    assert {r[-1] for r in ws.iter_rows(min_row=3, values_only=True)} == {VILLAGE}
    village_out = tmp_path / "village.xlsx"
    runner.invoke(args=["export-roster", "--area", VILLAGE, "--out", str(village_out)])
    _reimport_unchanged(runner, village_out.read_bytes(), via_cli=tmp_path)
    summary = tmp_path / "summary.xlsx"
    assert runner.invoke(args=["export-summary", "--area", "370305", "--out", str(summary)]).exit_code == 0
    rows = list(openpyxl.load_workbook(summary)["按镇街汇总"].iter_rows(values_only=True))
    town = next(r for r in rows if r[1] == "皇城镇")
    assert town[rows[0].index("成员数")] == 1446
