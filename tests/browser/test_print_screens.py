"""Issue 12 item 4 in a real browser: the 公示表 of a posted roster and a member's rights statement, each
screenshotted on screen and as printed (print media: only the A4 sheet remains), saved as test artifacts
(BROWSER_ARTIFACTS, see conftest). The pages load nothing the CSP refuses (no inline style)."""
from __future__ import annotations

import datetime as dt

from tests.conftest import SAMPLES

TODAY = dt.date(2026, 6, 15)
ROSTER = SAMPLES / "roster_370305100201.xlsx"


def test_notice_sheet_and_rights_statement_screenshots(desk, clock):
    clock.set(TODAY)
    clerk = desk("clerk")
    page = clerk.page
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.get_by_role("link", name="导入成员名册").first.click()
    page.set_input_files("input[type=file]", str(ROSTER))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="名册备案").click()
    page.fill("input[name=posted_on]", (TODAY - dt.timedelta(days=3)).isoformat())
    page.fill("input[name=place]", "村委会公示栏")
    page.get_by_role("button", name="开始公示").click()
    page.wait_for_load_state()

    # 公示表: linked from the filing page.
    page.get_by_role("link", name="公示表").click()
    page.wait_for_load_state()
    sheet = page.inner_text("article.print-doc")
    assert "成员名册公示表" in sheet and "东柳庄村" in sheet and "公示期：" in sheet and "村委会公示栏" in sheet
    assert page.locator("article.print-doc tbody tr").count() > 300
    assert page.get_by_role("link", name="下载 PDF").is_visible()
    clerk.shot("notice-sheet")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible() and not page.locator(".print-actions").is_visible()
    clerk.shot("notice-sheet-print")
    page.emulate_media(media="screen")

    # 备案表 of the same version (a reform roster: no resolution needed, M-05).
    page.get_by_role("link", name="名册备案").first.click()
    page.get_by_role("link", name="成员名册备案表").click()
    page.wait_for_load_state()
    assert "成员名册备案表" in page.inner_text("article.print-doc")
    clerk.shot("record-form")

    # A member's rights statement.
    page.get_by_role("link", name="成员名册").first.click()
    page.locator("table a[href*='/members/']").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="出具成员身份及权益证明").click()
    page.wait_for_load_state()
    statement = page.inner_text("article.print-doc")
    assert "成员身份及权益证明" in statement and "未备案" in statement and "unfiled" not in statement
    clerk.shot("rights-statement")
    page.emulate_media(media="print")
    clerk.shot("rights-statement-print")
    assert not refused, refused
