"""Issue 13 item 1, the main job in a real browser: the clerk of 西石桥村 (the messy sample roster) downloads
the template, uploads the messy roster, downloads the error workbook, uploads the fixed roster, posts the
notice, records the resolution and submits; the town officer records the filing; the district records
receipt and downloads the summary. Each step is screenshotted (see conftest: BROWSER_ARTIFACTS)."""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl

from registry.excel.normalise import parse_household_no
from tests.conftest import SAMPLES

VILLAGE = "370305100203"
TODAY = dt.date(2026, 6, 15)
MESSY = SAMPLES / "roster_messy.xlsx"
EXPECTED = json.loads((SAMPLES / "roster_messy.expected.json").read_text(encoding="utf-8"))


def _fixed_roster(tmp_path: Path) -> tuple[Path, int]:
    """The clerk's fix: the messy file without the households that have an error row (a household
    missing its head cannot be imported in part). Returns the file and the number of member rows kept."""
    wb = openpyxl.load_workbook(MESSY)
    ws = wb.active
    header_row = next(r for r in range(1, 10) if "户编号" in [c.value for c in ws[r]])
    col = [c.value for c in ws[header_row]].index("户编号") + 1
    bad_rows = {e["row"] for e in EXPECTED if e["outcome"] == "error"}
    household = {r: parse_household_no(ws.cell(r, col).value) for r in (e["row"] for e in EXPECTED)}
    bad_households = {household[r] for r in bad_rows}
    drop = sorted((r for r, h in household.items() if h in bad_households), reverse=True)
    for r in drop:
        ws.delete_rows(r)
    path = tmp_path / "西石桥村成员名册（已改正）.xlsx"
    wb.save(path)
    return path, len(household) - len(drop)


def _download(page, link_text: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_text(link_text, exact=False).first.click()
    return Path(info.value.path()).read_bytes()


def test_clerk_town_district_main_job_in_browser(desk, clock, tmp_path):
    clock.set(TODAY)
    clerk = desk("clerk4")
    page = clerk.page

    # The template, then the messy roster: errors are listed by row, nothing is written.
    page.get_by_role("link", name="导入成员名册").click()
    clerk.shot("import-page")
    template = openpyxl.load_workbook(io.BytesIO(_download(page, "下载成员名册导入模板")))
    headings = [c.value for row in template.active.iter_rows(max_row=3) for c in row if c.value]
    assert {"户编号", "成员姓名", "证件号码", "与户主关系"} <= set(headings)

    page.set_input_files("input[type=file]", str(MESSY))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_load_state()
    clerk.shot("messy-preview")
    body = page.inner_text("main")
    assert "id.checksum" in body or "校验" in body, body[:800]

    errors = openpyxl.load_workbook(io.BytesIO(_download(page, "下载错误说明表")))
    error_headings = {c.value for row in errors.active.iter_rows(max_row=5) for c in row if c.value}
    assert "错误说明" in error_headings

    # The fixed file imports in one go.
    fixed, kept = _fixed_roster(tmp_path)
    page.get_by_role("link", name="导入成员名册").first.click()
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_load_state()
    clerk.shot("fixed-preview")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    clerk.shot("imported")
    assert str(kept) in page.inner_text("body")  # the flash says how many members were written

    # Notice (back-dated: it has been on the board for 40 days), resolution, submit.
    page.get_by_role("link", name="名册备案").click()
    page.fill("input[name=posted_on]", (TODAY - dt.timedelta(days=40)).isoformat())
    page.fill("input[name=place]", "村委会公示栏")
    page.get_by_role("button", name="开始公示").click()
    page.wait_for_load_state()
    clerk.shot("notice")
    page.fill("input[name=notice_date]", (TODAY - dt.timedelta(days=25)).isoformat())
    page.fill("input[name=meeting_date]", (TODAY - dt.timedelta(days=10)).isoformat())
    base = int(page.get_attribute("#base-note", "data-base"))  # today's base; the meeting day's is the same here
    page.fill("textarea[name=in_person]", str(base))
    page.fill("input[name=votes_for]", str(base))
    page.get_by_role("button", name="录入决议").click()
    page.wait_for_load_state()
    clerk.shot("resolution")
    page.get_by_role("button", name="报送乡镇").click()
    page.wait_for_load_state()
    clerk.shot("submitted")
    assert "乡镇审核中" in page.inner_text("main") or "已报送" in page.inner_text("main")

    # The town officer records it.
    town = desk("town")
    tpage = town.page
    tpage.get_by_role("link", name="乡镇待审").click()
    tpage.get_by_role("link", name="审核").first.click()
    tpage.wait_for_load_state()
    town.shot("review")
    assert str(kept) in tpage.inner_text("main")
    tpage.get_by_role("button", name="予以备案（乡镇）").click()
    tpage.wait_for_load_state()
    town.shot("recorded")

    # The district records receipt and downloads the summary.
    district = desk("district")
    dpage = district.page
    dpage.get_by_role("link", name="区级备案").first.click()
    dpage.get_by_role("link", name="审核").first.click()
    dpage.wait_for_load_state()
    dpage.get_by_role("button", name="区级备案").click()
    dpage.wait_for_load_state()
    district.shot("received")
    dpage.get_by_role("link", name="导出").click()
    district.shot("exports")
    summary = openpyxl.load_workbook(io.BytesIO(_download(dpage, "下载汇总表")))
    cells = [c.value for row in summary.active.iter_rows() for c in row if c.value is not None]
    assert kept in cells or str(kept) in map(str, cells)
